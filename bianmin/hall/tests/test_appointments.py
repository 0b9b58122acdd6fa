import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from bianmin.catalog.tests.factories import published_item
from bianmin.hall import selectors, services
from bianmin.hall.models import Appointment, AppointmentEvent, AppointmentSlot, HallSettings, Ticket
from bianmin.hall.tests.factories import NOW, hall, slot

PHONE = "13903711234"


@pytest.fixture
def h(db):
    return hall()


def book(s, phone=PHONE, name="张三", **kwargs):
    kwargs.setdefault("item_name", "高龄津贴申请")
    return services.appointment_book(slot=s, name=name, phone=phone, now=NOW, **kwargs)


def test_booking_takes_a_place_gives_a_number_and_keeps_the_phone_encrypted(h):
    s = slot(h.b, NOW + dt.timedelta(hours=2))

    appointment = book(s, id_number="11010519491231002X")

    s.refresh_from_db()
    assert s.booked == 1
    assert appointment.number == "YY2026-00001"
    assert appointment.phone_tail == "1234"
    assert appointment.date == s.date
    assert appointment.category == h.b
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM hall_appointment WHERE id = %s", [appointment.pk])
        raw_phone, raw_id = cursor.fetchone()
    assert PHONE not in raw_phone
    assert "11010519491231002X" not in raw_id
    assert Appointment.objects.get(pk=appointment.pk).phone == PHONE
    assert AppointmentEvent.objects.filter(appointment=appointment, verb="book").count() == 1


def test_numbers_run_on_per_center_and_year(h):
    s = slot(h.b, NOW + dt.timedelta(hours=2), capacity=5)

    numbers = [book(s, phone=f"1390371000{i}").number for i in range(3)]

    assert numbers == ["YY2026-00001", "YY2026-00002", "YY2026-00003"]


def test_a_full_slot_refuses_the_next_booking_in_chinese(h):
    s = slot(h.b, NOW + dt.timedelta(hours=2), capacity=1)
    book(s)

    with pytest.raises(ValidationError) as err:
        book(s, phone="13903719999")

    assert "已约满" in str(err.value)
    s.refresh_from_db()
    assert s.booked == 1
    assert Appointment.objects.count() == 1


def test_a_blocked_a_past_or_a_too_distant_slot_cannot_be_booked(h):
    blocked = slot(h.b, NOW + dt.timedelta(hours=2), is_blocked=True, block_reason="业务培训")
    past = slot(h.b, NOW - dt.timedelta(hours=1))
    distant = slot(h.b, NOW + dt.timedelta(days=30))

    for s, words in ((blocked, "停止预约"), (past, "已开始或已过去"), (distant, "最多可提前 7 天")):
        with pytest.raises(ValidationError) as err:
            book(s)
        assert words in str(err.value)
    assert Appointment.objects.count() == 0


def test_one_phone_may_book_only_so_many_times_a_day(h):
    HallSettings.objects.create(center=h.center, booking_daily_limit=2)
    slots = [slot(h.b, NOW + dt.timedelta(hours=i + 1)) for i in range(3)]
    book(slots[0])
    book(slots[1])

    with pytest.raises(ValidationError) as err:
        book(slots[2])

    assert "每天最多预约 2 次" in str(err.value)
    # Another day is another day
    book(slot(h.b, NOW + dt.timedelta(days=1)))


def test_the_same_phone_cannot_book_the_same_slot_twice(h):
    s = slot(h.b, NOW + dt.timedelta(hours=2), capacity=5)
    book(s)

    with pytest.raises(ValidationError, match="无需重复预约"):
        book(s, phone="139 0371 1234")


@pytest.mark.parametrize(
    ("field", "kwargs", "words"),
    [
        ("phone", {"phone": "12345"}, "手机号码"),
        ("id_number", {"id_number": "110105194912310021"}, "校验位"),
        ("name", {"name": "  "}, "请填写姓名"),
        ("item", {"item_name": ""}, "办理事项"),
    ],
)
def test_bad_input_gets_a_chinese_message_on_its_field(h, field, kwargs, words):
    s = slot(h.b, NOW + dt.timedelta(hours=2))

    with pytest.raises(ValidationError) as err:
        book(s, **kwargs)

    assert words in " ".join(err.value.message_dict[field])
    s.refresh_from_db()
    assert s.booked == 0


def test_an_item_must_belong_to_the_category_of_the_slot(h):
    handled_at_b = published_item(owner=h.center)
    handled_at_b.item.windows.set([h.windows[3]])
    elsewhere = published_item(owner=h.center)
    s = slot(h.b, NOW + dt.timedelta(hours=2))

    assert book(s, item=handled_at_b.item).item_name == handled_at_b.item.name
    with pytest.raises(ValidationError, match="不在所选业务类别内"):
        book(s, phone="13903710002", item=elsewhere.item)


def test_cancelling_frees_the_place_and_cannot_be_done_twice(h):
    s = slot(h.b, NOW + dt.timedelta(hours=2), capacity=1)
    appointment = book(s)

    services.appointment_cancel(appointment=appointment, reason="本人取消")

    s.refresh_from_db()
    assert s.booked == 0
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.CANCELLED
    with pytest.raises(ValidationError, match="已取消"):
        services.appointment_cancel(appointment=appointment)
    book(s, phone="13903710002")  # the place is free again


def test_changing_moves_the_place_and_a_refused_change_keeps_the_booking(h):
    old = slot(h.b, NOW + dt.timedelta(hours=2))
    new = slot(h.b, NOW + dt.timedelta(hours=3), capacity=1)
    full = slot(h.b, NOW + dt.timedelta(hours=4), capacity=1)
    book(full, phone="13903710009")
    appointment = book(old)

    services.appointment_change(appointment=appointment, slot=new, now=NOW)
    with pytest.raises(ValidationError, match="已约满"):
        services.appointment_change(appointment=appointment, slot=full, now=NOW)

    appointment.refresh_from_db()
    assert appointment.slot == new
    assert [
        s.booked for s in AppointmentSlot.objects.filter(pk__in=[old.pk, new.pk, full.pk]).order_by("starts_at")
    ] == [
        0,
        1,
        1,
    ]
    with pytest.raises(ValidationError, match="同一业务类别"):
        services.appointment_change(appointment=appointment, slot=slot(h.a, NOW + dt.timedelta(hours=5)), now=NOW)


def test_checking_in_turns_the_booking_into_a_priority_ticket_for_its_window(h):
    s = slot(h.b, NOW + dt.timedelta(minutes=30), window=h.windows[3])
    appointment = book(s)

    ticket = services.appointment_check_in(appointment=appointment, now=NOW)

    assert ticket.number == "B001"
    assert ticket.priority == Ticket.Priority.APPOINTMENT
    assert ticket.is_priority
    assert ticket.target_window == h.windows[3]
    assert ticket.applicant_name == "张三"
    assert ticket.day == NOW.date()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN
    assert appointment.ticket == ticket
    with pytest.raises(ValidationError, match="已签到取号"):
        services.appointment_check_in(appointment=appointment, now=NOW)


def test_check_in_only_on_the_day_and_not_long_after_the_slot(h):
    tomorrow = book(slot(h.b, NOW + dt.timedelta(days=1)))
    earlier = book(slot(h.b, NOW + dt.timedelta(minutes=10)), phone="13903710002")

    with pytest.raises(ValidationError, match="请在预约当天签到"):
        services.appointment_check_in(appointment=tomorrow, now=NOW)
    with pytest.raises(ValidationError, match="按普通号取号"):
        services.appointment_check_in(appointment=earlier, now=NOW + dt.timedelta(minutes=71))
    # within the grace period it still works
    assert services.appointment_check_in(appointment=earlier, now=NOW + dt.timedelta(minutes=69)).is_priority


def test_lookup_needs_the_number_and_the_right_phone_tail(h):
    appointment = book(slot(h.b, NOW + dt.timedelta(hours=2)))

    assert selectors.appointment_lookup(center=h.center, number=" yy2026-00001 ", phone_tail="1234") == appointment
    assert selectors.appointment_lookup(center=h.center, number="YY2026-00001", phone_tail="4321") is None
    assert selectors.appointment_lookup(center=h.center, number="YY2026-00001", phone_tail="") is None
    other = hall(code="C2")
    assert selectors.appointment_lookup(center=other.center, number="YY2026-00001", phone_tail="1234") is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_on_postgresql_never_overfill_a_slot():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers itself, so there is no race to test")
    h = hall()
    s = slot(h.b, NOW + dt.timedelta(hours=2), capacity=3)
    successes: list[str] = []
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(12)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            try:
                with transaction.atomic():
                    appointment = book(AppointmentSlot.objects.get(pk=s.pk), phone=f"1390371{i:04d}")
                with lock:
                    successes.append(appointment.number)
            except ValidationError as exc:
                with lock:
                    refusals.append(" ".join(exc.messages))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(successes) == 3
    assert len(set(successes)) == 3
    assert len(refusals) == 9
    assert all("已约满" in r for r in refusals)
    s.refresh_from_db()
    assert s.booked == 3
    assert Appointment.objects.filter(slot=s).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_from_one_phone_on_postgresql_respect_the_daily_limit():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers itself, so there is no race to test")
    h = hall()
    HallSettings.objects.create(center=h.center, booking_daily_limit=2)
    slots = [slot(h.b, NOW + dt.timedelta(hours=1, minutes=30 * i)) for i in range(8)]
    successes: list[str] = []
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(slots))

    def worker(i: int) -> None:
        try:
            barrier.wait()
            try:
                with transaction.atomic():
                    appointment = book(AppointmentSlot.objects.get(pk=slots[i].pk))
                with lock:
                    successes.append(appointment.number)
            except ValidationError as exc:
                with lock:
                    refusals.append(" ".join(exc.messages))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(slots))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(successes) == 2
    assert len(refusals) == 6
    assert all("每天最多预约 2 次" in r for r in refusals)
    assert Appointment.objects.filter(center=h.center).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_changes_on_postgresql_into_the_last_place_let_exactly_one_in():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers itself, so there is no race to test")
    h = hall()
    target = slot(h.b, NOW + dt.timedelta(hours=6), capacity=1)
    booked = [book(slot(h.b, NOW + dt.timedelta(hours=1, minutes=30 * i)), phone=f"1390372{i:04d}") for i in range(6)]
    moved: list[str] = []
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(booked))

    def worker(i: int) -> None:
        try:
            barrier.wait()
            try:
                with transaction.atomic():
                    services.appointment_change(
                        appointment=booked[i], slot=AppointmentSlot.objects.get(pk=target.pk), now=NOW
                    )
                with lock:
                    moved.append(booked[i].number)
            except ValidationError as exc:
                with lock:
                    refusals.append(" ".join(exc.messages))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(booked))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(moved) == 1
    assert len(refusals) == 5
    assert all("已约满" in r for r in refusals)
    target.refresh_from_db()
    assert target.booked == 1
    assert Appointment.objects.filter(slot=target).count() == 1
    # the five refused keep their place; the moved one freed its old place
    assert sum(AppointmentSlot.objects.filter(center=h.center).values_list("booked", flat=True)) == 6


def test_an_elderly_citizen_books_with_a_number_issued_by_a_district_younger_than_them(h):
    # 天河区 (440106) dates from 1985; the applicant was born in 1941.
    s = slot(h.b, NOW + dt.timedelta(hours=2))

    appointment = book(s, id_number="440106194102080034")

    appointment.refresh_from_db()
    assert appointment.id_number == "440106194102080034"
