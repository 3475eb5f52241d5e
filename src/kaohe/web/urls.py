from django.urls import path

from kaohe.web.views import appraisal, auth, indicators, jobs, org, tokens, transfer

app_name = "web"

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.KaoheLoginView.as_view(), name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("units/", org.unit_tree, name="unit_tree"),
    path("units/<int:unit_id>/", org.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/children/", org.unit_children_partial, name="unit_children"),
    path("people/", org.people, name="people"),
    path("people/export/", org.people_export, name="people_export"),
    path("people/<int:person_id>/", org.person_detail, name="person_detail"),
    path("me/", org.my_record, name="my_record"),
    path("library/", indicators.library, name="library"),
    path("library/new/", indicators.indicator_edit, name="indicator_new"),
    path("library/<int:indicator_id>/", indicators.indicator_edit, name="indicator_edit"),
    path("library/<int:indicator_id>/retire/", indicators.indicator_retire, name="indicator_retire"),
    path("library/export/", transfer.library_export, name="library_export"),
    path("library/import/", transfer.library_import, name="library_import"),
    path("schemes/<int:scheme_id>/export/", transfer.scheme_export, name="scheme_export"),
    path("schemes/<int:scheme_id>/import/", transfer.scheme_import, name="scheme_import"),
    path("imports/<str:name>/", transfer.import_errors, name="import_errors"),
    path("library/preview/", indicators.rule_preview, name="rule_preview"),
    path("library/diff/", indicators.library_diff, name="library_diff"),
    path("schemes/", indicators.schemes, name="schemes"),
    path("schemes/<int:scheme_id>/", indicators.scheme_edit, name="scheme_edit"),
    path("schemes/<int:scheme_id>/check/", indicators.scheme_check, name="scheme_check"),
    path("schemes/<int:scheme_id>/activate/", indicators.scheme_activate, name="scheme_activate"),
    path("schemes/<int:scheme_id>/ahp/", indicators.scheme_ahp, name="scheme_ahp"),
    path("cycles/", appraisal.cycles, name="cycles"),
    path("cycles/<int:cycle_id>/", appraisal.cycle_detail, name="cycle_detail"),
    path("cycles/<int:cycle_id>/runs/", appraisal.run_start, name="run_start"),
    path("runs/<int:run_id>/units/<int:unit_id>/", appraisal.unit_results, name="unit_results"),
    path("runs/<int:run_id>/people/<int:person_id>/", appraisal.person_result, name="person_result"),
    path("runs/<int:run_id>/diff/<int:other_id>/", appraisal.run_diff, name="run_diff"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/download/", jobs.job_download, name="job_download"),
]
