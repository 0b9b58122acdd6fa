"""Statistics (§6(3) 办件情况统计): a center's month, and a district's month over its centers.

Each figure comes from one aggregate query over indexed columns (center + date), so the cost follows the size of
the month, not of the history. Out-of-scope units answer 404, like missing ones (bianmin.org.access). Dashboards
read from the report replica when one is configured (`bianmin.core.replica`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connections, router
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import ExtractHour, ExtractMinute, TruncDate, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.models import CLOCK_RUNNING, Case
from bianmin.catalog.models import Mode
from bianmin.core.aggregates import Rows
from bianmin.core.compiled import CompiledRead
from bianmin.core.replica import on_replica
from bianmin.core.selectors import work_calendar
from bianmin.frontdesk.models import Inquiry
from bianmin.org.access import in_scope, scope_filter
from bianmin.org.models import OrgUnit
from bianmin.oversight.models import Rating
from bianmin.petitions.models import Petition
from bianmin.reports.models import MonthRollup
from bianmin.reports.periods import local_bounds, month_days, next_month
from bianmin.reports.rollups import is_closed, merge_static, with_dues
from bianmin.staffing.models import AttendanceDay, Leave

TOP_ITEMS = 20
TREND_MONTHS = 12


@dataclass
class Table:
    """One table of a dashboard: shown on the page and exported to xlsx as it is."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]


@dataclass
class Dashboard:
    unit: OrgUnit
    kind: str  # "center" or "district"
    month: dt.date
    days: list[dt.date]
    received_by_day: list[int]
    completed_by_day: list[int]
    on_time_by_day: list[int]
    by_item: list[dict[str, Any]]
    by_mode: list[dict[str, Any]]
    by_place: list[dict[str, Any]]  # windows of a center, centers of a district
    overdue_now: list[dict[str, Any]]
    ratings: list[dict[str, Any]]
    inquiries: list[dict[str, Any]]
    petitions: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    leave: list[dict[str, Any]]
    months: list[dt.date] = field(default_factory=list)  # the twelve months up to this one
    completed_by_month: list[int] = field(default_factory=list)
    on_time_by_month: list[int] = field(default_factory=list)
    centers: list[OrgUnit] = field(default_factory=list)

    @property
    def received(self) -> int:
        return sum(self.received_by_day)

    @property
    def completed(self) -> int:
        return sum(self.completed_by_day)

    @property
    def on_time(self) -> int:
        return sum(self.on_time_by_day)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.completed)

    @property
    def on_time_trend(self) -> list[float | None]:
        return [_rate(o, c) for o, c in zip(self.on_time_by_day, self.completed_by_day, strict=True)]

    @property
    def monthly_trend(self) -> list[float | None]:
        return [_rate(o, c) for o, c in zip(self.on_time_by_month, self.completed_by_month, strict=True)]

    @property
    def overdue_total(self) -> int:
        return sum(r["n"] for r in self.overdue_now)

    @property
    def rating_total(self) -> int:
        return sum(r["n"] for r in self.ratings)

    @property
    def satisfaction_rate(self) -> float | None:
        good = sum(r["n"] for r in self.ratings if r["level"] >= Rating.Level.FAIRLY)
        return _rate(good, self.rating_total)

    @property
    def place_label(self) -> str:
        return _("服务中心") if self.kind == "district" else _("窗口")

    def tables(self) -> list[Table]:
        def pct(value: float | None) -> str:
            return "" if value is None else f"{value}%"

        place = self.place_label
        return [
            Table(
                "daily",
                _("每日收件与办结"),
                [_("日期"), _("收件"), _("办结"), _("按时办结"), _("按时办结率")],
                [
                    [d.isoformat(), r, c, o, pct(_rate(o, c))]
                    for d, r, c, o in zip(
                        self.days, self.received_by_day, self.completed_by_day, self.on_time_by_day, strict=True
                    )
                ],
            ),
            Table(
                "monthly",
                _("近十二个月按时办结率"),
                [_("月份"), _("办结"), _("按时办结"), _("按时办结率")],
                [
                    [f"{m:%Y-%m}", c, o, pct(_rate(o, c))]
                    for m, c, o in zip(self.months, self.completed_by_month, self.on_time_by_month, strict=True)
                ],
            ),
            Table(
                "items",
                _("按事项（收件前 %(n)s 项）") % {"n": TOP_ITEMS},
                [_("事项"), _("收件"), _("办结")],
                [[r["name"], r["received"], r["completed"]] for r in self.by_item],
            ),
            Table(
                "modes",
                _("按办理方式"),
                [_("办理方式"), _("收件"), _("办结"), _("按时办结"), _("按时办结率")],
                [
                    [r["label"], r["received"], r["completed"], r["on_time"], pct(_rate(r["on_time"], r["completed"]))]
                    for r in self.by_mode
                ],
            ),
            Table(
                "places",
                _("按%(place)s") % {"place": place},
                [place, _("收件"), _("办结"), _("按时办结"), _("按时办结率")],
                [
                    [r["label"], r["received"], r["completed"], r["on_time"], pct(_rate(r["on_time"], r["completed"]))]
                    for r in self.by_place
                ],
            ),
            Table(
                "overdue",
                _("当前超期未办结"),
                [place, _("超期件数")],
                [[r["label"], r["n"]] for r in self.overdue_now],
            ),
            Table(
                "ratings",
                _("好差评分布"),
                [_("评价"), _("件数")],
                [[r["label"], r["n"]] for r in self.ratings],
            ),
            Table(
                "inquiries",
                _("首问登记（按办理结果）"),
                [_("办理结果"), _("件数")],
                [[r["label"], r["n"]] for r in self.inquiries],
            ),
            Table(
                "petitions",
                _("来信来访（按办理结果）"),
                [_("办理结果"), _("件数"), _("其中超期")],
                [[r["label"], r["n"], r["overdue"]] for r in self.petitions],
            ),
            Table(
                "attendance",
                _("考勤汇总"),
                [
                    _("服务中心") if self.kind == "district" else _("部门"),
                    _("出勤人数"),
                    _("出勤人次"),
                    _("迟到（次）"),
                    _("未签退（次）"),
                ],
                [[r["label"], r["staff"], r["present"], r["late"], r["missing_out"]] for r in self.attendance],
            ),
            Table(
                "leave",
                _("请假（按类别）"),
                [_("请假类别"), _("人次")],
                [[r["label"], r["n"]] for r in self.leave],
            ),
        ]

    def table(self, key: str) -> Table:
        for t in self.tables():
            if t.key == key:
                return t
        raise Http404


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@on_replica
def center_dashboard(*, user: Any, center: OrgUnit, month: dt.date, now: dt.datetime | None = None) -> Dashboard:
    if not center.hall_kind or not in_scope(user, center):
        raise Http404
    return _dashboard(center, "center", month, now or timezone.now())


@on_replica
def district_dashboard(*, user: Any, unit: OrgUnit, month: dt.date, now: dt.datetime | None = None) -> Dashboard:
    """A district's month over the centers under it (the bench measures this one)."""
    if unit.level != OrgUnit.Level.DISTRICT or not in_scope(user, unit):
        raise Http404
    return _dashboard(unit, "district", month, now or timezone.now())


def districts_for(*, user: Any) -> list[OrgUnit]:
    return list(scope_filter(OrgUnit.objects.filter(level=OrgUnit.Level.DISTRICT, is_active=True), user, "path"))


# What the dashboards need of the units of a subtree: every unit's id, path and depth; the rest only of the units a
# row is named after (a district's centers, or the root).
# In the model's order of fields, which is the order Model.from_db() reads a partial row in.
_UNIT_COLUMNS = tuple(
    f.attname
    for f in OrgUnit._meta.concrete_fields
    if f.attname in {"id", "path", "depth", "code", "name", "hall_kind", "hall_name"}
)
_ID, _PATH, _DEPTH = (_UNIT_COLUMNS.index(name) for name in ("id", "path", "depth"))
_SUBTREE = CompiledRead(lambda prefix: OrgUnit.objects.filter(path__startswith=prefix).values_list(*_UNIT_COLUMNS))


def _subtree(root: OrgUnit, kind: str) -> tuple[list[int], dict[int, OrgUnit]]:
    """The subtree's unit ids, and each unit → the row it counts in: for a district, its subdistrict center (or the
    district's own hall); for a center, the center itself (its community points count with it). Model instances are
    built only for the units rows are named after (a district's ~10 centers, not its ~200 points)."""
    alias = router.db_for_read(OrgUnit)
    rows = _SUBTREE.rows(root.path, using=alias)
    ids = [r[_ID] for r in rows]
    if kind == "center":
        return ids, dict.fromkeys(ids, root)
    names = list(_UNIT_COLUMNS)
    top = {r[_PATH]: OrgUnit.from_db(alias, names, r) for r in rows if r[_DEPTH] == root.depth + 1}
    prefix = len(root.path) + 7
    return ids, {r[_ID]: top.get(r[_PATH][:prefix], root) if r[_DEPTH] > root.depth else root for r in rows}


# A month's clean rollups over a district's units: how many, and when the newest was built.
RollupState = dict[dt.date, tuple[int, dt.datetime | None]]


# The dashboards' reads of a unit set, compiled once (bianmin.core.compiled): the ids go as one array parameter.
# Each is given the ids (a frozenset), then its moments, days and numbers; those that count by local day or hour are
# compiled per time zone (`shape`).
_MONTHS = CompiledRead(
    lambda ids, first, last: (
        MonthRollup.objects.filter(unit_id__any_of=ids, month__gte=first, month__lte=last)
        .values_list("month")
        .annotate(  # from the index alone (month_rollup_state)
            n=Count("unit", filter=Q(dirty=False)),
            built=Max("built_at", filter=Q(dirty=False)),
            completed=Sum("completed"),
            on_time=Sum("on_time"),
        )
        .order_by()
    )
)


@dataclass(frozen=True)
class RollupMonths:
    state: RollupState
    sums: dict[dt.date, tuple[int, int]]  # per month: completed and on time, summed over the units' rollups


def _rollup_months(ids: list[int], months: list[dt.date]) -> RollupMonths:
    """For each of `months`, the units among `ids` with a clean rollup and the newest one's build time, and the
    rollups' completed and on-time sums (one query). A month is rolled up for the district when every unit has a
    clean row (there is one row per unit and month, so then its sums are all clean ones); the pair changes whenever
    any row is rebuilt (which is what lets `_rolled_district` keep its sums)."""
    rows = _MONTHS.rows(frozenset(ids), months[0], months[-1], using=router.db_for_read(MonthRollup))
    return RollupMonths(
        state={month: (n, built) for month, n, built, _c, _o in rows if n},
        sums={month: (completed or 0, on_time or 0) for month, _n, _b, completed, on_time in rows},
    )


def _received_by_day(ids: frozenset[int], lo: dt.datetime, hi: dt.datetime) -> Any:
    day = TruncDate("received_at", tzinfo=work_calendar().tz)
    return (
        Case.objects.filter(center_id__any_of=ids, received_at__gte=lo, received_at__lt=hi)
        .annotate(day=day)
        .values_list("day")
        .annotate(n=Rows())
        .order_by()
    )


def _completed_by_day(ids: frozenset[int], lo: dt.datetime, hi: dt.datetime) -> Any:
    day = TruncDate("completed_at", tzinfo=work_calendar().tz)
    on_time = Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at"))
    return (
        Case.objects.filter(center_id__any_of=ids, completed_at__gte=lo, completed_at__lt=hi)
        .annotate(day=day)
        .values_list("day")
        .annotate(n=Rows(), on_time=Rows(on_time))
        .order_by()
    )


_RECEIVED_BY_DAY = CompiledRead(_received_by_day)
_COMPLETED_BY_DAY = CompiledRead(_completed_by_day)
# Ratings taken out on an upheld appeal (malicious or mistaken) do not count.
_RATINGS = CompiledRead(
    lambda ids, lo, hi: (
        Rating.objects.filter(center_id__any_of=ids, created_at__gte=lo, created_at__lt=hi, excluded=False)
        .values_list("overall")
        .annotate(n=Rows())
        .order_by()
    )
)
_INQUIRIES = CompiledRead(
    lambda ids, lo, hi: (
        Inquiry.objects.filter(center_id__any_of=ids, received_at__gte=lo, received_at__lt=hi)
        .values_list("result")
        .annotate(n=Rows())
        .order_by()
    )
)
_PETITIONS = CompiledRead(
    lambda ids, first, after, now: (
        Petition.objects.filter(center_id__any_of=ids, received_on__gte=first, received_on__lt=after)
        .values_list("status", "closure")
        .annotate(
            n=Rows(),
            overdue=Rows(
                (~Q(status=Petition.Status.CLOSED) & Q(due_at__lt=now))
                | Q(status=Petition.Status.CLOSED, closed_at__gt=F("due_at"))
            ),
        )
        .order_by()
    )
)
# The cases whose clock runs past their due moment now, per unit.
_OVERDUE = CompiledRead(
    lambda ids, now: (
        Case.objects.filter(center_id__any_of=ids, status__in=sorted(CLOCK_RUNNING), due_at__lt=now)
        .values_list("center_id")
        .annotate(n=Rows())
        .order_by()
    )
)
_LEAVE = CompiledRead(
    lambda ids, lo, hi: (
        Leave.objects.effective()
        .filter(center_id__any_of=ids)
        .filter(
            Q(status=Leave.Status.APPROVED, start__lt=hi, end__gt=lo)
            | Q(status=Leave.Status.RETURNED, actual_start__lt=hi, actual_end__gt=lo)
        )
        .values_list("kind")
        .annotate(n=Rows())
        .order_by("-n", "kind")
    )
)


def _attendance(key: str) -> CompiledRead:
    """Attendance per `key` (a unit, or a department's name): days present, late and left without a check-out."""

    def build(
        ids: frozenset[int], first: dt.date, after: dt.date, morning_start: int, morning_end: int, today: dt.date
    ) -> Any:
        tz = work_calendar().tz
        minute = ExtractHour("check_in", tzinfo=tz) * 60 + ExtractMinute("check_in", tzinfo=tz)
        return (
            AttendanceDay.objects.filter(center_id__any_of=ids, date__gte=first, date__lt=after, check_in__isnull=False)
            .annotate(minute=minute)
            .values_list(key)
            .annotate(
                staff=Count("staff_id", distinct=True),
                present=Rows(),
                late=Rows(Q(minute__gt=morning_start, minute__lt=morning_end)),
                missing_out=Rows(Q(check_out__isnull=True, date__lt=today)),
            )
            .order_by()
        )

    return CompiledRead(build)


_ATTENDANCE = {key: _attendance(key) for key in ("center_id", "staff__department__name")}


def _trend_months(month: dt.date) -> list[dt.date]:
    months = [month]
    for _i in range(TREND_MONTHS - 1):
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    return months


def _dashboard(root: OrgUnit, kind: str, month: dt.date, now: dt.datetime) -> Dashboard:
    cal = work_calendar()
    tz = cal.tz
    start, end = local_bounds(month, next_month(month), tz)
    days = month_days(month)
    months = _trend_months(month)
    ids, group = _subtree(root, kind)
    centers = sorted({g for g in group.values() if g.hall_kind}, key=lambda u: u.path)
    trend_rolled = False
    rollups = RollupMonths(state={}, sums={})
    if kind == "district":
        rollups = _rollup_months(ids, months)
        rolled = {m for m, (n, _built) in rollups.state.items() if n == len(ids)}
        # The months before this one from rollups when every unit has them (else the trend is counted live).
        trend_rolled = all(m in rolled for m in months[:-1])
        if is_closed(month, now) and month in rolled:
            return _rolled_district(root, month, now, ids, group, centers, months, trend_rolled, rollups)

    cases = Case.objects.filter(center_id__any_of=frozenset(ids))
    received_in = Q(received_at__gte=start, received_at__lt=end)
    completed_in = Q(completed_at__gte=start, completed_at__lt=end)
    on_time = completed_in & (Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at")))

    # On PostgreSQL a district's month is counted in one statement: per day, unit, item and mode.
    grouped = _month_groups(ids, start, end, tz) if kind == "district" else None
    index = {d: i for i, d in enumerate(days)}
    received_by_day = [0] * len(days)
    completed_by_day = [0] * len(days)
    on_time_by_day = [0] * len(days)
    alias = router.db_for_read(Case)
    frozen = frozenset(ids)
    for day, n in (
        grouped.received_by_day
        if grouped is not None
        else _RECEIVED_BY_DAY.rows(frozen, start, end, shape=str(tz), using=alias)
    ):
        if day in index:
            received_by_day[index[day]] = n
    for day, n, in_time in (
        grouped.completed_by_day
        if grouped is not None
        else _COMPLETED_BY_DAY.rows(frozen, start, end, shape=str(tz), using=alias)
    ):
        if day in index:
            completed_by_day[index[day]] = n
            on_time_by_day[index[day]] = in_time

    if trend_rolled:
        completed_by_month, on_time_by_month = _rolled_trend(rollups, months)
        completed_by_month[-1], on_time_by_month[-1] = sum(completed_by_day), sum(on_time_by_day)
    else:
        completed_by_month, on_time_by_month = _live_trend(cases, months, end, tz)

    month_cases = cases.filter(received_in | completed_in)
    counts = {"received": Rows(received_in), "completed": Rows(completed_in)}
    if grouped is not None:
        items, modes, per_unit = grouped.items, grouped.modes, grouped.units
        by_item = sorted(items, key=_item_order)[:TOP_ITEMS]
    else:
        by_item = [
            {"item_id": r["item_id"], "name": r["name"], "received": r["received"], "completed": r["completed"]}
            for r in month_cases.values("item_id")
            .annotate(name=Max("item_name"), **counts)
            .order_by("-received", "-completed", "name")[:TOP_ITEMS]
        ]
        modes = {r["mode"]: r for r in month_cases.values("mode").annotate(**counts, on_time=Rows(on_time)).order_by()}
        per_unit = None
    by_mode = _mode_rows(modes)

    if kind == "center":
        running = Q(status__in=list(CLOCK_RUNNING), due_at__lt=now)
        by_place = [
            {
                "key": r["window_id"],
                "label": _("%(n)s号窗口 %(name)s") % {"n": r["window__number"], "name": r["window__name"]}
                if r["window_id"]
                else _("未分窗口（网上申报等）"),
                "received": r["received"],
                "completed": r["completed"],
                "on_time": r["on_time"],
            }
            for r in month_cases.values("window_id", "window__number", "window__name")
            .annotate(**counts, on_time=Rows(on_time))
            .order_by("window__number")
        ]
        overdue_now = [
            {
                "key": r["window_id"],
                "label": _("%(n)s号窗口 %(name)s") % {"n": r["window__number"], "name": r["window__name"]}
                if r["window_id"]
                else _("未分窗口"),
                "n": r["n"],
            }
            for r in cases.filter(running)
            .values("window_id", "window__number", "window__name")
            .annotate(n=Rows())
            .order_by("window__number")
        ]
    else:
        if per_unit is None:
            per_unit = {
                r["center_id"]: r
                for r in month_cases.values("center_id").annotate(**counts, on_time=Rows(on_time)).order_by()
            }
        centers, by_place, overdue_now = _district_places(ids, group, centers, per_unit, now)

    levels = dict(_RATINGS.rows(frozen, start, end, using=router.db_for_read(Rating)))
    results = dict(_INQUIRIES.rows(frozen, start, end, using=router.db_for_read(Inquiry)))
    found = {
        (status, closure or ""): {"n": n, "overdue": overdue}
        for status, closure, n, overdue in _PETITIONS.rows(
            frozen, month, next_month(month), now, using=router.db_for_read(Petition)
        )
    }
    attendance = _attendance_summary(root, kind, ids, group, month, now)

    return Dashboard(
        unit=root,
        kind=kind,
        month=month,
        days=days,
        received_by_day=received_by_day,
        completed_by_day=completed_by_day,
        on_time_by_day=on_time_by_day,
        by_item=by_item,
        by_mode=by_mode,
        by_place=by_place,
        overdue_now=overdue_now,
        ratings=_rating_rows(levels),
        inquiries=_inquiry_rows(results),
        petitions=_petition_rows(found),
        attendance=attendance,
        leave=_leave_rows(ids, start, end),
        months=months,
        completed_by_month=completed_by_month,
        on_time_by_month=on_time_by_month,
        centers=[c for c in centers if c.pk != root.pk and c.hall_kind] if kind == "district" else [],
    )


def _item_order(r: dict[str, Any]) -> tuple[int, int, str]:
    """The items' table order: most received, then most completed, then by name (as the rollups' sums are sorted)."""
    return (-r["received"], -r["completed"], r["name"] or "")


# A month's cases counted per unit, per item, per mode and per local day (received; completed) in one pass over them
# (GROUPING SETS); GROUPING() says which a row counts, one bit per grouped column not in its set: 15 = per unit,
# 23 = per item, 27 = per mode, 29 = per day received, 30 = per day completed.
_MONTH_GROUPS_SQL = """
SELECT GROUPING(center_id, item_id, mode, received_on, completed_on), center_id, item_id, mode,
       received_on, completed_on, MAX(item_name),
       COUNT(1) FILTER (WHERE received_at >= %(lo)s AND received_at < %(hi)s),
       COUNT(1) FILTER (WHERE completed_at >= %(lo)s AND completed_at < %(hi)s),
       COUNT(1) FILTER (WHERE completed_at >= %(lo)s AND completed_at < %(hi)s
                        AND (due_at IS NULL OR completed_at <= due_at))
FROM (SELECT center_id, item_id, mode, item_name, received_at, completed_at, due_at,
             (received_at AT TIME ZONE %(tz)s)::date AS received_on,
             (completed_at AT TIME ZONE %(tz)s)::date AS completed_on
      FROM cases_case
      WHERE center_id = ANY(%(ids)s::bigint[])
        AND ((received_at >= %(lo)s AND received_at < %(hi)s) OR (completed_at >= %(lo)s AND completed_at < %(hi)s))
     ) AS month_cases
GROUP BY GROUPING SETS ((center_id), (item_id), (mode), (received_on), (completed_on))
""".strip()  # starting with SELECT, as the plan test (test_query_plans) picks the statements it explains


@dataclass
class MonthGroups:
    items: list[dict[str, Any]] = field(default_factory=list)
    modes: dict[str, dict[str, Any]] = field(default_factory=dict)
    units: dict[int, dict[str, Any]] = field(default_factory=dict)
    received_by_day: list[tuple[dt.date, int]] = field(default_factory=list)  # (day, received)
    completed_by_day: list[tuple[dt.date, int, int]] = field(default_factory=list)  # (day, completed, on time)


def _month_groups(ids: list[int], start: dt.datetime, end: dt.datetime, tz: dt.tzinfo) -> MonthGroups | None:
    """On PostgreSQL, the month's received, completed and on-time counts per item, per mode, per unit of a district
    and per local day in one statement (five aggregates over the same cases otherwise: each reads them all again);
    None elsewhere (the caller counts them one by one). Same figures as the five queries (tested)."""
    alias = router.db_for_read(Case)
    if connections[alias].vendor != "postgresql" or not ids:
        return None
    out = MonthGroups()
    with connections[alias].cursor() as cur:
        cur.execute(_MONTH_GROUPS_SQL, {"ids": ids, "lo": start, "hi": end, "tz": str(tz)})
        for row in cur.fetchall():
            grouping, unit_id, item_id, mode, received_on, completed_on, name, received, completed, on_time = row
            counts = {"received": received, "completed": completed, "on_time": on_time}
            if grouping == 15:
                out.units[unit_id] = {"center_id": unit_id, **counts}
            elif grouping == 23:
                out.items.append({"item_id": item_id, "name": name, "received": received, "completed": completed})
            elif grouping == 27:
                out.modes[mode] = {"mode": mode, **counts}
            elif grouping == 29 and received:
                out.received_by_day.append((received_on, received))
            elif grouping == 30 and completed:
                out.completed_by_day.append((completed_on, completed, on_time))
    return out


def _rolled_district(
    root: OrgUnit,
    month: dt.date,
    now: dt.datetime,
    ids: list[int],
    group: dict[int, OrgUnit],
    centers: list[OrgUnit],
    months: list[dt.date],
    trend_rolled: bool,
    rollups: RollupMonths,
) -> Dashboard:
    """A closed month of a district from its units' rollups: the rows (one query), the trend (from `rollups`), and
    what no month can hold: the cases overdue now, and leave (which spans months). The sums of the rows are kept in
    the cache under the rollups' state (`_rollup_months`): a rebuilt row is read afresh."""
    tz = work_calendar().tz
    start, end = local_bounds(month, next_month(month), tz)
    days = month_days(month)
    morning = (
        root.morning_start.hour * 60 + root.morning_start.minute,
        root.morning_end.hour * 60 + root.morning_end.minute,
    )
    key = _sums_key(root, month, ids, months, rollups.state, morning, trend_rolled)
    sums: dict[str, Any] | None = cache.get(key)
    if sums is None:
        rows = list(
            MonthRollup.objects.filter(unit_id__any_of=frozenset(ids), month=month).values_list("unit_id", "data")
        )
        sums = merge_static(rows, len(days), morning)
        sums["items"] = sorted(sums["items"], key=_item_order)[:TOP_ITEMS]
        sums["trend"] = _rolled_trend(rollups, months) if trend_rolled else None
        cache.set(key, sums, SUMS_SECONDS)
    m = with_dues(sums, now)
    if m["trend"] is not None:
        completed_by_month, on_time_by_month = (list(t) for t in m["trend"])
        completed_by_month[-1], on_time_by_month[-1] = sum(m["completed_by_day"]), sum(m["on_time_by_day"])
    else:
        completed_by_month, on_time_by_month = _live_trend(
            Case.objects.filter(center_id__any_of=frozenset(ids)), months, end, tz
        )
    by_item = m["items"]
    centers, by_place, overdue_now = _district_places(ids, group, centers, m["per_unit"], now)
    merged: dict[int, dict[str, Any]] = {}
    for unit_id, a in m["attendance"].items():
        center = group[unit_id]
        row = merged.setdefault(
            center.pk,
            {"label": _hall_label(center), "path": center.path, "staff": 0, "present": 0, "late": 0, "missing_out": 0},
        )
        for k in ("staff", "present", "late", "missing_out"):
            row[k] += a[k]
    return Dashboard(
        unit=root,
        kind="district",
        month=month,
        days=days,
        received_by_day=m["received_by_day"],
        completed_by_day=m["completed_by_day"],
        on_time_by_day=m["on_time_by_day"],
        by_item=by_item,
        by_mode=_mode_rows(m["modes"]),
        by_place=by_place,
        overdue_now=overdue_now,
        ratings=_rating_rows(m["levels"]),
        inquiries=_inquiry_rows(m["results"]),
        petitions=_petition_rows(m["petitions"]),
        attendance=sorted(merged.values(), key=lambda r: str(r["path"])),
        leave=_leave_rows(ids, start, end),
        months=months,
        completed_by_month=completed_by_month,
        on_time_by_month=on_time_by_month,
        centers=[c for c in centers if c.pk != root.pk and c.hall_kind],
    )


def _live_trend(cases: Any, months: list[dt.date], end: dt.datetime, tz: dt.tzinfo) -> tuple[list[int], list[int]]:
    trend_start, _end = local_bounds(months[0], months[-1], tz)
    month_index = {m: i for i, m in enumerate(months)}
    completed_by_month = [0] * len(months)
    on_time_by_month = [0] * len(months)
    trend_on_time = Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at"))
    for r in (
        cases.filter(completed_at__gte=trend_start, completed_at__lt=end)
        .annotate(m=TruncMonth("completed_at", tzinfo=tz))
        .values("m")
        .annotate(n=Rows(), on_time=Rows(trend_on_time))
        .order_by()
    ):
        key = r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"]
        if key in month_index:
            completed_by_month[month_index[key]] = r["n"]
            on_time_by_month[month_index[key]] = r["on_time"]
    return completed_by_month, on_time_by_month


# How long a closed month's sums stay in the cache (their key changes when a rollup is rebuilt; this only frees it).
SUMS_SECONDS = 24 * 3600


def _sums_key(
    root: OrgUnit,
    month: dt.date,
    ids: list[int],
    months: list[dt.date],
    state: RollupState,
    morning: tuple[int, int],
    trend_rolled: bool,
) -> str:
    seen = repr(
        (
            ids,
            [m.isoformat() for m in months],
            sorted((m.isoformat(), n, built.isoformat() if built else "") for m, (n, built) in state.items()),
            morning,
            trend_rolled,
        )
    )
    return f"reports:district-sums:{root.pk}:{month:%Y-%m}:{hashlib.sha256(seen.encode()).hexdigest()}"


def _rolled_trend(rollups: RollupMonths, months: list[dt.date]) -> tuple[list[int], list[int]]:
    """Completed and on time for each month but the last, from the rollups (the caller fills in the last)."""
    completed_by_month = [0] * len(months)
    on_time_by_month = [0] * len(months)
    for i, month in enumerate(months[:-1]):
        completed_by_month[i], on_time_by_month[i] = rollups.sums.get(month, (0, 0))
    return completed_by_month, on_time_by_month


def _district_places(
    ids: list[int],
    group: dict[int, OrgUnit],
    centers: list[OrgUnit],
    per_unit: dict[int, dict[str, int]],
    now: dt.datetime,
) -> tuple[list[OrgUnit], list[dict[str, Any]], list[dict[str, Any]]]:
    """A district's rows per center from each unit's counts, and the cases overdue now (always counted live)."""
    per_center: dict[int, dict[str, int]] = defaultdict(lambda: {"received": 0, "completed": 0, "on_time": 0})
    for unit_id, r in per_unit.items():
        row = per_center[group[unit_id].pk]
        for key in ("received", "completed", "on_time"):
            row[key] += r[key]
    overdue: dict[int, int] = defaultdict(int)
    for unit_id, n in _OVERDUE.rows(frozenset(ids), now, using=router.db_for_read(Case)):
        overdue[group[unit_id].pk] += n
    # A unit without a hall of its own can still hold cases (e.g. of its points): it gets a row when it does.
    by_pk = {g.pk: g for g in group.values()}
    centers = sorted(set(centers) | {by_pk[pk] for pk in (*per_center, *overdue)}, key=lambda u: u.path)
    by_place = [
        {
            "key": c.pk,
            "label": _hall_label(c),
            **per_center.get(c.pk, {"received": 0, "completed": 0, "on_time": 0}),
        }
        for c in centers
    ]
    overdue_now = [{"key": c.pk, "label": _hall_label(c), "n": overdue[c.pk]} for c in centers if overdue[c.pk]]
    return centers, by_place, overdue_now


def _mode_rows(modes: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "mode": m.value,
            "label": str(m.label),
            "received": modes.get(m.value, {}).get("received", 0),
            "completed": modes.get(m.value, {}).get("completed", 0),
            "on_time": modes.get(m.value, {}).get("on_time", 0),
        }
        for m in Mode
    ]


def _rating_rows(levels: dict[int, int]) -> list[dict[str, Any]]:
    return [{"level": lv.value, "label": str(lv.label), "n": levels.get(lv.value, 0)} for lv in Rating.Level]


def _inquiry_rows(results: dict[str, int]) -> list[dict[str, Any]]:
    return [{"key": v.value, "label": str(v.label), "n": results.get(v.value, 0)} for v in Inquiry.Result]


def _petition_rows(found: dict[tuple[str, str], Any]) -> list[dict[str, Any]]:
    petitions = []
    for status, closure, label in (
        (Petition.Status.REGISTERED, "", Petition.Status.REGISTERED.label),
        (Petition.Status.ASSIGNED, "", Petition.Status.ASSIGNED.label),
        (Petition.Status.CLOSED, Petition.Closure.HANDLED, Petition.Closure.HANDLED.label),
        (Petition.Status.CLOSED, Petition.Closure.OUTSIDE_REMIT, Petition.Closure.OUTSIDE_REMIT.label),
    ):
        r = found.get((status, closure), {})
        petitions.append(
            {"key": f"{status}:{closure}", "label": str(label), "n": r.get("n", 0), "overdue": r.get("overdue", 0)}
        )
    return petitions


def _leave_rows(ids: list[int], start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    kinds = dict(Leave.Kind.choices)
    return [
        {"key": kind, "label": str(kinds.get(kind, kind)), "n": n}
        for kind, n in _LEAVE.rows(frozenset(ids), start, end, using=router.db_for_read(Leave))
    ]


def _hall_label(unit: OrgUnit) -> str:
    return unit.display_hall_name if unit.hall_kind else unit.name


def _attendance_summary(
    root: OrgUnit, kind: str, ids: list[int], group: dict[int, OrgUnit], month: dt.date, now: dt.datetime
) -> list[dict[str, Any]]:
    """Days present, late arrivals (check-in during the morning session after its start, by the root's office
    hours) and days left without a check-out, per department (a center) or per center (a district)."""
    tz = work_calendar().tz
    today = now.astimezone(tz).date()
    morning_start = root.morning_start.hour * 60 + root.morning_start.minute
    morning_end = root.morning_end.hour * 60 + root.morning_end.minute
    key = "center_id" if kind == "district" else "staff__department__name"
    columns = ("staff", "present", "late", "missing_out")
    rows = [
        (r[0], dict(zip(columns, r[1:], strict=True)))
        for r in _ATTENDANCE[key].rows(
            frozenset(ids),
            month,
            next_month(month),
            morning_start,
            morning_end,
            today,
            shape=str(tz),
            using=router.db_for_read(AttendanceDay),
        )
    ]
    if kind == "center":
        return sorted(
            ({"label": label or _("未分部门"), **counts} for label, counts in rows),
            key=lambda r: str(r["label"]),
        )
    merged: dict[int, dict[str, Any]] = {}
    for unit_id, counts in rows:
        center = group[unit_id]
        row = merged.setdefault(
            center.pk,
            {"label": _hall_label(center), "path": center.path, "staff": 0, "present": 0, "late": 0, "missing_out": 0},
        )
        for k in columns:
            row[k] += counts[k]
    return sorted(merged.values(), key=lambda r: str(r["path"]))


def centers_under(*, user: Any, unit: OrgUnit) -> OrgUnit | None:
    """The first subdistrict center under `unit` that the user may see (a district user's way into assessment)."""
    return (
        scope_filter(
            OrgUnit.objects.filter(path__startswith=unit.path, hall_kind=OrgUnit.HallKind.CENTER, is_active=True),
            user,
            "path",
        )
        .order_by("path")
        .first()
    )


def assessed_centers(*, user: Any) -> list[OrgUnit]:
    return list(
        scope_filter(OrgUnit.objects.filter(hall_kind=OrgUnit.HallKind.CENTER, is_active=True), user, "path").order_by(
            "path"
        )
    )
