"""A second URL configuration for test_templating (a setting changed in a test)."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("other/<str:number>/", lambda request, number: HttpResponse(number), name="other")]
