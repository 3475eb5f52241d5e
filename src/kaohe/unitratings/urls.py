"""Pages of ratings between units: reverse evaluation (反向测评) and collaboration ratings (跨部门互评)."""

from django.urls import path

from kaohe.unitratings import views

app_name = "unitratings"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("reverse/", views.reverse_rounds, name="reverse_rounds"),
    path("reverse/<int:round_id>/", views.reverse_round, name="reverse_round"),
    path("reverse/<int:round_id>/open/", views.reverse_round_open, name="reverse_round_open"),
    path("reverse/<int:round_id>/close/", views.reverse_round_close, name="reverse_round_close"),
    path("reverse/<int:round_id>/rate/", views.reverse_rate, name="reverse_rate"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:task_id>/", views.task, name="task"),
    path("tasks/<int:task_id>/close/", views.task_close, name="task_close"),
    path("tasks/<int:task_id>/rate/", views.task_rate, name="task_rate"),
    path("results/", views.results, name="results"),
]
