"""A day the administrator closes (or opens) in the working calendar reaches the hall (§6(2) 特殊情况另行通知)."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bianmin.core.services import calendar_day_remove, calendar_day_set
from bianmin.hall import selectors, services
from bianmin.hall.models import Appointment, AppointmentSlot
from bianmin.hall.tests.factories import NOW, hall
from bianmin.org.models import ExtendedHours

pytestmark = pytest.mark.django_db

THURSDAY = dt.date(2026, 11, 26)
SATURDAY = dt.date(2026, 11, 28)
NEXT_MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def clock():
    # Services, auto_now fields and the calendar listener all read `timezone.now()`.
    with mock.patch.object(timezone, "now", return_value=NOW):
        yield NOW


def generated(h):
    services.slots_generate(
        center=h.center, category=h.b, first=NOW.date(), last=NEXT_MONDAY, actor=h.director.user, now=NOW
    )
    return AppointmentSlot.objects.filter(category=h.b)


def test_closing_a_working_day_closes_its_slots_and_cancels_its_bookings(clock, django_capture_on_commit_callbacks):
    # Given: slots for the coming days and a booking on Thursday
    h = hall()
    slots = generated(h)
    thursday = slots.filter(date=THURSDAY).order_by("starts_at")
    appointment = services.appointment_book(
        slot=thursday.first(), name="张三", phone="13903711234", item_name="高龄津贴申请", now=NOW
    )

    # When: the administrator closes Thursday
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(day=THURSDAY, is_workday=False, name="临时闭厅", reason="停电检修", actor=h.director.user)

    # Then: none of Thursday's slots is offered, the booking is cancelled with the reason, Friday is untouched
    assert thursday.exists()
    assert not thursday.filter(is_blocked=False).exists()
    offered = {s.date for s in selectors.bookable_slots(center=h.center, category=h.b, moment=NOW)}
    assert THURSDAY not in offered
    assert THURSDAY + dt.timedelta(days=1) in offered
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert thursday.first().booked == 0
    event = appointment.events.get(verb="cancel")
    assert "临时闭厅：停电检修" in event.note
    assert selectors.appointment_cancel_reason(appointment) == event.note
    # A second delivery of the same fact cancels nothing twice.
    assert services.appointments_follow_calendar(kind="calendar_changed", changed_dates=[THURSDAY], now=NOW) == 0
    assert appointment.events.filter(verb="cancel").count() == 1


def test_withdrawing_the_closure_opens_the_day_again(clock, django_capture_on_commit_callbacks):
    h = hall()
    thursday = generated(h).filter(date=THURSDAY)
    count = thursday.count()
    with django_capture_on_commit_callbacks(execute=True):
        row = calendar_day_set(day=THURSDAY, is_workday=False, name="临时闭厅", reason="停电检修", actor=None)

    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_remove(row=row, reason="恢复供电", actor=None)

    assert thursday.count() == count
    assert not thursday.filter(is_blocked=True).exists()


def test_a_director_blocked_slot_stays_blocked_when_a_day_reopens(clock, django_capture_on_commit_callbacks):
    h = hall()
    training = generated(h).filter(date=THURSDAY).first()
    services.slot_block(slot=training, reason="业务培训", actor=h.director.user)
    with django_capture_on_commit_callbacks(execute=True):
        row = calendar_day_set(day=THURSDAY, is_workday=False, name="临时闭厅", reason="停电检修", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_remove(row=row, reason="恢复供电", actor=None)

    training.refresh_from_db()
    assert training.is_blocked
    assert training.block_reason == "业务培训"


def test_a_new_make_up_working_day_opens_slots_like_any_working_day(clock, django_capture_on_commit_callbacks):
    h = hall()
    slots = generated(h)
    friday = slots.filter(date=SATURDAY - dt.timedelta(days=1))
    assert not slots.filter(date=SATURDAY).exists()

    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(day=SATURDAY, is_workday=True, name="调休上班", reason="补班", actor=None)

    saturday = slots.filter(date=SATURDAY)
    assert sorted((timezone.localtime(s.starts_at).time(), s.capacity) for s in saturday) == sorted(
        (timezone.localtime(s.starts_at).time(), s.capacity) for s in friday
    )
    offered = {s.date for s in selectors.bookable_slots(center=h.center, category=h.b, moment=NOW)}
    assert SATURDAY in offered


def test_extended_hours_on_a_closed_day_are_not_shown(clock, django_capture_on_commit_callbacks):
    # Given: weekend duty on Saturday, and extended hours on Thursday evening
    h = hall()
    ExtendedHours.objects.create(center=h.center, date=SATURDAY, start=dt.time(9), end=dt.time(12), note="周末值班")
    ExtendedHours.objects.create(center=h.center, date=THURSDAY, start=dt.time(18), end=dt.time(20), note="夜间")
    assert [s.extended for s in selectors.sessions_on(center=h.center, day=SATURDAY)] == [True]

    # When: both days are closed by notice
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(day=SATURDAY, is_workday=False, name="临时闭厅", reason="防汛", actor=None)
        calendar_day_set(day=THURSDAY, is_workday=False, name="临时闭厅", reason="防汛", actor=None)

    # Then: the hall has no session on either day, extended hours included
    assert selectors.sessions_on(center=h.center, day=SATURDAY) == []
    assert selectors.sessions_on(center=h.center, day=THURSDAY) == []
    hours = {d.day: d for d in selectors.hall_hours(center=h.center)}
    assert hours[THURSDAY].extended == []
    assert hours[SATURDAY].sessions == []


def test_no_extended_hours_can_be_set_on_a_closed_day(clock, django_capture_on_commit_callbacks):
    h = hall()
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(day=SATURDAY, is_workday=False, name="临时闭厅", reason="防汛", actor=None)

    with pytest.raises(ValidationError) as exc:
        services.extended_hours_add(
            center=h.center, date=SATURDAY, start=dt.time(9), end=dt.time(12), note="周末值班", actor=None
        )

    assert exc.value.message_dict == {"date": ["该日已通知闭厅，不能安排延时服务。"]}
    assert not ExtendedHours.objects.exists()


def test_the_demo_has_a_day_closed_by_notice_whose_booking_is_cancelled_with_the_reason(
    settings, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command

    from bianmin.core.models import CalendarDay
    from bianmin.hall.demo import CLOSED_DAY_REASON

    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())

    closed = CalendarDay.objects.get(source=CalendarDay.Source.ADMIN, reason=CLOSED_DAY_REASON)
    assert not closed.is_workday
    booking = Appointment.objects.get(name="吴秀兰")
    assert booking.date == closed.date
    assert booking.status == Appointment.Status.CANCELLED
    assert not AppointmentSlot.objects.filter(date=closed.date, is_blocked=False).exists()
    # loading the demo again closes nothing twice
    call_command("load_demo", stdout=io.StringIO())
    assert CalendarDay.objects.filter(source=CalendarDay.Source.ADMIN, reason=CLOSED_DAY_REASON).count() == 1
