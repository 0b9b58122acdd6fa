from django.urls import path  # noqa: F401

app_name = "frontdesk"

urlpatterns: list = []  # type: ignore[type-arg]
