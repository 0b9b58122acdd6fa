from django.urls import path

from bianmin.web import views

app_name = "web"

urlpatterns = [
    path("healthz", views.health, name="health"),
    path("staff/health/", views.staff_health, name="staff_health"),
    path("staff/audit/", views.audit_search, name="audit"),
    path("staff/calendar/", views.calendar_year, name="calendar"),
    path("staff/calendar/<int:pk>/remove/", views.calendar_remove, name="calendar_remove"),
]
