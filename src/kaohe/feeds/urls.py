"""Pages of feeds and imports: value imports (upload, dry run, confirm, progress, error report),
templates, and the feed sources with their keys."""

from django.urls import URLPattern, path

from kaohe.feeds import views

app_name = "feeds"

urlpatterns: list[URLPattern] = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:import_id>/status/", views.import_status, name="import_status"),
    path("imports/<int:import_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:import_id>/errors/", views.import_errors, name="import_errors"),
    path("template.<str:file_format>", views.template_download, name="template"),
    path("sources/", views.sources, name="sources"),
    path("sources/<int:source_id>/rotate/", views.source_rotate, name="source_rotate"),
    path("sources/<int:source_id>/active/", views.source_active, name="source_active"),
]
