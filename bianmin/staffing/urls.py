from django.urls import path  # noqa: F401

app_name = "staffing"

urlpatterns: list = []  # type: ignore[type-arg]
