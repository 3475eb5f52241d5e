"""Pages of analysis and reports."""

from django.urls import URLPattern

app_name = "analytics"

urlpatterns: list[URLPattern] = []
