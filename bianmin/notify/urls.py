from django.urls import path

from bianmin.notify import views

app_name = "notify"

urlpatterns = [
    path("staff/notifications/", views.notification_list, name="notifications"),
    path("staff/notifications/bell/", views.bell, name="bell"),
    path("staff/notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("staff/notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("staff/notifications/log/", views.message_log, name="message_log"),
]
