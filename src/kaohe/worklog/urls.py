"""Pages of daily work."""

from django.urls import path  # noqa: F401

app_name = "worklog"

urlpatterns: list = []
