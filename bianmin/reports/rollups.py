"""Monthly rollups (月度统计汇总): a closed month's figures per unit, so the district dashboard reads a few rows
instead of aggregating a month (and the twelve-month trend a year) of cases at every request.

A row holds what the district dashboard shows of one unit's month, as additive counts: cases received, completed
and completed on time by day, by item and by mode; ratings by level; inquiries by result; petitions by state (with
the deadlines of those still open, since "overdue" depends on the moment of reading); attendance (staff, days
present, days without a check-out, and check-ins by minute of the day, since "late" depends on the office hours of
the unit reading). Summing rows over a district's units gives exactly what the live queries count.

Kept fresh three ways: the periodic job `reports.rollups` builds every closed month of the horizon that lacks rows
and rebuilds dirty rows; a late write into a closed month marks its row dirty (`bianmin.reports.listeners`, from the
facts the lower apps emit); `manage.py reports_rollup --rebuild` recomputes everything (after imports, admin edits
or any write that bypasses the services). A dirty or missing row makes the dashboard count that month live.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import ExtractHour, ExtractMinute, TruncDate
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.core.aggregates import Rows
from bianmin.core.selectors import work_calendar
from bianmin.frontdesk.models import Inquiry
from bianmin.org.models import OrgUnit
from bianmin.oversight.models import Rating
from bianmin.petitions.models import Petition
from bianmin.reports.models import MonthRollup
from bianmin.reports.periods import local_bounds, month_days, month_start, next_month
from bianmin.staffing.models import AttendanceDay

HORIZON_MONTHS = 13  # the job keeps the last 13 closed months: a closed month and the trend before it
_BATCH = 500


def current_month(now: dt.datetime | None = None) -> dt.date:
    return month_start(timezone.localtime(now or timezone.now(), work_calendar().tz).date())


def is_closed(month: dt.date, now: dt.datetime | None = None) -> bool:
    return month < current_month(now)


def _empty(days: int) -> dict[str, Any]:
    return {
        "received_by_day": [0] * days,
        "completed_by_day": [0] * days,
        "on_time_by_day": [0] * days,
        "items": [],  # [item_id, name, received, completed]
        "modes": {},  # mode → [received, completed, on_time]
        "ratings": {},  # level → n
        "inquiries": {},  # result → n
        "petitions": [],  # [status, closure, n, closed late]
        "petition_dues": [],  # [status, closure, due_at (ISO), n] of those not closed
        "attendance": {"staff": 0, "present": 0, "missing_out": 0, "minutes": {}},  # minute of check-in → n
    }


def compute_month(month: dt.date, unit_ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """One grouped query per figure over the month (all units, or those given): unit id → its row's data."""
    tz = work_calendar().tz
    start, end = local_bounds(month, next_month(month), tz)
    days = month_days(month)
    index = {d: i for i, d in enumerate(days)}
    rows: dict[int, dict[str, Any]] = defaultdict(lambda: _empty(len(days)))

    def scoped(qs: Any) -> Any:
        return qs if unit_ids is None else qs.filter(center_id__in=unit_ids)

    cases = scoped(Case.objects.all())
    received_in = Q(received_at__gte=start, received_at__lt=end)
    completed_in = Q(completed_at__gte=start, completed_at__lt=end)
    on_time = completed_in & (Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at")))

    for r in (
        cases.filter(received_in)
        .annotate(day=TruncDate("received_at", tzinfo=tz))
        .values("center_id", "day")
        .annotate(n=Rows())
        .order_by()
    ):
        if r["day"] in index:
            rows[r["center_id"]]["received_by_day"][index[r["day"]]] = r["n"]
    for r in (
        cases.filter(completed_in)
        .annotate(day=TruncDate("completed_at", tzinfo=tz))
        .values("center_id", "day")
        .annotate(n=Rows(), on_time=Rows(on_time))
        .order_by()
    ):
        if r["day"] in index:
            rows[r["center_id"]]["completed_by_day"][index[r["day"]]] = r["n"]
            rows[r["center_id"]]["on_time_by_day"][index[r["day"]]] = r["on_time"]

    month_cases = cases.filter(received_in | completed_in)
    counts = {"received": Rows(received_in), "completed": Rows(completed_in)}
    for r in month_cases.values("center_id", "item_id").annotate(name=Max("item_name"), **counts).order_by():
        rows[r["center_id"]]["items"].append([r["item_id"], r["name"], r["received"], r["completed"]])
    for r in month_cases.values("center_id", "mode").annotate(**counts, on_time=Rows(on_time)).order_by():
        rows[r["center_id"]]["modes"][r["mode"]] = [r["received"], r["completed"], r["on_time"]]

    for r in (
        scoped(Rating.objects.filter(created_at__gte=start, created_at__lt=end, excluded=False))
        .values("center_id", "overall")
        .annotate(n=Rows())
        .order_by()
    ):
        rows[r["center_id"]]["ratings"][str(r["overall"])] = r["n"]
    for r in (
        scoped(Inquiry.objects.filter(received_at__gte=start, received_at__lt=end))
        .values("center_id", "result")
        .annotate(n=Rows())
        .order_by()
    ):
        rows[r["center_id"]]["inquiries"][r["result"]] = r["n"]

    petitions = scoped(Petition.objects.filter(received_on__gte=month, received_on__lt=next_month(month)))
    closed = Petition.Status.CLOSED
    for r in (
        petitions.values("center_id", "status", "closure")
        .annotate(n=Rows(), late=Rows(Q(status=closed, closed_at__gt=F("due_at"))))
        .order_by()
    ):
        rows[r["center_id"]]["petitions"].append([r["status"], r["closure"] or "", r["n"], r["late"]])
    for r in (
        petitions.exclude(status=closed)
        .values("center_id", "status", "closure", "due_at")
        .annotate(n=Rows())
        .order_by()
    ):
        rows[r["center_id"]]["petition_dues"].append([r["status"], r["closure"] or "", r["due_at"].isoformat(), r["n"]])

    attendance = scoped(
        AttendanceDay.objects.filter(date__gte=month, date__lt=next_month(month), check_in__isnull=False)
    )
    for r in (
        attendance.values("center_id")
        .annotate(
            staff=Count("staff_id", distinct=True),
            present=Rows(),
            # The month is closed, so every day of it is before today (the live query's condition).
            missing_out=Rows(Q(check_out__isnull=True)),
        )
        .order_by()
    ):
        summary = rows[r["center_id"]]["attendance"]
        summary.update(staff=r["staff"], present=r["present"], missing_out=r["missing_out"])
    minute = ExtractHour("check_in", tzinfo=tz) * 60 + ExtractMinute("check_in", tzinfo=tz)
    for r in attendance.annotate(minute=minute).values("center_id", "minute").annotate(n=Rows()).order_by():
        rows[r["center_id"]]["attendance"]["minutes"][str(r["minute"])] = r["n"]
    return rows


def build_month(month: dt.date, unit_ids: list[int] | None = None, *, now: dt.datetime | None = None) -> int:
    """Compute and store the month's rows (every unit, or those given; a unit with nothing gets an empty row, so
    that the month counts as rolled up for it). A row marked dirty while this ran stays dirty. Answers rows."""
    now = now or timezone.now()
    if not is_closed(month, now):
        return 0
    started = timezone.now()
    data = compute_month(month, unit_ids)
    ids = unit_ids if unit_ids is not None else list(OrgUnit.objects.values_list("id", flat=True))
    blank = _empty(len(month_days(month)))
    objs = []
    for pk in ids:
        d = data.get(pk, blank)
        received, completed = sum(d["received_by_day"]), sum(d["completed_by_day"])
        objs.append(
            MonthRollup(
                unit_id=pk,
                month=month,
                received=received,
                completed=completed,
                on_time=sum(d["on_time_by_day"]),
                data=d,
                dirty=False,
                built_at=started,
            )
        )
    with transaction.atomic():
        for i in range(0, len(objs), _BATCH):
            MonthRollup.objects.bulk_create(
                objs[i : i + _BATCH],
                update_conflicts=True,
                unique_fields=["unit", "month"],
                update_fields=["received", "completed", "on_time", "data", "dirty", "built_at"],
            )
        # A late write that committed while the month was being counted may be missing: count it again next time.
        MonthRollup.objects.filter(month=month, unit_id__in=ids, dirty_at__gt=started).update(dirty=True)
    return len(objs)


def mark_dirty(center_id: int | None, moments: Iterable[dt.date | dt.datetime | None]) -> int:
    """A write touched these moments of a unit's records: its rows of the closed months among them are stale."""
    if center_id is None:
        return 0
    tz = work_calendar().tz
    months = set()
    for m in moments:
        if m is None:
            continue
        day = timezone.localtime(m, tz).date() if isinstance(m, dt.datetime) else m
        if is_closed(month_start(day)):
            months.add(month_start(day))
    if not months:
        return 0
    return MonthRollup.objects.filter(unit_id=center_id, month__in=months).update(dirty=True, dirty_at=timezone.now())


def refresh(now: dt.datetime | None = None) -> str:
    """The periodic job: build the horizon's closed months where rows are missing, rebuild dirty rows anywhere."""
    now = now or timezone.now()
    last = (current_month(now) - dt.timedelta(days=1)).replace(day=1)
    months = [last]
    while len(months) < HORIZON_MONTHS:
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    units = OrgUnit.objects.count()
    have = dict(
        MonthRollup.objects.filter(month__in=months, dirty=False)
        .values("month")
        .annotate(n=Rows())
        .values_list("month", "n")
    )
    built = 0
    for month in months:
        if have.get(month, 0) >= units:
            continue
        missing = list(
            OrgUnit.objects.exclude(id__in=MonthRollup.objects.filter(month=month).values("unit_id")).values_list(
                "id", flat=True
            )
        )
        built += build_month(month, missing, now=now) if missing else 0
    dirty: dict[dt.date, list[int]] = defaultdict(list)
    for unit_id, month in MonthRollup.objects.filter(dirty=True).values_list("unit_id", "month"):
        dirty[month].append(unit_id)
    for month, ids in sorted(dirty.items()):
        built += build_month(month, ids, now=now)
    return f"{built} 条月度汇总已计算"


def rebuild(*, since: dt.date | None = None, now: dt.datetime | None = None) -> list[tuple[dt.date, int]]:
    """Recompute every closed month from `since` (default: the earliest month with any record, and at least the
    job's horizon) for every unit. Answers (month, rows) per month."""
    now = now or timezone.now()
    last = (current_month(now) - dt.timedelta(days=1)).replace(day=1)
    first = since or _earliest_month(now)
    horizon = last
    for _i in range(HORIZON_MONTHS - 1):
        horizon = (horizon - dt.timedelta(days=1)).replace(day=1)
    if since is None:
        first = min(first, horizon)
    done = []
    month = month_start(first)
    while month <= last:
        done.append((month, build_month(month, now=now)))
        month = next_month(month)
    return done


def _earliest_month(now: dt.datetime) -> dt.date:
    tz = work_calendar().tz
    candidates = [
        Case.objects.aggregate(m=Min("received_at"))["m"],
        Rating.objects.aggregate(m=Min("created_at"))["m"],
        Inquiry.objects.aggregate(m=Min("received_at"))["m"],
        Petition.objects.aggregate(m=Min("received_on"))["m"],
        AttendanceDay.objects.aggregate(m=Min("date"))["m"],
    ]
    days = [timezone.localtime(m, tz).date() if isinstance(m, dt.datetime) else m for m in candidates if m]
    return month_start(min(days)) if days else current_month(now)


def with_dues(merged: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """`merge_static`'s figures as at `now`: open petitions whose deadline has passed count as overdue."""
    petitions = {key: dict(row) for key, row in merged["petitions"].items()}
    for (status, closure, due), n in merged["petition_dues"].items():
        if dt.datetime.fromisoformat(due) < now:
            petitions.setdefault((status, closure), {"n": 0, "overdue": 0})["overdue"] += n
    return {k: v for k, v in merged.items() if k != "petition_dues"} | {"petitions": petitions}


def merge_static(rows: list[tuple[int, dict[str, Any]]], days: int, morning: tuple[int, int]) -> dict[str, Any]:
    """The rows of a district's units for one month, summed into what the live queries answer: totals by day;
    items, modes, ratings, inquiries and petitions as the live queries group them; per unit the received, completed
    and on-time counts (for units with cases in the month) and the attendance summary (for units with check-ins).
    `morning` is the reading unit's morning session in minutes of the day: check-ins strictly inside are late.
    The one figure that depends on the moment of reading is left to `with_dues`: the open petitions' deadlines are
    summed by (status, closure, deadline) under "petition_dues". The same rows give the same figures whenever they
    are read (so a dashboard may keep them while the rows stay unchanged)."""
    received, completed, on_time = [0] * days, [0] * days, [0] * days
    items: dict[Any, list[Any]] = {}
    modes: dict[str, dict[str, int]] = defaultdict(lambda: {"received": 0, "completed": 0, "on_time": 0})
    levels: dict[int, int] = defaultdict(int)
    results: dict[str, int] = defaultdict(int)
    petitions: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"n": 0, "overdue": 0})
    per_unit: dict[int, dict[str, int]] = {}
    attendance: dict[int, dict[str, int]] = {}
    dues: dict[tuple[str, str, str], int] = defaultdict(int)
    for unit_id, d in rows:
        for total, part in (
            (received, d["received_by_day"]),
            (completed, d["completed_by_day"]),
            (on_time, d["on_time_by_day"]),
        ):
            for i, n in enumerate(part):
                total[i] += n
        r, c, o = sum(d["received_by_day"]), sum(d["completed_by_day"]), sum(d["on_time_by_day"])
        if r or c:
            per_unit[unit_id] = {"received": r, "completed": c, "on_time": o}
        for item_id, name, ir, ic in d["items"]:
            row = items.setdefault(item_id, [item_id, name, 0, 0])
            row[1] = max(row[1], name) if row[1] is not None and name is not None else (row[1] or name)
            row[2] += ir
            row[3] += ic
        for mode, (mr, mc, mo) in d["modes"].items():
            modes[mode]["received"] += mr
            modes[mode]["completed"] += mc
            modes[mode]["on_time"] += mo
        for level, n in d["ratings"].items():
            levels[int(level)] += n
        for result, n in d["inquiries"].items():
            results[result] += n
        for status, closure, n, late in d["petitions"]:
            petitions[(status, closure)]["n"] += n
            petitions[(status, closure)]["overdue"] += late
        for status, closure, due, n in d["petition_dues"]:
            dues[(status, closure, due)] += n
        a = d["attendance"]
        if a["present"]:
            late = sum(n for m, n in a["minutes"].items() if morning[0] < int(m) < morning[1])
            attendance[unit_id] = {
                "staff": a["staff"],
                "present": a["present"],
                "late": late,
                "missing_out": a["missing_out"],
            }
    return {
        "received_by_day": received,
        "completed_by_day": completed,
        "on_time_by_day": on_time,
        "items": [{"item_id": i, "name": n, "received": r, "completed": c} for i, n, r, c in items.values()],
        "modes": dict(modes),
        "levels": dict(levels),
        "results": dict(results),
        "petitions": dict(petitions),
        "petition_dues": dict(dues),
        "per_unit": per_unit,
        "attendance": attendance,
    }
