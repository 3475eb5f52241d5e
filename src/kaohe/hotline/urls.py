"""Pages of 12345 hotline."""

from django.urls import path  # noqa: F401

app_name = "hotline"

urlpatterns: list = []
