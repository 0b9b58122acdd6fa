import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bianmin.core.models import AuditEvent, CalendarDay
from bianmin.core.selectors import work_calendar
from bianmin.core.services import calendar_day_remove, calendar_day_set, calendar_seed_statutory

CALLS: list[dict] = []


def _user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username=f"admin{get_user_model().objects.count()}")


def record_change(**kwargs):
    CALLS.append(kwargs)


@pytest.mark.django_db
def test_seeding_loads_holidays_and_makeup_days_once():
    changed = calendar_seed_statutory(years=[2026])

    assert changed > 20
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).is_workday is True
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).is_workday is False
    assert calendar_seed_statutory(years=[2026]) == 0  # idempotent
    assert not work_calendar().is_workday(dt.date(2026, 10, 1))


@pytest.mark.django_db
def test_admin_special_day_overrides_the_package_and_reseeding_keeps_it():
    calendar_seed_statutory(years=[2026])
    admin = _user()

    calendar_day_set(day=dt.date(2026, 10, 10), is_workday=False, name="临时闭厅", reason="线路改造", actor=admin)
    calendar_seed_statutory(years=[2026])

    cal = work_calendar()
    assert not cal.is_workday(dt.date(2026, 10, 10))
    assert cal.rule(dt.date(2026, 10, 10)).reason == "临时闭厅：线路改造"
    assert AuditEvent.objects.filter(verb="calendar_day_set").count() == 1


@pytest.mark.django_db
def test_removing_the_special_day_restores_the_statutory_rule():
    calendar_seed_statutory(years=[2026])
    admin = _user()
    row = calendar_day_set(day=dt.date(2026, 10, 10), is_workday=False, name="临时闭厅", reason="线路改造", actor=admin)
    assert not work_calendar().is_workday(dt.date(2026, 10, 10))

    calendar_day_remove(row=row, reason="恢复", actor=admin)

    assert work_calendar().is_workday(dt.date(2026, 10, 10))


@pytest.mark.django_db
def test_special_day_needs_a_name_and_a_reason_and_statutory_rows_cannot_be_removed():
    calendar_seed_statutory(years=[2026])
    admin = _user()

    with pytest.raises(ValidationError) as exc:
        calendar_day_set(day=dt.date(2026, 12, 1), is_workday=False, name="闭厅", reason=" ", actor=admin)
    assert "原因" in str(exc.value)
    with pytest.raises(ValidationError):
        calendar_day_remove(row=CalendarDay.objects.get(date=dt.date(2026, 10, 1)), reason="x", actor=admin)


@pytest.mark.django_db
def test_calendar_listeners_are_told_which_days_changed(settings):
    settings.BIANMIN_CALENDAR_LISTENERS = [f"{__name__}.record_change"]
    CALLS.clear()
    admin = _user()

    calendar_day_set(day=dt.date(2026, 12, 1), is_workday=False, name="闭厅", reason="停电", actor=admin)

    assert [{"changed_dates": [dt.date(2026, 12, 1)], "actor": admin}] == CALLS
