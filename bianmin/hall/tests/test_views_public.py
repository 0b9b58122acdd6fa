"""The hall's public pages: the kiosk, booking and its lookup, the screen, 连心卡."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from bianmin.hall import services
from bianmin.hall.models import Appointment, Ticket
from bianmin.hall.tests.factories import future_slot, hall, slot, today_slot
from bianmin.org.models import Role
from bianmin.org.tests.factories import PostFactory, community, staff_user
from bianmin.staffing.tests.factories import AttendanceDayFactory, LeaveFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def h(db):
    return hall()


# --- Kiosk, receipt, check-in -------------------------------------------------------------------------------


def test_the_kiosk_lists_categories_with_waiting_counts_and_issues_a_ticket(h):
    services.ticket_issue(center=h.center, category=h.a)
    client = Client()

    page = client.get(f"/hall/{h.center.code}/kiosk/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "综合受理" in text
    assert "民政事务" in text
    assert "等候 1 人" in text

    response = client.post(f"/hall/{h.center.code}/kiosk/", {"category": h.a.pk, "priority": "elderly"})

    ticket = Ticket.objects.get(number="A002")
    assert ticket.priority == Ticket.Priority.ELDERLY
    assert response.status_code == 302
    assert response["Location"] == f"/hall/{h.center.code}/tickets/{ticket.public_id}/?kiosk=1"
    receipt = client.get(response["Location"]).content.decode()
    assert "A002" in receipt
    assert "您前面还有 <strong>1</strong> 人等候" in receipt
    assert "老年人优先" in receipt


def test_the_kiosk_refuses_a_bad_category_in_chinese_without_a_ticket(h):
    other = hall(code="C2")

    response = Client().post(f"/hall/{h.center.code}/kiosk/", {"category": other.a.pk})

    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert Ticket.objects.count() == 0
    assert Client().post(f"/hall/{h.center.code}/kiosk/", {"category": "x", "priority": "vip"}).status_code == 400


def test_unknown_centers_and_tickets_answer_404(h):
    client = Client()
    assert client.get("/hall/NOPE/kiosk/").status_code == 404
    assert client.get(f"/hall/{h.center.code}/tickets/00000000-0000-0000-0000-000000000000/").status_code == 404
    point = community(parent=h.center)
    assert client.get(f"/hall/{point.code}/kiosk/").status_code == 404


@pytest.mark.clock
def test_a_booking_checks_in_at_the_kiosk_and_gets_a_priority_ticket(working_morning, h):
    s = today_slot(h)
    appointment = services.appointment_book(slot=s, name="王秀英", phone="13903715001", item_name="高龄津贴申请")
    client = Client()

    wrong = client.post(f"/hall/{h.center.code}/kiosk/check-in/", {"number": appointment.number, "phone_tail": "9999"})
    assert wrong.status_code == 400
    assert "未找到该预约" in wrong.content.decode()
    response = client.post(
        f"/hall/{h.center.code}/kiosk/check-in/", {"number": appointment.number.lower(), "phone_tail": "5001"}
    )

    assert response.status_code == 302
    ticket = Ticket.objects.get(appointment=appointment)
    assert ticket.priority == Ticket.Priority.APPOINTMENT
    assert "王秀英" not in client.get(response["Location"]).content.decode()  # the receipt carries no name


def test_lookups_are_throttled_after_repeated_failures(h):
    client = Client()
    for _ in range(10):
        client.post(f"/hall/{h.center.code}/booking/", {"number": "YY2026-00001", "phone_tail": "0000"})

    response = client.post(f"/hall/{h.center.code}/booking/", {"number": "YY2026-00001", "phone_tail": "0000"})
    other_number = client.post(f"/hall/{h.center.code}/booking/", {"number": "YY2026-00002", "phone_tail": "0000"})

    assert "查询次数过多" in response.content.decode()
    # the limit guards each booking number, so one guesser behind a shared address does not lock out everyone
    assert "查询次数过多" not in other_number.content.decode()


# --- Booking pages ------------------------------------------------------------------------------------------


def test_a_citizen_books_and_sees_the_number_and_a_masked_phone(h):
    s = future_slot(h)
    client = Client()
    page = client.get(f"/hall/{h.center.code}/book/?category={h.b.pk}")
    assert page.status_code == 200
    assert "10:00" in page.content.decode()

    response = client.post(
        f"/hall/{h.center.code}/book/?category={h.b.pk}",
        {"slot": s.pk, "name": "李建国", "phone": "13903715002", "item_name": "临时救助申请"},
    )

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    done = client.get(response["Location"]).content.decode()
    assert appointment.number in done
    assert "139****5002" in done
    assert "13903715002" not in done


def test_bad_booking_input_gets_chinese_errors_and_no_booking(h):
    s = future_slot(h, capacity=1)
    services.appointment_book(slot=s, name="甲", phone="13903710001", item_name="x")
    client = Client()
    url = f"/hall/{h.center.code}/book/?category={h.b.pk}"

    bad_phone = client.post(url, {"slot": s.pk, "name": "李", "phone": "abc", "item_name": "x"})
    full = client.post(url, {"slot": s.pk, "name": "李", "phone": "13903710002", "item_name": "x"})

    assert bad_phone.status_code == 400
    # the full slot is no longer offered: the form refuses it as an invalid choice
    assert full.status_code == 400
    assert "选择一个有效的选项" in full.content.decode() or "已约满" in full.content.decode()
    assert Appointment.objects.count() == 1


def test_the_booking_page_shows_the_extended_hours_and_without_category_the_categories(h):
    page = Client().get(f"/hall/{h.center.code}/book/")

    assert page.status_code == 200
    assert "民政事务" in page.content.decode()
    assert Client().get(f"/hall/{h.center.code}/book/?category=abc").status_code == 200


def test_a_citizen_finds_changes_and_cancels_a_booking(h):
    s = future_slot(h)
    later = slot(h.b, s.starts_at + dt.timedelta(hours=1))
    appointment = services.appointment_book(slot=s, name="孙浩", phone="13903715004", item_name="居住证办理")
    client = Client()

    found = client.post(f"/hall/{h.center.code}/booking/", {"number": appointment.number, "phone_tail": "5004"})
    assert found.status_code == 302
    manage = client.get(found["Location"]).content.decode()
    assert "孙*" in manage
    assert "孙浩" not in manage
    changed = client.post(found["Location"], {"action": "change", "slot": later.pk})
    assert changed.status_code == 302
    appointment.refresh_from_db()
    assert appointment.slot == later
    client.post(found["Location"], {"action": "cancel"})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_the_manage_page_needs_a_lookup_first(h):
    response = Client().get(f"/hall/{h.center.code}/booking/manage/")

    assert response.status_code == 302
    assert response["Location"] == f"/hall/{h.center.code}/booking/"


# --- The hall screen ----------------------------------------------------------------------------------------


@pytest.mark.clock
def test_the_screen_state_shows_calls_waiting_counts_and_windows_without_personal_data(working_morning, h):
    s = today_slot(h, window=h.windows[3])
    appointment = services.appointment_book(slot=s, name="张三丰", phone="13903718888", item_name="临时救助")
    services.appointment_check_in(appointment=appointment)
    services.ticket_issue(center=h.center, category=h.a)
    for clerk in h.clerks.values():
        checked_in(clerk)
    client = Client()
    url = f"/hall/{h.center.code}/screen/state.json"

    before = client.get(url).json()
    ticket = services.ticket_call_next(window=h.windows[3], actor=h.clerks[3].user)
    after = client.get(url).json()

    assert before["now"] is None
    assert {w["prefix"]: w["count"] for w in before["waiting"]} == {"A": 1, "B": 1}
    assert ticket is not None
    assert after["now"]["ticket"] == ticket.number == "B001"
    assert after["now"]["window"] == 3
    assert {w["prefix"]: w["count"] for w in after["waiting"]} == {"A": 1, "B": 0}
    assert [w["staff"] for w in after["windows"]] == [["窗口1员"], ["窗口2员"], ["窗口3员"]]
    assert after["windows"][2]["serving"] == "B001"
    raw = client.get(url).content.decode() + client.get(f"/hall/{h.center.code}/screen/").content.decode()
    for secret in ("张三丰", "13903718888", "8888", appointment.number):
        assert secret not in raw


def checked_in(staff):
    """`staff` checked in an hour ago and is still at work (real time: the screen reads the clock)."""
    return AttendanceDayFactory.create(
        staff=staff, date=timezone.localdate(), check_in=timezone.now() - dt.timedelta(hours=1), check_out=None
    )


def test_the_screen_shows_who_is_on_duty_now_as_staffing_decides(h):
    # Given window 1's A clerk at work, window 2's A clerk on leave with a B post at work,
    # and window 3's A clerk not checked in and nobody to cover
    checked_in(h.clerks[1])
    checked_in(h.clerks[2])
    now = timezone.now()
    LeaveFactory.create(staff=h.clerks[2], start=now - dt.timedelta(hours=2), end=now + dt.timedelta(hours=2))
    cover = staff_user(Role.WINDOW, h.center, name="代岗员")
    PostFactory.create(window=h.windows[2], staff=cover, kind="B", valid_from=dt.date(2020, 1, 1))
    checked_in(cover)

    # When the screen asks
    state = Client().get(f"/hall/{h.center.code}/screen/state.json").json()
    page = Client().get(f"/hall/{h.center.code}/screen/").content.decode()

    # Then A is shown where A is at work, B where A is on leave, nobody where nobody is
    assert [w["staff"] for w in state["windows"]] == [["窗口1员"], ["代岗员"], []]
    assert "代岗员" in page
    assert "窗口2员" not in page
    assert "窗口3员" not in page


def test_a_community_point_has_the_screen_without_the_queue(h):
    point = community(parent=h.center)
    point.hall_kind = "point"
    point.save()

    page = Client().get(f"/hall/{point.code}/screen/")
    state = Client().get(f"/hall/{point.code}/screen/state.json").json()

    assert page.status_code == 200
    assert "no-queue" in page.content.decode()
    assert state["queue"] is False
    assert Client().get(f"/hall/{h.center.code}/screen/state.json").json()["queue"] is True


def test_a_recall_shows_again_on_the_screen(h):
    ticket = services.ticket_issue(center=h.center, category=h.a)
    services.ticket_call_next(window=h.windows[1], actor=h.clerks[1].user)
    client = Client()
    first = client.get(f"/hall/{h.center.code}/screen/state.json").json()["now"]

    services.ticket_recall(ticket=ticket, actor=h.clerks[1].user)
    again = client.get(f"/hall/{h.center.code}/screen/state.json").json()["now"]

    assert again["id"] != first["id"]
    assert again["recall"] is True
    assert again["ticket"] == "A001"


def test_the_screen_state_takes_few_queries_whatever_the_queue(h, django_assert_max_num_queries):
    for _ in range(20):
        services.ticket_issue(center=h.center, category=h.a)
    services.ticket_call_next(window=h.windows[1], actor=h.clerks[1].user)
    cache.clear()

    with django_assert_max_num_queries(12):  # of which four for who is on duty (posts, shifts, attendance, leave)
        Client().get(f"/hall/{h.center.code}/screen/state.json")
    with django_assert_max_num_queries(2):  # the center and its queue version; the state comes from the cache
        Client().get(f"/hall/{h.center.code}/screen/state.json")


# --- 连心卡 --------------------------------------------------------------------------------------------------


def test_the_lianxin_card_is_a_pdf_with_the_communitys_and_the_centers_contacts(h):
    point = community(parent=h.center, name="宏达社区", address="宏达小区 3 号楼", phone="0371-63381301")
    staff_user(Role.WINDOW, point, name="阴华", job_title="社区党支部书记")

    response = Client().get(f"/hall/{h.center.code}/cards/{point.code}.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "连心卡",
        "宏达社区",
        "宏达小区 3 号楼",
        "0371-63381301",
        "阴华",
        h.center.display_hall_name,
        h.center.complaint_phone,
        "上门服务",
    ):
        assert expected in text, expected


def test_a_card_for_a_community_of_another_center_is_404(h):
    other = hall(code="C2")
    far = community(parent=other.center)

    assert Client().get(f"/hall/{h.center.code}/cards/{far.code}.pdf").status_code == 404
