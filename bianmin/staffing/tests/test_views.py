from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from bianmin.org.models import Role
from bianmin.org.tests.factories import DepartmentFactory, center, staff_user
from bianmin.staffing.models import AttendanceDay, DutyShift, Inspection, Leave, UnmannedWindow
from bianmin.staffing.tests.factories import DAY, AttendanceDayFactory, LeaveFactory, at, staffed_window

pytestmark = pytest.mark.django_db

GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

BELL_QUERIES = 0  # the bell's unread count is read with the signed-in user (notify.Inbox): no query of its own


@pytest.fixture
def clock(monkeypatch):
    """Server time fixed on a working Tuesday; call clock.set(...) to move it."""

    class Clock:
        moment = at(DAY, "10:00")

        def set(self, moment: dt.datetime) -> None:
            self.moment = moment

    c = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: c.moment)
    return c


def login(staff) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


# --- check-in card -----------------------------------------------------------------------------------------------


def test_staff_home_has_the_check_in_button(clock):
    w = staffed_window()
    html = login(w.a).get("/staff/").content.decode()
    assert 'action="/staff/staffing/check-in/"' in html
    assert "今日尚未签到" in html


def test_check_in_by_htmx_swaps_the_card_and_records_server_time(clock):
    w = staffed_window()
    client = login(w.a)
    clock.set(at(DAY, "09:07"))

    response = client.post("/staff/staffing/check-in/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "签到成功：09:07" in html
    assert "迟到 7 分钟" in html
    assert 'action="/staff/staffing/check-out/"' in html
    assert AttendanceDay.objects.get(staff=w.a).check_in == at(DAY, "09:07")


def test_second_check_in_gets_a_chinese_error_and_no_500(clock):
    w = staffed_window()
    client = login(w.a)
    client.post("/staff/staffing/check-in/")

    htmx = client.post("/staff/staffing/check-in/", HTTP_HX_REQUEST="true")
    plain = client.post("/staff/staffing/check-in/", follow=True)

    assert htmx.status_code == 400
    assert "无需重复签到" in htmx.content.decode()
    assert "无需重复签到" in plain.content.decode()
    assert AttendanceDay.objects.count() == 1


def test_check_out_redirects_back_to_the_workbench(clock):
    w = staffed_window()
    client = login(w.a)
    client.post("/staff/staffing/check-in/")
    clock.set(at(DAY, "17:40"))
    client = login(w.a)  # the morning's session has ended by now (idle limit): the clerk logs in again

    response = client.post("/staff/staffing/check-out/")

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert AttendanceDay.objects.get().check_out == at(DAY, "17:40")


def test_check_in_is_post_only_and_needs_a_login():
    assert Client().post("/staff/staffing/check-in/").status_code == 302
    w = staffed_window()
    assert login(w.a).get("/staff/staffing/check-in/").status_code == 405


def test_superuser_without_staff_record_cannot_check_in(django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="pw-123456")
    client = Client()
    client.force_login(admin)
    assert client.post("/staff/staffing/check-in/").status_code == 403
    assert "无需签到" in client.get("/staff/").content.decode()


def test_b_sees_that_they_cover_the_window_of_a_on_leave(clock):
    w = staffed_window()
    LeaveFactory.create(staff=w.a)
    AttendanceDayFactory.create(staff=w.b, check_in=at(DAY, "08:55"), check_out=None)

    html = login(w.b).get("/staff/").content.decode()

    assert f"您正在{w.window.number}号窗口" in html
    assert w.a.name in html
    assert "请假" in html


def test_a_on_leave_is_told_to_cancel_it_on_return(clock):
    w = staffed_window()
    leave = LeaveFactory.create(staff=w.a)
    html = login(w.a).get("/staff/").content.decode()
    assert "您正在请假" in html
    assert f"/staff/staffing/leave/{leave.pk}/return/" in html


def test_leave_later_today_is_announced_on_the_card(clock):
    w = staffed_window()
    LeaveFactory.create(staff=w.a, start=at(DAY, "13:30"), end=at(DAY, "17:30"))
    clock.set(at(DAY, "08:30"))
    html = login(w.a).get("/staff/").content.decode()
    assert "您今天 13:30 起请假（事假）" in html


def test_director_workbench_polls_the_unmanned_alert(clock):
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    client = login(director)

    assert 'hx-get="/staff/staffing/board/alert/"' in client.get("/staff/").content.decode()
    alert = client.get("/staff/staffing/board/alert/").content.decode()

    assert "1 个窗口无人值守" in alert
    assert UnmannedWindow.objects.filter(window=w.window, ended_at__isnull=True).exists()


def test_my_attendance_page(clock):
    w = staffed_window()
    AttendanceDayFactory.create(
        staff=w.a, date=DAY - dt.timedelta(days=1), check_in=at(DAY - dt.timedelta(days=1), "09:12")
    )
    html = login(w.a).get("/staff/staffing/attendance/?month=2026-03").content.decode()
    assert "迟到 12 分钟" in html
    assert "本月合计" in html
    assert login(w.a).get("/staff/staffing/attendance/?month=garbage").status_code == 200


# --- attendance sheet and corrections ----------------------------------------------------------------------------


def test_attendance_sheet_query_count_does_not_grow_with_staff(clock, django_assert_max_num_queries):
    hall = center()
    director = staff_user(Role.DIRECTOR, hall)
    for _ in range(12):
        person = staff_user(Role.WINDOW, hall)
        AttendanceDayFactory.create(staff=person)
        LeaveFactory.create(
            staff=person, start=at(DAY, "00:00") + dt.timedelta(days=1), end=at(DAY, "23:00") + dt.timedelta(days=1)
        )
    client = login(director)

    with django_assert_max_num_queries(10 + BELL_QUERIES):
        response = client.get("/staff/staffing/attendance/sheet/?month=2026-03")

    assert response.status_code == 200
    assert response.content.decode().count('class="name"') == 13


def test_attendance_sheet_filters_by_department_and_exports_xlsx(clock):
    hall = center()
    director = staff_user(Role.DIRECTOR, hall)
    civil = DepartmentFactory.create(org_unit=hall, name="民政办")
    in_dept = staff_user(Role.WINDOW, hall, department=civil, name="何春燕")
    staff_user(Role.WINDOW, hall, name="王建军")
    AttendanceDayFactory.create(staff=in_dept, check_in=at(DAY, "09:20"))
    client = login(director)

    html = client.get(f"/staff/staffing/attendance/sheet/?month=2026-03&department={civil.pk}").content.decode()
    assert "何春燕" in html
    assert "王建军" not in html

    response = client.get(f"/staff/staffing/attendance/sheet.xlsx?month=2026-03&department={civil.pk}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert "2026年03月考勤表" in sheet["A1"].value
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][1] == "何春燕"
    assert rows[0][3 + DAY.day - 1] == "迟"  # day column of the 10th
    assert rows[0][2] == "民政办"


def test_attendance_sheet_roles_and_scope(clock):
    w = staffed_window()
    other = center()
    director = staff_user(Role.DIRECTOR, w.center)
    assert login(w.a).get("/staff/staffing/attendance/sheet/").status_code == 403
    assert login(director).get(f"/staff/staffing/attendance/sheet/?center={other.code}").status_code == 404
    assert login(director).get("/staff/staffing/attendance/sheet/?department=abc").status_code == 404
    inspector = staff_user(Role.INSPECTOR, w.center)
    assert login(inspector).get("/staff/staffing/attendance/sheet/").status_code == 200


def test_director_corrects_attendance_with_a_reason(clock):
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    AttendanceDayFactory.create(staff=w.a, check_out=None)
    url = f"/staff/staffing/attendance/{w.a.pk}/2026-03-10/correct/"
    client = login(director)
    assert client.get(url).status_code == 200

    bad = client.post(url, {"check_in": "17:00", "check_out": "09:00", "reason": "核实"})
    assert bad.status_code == 400
    assert "签退时间须晚于签到时间" in bad.content.decode()
    missing = client.post(url, {"check_in": "08:55", "check_out": "17:30", "reason": ""})
    assert "这个字段是必填项" in missing.content.decode()

    response = client.post(url, {"check_in": "08:55", "check_out": "17:30", "reason": "忘记签退"})

    assert response.status_code == 302
    row = AttendanceDay.objects.get(staff=w.a)
    assert row.corrected
    assert row.events.get(verb="correct").note == "忘记签退"


def test_correction_roles_and_scope(clock):
    w = staffed_window()
    stranger = staff_user(Role.WINDOW, center())
    director = staff_user(Role.DIRECTOR, w.center)
    assert login(w.b).get(f"/staff/staffing/attendance/{w.a.pk}/2026-03-10/correct/").status_code == 403
    assert login(director).get(f"/staff/staffing/attendance/{stranger.pk}/2026-03-10/correct/").status_code == 404
    assert login(director).get(f"/staff/staffing/attendance/{w.a.pk}/2026-13-45/correct/").status_code == 404


# --- leave -------------------------------------------------------------------------------------------------------


def test_leave_request_approval_and_return_through_the_pages(clock):
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    clock.set(at(DAY, "08:00"))
    response = login(w.a).post(
        "/staff/staffing/leave/new/",
        {
            "kind": "sick",
            "start_date": "2026-03-10",
            "start_half": "am",
            "end_date": "2026-03-11",
            "end_half": "am",
            "reason": "发烧",
        },
    )
    leave = Leave.objects.get()
    assert response.status_code == 302
    assert (leave.start, leave.end) == (at(DAY, "09:00"), at(dt.date(2026, 3, 11), "12:00"))

    detail = login(director).get(f"/staff/staffing/leave/{leave.pk}/").content.decode()
    assert "1.5 天" in detail
    assert "提交审批" in detail
    login(director).post(f"/staff/staffing/leave/{leave.pk}/decide/", {"decision": "approve", "note": "同意"})
    leave.refresh_from_db()
    assert leave.status == Leave.Status.APPROVED

    clock.set(at(DAY, "16:00"))
    back = login(w.a).post(
        f"/staff/staffing/leave/{leave.pk}/return/",
        {"start_date": "2026-03-10", "start_half": "am", "end_date": "2026-03-10", "end_half": "pm"},
    )
    assert back.status_code == 302
    leave.refresh_from_db()
    assert (leave.status, leave.actual_end) == (Leave.Status.RETURNED, at(DAY, "17:30"))


def test_leave_form_errors_are_chinese(clock):
    w = staffed_window()
    response = login(w.a).post(
        "/staff/staffing/leave/new/",
        {
            "kind": "sick",
            "start_date": "2026-03-10",
            "start_half": "pm",
            "end_date": "2026-03-10",
            "end_half": "am",
            "reason": "x",
        },
    )
    assert response.status_code == 400
    assert "结束时间须晚于开始时间" in response.content.decode()
    garbage = login(w.a).post("/staff/staffing/leave/new/", {"kind": "nope", "start_date": "昨天"})
    assert garbage.status_code == 400
    assert "有效的日期" in garbage.content.decode()
    assert not Leave.objects.exists()


def test_refusing_without_a_reason_is_refused(clock):
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    leave = LeaveFactory.create(staff=w.a, status=Leave.Status.REQUESTED)
    response = login(director).post(
        f"/staff/staffing/leave/{leave.pk}/decide/", {"decision": "refuse", "note": ""}, follow=True
    )
    assert "不予批准时请填写理由" in response.content.decode()
    leave.refresh_from_db()
    assert leave.status == Leave.Status.REQUESTED


def test_leave_visibility(clock):
    w = staffed_window()
    leave = LeaveFactory.create(staff=w.a)
    other_director = staff_user(Role.DIRECTOR, center())
    director = staff_user(Role.DIRECTOR, w.center)
    assert login(w.b).get(f"/staff/staffing/leave/{leave.pk}/").status_code == 404
    assert login(other_director).get(f"/staff/staffing/leave/{leave.pk}/").status_code == 404
    assert login(w.a).get(f"/staff/staffing/leave/{leave.pk}/").status_code == 200
    assert login(w.b).post(f"/staff/staffing/leave/{leave.pk}/decide/", {"decision": "approve"}).status_code == 403
    html = login(director).get("/staff/staffing/leave/?status=approved").content.decode()
    assert w.a.name in html


def test_leave_list_query_count(clock, django_assert_max_num_queries):
    hall = center()
    director = staff_user(Role.DIRECTOR, hall)
    for _ in range(10):
        LeaveFactory.create(staff=staff_user(Role.WINDOW, hall))
    client = login(director)
    with django_assert_max_num_queries(6 + BELL_QUERIES):
        response = client.get("/staff/staffing/leave/")
    assert response.status_code == 200
    assert len(re.findall(r'href="/staff/staffing/leave/\d+/"', response.content.decode())) == 10


# --- live board --------------------------------------------------------------------------------------------------


def test_board_shows_cover_and_unmanned_and_records_it(clock):
    hall = center()
    covered = staffed_window(hall, number=1)
    empty = staffed_window(hall, number=2)
    LeaveFactory.create(staff=covered.a)
    AttendanceDayFactory.create(staff=covered.b, check_in=at(DAY, "08:55"), check_out=None)
    director = staff_user(Role.DIRECTOR, hall)

    html = login(director).get("/staff/staffing/board/").content.decode()

    assert "B岗顶岗" in html
    assert "无人值守，自 09:00 起" in html
    assert re.search(r"已持续(不到1分钟|\d+分钟|\d+小时(\d+分钟)?)<", html)  # not Django's "已 3 小时，5 分钟"
    assert "1 个窗口无人值守" in html
    assert UnmannedWindow.objects.get().window == empty.window


def test_board_htmx_poll_returns_the_partial(clock):
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    html = login(director).get("/staff/staffing/board/", HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="board"')
    assert "<html" not in html


def test_board_query_count_does_not_grow_with_windows(clock, django_assert_max_num_queries):
    hall = center()
    director = staff_user(Role.DIRECTOR, hall)
    for number in range(1, 9):
        staffed_window(hall, number=number)
    client = login(director)
    client.get("/staff/staffing/board/")  # the first look opens the records

    # session, user, staff; the sweep (7, in a savepoint); the board (8); the center picker
    with django_assert_max_num_queries(20 + BELL_QUERIES):
        assert client.get("/staff/staffing/board/").status_code == 200


def test_board_roles_and_scope(clock):
    w = staffed_window()
    other = center()
    director = staff_user(Role.DIRECTOR, w.center)
    assert login(w.a).get("/staff/staffing/board/").status_code == 403
    assert login(director).get(f"/staff/staffing/board/?center={other.code}").status_code == 404


def test_director_acknowledges_from_the_board(clock):
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    client = login(director)
    client.get("/staff/staffing/board/")
    record = UnmannedWindow.objects.get()

    empty = client.post(f"/staff/staffing/unmanned/{record.pk}/acknowledge/", {"note": ""}, follow=True)
    assert "请填写处置说明" in empty.content.decode()
    client.post(
        f"/staff/staffing/unmanned/{record.pk}/acknowledge/",
        {"note": "已安排B岗到岗", "next": "/staff/staffing/board/"},
    )
    record.refresh_from_db()
    assert record.note == "已安排B岗到岗"
    assert "已安排B岗到岗" in client.get("/staff/staffing/unmanned/?month=2026-03").content.decode()
    assert login(w.a).post(f"/staff/staffing/unmanned/{record.pk}/acknowledge/", {"note": "x"}).status_code == 403


def test_public_staff_board_shows_who_is_on_duty(clock):
    w = staffed_window()
    AttendanceDayFactory.create(staff=w.b, check_in=at(DAY, "08:55"), check_out=None)
    html = Client().get(f"/centers/{w.center.code}/staff/").content.decode()
    assert "当前在岗" in html
    assert f"{w.b.name}（B岗顶岗）" in html


# --- roster ------------------------------------------------------------------------------------------------------


def test_director_adds_and_removes_weekend_duty(clock):
    w = staffed_window()
    director = staff_user(Role.DIRECTOR, w.center)
    client = login(director)
    data = {
        "date": "2026-03-14",
        "start": "09:00",
        "end": "12:00",
        "kind": "weekend",
        "window": w.window.pk,
        "staff": w.a.pk,
    }

    response = client.post("/staff/staffing/roster/", data)
    assert response.status_code == 302
    shift = DutyShift.objects.get()

    bad = client.post("/staff/staffing/roster/", data | {"date": "2026-03-10"})
    assert bad.status_code == 400
    assert "该日是工作日" in bad.content.decode()

    page = client.get("/staff/staffing/roster/?month=2026-03").content.decode()
    assert w.a.name in page
    client.post(f"/staff/staffing/roster/{shift.pk}/remove/", {"reason": "人员调整"})
    assert not DutyShift.objects.exists()


def test_roster_is_readable_by_staff_but_editable_by_managers_only(clock):
    w = staffed_window()
    assert login(w.a).get("/staff/staffing/roster/").status_code == 200
    response = login(w.a).post(
        "/staff/staffing/roster/",
        {"date": "2026-03-14", "start": "09:00", "end": "12:00", "kind": "weekend", "staff": w.a.pk},
    )
    assert response.status_code == 403
    assert not DutyShift.objects.exists()


def test_roster_warns_of_unstaffed_extended_hours(clock):
    from bianmin.org.models import ExtendedHours

    w = staffed_window()
    ExtendedHours.objects.create(center=w.center, date=DAY, start=dt.time(12), end=dt.time(13, 30))
    html = login(w.a).get("/staff/staffing/roster/?month=2026-03").content.decode()
    assert "以下延时服务时段尚未排班" in html


# --- inspections -------------------------------------------------------------------------------------------------


def test_inspector_records_with_photo_and_it_is_served_only_in_scope(clock, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    w = staffed_window()
    inspector = staff_user(Role.INSPECTOR, w.center)
    client = login(inspector)
    response = client.post(
        "/staff/staffing/inspections/new/",
        {
            "inspected_at": "2026-03-10T09:40",
            "window": w.window.pk,
            "staff": w.a.pk,
            "rule": "r4_dress",
            "finding": "violation",
            "note": "",
            "photo": SimpleUploadedFile("scene.gif", GIF, content_type="image/gif"),
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    photo = client.get(f"/staff/staffing/inspections/{inspection.pk}/photo/")
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/gif"
    other = staff_user(Role.INSPECTOR, center())
    assert login(other).get(f"/staff/staffing/inspections/{inspection.pk}/photo/").status_code == 404
    assert login(w.a).get(f"/staff/staffing/inspections/{inspection.pk}/").status_code == 403

    summary = client.get("/staff/staffing/inspections/?month=2026-03").content.decode()
    assert w.a.name in summary
    assert inspector.name in summary
    assert '<span class="badge red">1</span>' in summary


def test_inspection_form_errors_are_chinese(clock):
    w = staffed_window()
    inspector = staff_user(Role.INSPECTOR, w.center)
    response = login(inspector).post(
        "/staff/staffing/inspections/new/",
        {"inspected_at": "2026-03-10T09:40", "rule": "r5_conduct", "finding": "violation", "note": ""},
    )
    assert response.status_code == 400
    assert "请选择窗口或填写检查地点" in response.content.decode()
    not_image = login(inspector).post(
        "/staff/staffing/inspections/new/",
        {
            "inspected_at": "2026-03-10T09:40",
            "place": "大厅",
            "rule": "r9_tidy",
            "finding": "compliant",
            "photo": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
        },
    )
    assert not_image.status_code == 400
    assert "图片" in not_image.content.decode()
    assert not Inspection.objects.exists()


def test_only_inspectors_and_directors_record_inspections(clock):
    w = staffed_window()
    assert login(w.a).get("/staff/staffing/inspections/new/").status_code == 403
    admin = staff_user(Role.ADMIN, w.center)
    assert login(admin).get("/staff/staffing/inspections/new/").status_code == 403
    assert login(staff_user(Role.DIRECTOR, w.center)).get("/staff/staffing/inspections/new/").status_code == 200


def test_a_staff_member_sees_their_own_findings_and_adds_a_statement(clock):
    from bianmin.staffing.services import inspection_record

    w = staffed_window()
    inspector = staff_user(Role.INSPECTOR, w.center)
    mine = inspection_record(
        center=w.center, inspected_at=at(DAY, "10:15"), rule=Inspection.Rule.DRESS,
        finding=Inspection.Finding.VIOLATION, actor=inspector.user, window=w.window, staff=w.a, note="未佩戴胸卡",
        now=at(DAY, "11:00"),
    )  # fmt: skip
    theirs = inspection_record(
        center=w.center, inspected_at=at(DAY, "10:20"), rule=Inspection.Rule.CONDUCT,
        finding=Inspection.Finding.VIOLATION, actor=inspector.user, window=w.window, staff=w.b, note="玩手机",
        now=at(DAY, "11:00"),
    )  # fmt: skip
    client = login(w.a)

    page = client.get("/staff/staffing/inspections/mine/").content.decode()
    assert "未佩戴胸卡" in page
    assert "玩手机" not in page
    assert (
        client.post(f"/staff/staffing/inspections/mine/{theirs.pk}/statement/", {f"s{theirs.pk}-text": "x"}).status_code
        == 404
    )
    empty = client.post(f"/staff/staffing/inspections/mine/{mine.pk}/statement/", {f"s{mine.pk}-text": " "})
    assert empty.status_code == 400
    assert "这个字段是必填项" in empty.content.decode() or "必填" in empty.content.decode()

    done = client.post(f"/staff/staffing/inspections/mine/{mine.pk}/statement/", {f"s{mine.pk}-text": "胸卡遗失已补办"})

    assert done.status_code == 302
    assert "胸卡遗失已补办" in client.get("/staff/staffing/inspections/mine/").content.decode()
    director = staff_user(Role.DIRECTOR, w.center)
    detail = login(director).get(f"/staff/staffing/inspections/{mine.pk}/").content.decode()
    assert "被检查人情况说明" in detail
    assert "胸卡遗失已补办" in detail


# --- command -----------------------------------------------------------------------------------------------------


def test_staffing_sweep_command(clock):
    w = staffed_window()
    out = io.StringIO()
    call_command("staffing_sweep", stdout=out)
    assert "新登记 1 条" in out.getvalue()
    call_command("staffing_sweep", "--center", w.center.code, stdout=out)
    assert "新登记 0 条，关闭 0 条" in out.getvalue()
