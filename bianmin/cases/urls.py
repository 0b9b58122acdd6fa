from django.urls import path

from bianmin.cases import bulk_views, intake_views, online_views, search_views, views

app_name = "cases"

urlpatterns = [
    path("staff/cases/", views.workbench, name="workbench"),
    path("staff/cases/search/", search_views.case_search, name="search"),
    path("staff/cases/search/export.xlsx", search_views.case_search_export, name="search_export"),
    path("staff/cases/intake/", intake_views.intake_start, name="intake_start"),
    path("staff/cases/intake/<int:item_id>/", intake_views.intake, name="intake"),
    path("staff/cases/intake/<int:item_id>/referral/", intake_views.referral, name="referral"),
    path("staff/cases/director/", views.director_board, name="director"),
    path("staff/cases/joint/", views.joint_board, name="joint_board"),
    path("staff/cases/district/", views.district_board, name="district"),
    path("staff/cases/failures/", views.failures, name="failures"),
    path("staff/cases/materials/<int:material_id>/dispose/", views.material_dispose, name="material_dispose"),
    path("staff/cases/handovers/acknowledge/", bulk_views.handovers_acknowledge, name="handovers_ack"),
    path("staff/cases/handovers/<int:handover_id>/acknowledge/", views.handover_acknowledge, name="handover_ack"),
    path("staff/cases/tasks/<int:task_id>/complete/", views.task_complete, name="task_complete"),
    path("staff/cases/supplements/<int:request_id>/signoff/", views.supplement_signoff, name="signoff"),
    path("staff/online/", online_views.online_list, name="online_list"),
    path("staff/online/<str:number>/", online_views.online_detail, name="online_detail"),
    path("staff/cases/c/<str:number>/", views.case_detail, name="detail"),
    path("staff/cases/c/<str:number>/notices/<int:notice_id>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("staff/cases/c/<str:number>/notices/<int:notice_id>/print/", views.notice_print, name="notice_print"),
    path("staff/cases/c/<str:number>/<slug:action>/", views.case_action, name="action"),
    path("progress/", views.progress, name="progress"),
    path("progress/t/<str:token>/", views.progress_token, name="progress_token"),
]
