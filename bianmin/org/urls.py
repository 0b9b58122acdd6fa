from django.urls import path

from bianmin.org import views

app_name = "org"

urlpatterns = [
    path("", views.public_home, name="public_home"),
    path("centers/<str:code>/staff/", views.staff_board, name="staff_board"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/org/", views.org_tree, name="org_tree"),
    path("staff/org/<str:code>/", views.org_unit_detail, name="org_unit_detail"),
    path("staff/windows/<int:window_id>/", views.window_detail, name="window_detail"),
]
