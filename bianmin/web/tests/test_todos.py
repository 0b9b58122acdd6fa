"""The staff home leads with the user's to-do list, every app contributing its rows; the menu badges count them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bianmin.cases.tests.factories import make_world
from bianmin.core.todos import Urgency, registered_kinds, urgency_of
from bianmin.org.models import Role
from bianmin.web.tests.todo_world import add_director_items

pytestmark = pytest.mark.django_db

DIRECTOR_KINDS = {
    "cases_due", "case_handovers", "joint_tasks", "signoffs", "online_prereview", "frontdesk_handovers",
    "assigned_tasks", "leave_to_approve", "unmanned_windows", "accountability", "ratings", "complaints",
}  # fmt: skip


def _home_queries(client, django_assert_max_num_queries, staff) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff.user)
    client.get(reverse("org:staff_home"))  # the session and the per-process caches (calendar, menu) warm up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("org:staff_home"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_every_kind_is_registered_by_its_app_and_the_director_sees_them_all() -> None:
    assert {k.kind for k in registered_kinds(Role.DIRECTOR)} == DIRECTOR_KINDS
    window_kinds = {k.kind for k in registered_kinds(Role.WINDOW)}
    assert "online_prereview" in window_kinds
    assert not window_kinds & {"leave_to_approve", "accountability", "signoffs", "unmanned_windows", "complaints"}
    assert {k.kind for k in registered_kinds(Role.INSPECTOR)} >= {"complaints"}
    assert registered_kinds(None) == []


def test_the_home_shows_every_kind_with_links_and_its_queries_do_not_grow_with_the_items(
    client, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    world = make_world()
    add_director_items(world, 1)
    few, html = _home_queries(client, django_assert_max_num_queries, world.director)
    for label in ("临近时限的办件", "待确认接收的办件", "联办任务", "待签批的补报要求", "网上申报待预审",
                  "待接收的代收材料", "交办事项", "待审批的请假", "窗口无人值守", "待确认的责任追究", "差评整改",
                  "交我调查的投诉"):  # fmt: skip
        assert label in html, label
    assert "已超期" in html
    assert 'href="/staff/cases/c/' in html
    assert 'href="/staff/oversight/accountability/' in html

    add_director_items(world, 8)
    with django_assert_num_queries(few):
        html = client.get(reverse("org:staff_home")).content.decode()
    # Five rows a kind at most, with a link to all of them.
    assert html.count('class="todo-row"') == 5 * len(DIRECTOR_KINDS)
    assert "共 9 项，查看全部" in html
    # Two queries a kind at most, on top of the page's own.
    assert few <= 2 * len(DIRECTOR_KINDS) + 25


def test_the_menu_counts_come_in_one_request_and_name_each_menu_entry(client) -> None:
    world = make_world()
    add_director_items(world, 2)
    client.force_login(world.director.user)
    data = client.get(reverse("web:todo_counts")).json()
    assert data["links"][reverse("oversight:accountability_list")] == 2
    assert data["links"][reverse("staffing:board")] == 2  # unmanned windows: the badge sits on the live board
    assert data["links"][reverse("cases:workbench")] == 6  # due, handed over, joint tasks
    assert data["total"] == 2 * len(DIRECTOR_KINDS)


def test_a_window_clerk_sees_only_their_own_items(client) -> None:
    world = make_world()
    add_director_items(world, 1)  # all the director's
    add_director_items(world, 1, staff=world.colleague)
    client.force_login(world.colleague.user)
    data = client.get(reverse("web:todo_counts")).json()
    assert reverse("oversight:accountability_list") not in data["links"]
    assert reverse("staffing:leave_list") not in data["links"]
    # Their own case, handover, joint task; the front-desk handover, the task; the center's online applications.
    assert data["links"][reverse("cases:workbench")] == 3
    assert data["links"][reverse("frontdesk:handovers")] == 1
    assert data["links"][reverse("cases:online_list")] == 2
    html = client.get(reverse("org:staff_home")).content.decode()
    assert "待确认的责任追究" not in html
    assert "待接收的代收材料" in html


def test_an_empty_list_says_so(client) -> None:
    world = make_world()
    client.force_login(world.handler.user)
    assert "暂无待办事项" in client.get(reverse("org:staff_home")).content.decode()
    assert client.get(reverse("web:todo_counts")).json() == {"total": 0, "links": {}}


def test_urgency_follows_the_local_calendar_day() -> None:
    now = timezone.make_aware(dt.datetime(2026, 3, 9, 10))
    assert urgency_of(now - dt.timedelta(minutes=1), now=now) == Urgency.OVERDUE
    assert urgency_of(now + dt.timedelta(hours=7), now=now) == Urgency.TODAY
    assert urgency_of(now + dt.timedelta(hours=15), now=now) == Urgency.TOMORROW
    assert urgency_of(now + dt.timedelta(days=2), now=now) == Urgency.OPEN
    assert urgency_of(dt.date(2026, 3, 8), now=now) == Urgency.OVERDUE
    assert urgency_of(dt.date(2026, 3, 10), now=now) == Urgency.TOMORROW
    assert urgency_of(None, now=now) == Urgency.OPEN


def test_an_urgent_row_without_a_deadline_is_not_said_to_be_due() -> None:
    from bianmin.core.todos import TodoRow

    now = timezone.now()
    assert TodoRow("移交", "/", Urgency.TODAY).urgency_label == "请尽快处理"
    assert TodoRow("办件", "/", Urgency.TODAY, now).urgency_label == "今日到期"
    assert TodoRow("办件", "/", Urgency.OVERDUE, now).urgency_class == "red"
