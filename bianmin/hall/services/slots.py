"""The hall's settings, extended hours and appointment slots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.events import audit
from bianmin.core.selectors import work_calendar
from bianmin.hall import selectors
from bianmin.hall.models import (
    AppointmentSlot,
    HallSettings,
    QueueCategory,
)
from bianmin.hall.services.common import moment_or_now
from bianmin.hall.services.screen import screen_touch
from bianmin.hall.slotting import is_closed_by_notice, overlaps, split_session
from bianmin.org.models import ExtendedHours, OrgUnit, Window

MAX_GENERATE_DAYS = 62
# --- Settings, extended hours, slots --------------------------------------------------------------------------


@transaction.atomic
def hall_settings_save(*, settings: HallSettings, actor: Any) -> HallSettings:
    settings.full_clean()
    settings.save()
    audit(
        actor=actor,
        target=settings,
        verb="hall_settings_save",
        data={
            "priority_cap": settings.priority_cap,
            "booking_daily_limit": settings.booking_daily_limit,
            "booking_days_ahead": settings.booking_days_ahead,
            "slot_minutes": settings.slot_minutes,
            "slot_capacity": settings.slot_capacity,
            "checkin_grace_minutes": settings.checkin_grace_minutes,
        },
    )
    return settings


@transaction.atomic
def extended_hours_add(
    *, center: OrgUnit, date: dt.date, start: dt.time, end: dt.time, note: str, actor: Any
) -> ExtendedHours:
    """A 延时服务 session: lunch time, evening or a day off. It may not overlap office hours or another session."""
    if not start < end:
        raise ValidationError({"end": _("结束时间必须晚于开始时间。")})
    if date < timezone.localdate():
        raise ValidationError({"date": _("不能为已过去的日期安排延时服务。")})
    if is_closed_by_notice(date, work_calendar()):
        raise ValidationError({"date": _("该日已通知闭厅，不能安排延时服务。")})
    for session in selectors.sessions_on(center=center, day=date):
        if overlaps((start, end), (session.start, session.end)):
            kind = _("其他延时服务时段") if session.extended else _("正常办公时间")
            raise ValidationError(
                _("该时段与%(kind)s %(start)s–%(end)s 重叠。")
                % {"kind": kind, "start": f"{session.start:%H:%M}", "end": f"{session.end:%H:%M}"}
            )
    row = ExtendedHours.objects.create(center=center, date=date, start=start, end=end, note=note.strip())
    audit(
        actor=actor,
        target=row,
        verb="extended_hours_add",
        note=note,
        data={"date": date.isoformat(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"},
    )
    screen_touch(center.pk)
    return row


@transaction.atomic
def extended_hours_remove(*, row: ExtendedHours, reason: str, actor: Any) -> None:
    """Withdraw a session; refused while people hold bookings in it. Its slots are removed or closed."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤销原因。")})
    start, end = selectors.at(row.date, row.start), selectors.at(row.date, row.end)
    slots = AppointmentSlot.objects.filter(center=row.center, is_extended=True, starts_at__gte=start, starts_at__lt=end)
    held = sum(s.booked for s in slots.select_for_update(of=("self",)))
    if held:
        raise ValidationError(
            _("该延时服务时段已有 %(count)s 个预约，请先联系预约人改约或取消后再撤销。") % {"count": held}
        )
    # Slots that ever held a booking keep it in their history: they are closed, the others go.
    slots.filter(appointments__isnull=False).update(is_blocked=True, block_reason=_("延时服务已撤销"))
    slots.filter(appointments__isnull=True).delete()
    audit(
        actor=actor,
        target=row.center,
        verb="extended_hours_remove",
        note=reason,
        data={"date": row.date.isoformat(), "start": f"{row.start:%H:%M}", "end": f"{row.end:%H:%M}"},
    )
    center_id = row.center_id
    row.delete()
    screen_touch(center_id)


@transaction.atomic
def slots_generate(
    *,
    center: OrgUnit,
    category: QueueCategory,
    first: dt.date,
    last: dt.date,
    actor: Any,
    window: Window | None = None,
    minutes: int | None = None,
    capacity: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Create the slots of [first, last] from the working calendar, office hours and extended-hours sessions.
    Idempotent: existing slots (and their bookings) are left as they are. Returns how many were created."""
    rules = selectors.settings_for(center)
    minutes = rules.slot_minutes if minutes is None else minutes
    capacity = rules.slot_capacity if capacity is None else capacity
    if category.center_id != center.pk:
        raise ValidationError({"category": _("该业务类别不属于本中心。")})
    if window is not None and not category.windows.filter(pk=window.pk).exists():
        raise ValidationError({"window": _("所选窗口不办理该业务类别。")})
    if last < first:
        raise ValidationError({"last": _("结束日期不能早于开始日期。")})
    if (last - first).days >= MAX_GENERATE_DAYS:
        raise ValidationError({"last": _("一次最多生成 %(days)s 天的预约时段。") % {"days": MAX_GENERATE_DAYS}})
    if not 10 <= minutes <= 240:
        raise ValidationError({"minutes": _("时段长度应在 10 至 240 分钟之间。")})
    if not 1 <= capacity <= 100:
        raise ValidationError({"capacity": _("每时段名额应在 1 至 100 之间。")})
    moment = moment_or_now(now)
    existing = set(
        AppointmentSlot.objects.filter(category=category, window=window, date__gte=first, date__lte=last).values_list(
            "starts_at", flat=True
        )
    )
    new = []
    for day, sessions in selectors.sessions_by_day(center=center, first=first, last=last).items():
        for session in sessions:
            for start, end in split_session(session.start, session.end, minutes):
                starts_at = selectors.at(day, start)
                if starts_at <= moment or starts_at in existing:
                    continue
                new.append(
                    AppointmentSlot(
                        center=center,
                        category=category,
                        window=window,
                        date=day,
                        starts_at=starts_at,
                        ends_at=selectors.at(day, end),
                        capacity=capacity,
                        is_extended=session.extended,
                    )
                )
    AppointmentSlot.objects.bulk_create(new, ignore_conflicts=True)
    audit(
        actor=actor,
        target=category,
        verb="slots_generate",
        data={
            "first": first.isoformat(),
            "last": last.isoformat(),
            "window": window.number if window else None,
            "minutes": minutes,
            "capacity": capacity,
            "created": len(new),
        },
    )
    return len(new)


@transaction.atomic
def slot_block(*, slot: AppointmentSlot, reason: str, actor: Any) -> AppointmentSlot:
    """The director closes a slot to booking (training, events). A slot that people have booked stays open."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写停约原因，例如“业务培训”。")})
    # One conditional UPDATE: a booking racing this block either lands first (and the block is refused) or fails.
    done = AppointmentSlot.objects.filter(pk=slot.pk, booked=0).update(is_blocked=True, block_reason=reason.strip())
    if not done:
        raise ValidationError(_("该时段已有预约，不能停约。请先联系预约人改约或取消。"))
    audit(actor=actor, target=slot, verb="slot_block", note=reason, data={"starts_at": slot.starts_at.isoformat()})
    slot.refresh_from_db()
    return slot


@transaction.atomic
def slot_unblock(*, slot: AppointmentSlot, actor: Any) -> AppointmentSlot:
    AppointmentSlot.objects.filter(pk=slot.pk).update(is_blocked=False, block_reason="")
    audit(actor=actor, target=slot, verb="slot_unblock", data={"starts_at": slot.starts_at.isoformat()})
    slot.refresh_from_db()
    return slot


@transaction.atomic
def slots_block_range(
    *, center: OrgUnit, day: dt.date, start: dt.time, end: dt.time, reason: str, actor: Any
) -> tuple[int, int]:
    """Block every free slot of `day` overlapping [start, end); returns (blocked, left open because booked)."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写停约原因，例如“业务培训”。")})
    if not start < end:
        raise ValidationError({"end": _("结束时间必须晚于开始时间。")})
    window = AppointmentSlot.objects.filter(
        center=center, date=day, starts_at__lt=selectors.at(day, end), ends_at__gt=selectors.at(day, start)
    )
    blocked = window.filter(booked=0, is_blocked=False).update(is_blocked=True, block_reason=reason.strip())
    left = window.filter(booked__gt=0).count()
    audit(
        actor=actor,
        target=center,
        verb="slots_block_range",
        note=reason,
        data={"date": day.isoformat(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "blocked": blocked},
    )
    return blocked, left
