from django.urls import path

from bianmin.assignments import views

app_name = "assignments"

urlpatterns = [
    path("staff/tasks/", views.task_list, name="tasks"),
    path("staff/tasks/board/", views.task_board, name="task_board"),
    path("staff/tasks/new/", views.task_create, name="task_create"),
    path("staff/tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("staff/tasks/<int:task_id>/<str:action>/", views.task_action, name="task_action"),
]
