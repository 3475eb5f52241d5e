"""Pages of public ratings."""

from django.urls import path  # noqa: F401

app_name = "ratings"

urlpatterns: list = []
