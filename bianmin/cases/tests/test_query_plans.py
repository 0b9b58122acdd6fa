"""The workbench queries are served by the indexes on `Case` (checked on PostgreSQL's planner).

With a handful of rows the planner would rightly scan the table, so sequential scans are switched off for the
EXPLAIN: the question is whether a matching index exists for each query shape, not what is cheapest today.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from bianmin.cases import selectors
from bianmin.cases.models import OPEN_STATUSES, Case
from bianmin.cases.tests.factories import intake, item_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
    pytest.mark.django_db,
]


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # The test's own cases, not the statistics other tests (or autovacuum, at any moment) left; and no sequential
        # scan, no bitmap over an index that merely filters, no sort where an index could give the order: the
        # question is which index serves the query's filter and order. On a handful of rows in a table the suite has
        # bloated, the planner would otherwise rightly pick any index and sort five rows.
        cursor.execute("ANALYZE cases_case")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_open_case_lists_use_the_partial_indexes(world, clock):
    version = item_for(world)
    for n in range(5):
        intake(world, version, n=n)
    open_ = [s.value for s in OPEN_STATUSES]

    mine = Case.objects.filter(assignee=world.clerk, status__in=open_, due_at__isnull=False).order_by("due_at", "id")
    center = Case.objects.filter(center=world.center, status__in=open_, due_at__isnull=False).order_by("due_at", "id")

    assert "case_open_assignee_idx" in plan(mine[:31])
    assert "case_open_center_idx" in plan(center[:31])


def test_lookups_by_number_id_index_and_token_use_indexes(world, clock):
    case = intake(world, item_for(world))

    assert "Index" in plan(Case.objects.filter(number=case.number, phone_tail="1234"))
    assert "case_applicant_idx" in plan(Case.objects.filter(applicant_id_index=case.applicant_id_index))
    assert "Index" in plan(Case.objects.filter(public_token=case.public_token))


def test_selector_querysets_are_bounded(world, clock):
    version = item_for(world)
    for n in range(40):
        intake(world, version, n=n)

    page = selectors.my_cases(user=world.clerk.user, limit=30)

    assert len(page.rows) == 30
    assert page.next_cursor is not None


def test_materials_still_held_are_found_through_the_partial_index(world, clock):
    # The daily accountability sweep (§8(3)(5)) asks which materials a center still holds: a partial index keeps
    # that to the few held rows instead of the whole history of materials.
    from bianmin.cases.models import CaseMaterial, Custody

    intake(world, item_for(world))

    assert "casematerial_held_idx" in plan(CaseMaterial.objects.filter(custody=Custody.HELD).values("case_id"))


def test_director_board_workload_narrows_by_the_centers_partial_index(world, clock):
    # given open cases at the center
    version = item_for(world)
    for n in range(3):
        intake(world, version, n=n)
    # when the workload aggregate is planned (the center's units are passed as ids, not as a LIKE subquery)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        selectors.center_workload(user=world.director.user)
    sql = ctx.captured_queries[-1]["sql"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")  # this test's cases, not what other tests left (see `plan`)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        text = "\n".join(row[0] for row in cursor.fetchall())
    # then it reads the center's cases through an index that starts with the center (the center's partial index of
    # open cases at scale; on a handful of rows the planner may take another index led by the center), never the
    # assignee's index nor every open case of the city
    lines = text.splitlines()
    scans = [
        i
        for i, line in enumerate(lines)
        if ("Index" in line and "on cases_case" in line) or "Bitmap Index Scan on case_" in line
    ]
    assert scans, text
    assert all("Index Cond: (center_id" in lines[i + 1] for i in scans), text
    assert "case_open_assignee_idx" not in text


def test_search_by_full_phone_and_phone_tail_use_their_indexes(world, clock):
    case = intake(world, item_for(world), phone="13903715678")

    by_phone = Case.objects.filter(applicant_phone_index=case.applicant_phone_index)
    by_tail = Case.objects.filter(center=world.center, phone_tail="5678").order_by("-received_at", "-id")

    assert "case_applicant_phone_idx" in plan(by_phone)
    assert "case_center_phone_tail_idx" in plan(by_tail[:31])


def test_the_received_list_uses_its_own_partial_index(world, clock):
    intake(world, item_for(world), n=1)

    received = selectors._MY_RECEIVED.build(world.clerk.pk)

    assert "case_received_assignee_idx" in plan(received)
