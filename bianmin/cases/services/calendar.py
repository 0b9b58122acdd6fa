"""The working calendar changed: due moments of open cases are recomputed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases import deadlines
from bianmin.cases.models import (
    Case,
    CaseEvent,
    JointTask,
    Status,
)
from bianmin.cases.services._common import compute_deadline
from bianmin.cases.timeline import Verb
from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import WorkCalendar
from bianmin.org.models import OrgUnit

# --- the working calendar changed ----------------------------------------------------------------------------


def cases_recompute_due(*, changed_dates: Sequence[dt.date], actor: Any) -> int:
    """Listener for `settings.BIANMIN_CALENDAR_LISTENERS`: recompute the due moments of open cases whose
    deadline span covers a changed day. Runs inside the calendar service's transaction."""
    from bianmin.core.models import CalendarDay
    from bianmin.core.selectors import build_work_calendar

    if not changed_dates:
        return 0
    # The cached calendar is invalidated only after the listeners ran: read the changed table directly.
    cal = build_work_calendar(list(CalendarDay.objects.all()))
    tz = cal.tz
    first, last = min(changed_dates), max(changed_dates)
    span_start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    span_end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = (
        Case.objects.filter(
            status__in=OPEN_CLOCK_STATUSES,
            accepted_at__lt=span_end,
            due_at__gte=span_start,
        )
        .select_related("center")
        .prefetch_related("pauses")
        .order_by("pk")
    )
    label = "、".join(f"{d:%Y-%m-%d}" for d in sorted(changed_dates)[:5])
    return _recompute_due_of(
        qs,
        cal,
        actor,
        verb=Verb.DUE_RECOMPUTED,
        note=lambda old, new: (
            _("工作日历调整（%(days)s），办理期限由 %(old)s 调整为 %(new)s") % {"days": label, "old": old, "new": new}
        ),
    )


OPEN_CLOCK_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS, Status.WAITING, Status.FORWARDED)


@transaction.atomic
def cases_recompute_open_due(*, actor: Any, center: OrgUnit | None = None) -> int:
    """Recompute the due moments of every open case (of `center` and below) under the current counting rule and
    calendar: run once after the rule itself changed (the acceptance day no longer counts when accepted before
    opening time). Cases whose due moment is unchanged are left alone."""
    qs = Case.objects.filter(status__in=OPEN_CLOCK_STATUSES, accepted_at__isnull=False)
    if center is not None:
        qs = qs.filter(center__path__startswith=center.path)
    qs = qs.select_related("center").prefetch_related("pauses").order_by("pk")
    return _recompute_due_of(
        qs,
        work_calendar(),
        actor,
        verb=Verb.DUE_RULE_RECOMPUTED,
        note=lambda old, new: (
            _("期限计算规则调整（受理当日不计入），办理期限由 %(old)s 调整为 %(new)s") % {"old": old, "new": new}
        ),
    )


def _recompute_due_of(qs: Any, cal: WorkCalendar, actor: Any, *, verb: Verb, note: Callable[[str, str], str]) -> int:
    changed: list[Case] = []
    events: list[CaseEvent] = []
    by = actor if getattr(actor, "is_authenticated", False) else None
    for case in qs.iterator(chunk_size=500):
        pauses = [deadlines.Pause(p.started_at, p.ended_at) for p in case.pauses.all()]
        deadline = compute_deadline(case, cal, pauses)
        if deadline is None or deadline.due == case.due_at:
            continue
        old = case.due_at
        case.due_at = deadline.due
        changed.append(case)
        events.append(
            CaseEvent(
                case=case,
                actor=by,
                verb=Verb(verb),
                note=note(
                    f"{timezone.localtime(old):%Y-%m-%d %H:%M}" if old else "—",
                    f"{timezone.localtime(deadline.due):%Y-%m-%d %H:%M}",
                ),
                data={"old_due": old.isoformat() if old else None, "due_at": deadline.due.isoformat()},
            )
        )
    for start in range(0, len(changed), 500):
        Case.objects.bulk_update(changed[start : start + 500], ["due_at"])
    CaseEvent.objects.bulk_create(events, batch_size=500)
    # A department task may not end after its case.
    for case in changed:
        if case.due_at is not None:
            JointTask.objects.filter(case=case, state=JointTask.State.OPEN, due_at__gt=case.due_at).update(
                due_at=case.due_at
            )
    return len(changed)
