"""The director board's panel of overdue assigned tasks: a compiled read, the same tasks as `overdue_tasks`."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.assignments import selectors
from bianmin.assignments.tests.factories import Office, make_task

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


def test_the_panel_shows_the_first_overdue_tasks_in_scope_and_counts_them_all(django_assert_num_queries):
    # given four tasks past their deadline (assigned on different days), one not yet due, and a late one elsewhere
    office, elsewhere = Office(), Office()
    late = [
        make_task(office, title=f"逾期事项{n}", assigned_at=dt.datetime(2026, 1, 5 + n, 10, tzinfo=TZ))
        for n in range(4)
    ]
    make_task(office, title="整理台账")
    make_task(elsewhere, title="别处逾期", assigned_at=dt.datetime(2026, 1, 5, 10, tzinfo=TZ))
    user = office.director.user
    expected = list(selectors.overdue_tasks(user=user))
    assert [t.pk for t in expected] == [t.pk for t in late]
    # when the panel shows three rows: the first three, and the four counted (one more query)
    with django_assert_num_queries(2):  # the rows, then the count
        tasks, total = selectors.overdue_panel(user=user, rows=3)
    assert [t.pk for t in tasks] == [t.pk for t in expected[:3]]
    assert total == 4
    # with the objects' names loaded as the ORM loads them
    assert [(t.title, t.responsible_display) for t in tasks] == [(t.title, t.responsible_display) for t in expected[:3]]
    # and with room for all: every one, no count query
    tasks, total = selectors.overdue_panel(user=user, rows=10)
    assert ([t.pk for t in tasks], total) == ([t.pk for t in late], 4)
    # a window clerk of the other center sees only theirs
    assert [t.title for t in selectors.overdue_panel(user=elsewhere.clerk_a.user, rows=10)[0]] == ["别处逾期"]
