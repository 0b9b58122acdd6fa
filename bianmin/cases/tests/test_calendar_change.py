"""When the administrator changes the working calendar, open cases depending on the changed days follow."""

from __future__ import annotations

import datetime as dt

import pytest

from bianmin.cases.models import Case, CaseEvent, Status
from bianmin.cases.services import case_complete, cases_recompute_open_due
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import intake, item_for
from bianmin.core.services import calendar_day_remove, calendar_day_set
from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user

pytestmark = pytest.mark.django_db


def test_a_new_holiday_moves_the_due_moment_of_open_cases_spanning_it(world, clock):
    admin = staff_user(Role.ADMIN, world.district)
    version = item_for(world)
    open_case = intake(world, version, n=1)  # due Monday 16 March 17:30
    done = intake(world, version, n=2)
    case_complete(case=done, actor=world.clerk.user, result="办结", dispose_by_form=True)
    clock.set(at(2026, 3, 20, 10))
    later = intake(world, version, n=3)  # accepted after the changed day: unaffected
    clock.set(at(2026, 3, 10, 10))

    day = calendar_day_set(
        day=dt.date(2026, 3, 11), is_workday=False, name="临时闭厅", reason="防汛应急", actor=admin.user
    )

    open_case.refresh_from_db()
    done.refresh_from_db()
    later_due = later.due_at
    later.refresh_from_db()
    assert open_case.due_at == at(2026, 3, 17, 17, 30)
    assert done.status == Status.COMPLETED
    assert later.due_at == later_due
    event = CaseEvent.objects.get(case=open_case, verb="due_recomputed")
    assert "2026-03-16 17:30" in event.note
    assert "2026-03-17 17:30" in event.note
    assert event.actor == admin.user
    assert not CaseEvent.objects.filter(case__in=[done, later], verb="due_recomputed").exists()

    # And back again when the notice is withdrawn.
    calendar_day_remove(row=day, reason="取消闭厅", actor=admin.user)
    open_case.refresh_from_db()
    assert open_case.due_at == at(2026, 3, 16, 17, 30)


def test_new_intakes_use_the_changed_calendar(world, clock):
    admin = staff_user(Role.ADMIN, world.district)
    calendar_day_set(day=dt.date(2026, 3, 12), is_workday=False, name="临时闭厅", reason="停电检修", actor=admin.user)

    case = intake(world, item_for(world))

    assert case.due_at == at(2026, 3, 17, 17, 30)


def test_a_case_accepted_before_opening_does_not_count_its_acceptance_day(world, clock):
    clock.set(at(2026, 3, 9, 8))  # Monday 08:00, before the hall opens

    case = intake(world, item_for(world, promised_limit=5))

    assert case.due_at == at(2026, 3, 16, 17, 30)  # Tue–Fri and the next Monday, not Mon–Fri


def test_open_cases_due_under_the_old_rule_are_recomputed_with_an_event(world, clock):
    version = item_for(world, promised_limit=5)
    clock.set(at(2026, 3, 9, 8))
    early = intake(world, version, n=1)
    clock.set(at(2026, 3, 9, 10))
    ordinary = intake(world, version, n=2)
    # As the old rule saved it: Monday 08:00 counted Monday as day 1.
    Case.objects.filter(pk=early.pk).update(due_at=at(2026, 3, 13, 17, 30))

    changed = cases_recompute_open_due(actor=None, center=world.center)

    early.refresh_from_db()
    ordinary.refresh_from_db()
    assert changed == 1
    assert early.due_at == at(2026, 3, 16, 17, 30)
    assert ordinary.due_at == at(2026, 3, 16, 17, 30)
    event = CaseEvent.objects.get(case=early, verb="due_rule_recomputed")
    assert "受理当日不计入" in event.note
    assert "2026-03-13 17:30" in event.note
    assert not CaseEvent.objects.filter(case=ordinary, verb="due_rule_recomputed").exists()
