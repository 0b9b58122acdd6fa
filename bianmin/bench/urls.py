from django.conf import settings
from django.urls import path

from bianmin.bench import views

app_name = "bench"

# The floors of `manage.py bench` (the bare hello view of the throughput leg, the staff-page floor): mounted only when
# the bench asks for them (BIANMIN_BENCH_HELLO), and in the tests.
urlpatterns = (
    [path("bench/hello.json", views.hello, name="hello"), path("bench/floor/", views.floor, name="floor")]
    if settings.BIANMIN_BENCH_HELLO or settings.TESTING
    else []
)
