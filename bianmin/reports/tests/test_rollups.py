"""The district dashboard from monthly rollups: every figure equal to the live queries', on generated data over
several months and units, before and after late writes into closed months (through the services, so the listeners
mark the rows), with the rollup path's query count asserted."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bianmin.cases.models import Status
from bianmin.cases.tests.factories import World, item_for
from bianmin.catalog.models import Mode
from bianmin.core.scheduling import periodic_job
from bianmin.frontdesk.models import Inquiry
from bianmin.org.models import OrgUnit
from bianmin.org.tests.factories import community
from bianmin.petitions.models import Petition
from bianmin.petitions.services import petition_close
from bianmin.reports.models import MonthRollup
from bianmin.reports.periods import local_bounds, next_month
from bianmin.reports.rollups import mark_dirty, refresh
from bianmin.reports.selectors import Dashboard, _month_groups, district_dashboard
from bianmin.reports.tests import factories as f
from bianmin.reports.tests.factories import at
from bianmin.staffing.services import attendance_correct

# A closed month from rollups: units, which months their rollups hold with the trend's sums, the rows, overdue now,
# leave; read again while no row is rebuilt, the rows' sums are kept (bianmin.reports.selectors._sums_key).
# A trend reaching back before the first rollup is counted live each time: one query more (rolled_queries).
ROLLED_QUERIES = 5
KEPT_QUERIES = 4
KEPT_LIVE_TREND_QUERIES = 5
# Units, which months are rolled up, then one aggregate per figure with the trend counted live (test_dashboards; on
# PostgreSQL the counts per unit, item, mode and day in one); one fewer where the trend comes with the rollups.
LIVE_QUERIES = 10 if connection.vendor == "postgresql" else 14
MONTHS = [dt.date(2025, m, 1) for m in (9, 10, 11, 12)] + [dt.date(2026, m, 1) for m in (1, 2, 3, 4, 5)]
CLOSED = [m for m in MONTHS if m < dt.date(2026, 4, 1)]


def _moment(rng: random.Random, month: dt.date) -> dt.datetime:
    day = rng.randint(1, 28)
    return at(month.year, month.month, day, rng.choice([0, 8, 9, 10, 14, 16, 23]), rng.choice([0, 10, 30, 59]))


def generate(world: World, seed: int = 21) -> dict[str, Any]:
    """Cases, ratings, inquiries, petitions, attendance and leave from September 2025 to 15 April 2026 over the
    district's own hall, two centers and a community point; completions and deadlines cross month ends."""
    rng = random.Random(seed)
    point = community(world.center, code="410108901001")
    units = [world.center, world.center, world.other_center, point, world.district]
    versions = [item_for(world, name=f"事项{i:02d}") for i in range(23)]
    staff = {world.center.pk: world.clerk, world.other_center.pk: world.outsider}
    cases = []
    rated: set[int] = set()
    for month in MONTHS[:-1]:
        for _i in range(rng.randint(25, 40)):
            received = _moment(rng, month)
            if received > at(2026, 4, 15, 9):
                continue
            center = rng.choice(units)
            mode = rng.choice(list(Mode))
            due = None if mode == Mode.DIRECT else received + dt.timedelta(days=rng.randint(1, 12))
            completed: dt.datetime | None = received + dt.timedelta(days=rng.randint(0, 15), hours=rng.randint(0, 8))
            if completed is None or completed > at(2026, 4, 15, 9) or rng.random() < 0.15:
                completed = None
            status = Status.DELIVERED if completed else rng.choice([Status.IN_PROGRESS, Status.WAITING])
            cases.append(
                f.case(
                    rng.choice(versions),
                    center=center,
                    staff=staff.get(center.pk, world.clerk),
                    received=received,
                    due=due,
                    completed=completed,
                    mode=mode,
                    window=rng.choice([world.window, world.other_window, None]) if center == world.center else None,
                    status=status,
                )
            )
        done = [c for c in cases if c.completed_at and c.pk not in rated]
        for c in rng.sample(done, min(len(done), 12)):
            rated.add(c.pk)
            assert c.completed_at is not None
            created = c.completed_at + dt.timedelta(days=rng.randint(0, 3))
            if created < at(2026, 4, 15, 9):
                f.rating(c, rng.randint(1, 5), created, excluded=rng.random() < 0.1)
        for _i in range(rng.randint(4, 9)):
            center = rng.choice([world.center, world.other_center])
            f.inquiry(center, staff[center.pk], _moment(rng, month), result=rng.choice(list(Inquiry.Result)))
        for _i in range(rng.randint(2, 5)):
            center = rng.choice([world.center, world.other_center])
            received_on = _moment(rng, month).date()
            closed = at(received_on.year, received_on.month, received_on.day) + dt.timedelta(days=rng.randint(1, 20))
            if closed > at(2026, 4, 15, 9) or rng.random() < 0.3:
                f.petition(center, staff[center.pk], received_on)
            else:
                f.petition(
                    center,
                    staff[center.pk],
                    received_on,
                    closed=closed,
                    closure=rng.choice(list(Petition.Closure)),
                )
        for person in (world.clerk, world.colleague, world.outsider):
            for day in rng.sample(range(1, 29), 8):
                date = month.replace(day=day)
                if date >= dt.date(2026, 4, 15):
                    continue
                clock = f"{rng.choice([8, 9, 13])}:{rng.randint(0, 59):02d}"
                f.attendance(person, date, clock, check_out=None if rng.random() < 0.2 else "17:40")
        f.leave(world.colleague, _moment(rng, month), _moment(rng, month) + dt.timedelta(days=20))
    return {"point": point}


def figures(board: Dashboard) -> dict[str, Any]:
    return {
        "tables": [(t.key, [str(h) for h in t.headers], t.rows) for t in board.tables()],
        "days": (board.days, board.received_by_day, board.completed_by_day, board.on_time_by_day),
        "trend": (board.months, board.completed_by_month, board.on_time_by_month),
        "by_item": board.by_item,
        "by_mode": board.by_mode,
        "by_place": board.by_place,
        "overdue_now": board.overdue_now,
        "ratings": board.ratings,
        "inquiries": board.inquiries,
        "petitions": board.petitions,
        "attendance": board.attendance,
        "leave": board.leave,
        "centers": [c.pk for c in board.centers],
    }


def read(world: World, month: dt.date) -> tuple[dict[str, Any], int]:
    with CaptureQueriesContext(transaction.get_connection()) as ctx:
        board = district_dashboard(user=world.district_user.user, unit=world.district, month=month)
    return figures(board), len(ctx.captured_queries)


def live(world: World, month: dt.date) -> dict[str, Any]:
    """Today's queries: the same dashboard with no rollups to read (rolled back afterwards)."""
    with transaction.atomic():
        MonthRollup.objects.all().delete()
        result, queries = read(world, month)
        transaction.set_rollback(True)
    assert queries == LIVE_QUERIES
    return result


def trend_rolled(month: dt.date) -> bool:
    """Whether every unit has rollups for the eleven months of the month's trend before it."""
    first = month
    for _i in range(11):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    rolled = MonthRollup.objects.filter(month__gte=first, month__lt=month, dirty=False).count()
    return rolled == 11 * OrgUnit.objects.count()


def kept_queries(month: dt.date) -> int:
    """A kept month's queries: fewer when its trend comes from the rollups."""
    return KEPT_QUERIES if trend_rolled(month) else KEPT_LIVE_TREND_QUERIES


def rolled_queries(month: dt.date) -> int:
    """A closed month read from its rollups: one query more when its trend is counted live."""
    return ROLLED_QUERIES + (not trend_rolled(month))


def live_queries(month: dt.date) -> int:
    """A month counted live: one query fewer when its trend comes with the rollups' state."""
    return LIVE_QUERIES - trend_rolled(month)


@pytest.fixture
def months(world, clock):
    generate(world)
    district_dashboard(user=world.district_user.user, unit=world.district, month=MONTHS[0])  # warm the calendar
    return {m: live(world, m) for m in MONTHS}


def test_rollups_give_every_figure_of_the_live_queries(world, clock, months, django_capture_on_commit_callbacks):
    # given the live figures of every month, when the rollups are rebuilt
    call_command("reports_rollup", "--rebuild")

    # then closed months are read from rollups in a few queries, with equal figures; the current and a future
    # month are counted live (their trend from the rollups)
    assert MonthRollup.objects.filter(month=dt.date(2026, 3, 1)).count() == OrgUnit.objects.count()
    for month in MONTHS:
        result, queries = read(world, month)
        assert result == months[month], month
        # (the current month's trend comes with the rollups' state instead of a count over a year of cases)
        assert queries == (rolled_queries(month) if month in CLOSED else live_queries(month))
    assert sum(months[dt.date(2026, 3, 1)]["days"][1]) > 0
    # read again, a closed month's sums are kept: the same figures without reading the rows
    for month in CLOSED:
        assert read(world, month) == (months[month], kept_queries(month))

    # when time passes, open petitions of closed months fall overdue: the rollups follow the moment of reading
    clock.now = at(2026, 4, 28, 10)
    for month in CLOSED[-3:]:
        assert read(world, month)[0] == live(world, month)

    # when late writes reach closed months through the services: a petition of February is closed now, an
    # attendance day of March is corrected
    petition = Petition.objects.filter(
        status=Petition.Status.ASSIGNED, received_on__lt=dt.date(2026, 3, 1), center=world.center
    ).first()
    assert petition is not None
    corrected = world.clerk.attendance.filter(date__month=3, date__year=2026).order_by("date").first()
    with django_capture_on_commit_callbacks(execute=True):
        petition_close(
            petition=petition, outcome="已办结", reply_method="phone", reply_text="已电话答复", actor=world.clerk.user
        )
        attendance_correct(
            staff=world.clerk,
            day=corrected.date,
            check_in=dt.time(9, 17),
            check_out=None,
            reason="补录",
            actor=world.director.user,
        )
    dirty = set(MonthRollup.objects.filter(dirty=True).values_list("unit_id", "month"))
    assert (world.center.pk, petition.received_on.replace(day=1)) in dirty
    assert (world.clerk.org_unit_id, dt.date(2026, 3, 1)) in dirty

    # then the months touched are counted live until the job has run, and equal the live queries after it
    touched = sorted({m for _u, m in dirty})
    for month in touched:
        expected = live(world, month)
        assert expected != months[month]  # the late writes changed the month
        result, queries = read(world, month)
        assert (result, queries) == (expected, live_queries(month))
    assert "条月度汇总已计算" in refresh()
    assert not MonthRollup.objects.filter(dirty=True).exists()
    # the rebuilt months, and those whose trend holds one, are read afresh; the others' sums are still good
    for month in CLOSED:
        result, queries = read(world, month)
        fresh = any(t <= month for t in touched)
        count = rolled_queries(month) if fresh else kept_queries(month)
        assert (result, queries) == (live(world, month), count), month


def test_the_job_builds_missing_months_and_a_new_unit_makes_its_months_live(world, clock, months):
    job = periodic_job("reports.rollups")
    assert job is not None
    assert job.func_path == "bianmin.reports.rollups.refresh"

    # when the job runs with no rollups: it builds the last thirteen closed months for every unit
    refresh()
    assert set(MonthRollup.objects.values_list("month", flat=True)) >= set(CLOSED)
    assert not MonthRollup.objects.filter(month__gte=dt.date(2026, 4, 1)).exists()
    assert read(world, dt.date(2026, 3, 1)) == (months[dt.date(2026, 3, 1)], rolled_queries(dt.date(2026, 3, 1)))
    # the whole trend is rolled up now: read again, the sums and the trend are both kept
    assert read(world, dt.date(2026, 3, 1)) == (months[dt.date(2026, 3, 1)], KEPT_QUERIES)

    # when a unit is added, the district's months lack its rows: counted live until the job has run again
    community(world.other_center, code="410108902001")
    assert read(world, dt.date(2026, 3, 1)) == (months[dt.date(2026, 3, 1)], LIVE_QUERIES)
    refresh()
    assert read(world, dt.date(2026, 3, 1))[1] == rolled_queries(dt.date(2026, 3, 1))


def test_a_write_in_the_current_month_marks_nothing(world, clock, django_assert_num_queries):
    mark_dirty(world.center.pk, [at(2026, 4, 1)])  # warm: the working calendar
    with django_assert_num_queries(0):
        assert mark_dirty(world.center.pk, [at(2026, 4, 14), dt.date(2026, 4, 2), None]) == 0


def test_the_rebuild_command_reports_months_and_refuses_a_bad_month(world, clock, capsys):
    from django.core.management.base import CommandError

    call_command("reports_rollup", "--rebuild", "--since", "2026-01")
    out = capsys.readouterr().out
    assert "2026-01" in out
    assert "2026-03" in out
    assert "2026-04" not in out
    with pytest.raises(CommandError, match="月份格式"):
        call_command("reports_rollup", "--rebuild", "--since", "2026-13")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GROUPING SETS: the PostgreSQL path")
def test_the_one_pass_counts_per_unit_item_mode_and_day_equal_the_five_aggregates(world, clock):
    from django.db.models import F, Max, Q
    from django.db.models.functions import TruncDate

    from bianmin.cases.models import Case
    from bianmin.core.aggregates import Rows
    from bianmin.core.selectors import work_calendar

    # given cases over several months, units, items and modes, completions crossing month ends
    generate(world)
    ids = list(OrgUnit.objects.filter(path__startswith=world.district.path).values_list("id", flat=True))
    tz = work_calendar().tz
    seen: list[int] = []
    for month in MONTHS:
        start, end = local_bounds(month, next_month(month), tz)
        received_in = Q(received_at__gte=start, received_at__lt=end)
        completed_in = Q(completed_at__gte=start, completed_at__lt=end)
        on_time = completed_in & (Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at")))
        counts = {"received": Rows(received_in), "completed": Rows(completed_in), "on_time": Rows(on_time)}
        month_cases = Case.objects.filter(received_in | completed_in, center_id__in=ids)
        # when the month is counted in one statement
        grouped = _month_groups(ids, start, end, tz)
        assert grouped is not None
        items, modes, units = grouped.items, grouped.modes, grouped.units
        # then each grouping holds what its own aggregate counts
        by_item = month_cases.values("item_id").annotate(name=Max("item_name"), **counts).order_by()
        assert sorted(items, key=lambda r: r["item_id"]) == sorted(
            ({k: r[k] for k in ("item_id", "name", "received", "completed")} for r in by_item),
            key=lambda r: r["item_id"],
        )
        assert modes == {r["mode"]: r for r in month_cases.values("mode").annotate(**counts).order_by()}
        assert units == {r["center_id"]: r for r in month_cases.values("center_id").annotate(**counts).order_by()}
        # and each day's received, completed and on-time counts are those of the per-day aggregates
        unit_cases = Case.objects.filter(center_id__in=ids)
        received_by_day = unit_cases.filter(received_in).annotate(day=TruncDate("received_at", tzinfo=tz)).values("day")
        assert sorted(grouped.received_by_day) == sorted(
            (r["day"], r["n"]) for r in received_by_day.annotate(n=Rows()).order_by()
        )
        completed_by_day = (
            unit_cases.filter(completed_in).annotate(day=TruncDate("completed_at", tzinfo=tz)).values("day")
        )
        assert sorted(grouped.completed_by_day) == sorted(
            (r["day"], r["n"], r["on_time"])
            for r in completed_by_day.annotate(n=Rows(), on_time=Rows(on_time)).order_by()
        )
        assert sum(n for _day, n in grouped.received_by_day) == sum(r["received"] for r in units.values())
        seen.append(sum(r["received"] for r in units.values()))
    assert sum(1 for n in seen if n) >= 7  # the months that received cases were counted
