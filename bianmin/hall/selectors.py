from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bianmin.catalog.models import ServiceItem
from bianmin.catalog.selectors import published_items
from bianmin.core.aggregates import Rows
from bianmin.core.selectors import work_calendar
from bianmin.hall.models import (
    Appointment,
    AppointmentSlot,
    Call,
    HallSettings,
    HomeVisit,
    ProxyCase,
    QueueCategory,
    QueueVersion,
    Ticket,
)
from bianmin.hall.slotting import OpenSession, open_sessions
from bianmin.org.access import MANAGERS, get_in_scope, has_role, scope_filter, scope_path, staff_of
from bianmin.org.models import ExtendedHours, OrgUnit, Post, Role, Staff, Window


def now() -> dt.datetime:
    return timezone.now()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def at(day: dt.date, clock: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=timezone.get_current_timezone())


# --- Settings, categories, sessions ---------------------------------------------------------------------------


def settings_for(center: OrgUnit) -> HallSettings:
    found = HallSettings.objects.filter(center=center).first()
    return found if found is not None else HallSettings(center=center)


def active_categories(*, center: OrgUnit) -> QuerySet[QueueCategory]:
    return QueueCategory.objects.filter(center=center, is_active=True).order_by("sort_order", "prefix")


def category_ids_of_window(window: Window) -> list[int]:
    return list(window.queue_categories.filter(is_active=True).values_list("pk", flat=True))


def items_for_category(*, center: OrgUnit, category: QueueCategory) -> QuerySet[ServiceItem]:
    """Published items handled at the category's windows (by the item's windows, else its department)."""
    windows = category.windows.all()
    return (
        published_items(center=center)
        .filter(Q(windows__in=windows) | Q(department__windows__in=windows))
        .distinct()
        .order_by("name")
    )


def category_for_item(*, center: OrgUnit, item_id: int) -> QueueCategory | None:
    """The first active category (in the kiosk's order) whose windows handle the published item, if any."""
    item = published_items(center=center).filter(pk=item_id).values("pk", "department_id").first()
    if item is None:
        return None
    return (
        active_categories(center=center)
        .filter(Q(windows__items=item["pk"]) | Q(windows__departments=item["department_id"]))
        .distinct()
        .first()
    )


def home_visit_items(*, center: OrgUnit) -> QuerySet[ServiceItem]:
    return published_items(center=center).filter(offers_home_visit=True).order_by("name")


def proxy_items(*, center: OrgUnit) -> QuerySet[ServiceItem]:
    return published_items(center=center).order_by("-offers_proxy", "name")


def extended_hours(*, center: OrgUnit, first: dt.date, last: dt.date) -> QuerySet[ExtendedHours]:
    return ExtendedHours.objects.filter(center=center, date__gte=first, date__lte=last).order_by("date", "start")


def sessions_by_day(*, center: OrgUnit, first: dt.date, last: dt.date) -> dict[dt.date, list[OpenSession]]:
    """The hall's sessions on each day of [first, last]: one query for the extended hours."""
    extra: dict[dt.date, list[tuple[dt.time, dt.time, str]]] = {}
    for row in extended_hours(center=center, first=first, last=last):
        extra.setdefault(row.date, []).append((row.start, row.end, row.note))
    cal, hours = work_calendar(), center.office_hours
    days = {}
    day = first
    while day <= last:
        days[day] = open_sessions(day, cal, hours, extra.get(day, []))
        day += dt.timedelta(days=1)
    return days


def sessions_on(*, center: OrgUnit, day: dt.date) -> list[OpenSession]:
    return sessions_by_day(center=center, first=day, last=day)[day]


@dataclass
class DayHours:
    day: dt.date
    sessions: list[OpenSession]
    reason: str

    @property
    def extended(self) -> list[OpenSession]:
        return [s for s in self.sessions if s.extended]


def hall_hours(*, center: OrgUnit, days: int = 14) -> list[DayHours]:
    """When the hall is open over the coming days, with each day's reason (working day, holiday, weekend)."""
    first = timezone.localdate()
    last = first + dt.timedelta(days=days - 1)
    cal = work_calendar()
    return [
        DayHours(day, sessions, cal.rule(day).reason)
        for day, sessions in sessions_by_day(center=center, first=first, last=last).items()
    ]


# --- Appointments ---------------------------------------------------------------------------------------------


def bookable_slots(*, center: OrgUnit, category: QueueCategory, moment: dt.datetime | None = None) -> list[Any]:
    moment = moment or now()
    ahead = settings_for(center).booking_days_ahead
    last = timezone.localtime(moment).date() + dt.timedelta(days=ahead)
    return list(
        AppointmentSlot.objects.filter(
            center=center, category=category, is_blocked=False, starts_at__gt=moment, date__lte=last
        )
        .select_related("window")
        .order_by("starts_at", "window__number")
    )


def appointment_lookup(*, center: OrgUnit, number: str, phone_tail: str) -> Appointment | None:
    """The booking with this number whose phone ends in `phone_tail`; None for either mismatch alike."""
    number = "".join(number.split()).upper()
    tail = "".join(phone_tail.split())
    if not number or len(tail) != 4:
        return None
    return (
        Appointment.objects.filter(center=center, number=number, phone_tail=tail)
        .select_related("slot", "slot__window", "category", "item")
        .first()
    )


def appointment_cancel_reason(appointment: Appointment) -> str:
    """Why a cancelled booking was cancelled (e.g. its day was closed), as its cancel event recorded it."""
    if appointment.status != Appointment.Status.CANCELLED:
        return ""
    note = appointment.events.filter(verb="cancel").order_by("-pk").values_list("note", flat=True).first()
    return note or ""


def appointments_on(*, user: Any, center: OrgUnit, day: dt.date) -> QuerySet[Appointment]:
    return scope_filter(Appointment.objects.filter(center=center, date=day), user, "center__path").select_related(
        "slot", "slot__window", "category", "ticket"
    )


def appointment_in_scope(*, user: Any, pk: int) -> Appointment:
    return get_in_scope(
        Appointment.objects.select_related("slot", "slot__window", "category", "center", "item"),
        user,
        "center__path",
        pk=pk,
    )


def slots_on(*, user: Any, center: OrgUnit, day: dt.date) -> QuerySet[AppointmentSlot]:
    return scope_filter(AppointmentSlot.objects.filter(center=center, date=day), user, "center__path").select_related(
        "category", "window"
    )


def slot_in_scope(*, user: Any, pk: int) -> AppointmentSlot:
    return get_in_scope(AppointmentSlot.objects.select_related("center", "category"), user, "center__path", pk=pk)


# --- Staff pages: which center, which windows ----------------------------------------------------------------


HALL_KINDS = (OrgUnit.HallKind.CENTER, OrgUnit.HallKind.DISTRICT_CENTER)


def hall_center_of(unit: OrgUnit) -> OrgUnit | None:
    """The service center whose hall serves `unit`: the unit itself, or the nearest center above a community."""
    if unit.hall_kind in HALL_KINDS:
        return unit
    return OrgUnit.objects.filter(path__in=unit.ancestors_paths(), hall_kind__in=HALL_KINDS).order_by("-depth").first()


def centers_for(*, user: Any) -> QuerySet[OrgUnit]:
    return scope_filter(OrgUnit.objects.filter(hall_kind__in=HALL_KINDS, is_active=True), user, "path").order_by("path")


def center_for(*, user: Any, code: str | None = None) -> OrgUnit:
    """The center a hall page shows: `code` if in scope, else the user's own, else the first in scope; 404 if none."""
    if code:
        return get_in_scope(OrgUnit.objects.filter(hall_kind__in=HALL_KINDS, is_active=True), user, "path", code=code)
    staff = staff_of(user)
    if staff is not None:
        own = hall_center_of(staff.org_unit)
        if own is not None:
            return own
    first = centers_for(user=user).first()
    if first is None:
        raise Http404
    return first


def counter_windows(*, user: Any, center: OrgUnit) -> list[Window]:
    """Windows the user may call tickets at: a manager any window of the center, window staff the windows they
    hold a post on today."""
    windows = Window.objects.filter(center=center, is_active=True).order_by("number")
    if has_role(user, MANAGERS):
        return list(scope_filter(windows, user, "center__path"))
    staff = staff_of(user)
    if staff is None or staff.role != Role.WINDOW:
        return []
    posted = Post.objects.active_on(timezone.localdate()).filter(staff=staff).values("window_id")
    return list(windows.filter(pk__in=posted))


def window_queue(*, window: Window, day: dt.date) -> QuerySet[Ticket]:
    """Tickets waiting that this window may call: its own transfers and appointments, and its categories'."""
    return (
        Ticket.objects.filter(center_id=window.center_id, day=day, status=Ticket.Status.WAITING)
        .filter(Q(target_window=window) | Q(target_window__isnull=True, category__in=category_ids_of_window(window)))
        .select_related("category")
        .order_by("issued_at", "id")
    )


def active_ticket(*, window: Window, day: dt.date) -> Ticket | None:
    return (
        Ticket.objects.filter(window=window, day=day, status__in=Ticket.ACTIVE)
        .select_related("category", "item", "appointment")
        .first()
    )


def ticket_in_scope(*, user: Any, pk: int) -> Ticket:
    return get_in_scope(
        Ticket.objects.select_related("center", "category", "window", "item"), user, "center__path", pk=pk
    )


def waiting_ahead(ticket: Ticket) -> int:
    return Ticket.objects.filter(
        center_id=ticket.center_id,
        day=ticket.day,
        category_id=ticket.category_id,
        status=Ticket.Status.WAITING,
        issued_at__lt=ticket.issued_at,
    ).count()


@dataclass
class CategoryStats:
    category: QueueCategory
    waiting: int
    served: int
    no_show: int
    issued: int
    avg_wait_minutes: float | None


def queue_stats(*, center: OrgUnit, day: dt.date) -> list[CategoryStats]:
    """Per category today: waiting, served, no-shows and the average wait (issue → first call). Two queries."""
    tickets = Ticket.objects.filter(center=center, day=day)
    counts = {
        row["category"]: row
        for row in tickets.values("category").annotate(
            waiting=Rows(Q(status=Ticket.Status.WAITING)),
            served=Rows(Q(status=Ticket.Status.DONE)),
            no_show=Rows(Q(status=Ticket.Status.NO_SHOW)),
            issued=Rows(),
        )
    }
    waits: dict[int, list[float]] = {}
    for category_id, issued, called in tickets.filter(called_at__isnull=False).values_list(
        "category", "issued_at", "called_at"
    ):
        if called is not None:
            waits.setdefault(category_id, []).append((called - issued).total_seconds() / 60)
    result = []
    for category in active_categories(center=center):
        row = counts.get(category.pk, {})
        w = waits.get(category.pk)
        result.append(
            CategoryStats(
                category,
                row.get("waiting", 0),
                row.get("served", 0),
                row.get("no_show", 0),
                row.get("issued", 0),
                round(sum(w) / len(w), 1) if w else None,
            )
        )
    return result


def tickets_on(*, user: Any, center: OrgUnit, day: dt.date) -> QuerySet[Ticket]:
    return scope_filter(Ticket.objects.filter(center=center, day=day), user, "center__path").select_related(
        "category", "window", "staff"
    )


# --- The hall screen ------------------------------------------------------------------------------------------


def on_duty_names(*, windows: list[Window], moment: dt.datetime) -> dict[int, list[str]]:
    """Who is at each window now, by window id, as staffing decides it (§6(1): A if checked in and not on leave,
    else B, else the rostered duty shift); nobody when the window is unmanned. Staffing is a sibling app: its
    selector is imported when asked, not at import time."""
    from bianmin.staffing.selectors import duties_at

    duties = duties_at(windows=windows, moment=moment)
    return {window_id: [duty.name] for window_id, duty in duties.items() if duty.holder is not None}


RECENT_CALLS = 6


def screen_version(*, center: OrgUnit) -> int:
    found = QueueVersion.objects.filter(center=center).values_list("value", flat=True).first()
    return found or 0


def screen_state(*, center: OrgUnit, moment: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the hall screen shows, without personal data: ticket numbers, windows, counts, staff on duty."""
    moment = moment or now()
    day = timezone.localtime(moment).date()
    start, _ = day_bounds(day)
    calls = list(
        Call.objects.filter(center=center, created_at__gte=start)
        .select_related("ticket", "window")
        .order_by("-id")[:RECENT_CALLS]
    )
    categories = list(
        active_categories(center=center).annotate(
            waiting=Count("tickets", filter=Q(tickets__day=day, tickets__status=Ticket.Status.WAITING))
        )
    )
    serving = {
        t.window_id: t.number
        for t in Ticket.objects.filter(center=center, day=day, status__in=Ticket.ACTIVE).only("window_id", "number")
    }
    windows = list(Window.objects.filter(center=center, is_active=True).order_by("number"))
    staff = on_duty_names(windows=windows, moment=moment)
    sessions = sessions_on(center=center, day=day)
    clock = timezone.localtime(moment).time()

    def call_row(call: Call) -> dict[str, Any]:
        return {
            "id": call.pk,
            "ticket": call.ticket.number,
            "window": call.window.number,
            "window_name": call.window.name,
            "recall": call.kind == Call.Kind.RECALL,
            "at": timezone.localtime(call.created_at).strftime("%H:%M:%S"),
        }

    return {
        "center": center.display_hall_name,
        "date": day.isoformat(),
        "time": timezone.localtime(moment).strftime("%H:%M"),
        "open": any(s.start <= clock < s.end for s in sessions),
        "sessions": [
            {"start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}", "extended": s.extended, "note": s.note}
            for s in sessions
        ],
        "queue": bool(categories),
        "now": call_row(calls[0]) if calls else None,
        "recent": [call_row(c) for c in calls],
        "waiting": [{"prefix": c.prefix, "name": c.name, "count": c.waiting} for c in categories],
        "windows": [
            {
                "number": w.number,
                "name": w.name,
                "staff": staff.get(w.pk, []),
                "serving": serving.get(w.pk, ""),
            }
            for w in windows
        ],
    }


# --- Home visits and proxy cases ------------------------------------------------------------------------------


def _center_or_community_scope(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """Rows of the user's center, or registered at their community point: a point's staff see their own."""
    prefix = scope_path(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(Q(center__path__startswith=prefix) | Q(community__path__startswith=prefix))


def home_visits(*, user: Any, status: str | None = None) -> QuerySet[HomeVisit]:
    qs = (
        _center_or_community_scope(HomeVisit.objects.all(), user)
        .select_related("center", "community")
        .prefetch_related(Prefetch("assignees", queryset=Staff.objects.only("id", "name")))
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-created_at", "-id")


def home_visit_in_scope(*, user: Any, pk: int) -> HomeVisit:
    try:
        return _center_or_community_scope(
            HomeVisit.objects.select_related("center", "community", "item", "case"), user
        ).get(pk=pk)
    except (HomeVisit.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def proxy_cases(*, user: Any, status: str | None = None) -> QuerySet[ProxyCase]:
    qs = _center_or_community_scope(ProxyCase.objects.all(), user).select_related("center", "agent_staff", "case")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def proxy_in_scope(*, user: Any, pk: int) -> ProxyCase:
    qs = ProxyCase.objects.select_related("center", "agent_staff", "item", "created_by", "case")
    try:
        return _center_or_community_scope(qs, user).get(pk=pk)
    except (ProxyCase.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def staff_of_center(*, center: OrgUnit) -> QuerySet[Staff]:
    """Active staff of the center and its community points (who may go on a home visit or act as agent)."""
    return (
        Staff.objects.filter(org_unit__path__startswith=center.path, is_active=True)
        .select_related("org_unit")
        .order_by("org_unit__path", "name")
    )


def communities_of(*, center: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(path__startswith=center.path, level=OrgUnit.Level.COMMUNITY, is_active=True).order_by(
        "path"
    )


def community_staff(*, community: OrgUnit) -> QuerySet[Staff]:
    return Staff.objects.filter(org_unit=community, is_active=True).order_by("name")
