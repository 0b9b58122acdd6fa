from django.conf import settings
from django.urls import path

from bianmin.bench import views

app_name = "bench"

# The framework floor for the throughput leg of `manage.py bench`: only mounted when the bench server asks for it.
urlpatterns = [path("bench/hello.json", views.hello, name="hello")] if settings.BIANMIN_BENCH_HELLO else []
