"""The director board's selectors read the center's units once per request, and the case page's staff pickers
share one query."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import astuple

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bianmin.cases import selectors
from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import intake, item_for, presented_except
from bianmin.core.selectors import work_calendar

pytestmark = pytest.mark.django_db


def test_board_selectors_read_the_centers_units_once(world, clock, django_assert_num_queries):
    # given open cases and a director whose center is already known
    version = item_for(world)
    for n in range(3):
        intake(world, version, n=n)
    user = world.director.user
    selectors.director_center(user=user)
    # when the board's list and workload are read for the same user: one query for the units, one each
    with django_assert_num_queries(3):
        page = selectors.center_open_cases(user=user)
        workload = selectors.center_workload(user=user)
    # then both see the center's cases
    assert len(page.rows) == 3
    assert sum(w.open for w in workload) == 3


def test_case_page_reads_the_center_staff_once_for_both_pickers(world, clock, client):
    # given an open case, seen by the clerk who holds it
    case = intake(world, item_for(world))
    client.force_login(world.clerk.user)
    # when the case page renders the handover and proxy pickers
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("cases:detail", args=[case.number]))
    # then both offer the center's staff, read by one query (no server-side cursor per picker)
    assert response.status_code == 200
    assert "to_staff" in response.context["forms"]["handover"].fields
    assert "agent" in response.context["forms"]["proxy"].fields
    picker_reads = [
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "org_staff"' in q["sql"] and '"org_orgunit"."path"' in q["sql"] and "LIKE" in q["sql"]
    ]
    assert len(picker_reads) == 1


def test_list_rows_show_the_status_and_mode_labels(world, clock, client):
    # given an open case on the clerk's workbench
    case = intake(world, item_for(world))
    client.force_login(world.clerk.user)
    # when the workbench lists it
    page = client.get(reverse("cases:workbench"))
    row = next(r for r in page.context["page"].rows if r.pk == case.pk)
    # then the row's labels are the choices' labels (looked up once, not rebuilt per call)
    assert row.status_label == case.get_status_display()
    assert row.mode_label == case.get_mode_display()
    assert row.status_label in page.content.decode()


def test_case_for_user_reads_the_case_then_its_staff(world, clock, django_assert_num_queries):
    # given a case, and the clerk's staff record already known (as in a request)
    case = intake(world, item_for(world))
    user = world.clerk.user
    from bianmin.org.access import staff_of

    staff_of(user)
    # when the case is read for its page: the case with its center, window and item, then its staff in one query
    with django_assert_num_queries(2):
        found = selectors.case_for_user(user=user, number=case.number)
        assert found.received_by is not None
        assert found.assignee is not None
        names = (found.received_by.name, found.assignee.name, found.center.name, found.item.name)
    # then everything the page shows about them is there
    assert all(names)


def _shown(rows: list[selectors.Row]) -> list[selectors.Row]:
    return [dataclasses.replace(r, case=None) for r in rows]


def test_the_compiled_first_pages_show_what_the_orm_pages_show(world, clock, django_assert_num_queries):
    # given 34 open cases over a week, two clerks and two windows, a supplement pending
    short, long_ = item_for(world, promised_limit=1), item_for(world, promised_limit=5)
    made = []
    for n in range(34):
        clock.set(at(2026, 3, 9 + n % 5, 9 + n % 7, 5 * (n % 12)))
        made.append(
            intake(
                world,
                short if n % 2 else long_,
                n=n,
                by=world.colleague if n % 3 == 0 else world.clerk,
                presented=presented_except(short if n % 2 else long_, "户口簿") if n == 7 else None,
                decision=Decision.ACCEPT_WITH_SUPPLEMENT if n == 7 else Decision.ACCEPT,
            )
        )
    Case.objects.filter(pk__in=[c.pk for c in made[::4]]).update(window=world.other_window)
    clock.set(at(2026, 3, 16, 11))  # some overdue now, some due today or on the next working day
    user, director = world.clerk.user, world.director.user
    center = selectors.director_center(user=director)
    assert center is not None
    ids = selectors._center_ids(center)
    # when the workbench and the director board read their first pages, compiled, and the same through the ORM
    with django_assert_num_queries(1):
        mine = selectors.my_cases(user=user)
    orm = selectors._keyset(selectors._list_qs().filter(assignee=world.clerk, status__in=selectors.OPEN), None, 30)
    # then the rows, their badges and the next page's cursor are the same
    assert _shown(mine.rows) == _shown(orm.rows)
    assert mine.next_cursor == orm.next_cursor
    assert {r.mark.code for r in mine.rows} >= {"overdue", "today"}
    now = timezone.now()
    for window_id in (None, world.other_window.pk):
        for assignee_id in (None, world.colleague.pk):
            for overdue in (False, True):
                board = selectors.center_open_cases(
                    user=director, window_id=window_id, assignee_id=assignee_id, overdue_only=overdue
                )
                qs = selectors._center_open_qs(ids, window_id, assignee_id, now if overdue else None)
                same = selectors._keyset(selectors._listed(qs), None, 30)
                assert _shown(board.rows) == _shown(same.rows), (window_id, assignee_id, overdue)
                assert board.next_cursor == same.next_cursor
    assert len(selectors.center_open_cases(user=director).rows) == 30
    # and the counts per window and clerk are the grouped query's
    workload = selectors.center_workload(user=director)
    cal = work_calendar()
    soon = dt.datetime.combine(
        cal.next_workday(timezone.localdate()) + dt.timedelta(days=1), dt.time.min, tzinfo=cal.tz
    )
    expected: list[tuple[object, ...]] = list(selectors._workload_query(*ids, now, soon))
    assert [astuple(w)[:8] for w in workload] == expected
    assert sum(w.open for w in workload) == 34
    assert sum(w.overdue for w in workload) > 0
    assert {w.window_label for w in workload} == {"2号窗口 民政窗口", "3号窗口 社保窗口"}


def test_pending_rows_are_tested_by_their_cases_key_not_joined_to_the_cases(world, clock):
    # A join to the cases table lets a prepared statement's generic plan walk the whole cases key index for the few
    # pending rows (seen at city scale: the board's summary went from 0.3 to 2.2 ms, and grows with the case ids).
    from bianmin.cases.services import case_handover

    case = intake(world, item_for(world), n=1)
    handover = case_handover(case=case, actor=world.clerk.user, to_staff=world.colleague, note="外出")
    ids = [world.center.pk]
    reads = {
        "signoffs": selectors._signoffs_qs(ids),
        "handovers": selectors._center_handovers_qs(ids),
        "tasks": selectors.open_tasks_of(world.clerk.pk, world.dept_a.pk),
    }
    for name, qs in reads.items():
        sql = str(qs.query)
        assert 'JOIN "cases_case"' not in sql, name
    # and they still find what is pending in the center, and nothing of another center
    assert list(reads["handovers"]) == [handover]
    assert list(selectors._center_handovers_qs([world.other_center.pk])) == []


def test_the_district_boards_compiled_reads_show_what_the_orm_shows(world, clock, client, django_assert_num_queries):
    # given 34 cases forwarded to the district over a week, three of them answered
    from bianmin.cases.models import Status
    from bianmin.cases.services import case_forward, forwarding_result
    from bianmin.catalog.models import Mode
    from bianmin.org.access import scope_filter, staff_of

    version = item_for(world, mode=Mode.FORWARDED, promised_limit=15)
    forwarded = []
    for n in range(34):
        clock.set(at(2026, 3, 9 + n % 5, 9 + n % 7, 5 * (n % 12)))
        case = intake(world, version, n=n)
        case_forward(case=case, actor=world.clerk.user, note="请审批")
        forwarded.append(case)
    clock.set(at(2026, 3, 16, 10))
    district = world.district_user.user
    for case, approved in zip(forwarded[:3], (True, False, True), strict=True):
        forwarding_result(case=case, actor=district, approved=approved, result=f"结果 {case.number}")
    staff_of(district)
    # when the board's two lists are read, compiled: one statement each
    with django_assert_num_queries(2):
        page = selectors.district_cases(user=district)
        answered = selectors.district_answered(user=district)
    # then the first page, its badges and its cursor are what the ORM reads
    orm_qs = scope_filter(selectors._list_qs(), district, "forwarding__district__path").filter(status=Status.FORWARDED)
    orm = selectors._keyset(orm_qs, None, 30)
    assert _shown(page.rows) == _shown(orm.rows)
    assert len(page.rows) == 30
    assert page.next_cursor == orm.next_cursor is not None
    assert {r.pk for r in page.rows} <= {c.pk for c in forwarded[3:]}
    # and the answers newest first, with who gave them
    assert [(a.number, a.result, a.result_by) for a in answered] == [
        (c.number, f"结果 {c.number}", world.district_user.name) for c in reversed(forwarded[:3])
    ]
    # and a center's clerk sees neither (the district's unit is not under the center)
    assert selectors.district_cases(user=world.clerk.user).rows == []
    assert selectors.district_answered(user=world.clerk.user) == []
    # and the page prints them
    client.force_login(district)
    body = client.get(reverse("cases:district")).content.decode()
    assert forwarded[3].number in body or forwarded[4].number in body
    assert f"结果 {forwarded[0].number}" in body
    assert world.district_user.name in body
