"""Pages of analysis and reports."""

from django.urls import path

from kaohe.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("leniency/", views.leniency_page, name="leniency"),
    path("mutual/", views.mutual_page, name="mutual"),
    path("correlation/", views.correlation_page, name="correlation"),
    path("clusters/", views.clusters_page, name="clusters"),
    path("dea/", views.dea_page, name="dea"),
    path("reports/", views.reports_page, name="reports"),
    path("publicity/", views.publicity_page, name="publicity"),
    path("reports/unit.<str:fmt>", views.unit_report, name="unit_report"),
    path("lists/<str:kind>.<str:fmt>", views.list_export, name="list_export"),
    path("notices/<int:run_id>/<int:person_id>.pdf", views.notice_pdf, name="notice"),
    path("notices/batch/", views.notices_batch, name="notices_batch"),
]
