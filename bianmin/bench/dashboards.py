"""The district dashboard's bench operations: a closed month (read from the monthly rollups the periodic job keeps,
built here first as the job would have) and the current month (counted live, its trend from the rollups), each
beside the hand-written SQL that answers the same figures."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bianmin.bench import benchgen

Floor = list[tuple[str, list[Any]]]


def build_rollups() -> dict[str, Any]:
    """What the periodic job `reports.rollups` does on a deployment: the closed months' rollups (missing ones)."""
    from bianmin.reports.rollups import refresh

    started = time.perf_counter()
    result = refresh()
    if connection.vendor == "postgresql":
        # The data set was analysed before the rollups existed; a deployment's autovacuum analyses them soon after
        # the job writes them (without it the planner guesses a few hundred rows where there are 25,000).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_monthrollup")
    return {"job": result, "seconds": round(time.perf_counter() - started, 1)}


def _bounds(first: dt.date) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    end = (first + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        first,
        end,
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end, dt.time.min, tzinfo=tz),
    )


def _live_floor(unit_ids: list[int], first: dt.date, now: dt.datetime) -> Floor:
    """The figures of a month counted from the records (the form the dashboard used before the rollups)."""
    month_start, month_end, lo, hi = _bounds(first)
    return [
        (
            "SELECT date_trunc('day', received_at), COUNT(*) FROM cases_case WHERE center_id = ANY(%s) "
            "AND received_at >= %s AND received_at < %s GROUP BY 1",
            [unit_ids, lo, hi],
        ),
        (
            "SELECT date_trunc('day', completed_at), COUNT(*), "
            "COUNT(*) FILTER (WHERE completed_at <= due_at) FROM cases_case "
            "WHERE center_id = ANY(%s) AND completed_at >= %s AND completed_at < %s GROUP BY 1",
            [unit_ids, lo, hi],
        ),
        (
            "SELECT center_id, item_id, mode, window_id, COUNT(*) FROM cases_case "
            "WHERE center_id = ANY(%s) AND received_at >= %s AND received_at < %s "
            "GROUP BY GROUPING SETS ((center_id), (item_id), (mode), (window_id))",
            [unit_ids, lo, hi],
        ),
        (
            "SELECT center_id, COUNT(*) FROM cases_case WHERE center_id = ANY(%s) "
            "AND status IN ('accepted', 'in_progress', 'forwarded') AND due_at < %s GROUP BY 1",
            [unit_ids, now],
        ),
        (
            "SELECT overall, COUNT(*) FROM oversight_rating WHERE center_id = ANY(%s) "
            "AND created_at >= %s AND created_at < %s GROUP BY 1",
            [unit_ids, lo, hi],
        ),
        (
            "SELECT result, COUNT(*) FROM frontdesk_inquiry WHERE center_id = ANY(%s) "
            "AND received_at >= %s AND received_at < %s GROUP BY 1",
            [unit_ids, lo, hi],
        ),
        (
            "SELECT status, COUNT(*) FROM petitions_petition WHERE center_id = ANY(%s) "
            "AND received_on >= %s AND received_on < %s GROUP BY 1",
            [unit_ids, month_start, month_end],
        ),
        (
            "SELECT center_id, COUNT(*), COUNT(*) FILTER (WHERE check_in IS NULL) FROM staffing_attendanceday "
            "WHERE center_id = ANY(%s) AND date >= %s AND date < %s GROUP BY 1",
            [unit_ids, month_start, month_end],
        ),
    ]


def _trend_floor(unit_ids: list[int], first: dt.date) -> tuple[str, list[Any]]:
    trend_start = first
    for _i in range(11):
        trend_start = (trend_start - dt.timedelta(days=1)).replace(day=1)
    return (
        "SELECT month, SUM(completed), SUM(on_time) FROM reports_monthrollup "
        "WHERE unit_id = ANY(%s) AND month >= %s AND month < %s GROUP BY 1",
        [unit_ids, trend_start, first],
    )


def _rolled_floor(unit_ids: list[int], first: dt.date, now: dt.datetime) -> Floor:
    """A closed month from the rollups: the rows, the trend, and the two live figures (overdue now, leave)."""
    _s, _e, lo, hi = _bounds(first)
    return [
        ("SELECT unit_id, data FROM reports_monthrollup WHERE unit_id = ANY(%s) AND month = %s", [unit_ids, first]),
        _trend_floor(unit_ids, first),
        _live_floor(unit_ids, first, now)[3],
        (
            "SELECT kind, COUNT(*) FROM staffing_leave WHERE center_id = ANY(%s) "
            "AND status IN ('approved', 'returned') AND start < %s AND \"end\" > %s GROUP BY 1",
            [unit_ids, hi, lo],
        ),
    ]


def district_dashboard_ops(
    op: Callable[..., None], out: dict[str, Any], district: Any, now: Any, client: Callable[[str], Client]
) -> None:
    """`district_dashboard`: the last full month (from the rollups); `district_dashboard_current`: this month."""
    try:
        url = reverse("reports:district_dashboard", kwargs={"code": district.code})
    except NoReverseMatch:
        out["district_dashboard"] = {"not_measured": "feature not built yet (no reports:district_dashboard)"}
        return
    from bianmin.org.models import OrgUnit

    today = timezone.localdate()
    current = today.replace(day=1)
    last = (current - dt.timedelta(days=1)).replace(day=1)  # the last full month
    # The district's units as literal ids (the best hand-written form: a LIKE subquery hides them from the planner)
    unit_ids = list(OrgUnit.objects.subtree(district).values_list("id", flat=True))
    pg = connection.vendor == "postgresql"

    def page(month: dt.date) -> Callable[[], None]:
        c = client(benchgen.BENCH_DISTRICT)
        target = f"{url}?month={month:%Y-%m}"

        def run() -> None:
            resp = c.get(target)
            if resp.status_code != 200:
                raise RuntimeError(f"{target} → {resp.status_code}")

        return run

    op("district_dashboard", page(last), _rolled_floor(unit_ids, last, now) if pg else None)
    current_floor = [*_live_floor(unit_ids, current, now), _trend_floor(unit_ids, current)]
    op("district_dashboard_current", page(current), current_floor if pg else None)
