import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bianmin.hall import services
from bianmin.hall.jobs import appointment_reminders
from bianmin.hall.models import AppointmentEvent, HomeVisit
from bianmin.hall.tests.factories import NOW, hall, slot
from bianmin.notify.models import Channel, Notification
from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user

pytestmark = pytest.mark.django_db

PHONE = "13903711234"


def book(s, phone=PHONE):
    return services.appointment_book(slot=s, name="张三", phone=phone, item_name="高龄津贴申请", now=NOW)


def test_booking_changing_and_cancelling_each_send_one_sms_confirmation(django_capture_on_commit_callbacks):
    h = hall()
    first = slot(h.b, NOW + dt.timedelta(days=1))
    second = slot(h.b, NOW + dt.timedelta(days=1, hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(first)
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_change(appointment=appointment, slot=second, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=appointment)

    sent = Notification.objects.order_by("id")
    assert [n.template for n in sent] == ["appointment_booked", "appointment_changed", "appointment_cancelled"]
    assert {n.channel for n in sent} == {Channel.SMS}
    assert {n.phone for n in sent} == {PHONE}
    assert all(n.center_id == h.center.pk for n in sent)
    booked, changed, cancelled = sent
    assert appointment.number in booked.body
    assert "2026年11月25日 10:00—10:30" in booked.body
    assert "高龄津贴申请" in booked.body
    assert "2026年11月25日 11:00—11:30" in changed.body
    assert "已取消" in cancelled.body
    assert "张三" not in booked.body + changed.body + cancelled.body  # the name is not needed in a text message


def test_a_refused_booking_sends_nothing(django_capture_on_commit_callbacks):
    h = hall()
    full = slot(h.b, NOW + dt.timedelta(days=1), capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        book(full)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError, match="约满"):
        book(full, phone="13903715678")

    assert Notification.objects.count() == 1


def test_the_reminder_goes_out_once_on_the_working_day_before(django_capture_on_commit_callbacks):
    # Given bookings for Wednesday and Thursday, and one for Wednesday that was cancelled (today is Tuesday)
    h = hall()
    wednesday = book(slot(h.b, NOW + dt.timedelta(days=1)))
    thursday = book(slot(h.b, NOW + dt.timedelta(days=2)))
    cancelled = book(slot(h.b, NOW + dt.timedelta(days=1, hours=1)), phone="13903715678")
    services.appointment_cancel(appointment=cancelled)
    Notification.objects.all().delete()

    # When the hourly job runs on Tuesday, twice
    with django_capture_on_commit_callbacks(execute=True):
        first = services.appointment_reminders_send(now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.appointment_reminders_send(now=NOW + dt.timedelta(hours=1))

    # Then only Wednesday's booking is reminded, once
    assert (first, again) == (1, 0)
    reminder = Notification.objects.get()
    assert reminder.template == "appointment_reminder"
    assert reminder.key == f"hall:appointment_reminder:{wednesday.pk}:20261125"
    assert wednesday.number in reminder.body
    assert AppointmentEvent.objects.filter(appointment=wednesday, verb="remind").count() == 1
    assert not AppointmentEvent.objects.filter(appointment=thursday, verb="remind").exists()


def test_a_monday_booking_is_reminded_on_friday_and_a_moved_booking_again(django_capture_on_commit_callbacks):
    h = hall()
    friday = dt.datetime(2026, 11, 27, 10, 0, tzinfo=NOW.tzinfo)
    monday_slot = slot(h.b, dt.datetime(2026, 11, 30, 10, 0, tzinfo=NOW.tzinfo))
    monday_later = slot(h.b, dt.datetime(2026, 11, 30, 15, 0, tzinfo=NOW.tzinfo))
    tuesday_slot = slot(h.b, dt.datetime(2026, 12, 1, 10, 0, tzinfo=NOW.tzinfo))
    appointment = book(monday_slot)

    thursday_run = services.appointment_reminders_send(now=friday - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        friday_run = services.appointment_reminders_send(now=friday)
    services.appointment_change(appointment=appointment, slot=monday_later, now=friday)
    same_day_run = services.appointment_reminders_send(now=friday + dt.timedelta(hours=1))
    services.appointment_change(appointment=appointment, slot=tuesday_slot, now=friday)
    with django_capture_on_commit_callbacks(execute=True):
        monday_run = services.appointment_reminders_send(now=dt.datetime(2026, 11, 30, 9, 30, tzinfo=NOW.tzinfo))

    assert (thursday_run, friday_run, same_day_run, monday_run) == (0, 1, 0, 1)
    assert Notification.objects.filter(template="appointment_reminder").count() == 2


def test_no_reminders_at_night_or_on_a_rest_day():
    h = hall()
    book(slot(h.b, NOW + dt.timedelta(days=1)))
    night = NOW.replace(hour=22)
    saturday = dt.datetime(2026, 11, 28, 10, 0, tzinfo=NOW.tzinfo)

    assert services.appointment_reminders_send(now=night) == 0
    assert services.appointment_reminders_send(now=saturday) == 0


def test_the_periodic_job_reports_how_many_it_reminded():
    assert appointment_reminders().startswith("发送预约提醒")


def test_a_booking_on_a_day_closed_by_notice_gets_one_sms_with_the_reason_and_the_rebooking_link(
    django_capture_on_commit_callbacks, settings
):
    from unittest import mock

    from django.utils import timezone

    from bianmin.core.services import calendar_day_set

    settings.BIANMIN_PUBLIC_BASE_URL = "https://bianmin.example.gov.cn"
    h = hall()
    thursday = slot(h.b, NOW + dt.timedelta(days=2))
    with mock.patch.object(timezone, "now", return_value=NOW):
        with django_capture_on_commit_callbacks(execute=True):
            appointment = book(thursday)
        with django_capture_on_commit_callbacks(execute=True):
            calendar_day_set(
                day=thursday.date, is_workday=False, name="临时闭厅", reason="停电检修", actor=h.director.user
            )
        # The same fact delivered again (a retry) sends nothing twice.
        services.appointments_follow_calendar(kind="calendar_changed", changed_dates=[thursday.date])

    sms = Notification.objects.filter(template="appointment_cancelled_closed_day")
    assert sms.count() == 1
    body = sms.get().body
    assert "临时闭厅：停电检修" in body
    assert appointment.number in body
    assert f"https://bianmin.example.gov.cn/hall/{h.center.code}/book/" in body
    assert sms.get().channel == Channel.SMS
    assert sms.get().phone == PHONE


# --- Home visits (上门服务): the staff who arrange and who go are told ------------------------------------------


def request_visit(h, **kwargs):
    data = {
        "center": h.center,
        "channel": HomeVisit.Channel.ONLINE,
        "name": "刘德福",
        "phone": "13903716001",
        "address": "宏达小区 5 号楼",
        "reason": HomeVisit.Reason.ELDERLY,
        "item_name": "高龄津贴资格认证",
    }
    data.update(kwargs)
    return services.home_visit_request(**data)


def test_a_public_home_visit_request_tells_the_centers_directors_in_app(django_capture_on_commit_callbacks):
    h = hall()
    second = staff_user(Role.DIRECTOR, h.center, name="副主任")
    elsewhere = hall("C2")

    with django_capture_on_commit_callbacks(execute=True):
        visit = request_visit(h)

    sent = Notification.objects.filter(template="home_visit_requested")
    assert set(sent.values_list("recipient_user", flat=True)) == {h.director.user.pk, second.user.pk}
    assert elsewhere.director.user.pk not in set(sent.values_list("recipient_user", flat=True))
    assert {n.channel for n in sent} == {Channel.IN_APP}
    message = sent.get(recipient_user=h.director.user)
    assert visit.number in message.body
    assert "宏达小区 5 号楼" in message.body
    assert "网上申请" in message.body
    assert message.url == reverse("hall:home_visit", args=[visit.pk])


def test_a_director_who_registers_a_request_is_not_told_of_it(django_capture_on_commit_callbacks):
    h = hall()
    with django_capture_on_commit_callbacks(execute=True):
        request_visit(h, channel=HomeVisit.Channel.PHONE, actor=h.director.user)

    assert not Notification.objects.filter(template="home_visit_requested").exists()


def test_scheduling_a_home_visit_tells_each_staff_member_sent_and_again_when_rescheduled(
    django_capture_on_commit_callbacks,
):
    h = hall()
    visit = request_visit(h)
    when = timezone.now() + dt.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.home_visit_assign(
            visit=visit, assignees=[h.clerks[1], h.clerks[2]], scheduled_at=when, actor=h.director.user
        )
    sent = Notification.objects.filter(template="home_visit_assigned")
    assert set(sent.values_list("recipient_user", flat=True)) == {h.clerks[1].user.pk, h.clerks[2].user.pk}
    body = sent.get(recipient_user=h.clerks[1].user).body
    assert f"{timezone.localtime(when):%Y年%m月%d日 %H:%M}" in body
    assert "宏达小区 5 号楼" in body
    assert "高龄津贴资格认证" in body
    assert "窗口1员、窗口2员" in body

    later = when + dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.home_visit_assign(visit=visit, assignees=[h.clerks[3]], scheduled_at=later, actor=h.director.user)
    again = Notification.objects.filter(template="home_visit_assigned", recipient_user=h.clerks[3].user)
    assert again.count() == 1
    assert f"{timezone.localtime(later):%Y年%m月%d日 %H:%M}" in again.get().body
