"""Pages of daily work."""

from django.urls import URLPattern

app_name = "worklog"

urlpatterns: list[URLPattern] = []
