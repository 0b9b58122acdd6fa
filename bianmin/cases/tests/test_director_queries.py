"""The director board's selectors read the center's units once per request, and the case page's staff pickers
share one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bianmin.cases import selectors
from bianmin.cases.tests.factories import intake, item_for

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
    row = next(r for r in page.context["page"].rows if r.case.pk == case.pk)
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
