"""Dashboards and the assessment read from the report replica when there is one (a real streaming replica, see
bianmin/core/tests/replica_cluster.py; skipped where it cannot run)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test.utils import CaptureQueriesContext

from bianmin.core.replica import REPLICA
from bianmin.core.tests.replica_cluster import streaming_replica, wait_replayed
from bianmin.org.tests.factories import center, district
from bianmin.reports import assessment, selectors

__all__ = ["streaming_replica"]


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_dashboards_and_assessment_read_from_the_replica(streaming_replica):
    # given a district with a center and an administrator, replayed on the replica
    admin = get_user_model().objects.create_superuser("replica-admin", password="x")
    unit = district()
    hall = center(parent=unit)
    wait_replayed()
    month = dt.date.today().replace(day=1)
    # when the dashboards and the assessment are built
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        board = selectors.district_dashboard(user=admin, unit=unit, month=month)
        selectors.center_dashboard(user=admin, center=hall, month=month)
        assessment.annual_assessment(user=admin, center=hall, year=month.year - 1)
    # then their aggregates ran on the replica, none on the primary
    assert board.unit == unit
    assert any("cases_case" in q["sql"] for q in on_replica.captured_queries)
    assert [q["sql"] for q in on_primary.captured_queries if "cases_case" in q["sql"]] == []
