"""Appointments: booking, changing, cancelling, checking in, reminders; slots follow the calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.catalog.models import ServiceItem
from bianmin.core.numbering import format_serial, next_serial
from bianmin.core.personal_data import blind_index
from bianmin.core.selectors import work_calendar
from bianmin.hall import selectors
from bianmin.hall.models import (
    Appointment,
    AppointmentEvent,
    AppointmentSlot,
    PhoneDay,
    Ticket,
)
from bianmin.hall.notifications import notify
from bianmin.hall.services.common import (
    clean_id_field,
    clean_person_name,
    clean_phone_field,
    event_actor,
    moment_or_now,
    phone_blind_index,
)
from bianmin.hall.services.queue import ticket_issue
from bianmin.hall.services.slots import slots_generate
from bianmin.hall.slotting import OpenSession
from bianmin.hall.workflow import APPOINTMENT
from bianmin.org.models import OrgUnit

# --- Appointments ---------------------------------------------------------------------------------------------


def _appointment_event(
    appointment: Appointment, verb: str, actor: Any, frm: str, to: str, **data: Any
) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment,
        actor=event_actor(actor),
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
    moment = moment_or_now(now)
    name = clean_person_name(name)
    phone = clean_phone_field(phone)
    id_number = clean_id_field(id_number)
    category = slot.category
    if item is not None:
        if not selectors.items_for_category(center=slot.center, category=category).filter(pk=item.pk).exists():
            raise ValidationError({"item": _("该事项不在所选业务类别内。")})
        item_name = item.name
    item_name = " ".join((item_name or "").split())
    if not item_name:
        raise ValidationError({"item": _("请选择或填写办理事项。")})
    _check_bookable(slot, moment)
    index = phone_blind_index(phone)
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
    moment = moment_or_now(now)
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
    moment = moment_or_now(now)
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
    moment = moment_or_now(now)
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
    moment = moment_or_now(now)
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
