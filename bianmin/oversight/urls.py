from django.urls import path

from bianmin.oversight import views

app_name = "oversight"

urlpatterns = [
    path("centers/<str:code>/complaint/", views.complaint_new, name="complaint_new"),
]
