"""Pages of daily work."""

from django.urls import path

from kaohe.worklog import views

app_name = "worklog"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("board/", views.board, name="board"),
]
