"""Pages of the 12345 hotline: records with their classification and monthly counts, one record with
the people's corrections, and feeding the indicators."""

from django.urls import URLPattern, path

from kaohe.hotline import views

app_name = "hotline"

urlpatterns: list[URLPattern] = [
    path("", views.records, name="records"),
    path("<int:record_id>/", views.record_detail, name="record_detail"),
    path("<int:record_id>/reclassify/", views.record_reclassify, name="record_reclassify"),
    path("<int:record_id>/substantiate/", views.record_substantiate, name="record_substantiate"),
    path("feed/", views.indicators_feed, name="indicators_feed"),
]
