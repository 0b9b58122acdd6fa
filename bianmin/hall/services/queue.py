"""Tickets and calls: the hall's queue."""

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

from bianmin.catalog.models import ServiceItem
from bianmin.core.numbering import next_serial
from bianmin.hall import selectors
from bianmin.hall.models import (
    Appointment,
    Call,
    QueueCategory,
    Ticket,
    TicketEvent,
)
from bianmin.hall.queueing import Candidate, choose_next, priority_streak
from bianmin.hall.services.common import event_actor, moment_or_now
from bianmin.hall.services.screen import screen_touch
from bianmin.hall.workflow import TICKET
from bianmin.org.access import staff_of
from bianmin.org.models import OrgUnit, Window

MAX_CALL_ATTEMPTS = 10
# --- Tickets and calls ----------------------------------------------------------------------------------------


def _ticket_event(ticket: Ticket, verb: str, actor: Any, frm: str, to: str, note: str = "", **data: Any) -> None:
    TicketEvent.objects.create(
        ticket=ticket, actor=event_actor(actor), verb=verb, from_state=frm, to_state=to, note=note, data=data
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
    moment = moment_or_now(now)
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
    moment = moment_or_now(now)
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
    moment = moment_or_now(now)
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
    ticket.served_at = moment_or_now(now)
    ticket.staff = staff_of(actor) or ticket.staff
    ticket.save(update_fields=["status", "served_at", "staff"])
    _ticket_event(ticket, "start", actor, Ticket.Status.CALLED, Ticket.Status.SERVING)
    screen_touch(ticket.center_id)
    return ticket


@transaction.atomic
def ticket_finish(*, ticket: Ticket, actor: Any, note: str = "", now: dt.datetime | None = None) -> Ticket:
    moment = moment_or_now(now)
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
    ticket.finished_at = moment_or_now(now)
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
