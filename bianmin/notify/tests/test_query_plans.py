"""The reminder sweeps read through indexes (checked on PostgreSQL's planner; sequential scans switched off, as in
cases/tests/test_query_plans.py: the question is whether an index serves the query shape)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from bianmin.assignments.models import AssignedTask
from bianmin.cases.reminders import case_reminder_candidates
from bianmin.cases.tests.factories import intake, item_for, make_world
from bianmin.notify.models import Channel, Notification
from bianmin.notify.tests.factories import aware

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
    pytest.mark.django_db,
]


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_case_reminder_sweep_reads_an_index_range_of_cases():
    world = make_world()
    version = item_for(world)
    for n in range(3):
        intake(world, version, n=n)
    with connection.cursor() as cursor:  # the planner works from these cases, not what earlier tests left it
        cursor.execute("ANALYZE cases_case")

    text = plan(case_reminder_candidates(now=aware(2026, 3, 9, 10)))

    # The deadline range is an index condition (the planner picks among the case indexes on due_at by size;
    # case_center_status_due_idx serves it with the center and status lists at district scale), never a scan.
    assert "Seq Scan on cases_case" not in text
    assert any("Index Cond" in line and "due_at >=" in line for line in text.splitlines())


def test_the_sent_keys_and_the_task_sweep_use_indexes():
    # Some sent messages and fresh statistics: on an empty table every index costs the same, and the planner once
    # picked the inbox index (channel only) for this lookup, which made the test fail by chance.
    Notification.objects.bulk_create(
        Notification(
            key=f"case:{n}:near:x:staff1",
            channel=Channel.IN_APP,
            template="case_near_deadline",
            to_display="测试",
            title="办件即将到期",
            body="办件即将到期",
            status=Notification.Status.SENT,
            next_attempt_at=aware(2026, 3, 9, 10),
        )
        for n in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notify_notification")
    keys = Notification.objects.filter(key__in=["case:1:near:x:staff1"], channel=Channel.IN_APP).order_by()
    tasks = AssignedTask.objects.filter(
        status=AssignedTask.Status.OPEN, due_at__lte=aware(2026, 3, 9, 10) + dt.timedelta(days=15)
    )

    assert "notification_once_per_event" in plan(keys)
    assert "Seq Scan" not in plan(tasks)
