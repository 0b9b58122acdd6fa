from django.urls import path

from bianmin.frontdesk import views

app_name = "frontdesk"

urlpatterns = [
    path("staff/frontdesk/", views.desk, name="desk"),
    path("staff/frontdesk/referral-staff/", views.referral_staff_options, name="referral_staff"),
    path("staff/frontdesk/register/", views.register, name="register"),
    path("staff/frontdesk/register/export.xlsx", views.register_export, name="register_export"),
    path("staff/frontdesk/stats/", views.stats, name="stats"),
    path("staff/frontdesk/<int:pk>/", views.inquiry_detail, name="inquiry_detail"),
    path("staff/frontdesk/<int:pk>/case/", views.inquiry_case, name="inquiry_case"),
    path("staff/frontdesk/<int:pk>/phone/", views.inquiry_reveal_phone, name="inquiry_phone"),
    path("staff/handovers/", views.handover_list, name="handovers"),
    path("staff/handovers/acknowledge/", views.handover_ack_many, name="handover_ack_many"),
    path("staff/handovers/<int:pk>/acknowledge/", views.handover_ack, name="handover_ack"),
]
