from django.urls import path

from bianmin.staffing import views

app_name = "staffing"

urlpatterns = [
    path("staff/staffing/check-in/", views.check_in, name="check_in"),
    path("staff/staffing/check-out/", views.check_out, name="check_out"),
    path("staff/staffing/card/", views.checkin_card, name="checkin_card"),
    path("staff/staffing/attendance/", views.my_attendance, name="my_attendance"),
    path("staff/staffing/attendance/sheet/", views.attendance_sheet, name="attendance_sheet"),
    path("staff/staffing/attendance/sheet.xlsx", views.attendance_sheet_export, name="attendance_sheet_export"),
    path(
        "staff/staffing/attendance/<int:staff_id>/<str:day>/correct/",
        views.attendance_correct,
        name="attendance_correct",
    ),
    path("staff/staffing/leave/", views.leave_list, name="leave_list"),
    path("staff/staffing/leave/new/", views.leave_new, name="leave_new"),
    path("staff/staffing/leave/<int:leave_id>/", views.leave_detail, name="leave_detail"),
    path("staff/staffing/leave/<int:leave_id>/decide/", views.leave_decide, name="leave_decide"),
    path("staff/staffing/leave/<int:leave_id>/withdraw/", views.leave_withdraw, name="leave_withdraw"),
    path("staff/staffing/leave/<int:leave_id>/return/", views.leave_return, name="leave_return"),
    path("staff/staffing/board/", views.board, name="board"),
    path("staff/staffing/board/alert/", views.unmanned_alert, name="unmanned_alert"),
    path("staff/staffing/unmanned/", views.unmanned_list, name="unmanned_list"),
    path("staff/staffing/unmanned/<int:record_id>/acknowledge/", views.unmanned_acknowledge, name="unmanned_ack"),
    path("staff/staffing/roster/", views.roster, name="roster"),
    path("staff/staffing/roster/<int:shift_id>/remove/", views.roster_remove, name="roster_remove"),
    path("staff/staffing/inspections/", views.inspection_list, name="inspection_list"),
    path("staff/staffing/inspections/new/", views.inspection_new, name="inspection_new"),
    path("staff/staffing/inspections/mine/", views.my_inspections, name="my_inspections"),
    path(
        "staff/staffing/inspections/mine/<int:inspection_id>/statement/",
        views.inspection_statement,
        name="inspection_statement",
    ),
    path("staff/staffing/inspections/<int:inspection_id>/", views.inspection_detail, name="inspection_detail"),
    path("staff/staffing/inspections/<int:inspection_id>/void/", views.inspection_void, name="inspection_void"),
    path("staff/staffing/inspections/<int:inspection_id>/photo/", views.inspection_photo, name="inspection_photo"),
]
