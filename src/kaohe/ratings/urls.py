"""Pages of public ratings, under /r/: the citizen's page (no login) and the staff pages."""

from django.urls import path

from kaohe.ratings import staff, views

app_name = "ratings"

urlpatterns = [
    path("thanks/", views.thanks, name="thanks"),
    path("codes/", staff.code_units, name="code_units"),
    path("units/<int:unit_id>/codes/", staff.unit_codes, name="unit_codes"),
    path("units/<int:unit_id>/codes.pdf", staff.unit_codes_pdf, name="unit_codes_pdf"),
    path("units/<int:unit_id>/windows/", staff.window_add, name="window_add"),
    path("targets/<int:target_id>/qr.svg", staff.target_qr, name="target_qr"),
    path("targets/<int:target_id>/window/", staff.person_window, name="person_window"),
    path("follow-ups/", staff.follow_up_list, name="follow_ups"),
    path("follow-ups/<int:follow_up_id>/", staff.follow_up_detail, name="follow_up"),
    path("contests/", staff.contest_list, name="contests"),
    path("<str:token>/", views.rate, name="rate"),
]
