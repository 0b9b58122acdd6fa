from django.conf import settings
from django.urls import path

from bianmin.core import views

app_name = "core"

urlpatterns = [
    path("healthz", views.health, name="health"),
    path("staff/calendar/", views.calendar_year, name="calendar"),
    path("staff/calendar/<int:pk>/remove/", views.calendar_remove, name="calendar_remove"),
]

# The framework floor for the throughput leg of `manage.py bench`: only mounted when the bench server asks for it.
if settings.BIANMIN_BENCH_HELLO:
    urlpatterns.append(path("bench/hello.json", views.hello, name="bench_hello"))
