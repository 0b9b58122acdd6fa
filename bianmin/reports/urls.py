from django.urls import path

from bianmin.reports import views

app_name = "reports"

urlpatterns = [
    path("staff/reports/", views.home, name="home"),
    path("staff/reports/centers/<str:code>/", views.center_dashboard, name="center_dashboard"),
    path("staff/reports/centers/<str:code>/export/", views.center_dashboard_export, name="center_dashboard_export"),
    path("staff/reports/districts/<str:code>/", views.district_dashboard, name="district_dashboard"),
    path(
        "staff/reports/districts/<str:code>/export/",
        views.district_dashboard_export,
        name="district_dashboard_export",
    ),
    path("staff/assessment/", views.assessment_home, name="assessment_home"),
    path("staff/assessment/<str:code>/", views.assessment_sheet, name="assessment"),
    path("staff/assessment/<str:code>/export/", views.assessment_export, name="assessment_export"),
    path("staff/assessment/<str:code>/staff/<int:staff_id>/", views.assessment_score, name="assessment_score"),
]
