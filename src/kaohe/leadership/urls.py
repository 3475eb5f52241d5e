"""Pages of leadership-team and leading-cadre appraisal."""

from django.urls import path

from kaohe.leadership import views

app_name = "leadership"

urlpatterns = [
    path("", views.index, name="index"),
    path("cycles/<int:cycle_id>/", views.cycle_teams, name="cycle"),
    path("cycles/<int:cycle_id>/units/<int:unit_id>/", views.team, name="team"),
    path("cycles/<int:cycle_id>/units/<int:unit_id>/act/", views.team_act, name="team_act"),
    path("cycles/<int:cycle_id>/analysis/", views.analysis, name="analysis"),
    path("cycles/<int:cycle_id>/analysis.xlsx", views.analysis_export, name="analysis_export"),
    path("cadres/<int:appraisal_id>/", views.cadre, name="cadre"),
    path("cadres/<int:appraisal_id>/act/", views.cadre_act, name="cadre_act"),
    path("units/<int:unit_id>/<int:year>/interviews/", views.interviews, name="interviews"),
    path("interviews/<int:interview_id>/", views.interview, name="interview"),
]
