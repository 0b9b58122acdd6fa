"""Every write of the hall: one function per business action, in one transaction, with its event row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.models import Case
from bianmin.cases.services import case_mark_received_at_home
from bianmin.catalog.models import ServiceItem
from bianmin.core.events import audit
from bianmin.core.identifiers import clean_phone, clean_resident_id
from bianmin.core.numbering import format_serial, next_serial
from bianmin.core.personal_data import blind_index
from bianmin.core.selectors import work_calendar
from bianmin.hall import selectors
from bianmin.hall.models import (
    Appointment,
    AppointmentEvent,
    AppointmentSlot,
    Call,
    HallSettings,
    HomeVisit,
    HomeVisitEvent,
    PhoneDay,
    ProxyCase,
    ProxyEvent,
    QueueCategory,
    QueueVersion,
    Ticket,
    TicketEvent,
)
from bianmin.hall.notifications import notify
from bianmin.hall.queueing import Candidate, choose_next, priority_streak
from bianmin.hall.slotting import OpenSession, is_closed_by_notice, overlaps, split_session
from bianmin.hall.workflow import APPOINTMENT, HOME_VISIT, PROXY, TICKET
from bianmin.org.access import staff_of
from bianmin.org.models import ExtendedHours, OrgUnit, Staff, Window

MAX_CALL_ATTEMPTS = 10
MAX_GENERATE_DAYS = 62


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _clean_name(value: str, field: str = "name") -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: _("请填写姓名。")})
    if len(value) > 50:
        raise ValidationError({field: _("姓名不能超过 50 个字。")})
    return value


def _clean_phone(value: str, field: str = "phone") -> str:
    try:
        return clean_phone(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def _clean_id(value: str, field: str = "id_number") -> str:
    if not (value or "").strip():
        return ""
    try:
        return clean_resident_id(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def _phone_index(phone: str) -> str:
    return blind_index(phone, purpose="phone")


# --- The hall screen is told when the queue changes ------------------------------------------------------------


def screen_touch(center_id: int) -> None:
    """Bump the center's screen version in the caller's transaction: shared by every app server through the
    database, visible exactly when the change it announces is."""
    if not QueueVersion.objects.filter(center_id=center_id).update(value=F("value") + 1):
        QueueVersion.objects.get_or_create(center_id=center_id)
        QueueVersion.objects.filter(center_id=center_id).update(value=F("value") + 1)


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
    moment = _now(now)
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


# --- Appointments ---------------------------------------------------------------------------------------------


def _appointment_event(
    appointment: Appointment, verb: str, actor: Any, frm: str, to: str, **data: Any
) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment,
        actor=_actor(actor),
        verb=verb,
        from_state=frm,
        to_state=to,
        note=str(data.pop("note", "")),
        data=data,
    )


def _check_bookable(slot: AppointmentSlot, moment: dt.datetime) -> None:
    rules = selectors.settings_for(slot.center)
    if slot.is_blocked:
        raise ValidationError({"slot": _("该时段已停止预约，请选择其他时段。")})
    if slot.starts_at <= moment:
        raise ValidationError({"slot": _("该时段已开始或已过去，请选择其他时段。")})
    if slot.date > timezone.localtime(moment).date() + dt.timedelta(days=rules.booking_days_ahead):
        raise ValidationError({"slot": _("最多可提前 %(days)s 天预约。") % {"days": rules.booking_days_ahead}})


def _check_phone_limit(center: OrgUnit, phone_index: str, day: dt.date, exclude: int | None = None) -> None:
    # Serialize bookings of one phone on one day (a row lock), then count: the limit holds under concurrency.
    PhoneDay.objects.get_or_create(center=center, phone_index=phone_index, date=day)
    PhoneDay.objects.select_for_update().get(center=center, phone_index=phone_index, date=day)
    limit = selectors.settings_for(center).booking_daily_limit
    held = Appointment.objects.filter(center=center, phone_index=phone_index, date=day, status__in=Appointment.ACTIVE)
    if exclude is not None:
        held = held.exclude(pk=exclude)
    if held.count() >= limit:
        raise ValidationError(
            {"phone": _("同一手机号码每天最多预约 %(limit)s 次，%(day)s 已约满。") % {"limit": limit, "day": day}}
        )


def _take_place(slot: AppointmentSlot) -> None:
    """One conditional UPDATE: of concurrent bookers of the last place exactly one succeeds, on any database."""
    taken = AppointmentSlot.objects.filter(pk=slot.pk, is_blocked=False, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise ValidationError({"slot": _("该时段已约满，请选择其他时段。")})


def _release_place(slot_id: int) -> None:
    AppointmentSlot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


@transaction.atomic
def appointment_book(
    *,
    slot: AppointmentSlot,
    name: str,
    phone: str,
    item: ServiceItem | None = None,
    item_name: str = "",
    id_number: str = "",
    channel: str = Appointment.Channel.ONLINE,
    actor: Any = None,
    now: dt.datetime | None = None,
) -> Appointment:
    moment = _now(now)
    name = _clean_name(name)
    phone = _clean_phone(phone)
    id_number = _clean_id(id_number)
    category = slot.category
    if item is not None:
        if not selectors.items_for_category(center=slot.center, category=category).filter(pk=item.pk).exists():
            raise ValidationError({"item": _("该事项不在所选业务类别内。")})
        item_name = item.name
    item_name = " ".join((item_name or "").split())
    if not item_name:
        raise ValidationError({"item": _("请选择或填写办理事项。")})
    _check_bookable(slot, moment)
    index = _phone_index(phone)
    _check_phone_limit(slot.center, index, slot.date)
    if Appointment.objects.filter(slot=slot, phone_index=index, status=Appointment.Status.BOOKED).exists():
        raise ValidationError({"slot": _("您已预约该时段，无需重复预约。")})
    _take_place(slot)
    year = slot.date.year
    value = next_serial(scope=slot.center.code, kind="appointment", year=year)
    appointment = Appointment.objects.create(
        center=slot.center,
        number=format_serial(prefix="YY", year=year, value=value),
        slot=slot,
        date=slot.date,
        category=category,
        item=item,
        item_name=item_name[:200],
        name=name,
        phone=phone,
        phone_index=index,
        phone_tail=phone[-4:],
        id_number=id_number,
        id_index=blind_index(id_number, purpose="id") if id_number else "",
        channel=channel,
    )
    event = _appointment_event(
        appointment, "book", actor, "", Appointment.Status.BOOKED, slot=slot.pk, starts_at=slot.starts_at.isoformat()
    )
    notify("appointment_booked", appointment=appointment, event=event)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, actor: Any = None, reason: str = "") -> Appointment:
    return _cancel(appointment, actor, reason, "appointment_cancelled")


def _cancel(appointment: Appointment, actor: Any, reason: str, kind: str) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Appointment.Status.BOOKED:
        raise ValidationError(_("该预约%(status)s，不能取消。") % {"status": appointment.get_status_display()})
    _release_place(appointment.slot_id)
    APPOINTMENT.move(appointment, Appointment.Status.CANCELLED, _("取消"))
    appointment.cancelled_at = timezone.now()
    appointment.save(update_fields=["status", "cancelled_at"])
    event = _appointment_event(
        appointment, "cancel", actor, Appointment.Status.BOOKED, Appointment.Status.CANCELLED, note=reason
    )
    notify(kind, appointment=appointment, event=event, reason=reason)
    return appointment


CLOSED_DAY_MARK = "闭厅"  # starts the block reason of a slot closed with its day, so a reopened day finds them


def _fits(slot: AppointmentSlot, sessions: list[OpenSession]) -> bool:
    start, end = timezone.localtime(slot.starts_at).time(), timezone.localtime(slot.ends_at).time()
    return any(s.start <= start and end <= s.end for s in sessions)


@transaction.atomic
def appointments_follow_calendar(
    *, kind: str, changed_dates: Iterable[dt.date], actor: Any = None, now: dt.datetime | None = None
) -> int:
    """Listener for `settings.BIANMIN_CALENDAR_EVENT_LISTENERS`: on each changed day still ahead, the slots the
    day's sessions no longer hold are closed and their bookings cancelled, each with a text message saying why
    (a closed day, §6(2)); a day that now opens (a make-up working day, a closure withdrawn) gets the slots of every
    category already open for booking around it. Returns how many bookings were cancelled."""
    if kind != "calendar_changed":
        return 0
    moment = _now(now)
    cal = work_calendar()
    cancelled = 0
    for day in sorted({d for d in changed_dates if d >= timezone.localtime(moment).date()}):
        rule = cal.rule(day)
        centers = OrgUnit.objects.filter(pk__in=AppointmentSlot.objects.filter(date__gte=day).values("center"))
        for center in centers:
            sessions = selectors.sessions_on(center=center, day=day)
            slots = AppointmentSlot.objects.filter(center=center, date=day, starts_at__gt=moment)
            closing = [s for s in slots.select_for_update(of=("self",)) if not _fits(s, sessions)]
            why = _("%(day)s %(reason)s，中心暂停办公") % {"day": f"{day:%Y年%m月%d日}", "reason": rule.reason}
            for appointment in Appointment.objects.filter(slot__in=closing, status=Appointment.Status.BOOKED).order_by(
                "pk"
            ):
                _cancel(appointment, actor, why, "appointment_cancelled_closed_day")
                cancelled += 1
            # A slot the director had already blocked (training) keeps its own reason and stays blocked on reopening.
            AppointmentSlot.objects.filter(pk__in=[s.pk for s in closing], is_blocked=False).update(
                is_blocked=True, block_reason=f"{CLOSED_DAY_MARK}：{rule.reason}"[:200]
            )
            if sessions:
                _open_day(center, day, sessions, actor, moment)
    return cancelled


def _open_day(center: OrgUnit, day: dt.date, sessions: list[OpenSession], actor: Any, moment: dt.datetime) -> None:
    reopened = [
        s.pk
        for s in AppointmentSlot.objects.filter(
            center=center, date=day, is_blocked=True, block_reason__startswith=CLOSED_DAY_MARK
        )
        if _fits(s, sessions)
    ]
    AppointmentSlot.objects.filter(pk__in=reopened).update(is_blocked=False, block_reason="")
    # Each category (and window) with slots generated beyond this day gets this day's, cut like its nearest ones.
    later = AppointmentSlot.objects.filter(center=center, date__gt=day).order_by("category", "window", "starts_at")
    seen: set[tuple[int, int | None]] = set()
    for slot in later.select_related("category", "window"):
        if (slot.category_id, slot.window_id) in seen:
            continue
        seen.add((slot.category_id, slot.window_id))
        minutes = int((slot.ends_at - slot.starts_at).total_seconds() // 60)
        slots_generate(
            center=center,
            category=slot.category,
            window=slot.window,
            first=day,
            last=day,
            minutes=max(min(minutes, 240), 10),
            capacity=slot.capacity,
            actor=actor,
            now=moment,
        )


@transaction.atomic
def appointment_change(
    *, appointment: Appointment, slot: AppointmentSlot, actor: Any = None, now: dt.datetime | None = None
) -> Appointment:
    """Move a booking to another slot of the same category: take the new place first, then free the old one."""
    moment = _now(now)
    appointment = Appointment.objects.select_for_update(of=("self",)).select_related("slot").get(pk=appointment.pk)
    if appointment.status != Appointment.Status.BOOKED:
        raise ValidationError(_("该预约%(status)s，不能改约。") % {"status": appointment.get_status_display()})
    if slot.pk == appointment.slot_id:
        raise ValidationError({"slot": _("新时段与原时段相同。")})
    if slot.center_id != appointment.center_id or slot.category_id != appointment.category_id:
        raise ValidationError({"slot": _("只能改约到同一业务类别的其他时段。")})
    _check_bookable(slot, moment)
    _check_phone_limit(appointment.center, appointment.phone_index, slot.date, exclude=appointment.pk)
    _take_place(slot)
    old = appointment.slot
    _release_place(old.pk)
    appointment.slot = slot
    appointment.date = slot.date
    appointment.save(update_fields=["slot", "date"])
    event = _appointment_event(
        appointment,
        "change",
        actor,
        Appointment.Status.BOOKED,
        Appointment.Status.BOOKED,
        old_starts_at=old.starts_at.isoformat(),
        starts_at=slot.starts_at.isoformat(),
    )
    notify("appointment_changed", appointment=appointment, event=event)
    return appointment


@transaction.atomic
def appointment_check_in(*, appointment: Appointment, actor: Any = None, now: dt.datetime | None = None) -> Ticket:
    """The booked applicant has arrived: the booking becomes a priority ticket for its category (and window)."""
    moment = _now(now)
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot", "slot__window", "center", "category")
        .get(pk=appointment.pk)
    )
    if appointment.status != Appointment.Status.BOOKED:
        raise ValidationError(_("该预约%(status)s，不能签到。") % {"status": appointment.get_status_display()})
    today = timezone.localtime(moment).date()
    if appointment.date != today:
        raise ValidationError(_("该预约的日期是 %(day)s，请在预约当天签到。") % {"day": appointment.date.isoformat()})
    grace = dt.timedelta(minutes=selectors.settings_for(appointment.center).checkin_grace_minutes)
    if moment > appointment.slot.ends_at + grace:
        raise ValidationError(_("已超过预约时段，预约不再优先，请按普通号取号。"))
    ticket = ticket_issue(
        center=appointment.center,
        category=appointment.category,
        priority=Ticket.Priority.APPOINTMENT,
        appointment=appointment,
        item=appointment.item,
        applicant_name=appointment.name,
        target_window=appointment.slot.window,
        actor=actor,
        now=moment,
    )
    APPOINTMENT.move(appointment, Appointment.Status.CHECKED_IN, _("签到取号"))
    appointment.checked_in_at = moment
    appointment.save(update_fields=["status", "checked_in_at"])
    _appointment_event(
        appointment, "check_in", actor, Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN, ticket=ticket.number
    )
    return ticket


REMIND_FROM, REMIND_UNTIL = dt.time(9, 0), dt.time(20, 0)  # no text messages at night


def appointment_reminders_send(*, now: dt.datetime | None = None) -> int:
    """On the working day before a booking (for a Monday: the Friday; for an extended-hours Saturday: the Friday
    too), remind the citizen once; a booking moved to another day is reminded again for its new day. Run hourly
    in the daytime, so bookings made later that day are reminded as well. Returns how many were reminded."""
    moment = _now(now)
    local = timezone.localtime(moment)
    today = local.date()
    cal = work_calendar()
    if not cal.is_workday(today) or not REMIND_FROM <= local.time() < REMIND_UNTIL:
        return 0
    last = cal.next_workday(today)
    due = (
        Appointment.objects.filter(status=Appointment.Status.BOOKED, date__gt=today, date__lte=last)
        .exclude(reminded_for=F("date"))
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(due):
        if _appointment_remind(pk, today):
            sent += 1
    return sent


@transaction.atomic
def _appointment_remind(pk: int, today: dt.date) -> bool:
    appointment = (
        Appointment.objects.select_for_update(of=("self",)).select_related("slot", "center", "slot__window").get(pk=pk)
    )
    if appointment.status != Appointment.Status.BOOKED or appointment.reminded_for == appointment.date:
        return False  # cancelled, moved or reminded by a concurrent run meanwhile
    appointment.reminded_for = appointment.date
    appointment.save(update_fields=["reminded_for"])
    event = _appointment_event(
        appointment, "remind", None, appointment.status, appointment.status, date=appointment.date.isoformat()
    )
    notify("appointment_reminder", appointment=appointment, event=event)
    return True


# --- Tickets and calls ----------------------------------------------------------------------------------------


def _ticket_event(ticket: Ticket, verb: str, actor: Any, frm: str, to: str, note: str = "", **data: Any) -> None:
    TicketEvent.objects.create(
        ticket=ticket, actor=_actor(actor), verb=verb, from_state=frm, to_state=to, note=note, data=data
    )


def ticket_scope(center: OrgUnit, day: dt.date) -> str:
    """The numbering scope of a hall's day: numbers restart every day, per category prefix."""
    return f"{center.code}:{day:%Y%m%d}"


@transaction.atomic
def ticket_issue(
    *,
    center: OrgUnit,
    category: QueueCategory,
    priority: str = Ticket.Priority.NONE,
    appointment: Appointment | None = None,
    item: ServiceItem | None = None,
    applicant_name: str = "",
    target_window: Window | None = None,
    actor: Any = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """A queue number for today: the category prefix and the day's next serial (A001, A002 …), unique under
    concurrent kiosks because the serial comes from a counter row locked in this transaction."""
    moment = _now(now)
    if category.center_id != center.pk or not category.is_active:
        raise ValidationError({"category": _("该业务类别不在本大厅取号范围内。")})
    if priority not in Ticket.Priority.values:
        raise ValidationError({"priority": _("优先类别无效。")})
    day = timezone.localtime(moment).date()
    serial = next_serial(scope=ticket_scope(center, day), kind=f"ticket:{category.prefix}", year=day.year)
    ticket = Ticket.objects.create(
        center=center,
        category=category,
        day=day,
        serial=serial,
        number=f"{category.prefix}{serial:03d}",
        priority=priority,
        appointment=appointment,
        item=item,
        applicant_name=applicant_name[:50],
        target_window=target_window,
        issued_at=moment,
    )
    _ticket_event(ticket, "issue", actor, "", Ticket.Status.WAITING, priority=priority)
    screen_touch(center.pk)
    return ticket


def _lock_active(ticket: Ticket, allowed: Iterable[str]) -> Ticket:
    locked = Ticket.objects.select_for_update(of=("self",)).select_related("window", "center").get(pk=ticket.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _("%(number)s 号当前%(status)s，不能进行此操作。")
            % {"number": locked.number, "status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def ticket_call_next(*, window: Window, actor: Any, now: dt.datetime | None = None) -> Ticket | None:
    """Call the next ticket at `window` by the priority rule (see queueing.choose_next); None when nobody waits.
    Several windows calling at once never get the same ticket: the chosen row is claimed with a conditional
    UPDATE and another candidate is chosen if a concurrent caller claimed it first."""
    moment = _now(now)
    day = timezone.localtime(moment).date()
    window = Window.objects.select_for_update(of=("self",)).select_related("center").get(pk=window.pk)
    busy = Ticket.objects.filter(window=window, day=day, status__in=Ticket.ACTIVE).first()
    if busy is not None:
        raise ValidationError(
            _("本窗口的 %(number)s 号尚未办结，请先办结、转窗或标记过号，再叫下一位。") % {"number": busy.number}
        )
    cap = selectors.settings_for(window.center).priority_cap
    start, _end = selectors.day_bounds(day)
    recent = Call.objects.filter(window=window, kind=Call.Kind.CALL, created_at__gte=start).order_by("-id")
    streak = priority_streak(recent.values_list("is_priority", flat=True)[:cap])
    queue = selectors.window_queue(window=window, day=day)
    is_priority = ~Q(priority="") | Q(transferred=True)
    for _attempt in range(MAX_CALL_ATTEMPTS):
        heads = [
            Candidate(row["id"], flag, (row["issued_at"], row["id"]))
            for flag, qs in ((True, queue.filter(is_priority)), (False, queue.exclude(is_priority)))
            for row in qs.values("id", "issued_at")[:1]
        ]
        chosen = choose_next(heads, streak=streak, cap=cap)
        if chosen is None:
            return None
        claimed = Ticket.objects.filter(pk=chosen.id, status=Ticket.Status.WAITING).update(
            status=Ticket.Status.CALLED,
            window=window,
            staff=staff_of(actor),
            called_at=Coalesce(F("called_at"), Value(moment)),
            last_called_at=moment,
        )
        if claimed:
            ticket = Ticket.objects.select_related("category", "item", "appointment").get(pk=chosen.id)
            Call.objects.create(
                center=window.center,
                ticket=ticket,
                window=window,
                kind=Call.Kind.CALL,
                is_priority=chosen.priority,
                created_at=moment,
            )
            _ticket_event(
                ticket,
                "call",
                actor,
                Ticket.Status.WAITING,
                Ticket.Status.CALLED,
                window=window.number,
                priority_streak=streak,
            )
            screen_touch(window.center_id)
            return ticket
    raise ValidationError(_("叫号繁忙，请稍后再试。"))


@transaction.atomic
def ticket_recall(*, ticket: Ticket, actor: Any, now: dt.datetime | None = None) -> Ticket:
    moment = _now(now)
    ticket = _lock_active(ticket, (Ticket.Status.CALLED,))
    assert ticket.window is not None  # noqa: S101 - a called ticket always has its window
    ticket.recall_count += 1
    ticket.last_called_at = moment
    ticket.save(update_fields=["recall_count", "last_called_at"])
    Call.objects.create(
        center=ticket.center,
        ticket=ticket,
        window=ticket.window,
        kind=Call.Kind.RECALL,
        is_priority=ticket.is_priority,
        created_at=moment,
    )
    _ticket_event(ticket, "recall", actor, ticket.status, ticket.status, window=ticket.window.number)
    screen_touch(ticket.center_id)
    return ticket


@transaction.atomic
def ticket_start(*, ticket: Ticket, actor: Any, now: dt.datetime | None = None) -> Ticket:
    """The applicant is at the window: service time runs from here."""
    ticket = _lock_active(ticket, (Ticket.Status.CALLED,))
    TICKET.move(ticket, Ticket.Status.SERVING, _("开始办理"))
    ticket.served_at = _now(now)
    ticket.staff = staff_of(actor) or ticket.staff
    ticket.save(update_fields=["status", "served_at", "staff"])
    _ticket_event(ticket, "start", actor, Ticket.Status.CALLED, Ticket.Status.SERVING)
    screen_touch(ticket.center_id)
    return ticket


@transaction.atomic
def ticket_finish(*, ticket: Ticket, actor: Any, note: str = "", now: dt.datetime | None = None) -> Ticket:
    moment = _now(now)
    ticket = _lock_active(ticket, Ticket.ACTIVE)
    previous = ticket.status
    TICKET.move(ticket, Ticket.Status.DONE, _("办结"))
    ticket.served_at = ticket.served_at or ticket.last_called_at or moment
    ticket.finished_at = moment
    ticket.save(update_fields=["status", "served_at", "finished_at"])
    _ticket_event(
        ticket, "finish", actor, previous, Ticket.Status.DONE, note=note, service_seconds=ticket.service_seconds
    )
    screen_touch(ticket.center_id)
    return ticket


@transaction.atomic
def ticket_no_show(*, ticket: Ticket, actor: Any, now: dt.datetime | None = None) -> Ticket:
    ticket = _lock_active(ticket, (Ticket.Status.CALLED,))
    TICKET.move(ticket, Ticket.Status.NO_SHOW, _("记为过号"))
    ticket.finished_at = _now(now)
    ticket.save(update_fields=["status", "finished_at"])
    _ticket_event(ticket, "no_show", actor, Ticket.Status.CALLED, Ticket.Status.NO_SHOW, recalls=ticket.recall_count)
    screen_touch(ticket.center_id)
    return ticket


@transaction.atomic
def ticket_transfer(*, ticket: Ticket, to_window: Window, actor: Any, note: str = "") -> Ticket:
    """Send the applicant to another window: the ticket waits there ahead of ordinary tickets (it has waited
    once already), within the priority cap."""
    ticket = _lock_active(ticket, Ticket.ACTIVE)
    if to_window.center_id != ticket.center_id or not to_window.is_active:
        raise ValidationError({"to_window": _("只能转到本大厅正在使用的其他窗口。")})
    if to_window.pk == ticket.window_id:
        raise ValidationError({"to_window": _("不能转到本窗口。")})
    previous, from_window = ticket.status, ticket.window
    TICKET.move(ticket, Ticket.Status.WAITING, _("转窗口"))
    ticket.transferred = True
    ticket.target_window = to_window
    ticket.window = None
    ticket.served_at = None
    ticket.save(update_fields=["status", "transferred", "target_window", "window", "served_at"])
    _ticket_event(
        ticket,
        "transfer",
        actor,
        previous,
        Ticket.Status.WAITING,
        note=note,
        from_window=from_window.number if from_window else None,
        to_window=to_window.number,
    )
    screen_touch(ticket.center_id)
    return ticket


# --- Home visits ----------------------------------------------------------------------------------------------


def _visit_event(
    visit: HomeVisit, verb: str, actor: Any, frm: str, to: str, note: str = "", **data: Any
) -> HomeVisitEvent:
    return HomeVisitEvent.objects.create(
        visit=visit, actor=_actor(actor), verb=verb, from_state=frm, to_state=to, note=note, data=data
    )


def _in_center(staff: Staff, center: OrgUnit) -> bool:
    return staff.org_unit.path.startswith(center.path)


def _case_of_center(center: OrgUnit, number: str) -> Case:
    """The case with the number staff typed, received by `center` or a unit under it; linked by key from then on."""
    number = "".join((number or "").split())
    case = Case.objects.filter(number=number, center__path__startswith=center.path).first() if number else None
    if case is None:
        raise ValidationError(
            {"case_number": _("未找到本中心编号为“%(number)s”的办件，请核对办件编号。") % {"number": number}}
        )
    return case


@transaction.atomic
def home_visit_request(
    *,
    center: OrgUnit,
    channel: str,
    name: str,
    phone: str,
    address: str,
    reason: str,
    item: ServiceItem | None = None,
    item_name: str = "",
    reason_detail: str = "",
    community: OrgUnit | None = None,
    actor: Any = None,
) -> HomeVisit:
    name = _clean_name(name)
    phone = _clean_phone(phone)
    address = " ".join((address or "").split())
    if not address:
        raise ValidationError({"address": _("请填写上门地址。")})
    if reason not in HomeVisit.Reason.values:
        raise ValidationError({"reason": _("请选择申请原因。")})
    if channel not in HomeVisit.Channel.values:
        raise ValidationError({"channel": _("申请方式无效。")})
    if community is not None and not community.path.startswith(center.path):
        raise ValidationError({"community": _("所选社区（村）不在本中心辖区内。")})
    item_name = item.name if item is not None else " ".join((item_name or "").split())
    if not item_name:
        raise ValidationError({"item_name": _("请填写需要办理的事项。")})
    year = timezone.localdate().year
    visit = HomeVisit.objects.create(
        center=center,
        community=community,
        number=format_serial(
            prefix="SM", year=year, value=next_serial(scope=center.code, kind="home_visit", year=year)
        ),
        channel=channel,
        name=name,
        phone=phone,
        phone_index=_phone_index(phone),
        phone_tail=phone[-4:],
        address=address[:200],
        item=item,
        item_name=item_name[:200],
        reason=reason,
        reason_detail=reason_detail.strip(),
    )
    event = _visit_event(visit, "request", actor, "", HomeVisit.Status.REQUESTED, channel=channel)
    # Whoever arranges visits (the center's directors) learns of a new request, from the public page or a desk.
    notify("home_visit_requested", visit=visit, event=event)
    return visit


@transaction.atomic
def home_visit_assign(
    *, visit: HomeVisit, assignees: list[Staff], scheduled_at: dt.datetime, actor: Any, note: str = ""
) -> HomeVisit:
    """The director assigns who goes and when (again, to reschedule)."""
    visit = HomeVisit.objects.select_for_update(of=("self",)).select_related("center").get(pk=visit.pk)
    if visit.status not in (HomeVisit.Status.REQUESTED, HomeVisit.Status.SCHEDULED):
        raise ValidationError(_("该上门服务%(status)s，不能再安排。") % {"status": visit.get_status_display()})
    if not assignees:
        raise ValidationError({"assignees": _("请至少安排一名上门人员。")})
    outside = [s.name for s in assignees if not _in_center(s, visit.center)]
    if outside:
        raise ValidationError({"assignees": _("%(names)s 不属于本中心。") % {"names": "、".join(outside)}})
    if scheduled_at < timezone.now() - dt.timedelta(minutes=5):
        raise ValidationError({"scheduled_at": _("上门时间不能早于当前时间。")})
    previous = visit.status
    HOME_VISIT.move(visit, HomeVisit.Status.SCHEDULED, _("安排上门"))
    visit.scheduled_at = scheduled_at
    visit.save(update_fields=["status", "scheduled_at"])
    visit.assignees.set(assignees)
    event = _visit_event(
        visit,
        "assign" if previous == HomeVisit.Status.REQUESTED else "reschedule",
        actor,
        previous,
        HomeVisit.Status.SCHEDULED,
        note=note,
        staff=[s.name for s in assignees],
        scheduled_at=scheduled_at.isoformat(),
    )
    # Each person sent is told where, when and for what; a new arrangement tells them again.
    notify("home_visit_assigned", visit=visit, assignees=list(assignees), event=event)
    return visit


@transaction.atomic
def home_visit_record(
    *,
    visit: HomeVisit,
    outcome: str,
    note: str,
    visited_at: dt.datetime,
    actor: Any,
    case_number: str = "",
) -> HomeVisit:
    """The visit's outcome; where it started a case, the case (found by the number staff type) is linked and
    records that it was received at home."""
    visit = HomeVisit.objects.select_for_update(of=("self",)).select_related("center").get(pk=visit.pk)
    if visit.status != HomeVisit.Status.SCHEDULED:
        raise ValidationError(_("只有已安排的上门服务才能登记结果。"))
    if outcome not in HomeVisit.Outcome.values:
        raise ValidationError({"outcome": _("请选择办理结果。")})
    if not note.strip():
        raise ValidationError({"outcome_note": _("请填写结果说明。")})
    case = None
    if outcome == HomeVisit.Outcome.CASE_STARTED:
        if case_number.strip():
            case = _case_of_center(visit.center, case_number)
        elif visit.case is not None:  # accepted from the visit ("受理" on its page): already linked
            case = visit.case
        else:
            raise ValidationError({"case_number": _("已受理转入办件的，请填写办件编号。")})
    if visited_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"visited_at": _("实际上门时间不能晚于当前时间。")})
    HOME_VISIT.move(visit, HomeVisit.Status.DONE, _("登记上门结果"))
    visit.outcome = outcome
    visit.outcome_note = note.strip()
    visit.visited_at = visited_at
    visit.case = case or visit.case  # a case accepted from the visit stays linked, whatever the outcome says
    visit.save(update_fields=["status", "outcome", "outcome_note", "visited_at", "case"])
    if case is not None:
        case_mark_received_at_home(case=case, actor=actor, visit_number=visit.number)
    _visit_event(
        visit,
        "record",
        actor,
        HomeVisit.Status.SCHEDULED,
        HomeVisit.Status.DONE,
        note=note,
        outcome=outcome,
        case_number=case.number if case else "",
    )
    return visit


@transaction.atomic
def home_visit_link_case(*, visit: HomeVisit, case: Case, actor: Any) -> HomeVisit:
    """The case accepted from the visit's "受理" (intake prefilled from the visit): the visit points at the case,
    and the case records it was received at home."""
    visit = HomeVisit.objects.select_for_update(of=("self",)).select_related("center").get(pk=visit.pk)
    if visit.status != HomeVisit.Status.SCHEDULED:
        raise ValidationError(
            _("上门服务%(number)s%(status)s，未与办件关联。")
            % {"number": visit.number, "status": visit.get_status_display()}
        )
    if not case.center.path.startswith(visit.center.path):
        raise ValidationError(_("办件不属于本中心，未与上门服务关联。"))
    if visit.case_id is not None and visit.case_id != case.pk:
        raise ValidationError(
            _("上门服务%(number)s已关联办件，未再关联办件%(case)s。") % {"number": visit.number, "case": case.number}
        )
    visit.case = case
    visit.save(update_fields=["case"])
    case_mark_received_at_home(case=case, actor=actor, visit_number=visit.number)
    _visit_event(visit, "link_case", actor, visit.status, visit.status, case_number=case.number)
    return visit


@transaction.atomic
def home_visit_cancel(*, visit: HomeVisit, reason: str, actor: Any) -> HomeVisit:
    visit = HomeVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status not in (HomeVisit.Status.REQUESTED, HomeVisit.Status.SCHEDULED):
        raise ValidationError(_("该上门服务%(status)s，不能取消。") % {"status": visit.get_status_display()})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因。")})
    previous = visit.status
    HOME_VISIT.move(visit, HomeVisit.Status.CANCELLED, _("取消"))
    visit.save(update_fields=["status"])
    _visit_event(visit, "cancel", actor, previous, HomeVisit.Status.CANCELLED, note=reason.strip())
    return visit


# --- Proxy cases (代办) -----------------------------------------------------------------------------------------


def _proxy_event(proxy: ProxyCase, verb: str, actor: Any, frm: str, to: str, note: str = "", **data: Any) -> None:
    ProxyEvent.objects.create(
        proxy=proxy, actor=_actor(actor), verb=verb, from_state=frm, to_state=to, note=note, data=data
    )


@transaction.atomic
def proxy_register(
    *,
    center: OrgUnit,
    applicant_name: str,
    applicant_phone: str,
    agent_kind: str,
    authorization: str,
    authorized_on: dt.date,
    authorization_note: str,
    actor: Any,
    applicant_id_number: str = "",
    agent_staff: Staff | None = None,
    agent_name: str = "",
    item: ServiceItem | None = None,
    item_name: str = "",
    case_number: str = "",
    community: OrgUnit | None = None,
) -> ProxyCase:
    """Register a 代办: who acts for whom, on what recorded authorization, for which item."""
    applicant_name = _clean_name(applicant_name, "applicant_name")
    phone = _clean_phone(applicant_phone, "applicant_phone")
    id_number = _clean_id(applicant_id_number, "applicant_id_number")
    if agent_kind not in ProxyCase.AgentKind.values:
        raise ValidationError({"agent_kind": _("请选择代办人类别。")})
    if agent_kind == ProxyCase.AgentKind.STAFF:
        if agent_staff is None:
            raise ValidationError({"agent_staff": _("由中心工作人员代办的，请选择代办人员。")})
        if not _in_center(agent_staff, center):
            raise ValidationError({"agent_staff": _("代办人员不属于本中心。")})
        agent_name = agent_staff.name
    agent_name = " ".join((agent_name or "").split())
    if not agent_name:
        raise ValidationError({"agent_name": _("请填写代办人姓名。")})
    if authorization not in ProxyCase.Authorization.values:
        raise ValidationError({"authorization": _("请选择授权方式。")})
    if authorized_on > timezone.localdate():
        raise ValidationError({"authorized_on": _("授权日期不能晚于今天。")})
    if not authorization_note.strip():
        raise ValidationError({"authorization_note": _("请写明委托代办的事项、权限和期限。")})
    item_name = item.name if item is not None else " ".join((item_name or "").split())
    if not item_name:
        raise ValidationError({"item_name": _("请填写代办事项。")})
    if community is not None and not community.path.startswith(center.path):
        raise ValidationError({"community": _("所选社区（村）不在本中心辖区内。")})
    case = _case_of_center(center, case_number) if case_number.strip() else None
    year = timezone.localdate().year
    proxy = ProxyCase.objects.create(
        center=center,
        community=community,
        number=format_serial(prefix="DB", year=year, value=next_serial(scope=center.code, kind="proxy", year=year)),
        applicant_name=applicant_name,
        applicant_phone=phone,
        applicant_phone_index=_phone_index(phone),
        applicant_id_number=id_number,
        applicant_id_index=blind_index(id_number, purpose="id") if id_number else "",
        agent_kind=agent_kind,
        agent_staff=agent_staff,
        agent_name=agent_name[:50],
        item=item,
        item_name=item_name[:200],
        mode=item.default_mode if item is not None else "",
        authorization=authorization,
        authorized_on=authorized_on,
        authorization_note=authorization_note.strip(),
        case=case,
        created_by=_actor(actor),
    )
    _proxy_event(proxy, "register", actor, "", ProxyCase.Status.OPEN, agent=agent_name, authorization=authorization)
    return proxy


@transaction.atomic
def proxy_link_case(*, proxy: ProxyCase, case_number: str, actor: Any) -> ProxyCase:
    """Link the case the agent lodged for the applicant (found by its number), so the register follows it and
    the applicant can follow it on the progress page."""
    if not case_number.strip():
        raise ValidationError({"case_number": _("请填写办件编号。")})
    proxy = ProxyCase.objects.select_for_update(of=("self",)).select_related("center", "case").get(pk=proxy.pk)
    case = _case_of_center(proxy.center, case_number)
    old = proxy.case.number if proxy.case else ""
    proxy.case = case
    proxy.save(update_fields=["case"])
    _proxy_event(proxy, "link_case", actor, proxy.status, proxy.status, old=old, case_number=case.number)
    return proxy


@transaction.atomic
def proxy_advance(*, proxy: ProxyCase, to_status: str, actor: Any, note: str = "") -> ProxyCase:
    proxy = ProxyCase.objects.select_for_update().get(pk=proxy.pk)
    if not PROXY.can(proxy.status, to_status):
        raise ValidationError(_("代办登记当前%(status)s，不能改为该状态。") % {"status": proxy.get_status_display()})
    if to_status == ProxyCase.Status.SUBMITTED and proxy.case_id is None:
        raise ValidationError({"case_number": _("递交受理后请先填写办件编号，以便申请人查询进度。")})
    if to_status == ProxyCase.Status.WITHDRAWN and not note.strip():
        raise ValidationError({"note": _("撤回代办须说明原因。")})
    previous = proxy.status
    PROXY.move(proxy, to_status, _("变更状态"))
    proxy.save(update_fields=["status"])
    _proxy_event(proxy, "advance", actor, previous, to_status, note=note.strip())
    return proxy
