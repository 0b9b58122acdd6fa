"""Every query the dashboards and the assessment run is served by an index (PostgreSQL's planner).

Sequential scans are switched off for the EXPLAIN, as in bianmin/cases/tests/test_query_plans.py: the question is
whether a matching index exists for each query shape, not what is cheapest on a handful of rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bianmin.reports.assessment import annual_assessment
from bianmin.reports.selectors import district_dashboard

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
]

# The tables that grow with the history: a scan of any of them would grow with the years.
BIG = (
    "cases_case",
    "oversight_rating",
    "frontdesk_inquiry",
    "petitions_petition",
    "staffing_attendanceday",
    "staffing_leave",
    "staffing_inspection",
    "oversight_complaint",
    "oversight_accountability",
)


def _scans(sqls: list[str]) -> list[str]:
    found = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in sqls:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            found += [f"{table}: {sql[:80]}" for table in BIG if f"Seq Scan on {table}" in plan]
    return found


def test_the_dashboard_and_the_assessment_scan_no_history_table(world, clock):
    user = world.district_user.user
    district_dashboard(user=user, unit=world.district, month=dt.date(2026, 3, 1))  # warm the calendar and the user
    annual_assessment(user=user, center=world.center, year=2026)

    with CaptureQueriesContext(connection) as dashboard:
        district_dashboard(user=user, unit=world.district, month=dt.date(2026, 3, 1))
    with CaptureQueriesContext(connection) as assessment:
        annual_assessment(user=user, center=world.center, year=2026)

    sqls = [q["sql"] for q in dashboard.captured_queries + assessment.captured_queries if q["sql"].startswith("SELECT")]
    assert len(sqls) > 20
    assert _scans(sqls) == []
