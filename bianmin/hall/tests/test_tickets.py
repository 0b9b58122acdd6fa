import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from bianmin.hall import selectors, services
from bianmin.hall.models import Call, HallSettings, Ticket, TicketEvent
from bianmin.hall.tests.factories import NOW, hall
from bianmin.org.tests.factories import WindowFactory


@pytest.fixture
def h(db):
    return hall()


def issue(h, category=None, priority="", minutes=0, **kwargs):
    return services.ticket_issue(
        center=h.center,
        category=category or h.a,
        priority=priority,
        now=NOW + dt.timedelta(minutes=minutes),
        **kwargs,
    )


def call(h, window=1, minutes=60):
    return services.ticket_call_next(
        window=h.windows[window], actor=h.clerks[window].user, now=NOW + dt.timedelta(minutes=minutes)
    )


def done(ticket, h, window=1):
    services.ticket_finish(ticket=ticket, actor=h.clerks[window].user, now=NOW + dt.timedelta(minutes=61))


def test_numbers_run_per_category_prefix_and_restart_every_day(h):
    numbers = [issue(h).number, issue(h).number, issue(h, h.b).number, issue(h).number]
    tomorrow = services.ticket_issue(center=h.center, category=h.a, now=NOW + dt.timedelta(days=1))

    assert numbers == ["A001", "A002", "B001", "A003"]
    assert tomorrow.number == "A001"
    assert tomorrow.day == NOW.date() + dt.timedelta(days=1)
    assert TicketEvent.objects.filter(verb="issue").count() == 5


def test_another_centers_numbers_are_its_own(h):
    other = hall(code="C2")
    issue(h)

    assert services.ticket_issue(center=other.center, category=other.a, now=NOW).number == "A001"


def test_a_category_of_another_center_is_refused(h):
    other = hall(code="C2")

    with pytest.raises(ValidationError, match="不在本大厅"):
        services.ticket_issue(center=h.center, category=other.a, now=NOW)


def test_waiting_ahead_counts_earlier_waiting_tickets_of_the_category(h):
    first, second = issue(h), issue(h, minutes=1)
    issue(h, h.b, minutes=2)
    third = issue(h, minutes=3)
    call(h)  # calls the first

    assert selectors.waiting_ahead(second) == 0
    assert selectors.waiting_ahead(third) == 1
    first.refresh_from_db()
    assert first.status == Ticket.Status.CALLED


def test_calling_records_the_window_the_staff_member_the_time_and_a_screen_call(h):
    ticket = issue(h)

    called = call(h, window=1, minutes=12)

    assert called == ticket
    called.refresh_from_db()
    assert called.status == Ticket.Status.CALLED
    assert called.window == h.windows[1]
    assert called.staff == h.clerks[1]
    assert called.wait_seconds == 12 * 60
    assert Call.objects.get(ticket=called).kind == Call.Kind.CALL
    assert TicketEvent.objects.filter(ticket=called, verb="call", to_state="called").exists()


def test_a_window_calls_only_its_categories(h):
    b_ticket = issue(h, h.b)

    assert call(h, window=1) is None
    assert call(h, window=3) == b_ticket


def test_nobody_waiting_means_nothing_called(h):
    assert call(h) is None
    assert Call.objects.count() == 0


def test_a_window_must_finish_its_ticket_before_calling_the_next(h):
    issue(h)
    issue(h, minutes=1)
    current = call(h)

    with pytest.raises(ValidationError, match=f"{current.number} 号尚未办结"):
        call(h)


def test_priority_goes_first_but_never_more_than_the_cap_in_a_row(h):
    HallSettings.objects.create(center=h.center, priority_cap=2)
    ordinary = [issue(h, minutes=i) for i in range(2)]
    priority = [issue(h, priority=p, minutes=10 + i) for i, p in enumerate(["elderly", "disabled", "pregnant"])]

    order = []
    for minute in range(60, 65):
        ticket = call(h, minutes=minute)
        order.append(ticket.number)
        done(ticket, h)

    p = [t.number for t in priority]
    o = [t.number for t in ordinary]
    assert order == [p[0], p[1], o[0], p[2], o[1]]


def test_the_cap_counts_calls_of_this_window_today_only(h):
    HallSettings.objects.create(center=h.center, priority_cap=1)
    issue(h, minutes=0)
    p1 = issue(h, priority="elderly", minutes=1)
    p2 = issue(h, priority="elderly", minutes=2)

    first = call(h, window=1)
    done(first, h, window=1)
    # window 2 has made no priority call yet: it may call the next priority ticket
    second = call(h, window=2, minutes=62)

    assert (first, second) == (p1, p2)


def test_a_checked_in_appointment_is_called_at_its_window(h):
    from bianmin.hall.tests.factories import slot

    s = slot(h.b, NOW + dt.timedelta(minutes=30), window=h.windows[3])
    appointment = services.appointment_book(slot=s, name="张三", phone="13903711234", item_name="临时救助", now=NOW)
    walk_in = issue(h, h.b)
    ticket = services.appointment_check_in(appointment=appointment, now=NOW + dt.timedelta(minutes=1))

    assert call(h, window=2) == walk_in  # window 2 serves B but the appointment is for window 3
    assert call(h, window=3) == ticket


def test_recall_start_finish_record_times_and_screen_calls(h):
    ticket = issue(h)
    call(h, minutes=5)
    actor = h.clerks[1].user

    services.ticket_recall(ticket=ticket, actor=actor, now=NOW + dt.timedelta(minutes=6))
    services.ticket_start(ticket=ticket, actor=actor, now=NOW + dt.timedelta(minutes=7))
    services.ticket_finish(ticket=ticket, actor=actor, now=NOW + dt.timedelta(minutes=19))

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DONE
    assert ticket.recall_count == 1
    assert ticket.wait_seconds == 5 * 60
    assert ticket.service_seconds == 12 * 60
    assert list(Call.objects.filter(ticket=ticket).order_by("id").values_list("kind", flat=True)) == ["call", "recall"]
    verbs = list(TicketEvent.objects.filter(ticket=ticket).values_list("verb", flat=True))
    assert verbs == ["issue", "call", "recall", "start", "finish"]


def test_finishing_without_start_counts_service_from_the_last_call(h):
    ticket = issue(h)
    call(h, minutes=5)

    services.ticket_finish(ticket=ticket, actor=h.clerks[1].user, now=NOW + dt.timedelta(minutes=9))

    ticket.refresh_from_db()
    assert ticket.service_seconds == 4 * 60


def test_no_show_only_for_a_called_ticket(h):
    ticket = issue(h)
    with pytest.raises(ValidationError, match="等候中"):
        services.ticket_no_show(ticket=ticket, actor=h.clerks[1].user)
    call(h)

    services.ticket_no_show(ticket=ticket, actor=h.clerks[1].user)

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NO_SHOW
    assert call(h, minutes=70) is None


def test_transfer_sends_the_ticket_to_the_other_window_ahead_of_ordinary_tickets(h):
    ticket = issue(h)
    waiting_b = issue(h, h.b, minutes=1)
    call(h, window=1)

    services.ticket_transfer(ticket=ticket, to_window=h.windows[3], actor=h.clerks[1].user, note="民政事项")

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING
    assert ticket.transferred
    assert ticket.is_priority
    assert ticket.window is None
    assert ticket.called_at is not None  # its first wait is kept
    assert call(h, window=1, minutes=61) is None  # the A windows no longer see it: it was sent to window 3
    assert call(h, window=3) == ticket  # and it goes before the B ticket that was waiting there
    done(ticket, h, window=3)
    assert call(h, window=3, minutes=63) == waiting_b


def test_transfer_refuses_the_same_window_and_another_centers(h):
    ticket = issue(h)
    call(h)
    foreign = WindowFactory.create()

    with pytest.raises(ValidationError, match="不能转到本窗口"):
        services.ticket_transfer(ticket=ticket, to_window=h.windows[1], actor=None)
    with pytest.raises(ValidationError, match="本大厅"):
        services.ticket_transfer(ticket=ticket, to_window=foreign, actor=None)


def test_queue_stats_count_and_average_the_wait(h):
    first = issue(h)
    issue(h, minutes=10)
    issue(h, h.b)
    call(h, minutes=20)
    done(first, h)

    stats = {s.category.prefix: s for s in selectors.queue_stats(center=h.center, day=NOW.date())}

    assert (stats["A"].issued, stats["A"].waiting, stats["A"].served) == (2, 1, 1)
    assert stats["A"].avg_wait_minutes == 20.0
    assert stats["B"].waiting == 1
    assert stats["B"].avg_wait_minutes is None


def test_every_change_the_screen_shows_bumps_the_centers_version_in_the_database(h):
    other = hall(code="C2")
    versions = [selectors.screen_version(center=h.center)]
    ticket = issue(h)
    versions.append(selectors.screen_version(center=h.center))
    call(h)
    versions.append(selectors.screen_version(center=h.center))
    services.ticket_recall(ticket=ticket, actor=None)
    versions.append(selectors.screen_version(center=h.center))
    done(ticket, h)
    versions.append(selectors.screen_version(center=h.center))

    assert versions == [0, 1, 2, 3, 4]
    assert selectors.screen_version(center=other.center) == 0


def _parallel(count, target):
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(i):
        try:
            barrier.wait()
            target(i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_kiosks_on_postgresql_get_unique_gap_free_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers itself, so there is no race to test")
    h = hall()
    numbers: list[str] = []
    lock = threading.Lock()

    def kiosk(i):
        for _ in range(8):
            with transaction.atomic():
                ticket = services.ticket_issue(center=h.center, category=h.a, now=NOW)
            with lock:
                numbers.append(ticket.number)

    assert _parallel(10, kiosk) == []
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, 81)]
    assert Ticket.objects.filter(center=h.center, day=NOW.date()).count() == 80


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_windows_on_postgresql_never_call_the_same_ticket():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers itself, so there is no race to test")
    h = hall()
    # Windows 1 and 2 both serve A; add more A windows so several callers race for the same head
    from bianmin.org.tests.factories import PostFactory, staff_user

    extra = []
    for n in (4, 5, 6):
        window = WindowFactory.create(center=h.center, number=n)
        h.a.windows.add(window)
        staff = staff_user("window", h.center)
        PostFactory.create(window=window, staff=staff, valid_from=dt.date(2020, 1, 1))
        extra.append((window, staff))
    callers = [(h.windows[1], h.clerks[1]), (h.windows[2], h.clerks[2]), *extra]
    for i in range(30):
        issue(h, minutes=i % 50)
    called: list[int] = []
    lock = threading.Lock()

    def window_worker(i):
        window, staff = callers[i]
        for round_ in range(10):
            moment = NOW + dt.timedelta(hours=1, minutes=round_)
            ticket = services.ticket_call_next(window=window, actor=staff.user, now=moment)
            if ticket is None:
                return
            with lock:
                called.append(ticket.pk)
            services.ticket_finish(ticket=ticket, actor=staff.user, now=moment)

    assert _parallel(len(callers), window_worker) == []
    assert len(called) == 30
    assert len(set(called)) == 30
    assert Call.objects.filter(center=h.center).count() == 30
