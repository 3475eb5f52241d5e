"""Pages of 360° ballots."""

from django.urls import path

from kaohe.ballots import views

app_name = "ballots"

urlpatterns = [
    path("", views.my_ballots, name="my_ballots"),
    path("<int:round_id>/vote/", views.vote, name="vote"),
    path("<int:round_id>/receipt/", views.receipt, name="receipt"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/open/", views.round_open, name="round_open"),
    path("rounds/<int:round_id>/close/", views.round_close, name="round_close"),
    path("rounds/<int:round_id>/raters/", views.rater_add, name="rater_add"),
    path("rounds/<int:round_id>/raters/remove/", views.rater_remove, name="rater_remove"),
    path("rounds/<int:round_id>/export/", views.round_export, name="round_export"),
    path("relationships/", views.relationships, name="relationships"),
]
