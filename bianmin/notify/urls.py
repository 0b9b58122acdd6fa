from django.urls import path  # noqa: F401

app_name = "notify"

urlpatterns: list = []  # type: ignore[type-arg]
