from django.urls import path

from kaohe.web.views import auth, jobs, org, tokens

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
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/download/", jobs.job_download, name="job_download"),
]
