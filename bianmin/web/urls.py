from django.urls import path

from bianmin.web import care, views

app_name = "web"

urlpatterns = [
    path("healthz", views.health, name="health"),
    path("care-mode/", care.care_mode, name="care_mode"),
    path("staff/health/", views.staff_health, name="staff_health"),
    path("staff/audit/", views.audit_search, name="audit"),
    path("staff/todo/counts/", views.todo_counts, name="todo_counts"),
    path("staff/calendar/", views.calendar_year, name="calendar"),
    path("staff/calendar/<int:pk>/remove/", views.calendar_remove, name="calendar_remove"),
    path("staff/account/password/", views.password_change, name="password_change"),
    path("staff/account/two-factor/", views.two_factor, name="two_factor"),
    path("staff/security/lockouts/", views.lockouts, name="lockouts"),
    path("staff/security/lockouts/<int:pk>/unlock/", views.lockout_unlock, name="lockout_unlock"),
]
