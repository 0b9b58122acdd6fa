from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from bianmin.core.events import audit
from bianmin.core.listeners import emit_after_commit
from bianmin.core.models import CalendarDay
from bianmin.core.selectors import invalidate_work_calendar
from bianmin.core.workcalendar import statutory_overrides


def _notify_calendar_listeners(changed: list[dt.date], actor: Any) -> None:
    # Explicit, configured callers (e.g. cases recomputing due moments), not signals.
    for path in getattr(settings, "BIANMIN_CALENDAR_LISTENERS", []):
        import_string(path)(changed_dates=changed, actor=actor)
    transaction.on_commit(invalidate_work_calendar)
    invalidate_work_calendar()
    # After the invalidation above: the apps above (the hall's slots and bookings) read the new calendar.
    emit_after_commit("BIANMIN_CALENDAR_EVENT_LISTENERS", "calendar_changed", changed_dates=changed, actor=actor)


@transaction.atomic
def calendar_seed_statutory(*, years: Iterable[int], actor: Any = None) -> int:
    """Load China's statutory holidays and make-up working days for `years` from the holidays package.
    Idempotent; the administrator's own entries are left untouched and keep overriding."""
    years = sorted(set(years))
    wanted = {day: (rule.is_workday, rule.reason) for day, rule in statutory_overrides(years).items()}
    existing = {
        row.date: row for row in CalendarDay.objects.filter(source=CalendarDay.Source.PACKAGE, date__year__in=years)
    }
    changed: list[dt.date] = []
    for day, (is_workday, name) in sorted(wanted.items()):
        row = existing.pop(day, None)
        if row is None:
            CalendarDay.objects.create(date=day, source=CalendarDay.Source.PACKAGE, is_workday=is_workday, name=name)
            changed.append(day)
        elif (row.is_workday, row.name) != (is_workday, name):
            row.is_workday, row.name = is_workday, name
            row.save(update_fields=["is_workday", "name"])
            changed.append(day)
    for stale in existing.values():
        changed.append(stale.date)
        stale.delete()
    if changed:
        _notify_calendar_listeners(changed, actor)
    return len(changed)


@transaction.atomic
def calendar_day_set(*, day: dt.date, is_workday: bool, name: str, reason: str, actor: Any) -> CalendarDay:
    """The administrator notifies a special day (§6(2) 特殊情况另行通知); it overrides the statutory calendar."""
    if not name.strip():
        raise ValidationError({"name": _("请填写名称，例如“防汛值班”或“临时闭厅”。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写调整原因。")})
    row, created = CalendarDay.objects.update_or_create(
        date=day,
        source=CalendarDay.Source.ADMIN,
        defaults={"is_workday": is_workday, "name": name.strip(), "reason": reason.strip(), "created_by": actor},
    )
    audit(
        actor=actor,
        target=row,
        verb="calendar_day_set",
        note=reason,
        data={"date": day.isoformat(), "is_workday": is_workday, "name": name, "created": created},
    )
    _notify_calendar_listeners([day], actor)
    return row


@transaction.atomic
def calendar_day_remove(*, row: CalendarDay, reason: str, actor: Any) -> None:
    if row.source != CalendarDay.Source.ADMIN:
        raise ValidationError(_("国家法定节假日安排不能删除；如需调整，请另行设置特殊日期。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤销原因。")})
    audit(actor=actor, target=row, verb="calendar_day_remove", note=reason, data={"date": row.date.isoformat()})
    day = row.date
    row.delete()
    _notify_calendar_listeners([day], actor)


@transaction.atomic
def personal_data_reveal(*, actor: Any, target: Any, field: str, reason: str) -> str:
    """The unmasked value of an encrypted field, for a caller that has already checked the actor's role.
    Every reveal is logged (who, what, why)."""
    from django.contrib.contenttypes.models import ContentType

    from bianmin.core.models import PersonalDataReveal

    if not reason.strip():
        raise ValidationError({"reason": _("查看完整个人信息须填写事由。")})
    PersonalDataReveal.objects.create(
        actor=actor,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        field=field,
        reason=reason.strip()[:200],
    )
    return str(getattr(target, field) or "")
