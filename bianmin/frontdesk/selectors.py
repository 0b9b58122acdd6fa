"""Reads of the first-inquiry register and of handovers, scoped to what the acting user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone

from bianmin.core.aggregates import Rows
from bianmin.frontdesk.models import Handover, Inquiry
from bianmin.org.access import get_in_scope, scope_filter, staff_of
from bianmin.org.models import OrgUnit, Post, Staff, Window
from bianmin.org.selectors import center_of, today

RECENT_VISITORS_SCAN = 60


@dataclass(frozen=True)
class InquiryFilters:
    start: dt.date | None = None
    end: dt.date | None = None
    staff_id: int | None = None
    window_id: int | None = None
    result: str = ""
    channel: str = ""
    q: str = ""


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone.get_current_timezone())


def _period(qs: QuerySet[Any], field: str, start: dt.date | None, end: dt.date | None) -> QuerySet[Any]:
    # Half-open range on the timestamp itself, so the (center, received_at) index serves it.
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start_of_day(start)})
    if end is not None:
        qs = qs.filter(**{f"{field}__lt": start_of_day(end + dt.timedelta(days=1))})
    return qs


def inquiries(*, user: Any) -> QuerySet[Inquiry]:
    return scope_filter(Inquiry.objects.all(), user, "center__path")


def inquiry_list(*, user: Any, filters: InquiryFilters | None = None) -> QuerySet[Inquiry]:
    f = filters or InquiryFilters()
    qs = _period(inquiries(user=user), "received_at", f.start, f.end)
    if f.staff_id:
        qs = qs.filter(first_contact_id=f.staff_id)
    if f.window_id:
        qs = qs.filter(window_id=f.window_id)
    if f.result:
        qs = qs.filter(result=f.result)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.q:
        for word in f.q.split():
            qs = qs.filter(
                Q(matter__icontains=word)
                | Q(visitor_name__icontains=word)
                | Q(visitor_org__icontains=word)
                | Q(number__icontains=word)
                | Q(case_number__icontains=word)
            )
    return qs.select_related("center", "first_contact", "window", "referred_window", "referred_staff").order_by(
        "-received_at", "-id"
    )


def inquiry_get(*, user: Any, pk: int) -> Inquiry:
    return get_in_scope(
        Inquiry.objects.select_related("center", "first_contact", "window", "referred_window", "referred_staff"),
        user,
        "center__path",
        pk=pk,
    )


def inquiries_today_of(*, user: Any, limit: int = 15) -> QuerySet[Inquiry]:
    """The user's own entries of today, newest first: what the desk page shows under the form."""
    staff = staff_of(user)
    if staff is None:
        return Inquiry.objects.none()
    return (
        Inquiry.objects.filter(first_contact=staff, received_at__gte=start_of_day(today()))
        .select_related("referred_window", "referred_staff")
        .order_by("-received_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class RecentVisitor:
    name: str
    org: str


def recent_visitors(*, user: Any, limit: int = 10) -> list[RecentVisitor]:
    """Distinct visitors from the user's own latest entries (one query, a bounded scan)."""
    staff = staff_of(user)
    if staff is None:
        return []
    rows = (
        Inquiry.objects.filter(first_contact=staff)
        .exclude(visitor_name="")
        .order_by("-received_at", "-id")
        .values_list("visitor_name", "visitor_org")[:RECENT_VISITORS_SCAN]
    )
    seen: set[tuple[str, str]] = set()
    found: list[RecentVisitor] = []
    for name, org in rows:
        if (name, org) in seen:
            continue
        seen.add((name, org))
        found.append(RecentVisitor(name, org))
        if len(found) >= limit:
            break
    return found


# --- where a first contact may refer a visitor -------------------------------------------------------------


def referral_units(*, center: OrgUnit) -> list[OrgUnit]:
    """The hall itself and, for a community point, the subdistrict center above it (both "inside the center")."""
    units = [center]
    if center.hall_kind == OrgUnit.HallKind.POINT and center.parent_id is not None:
        above = center_of(center.parent)  # type: ignore[arg-type]
        if above is not None:
            units.append(above)
    return units


def referral_windows(*, center: OrgUnit) -> QuerySet[Window]:
    return (
        Window.objects.filter(center__in=referral_units(center=center), is_active=True)
        .select_related("center")
        .prefetch_related("departments")
        .order_by("center__path", "number")
    )


def referral_staff(*, center: OrgUnit) -> QuerySet[Staff]:
    return (
        Staff.objects.filter(org_unit__in=referral_units(center=center), is_active=True)
        .select_related("org_unit")
        .order_by("org_unit__path", "name")
    )


def referral_staff_ranked(*, center: OrgUnit, window: Window | None) -> list[Staff]:
    """Staff one may refer to; with a window chosen, the window's current A then B posts come first."""
    staff = list(referral_staff(center=center))
    if window is None:
        return staff
    on_window = Post.objects.active_on(today()).filter(window=window).order_by("kind", "valid_from")
    rank: dict[int, int] = {}
    for staff_id in on_window.values_list("staff_id", flat=True):
        rank.setdefault(staff_id, len(rank))
    return sorted(staff, key=lambda s: rank.get(s.pk, len(rank)))


def windows_of(*, staff: Staff) -> list[Window]:
    """The windows the staff member currently holds a post on, A posts first."""
    posts = Post.objects.active_on(today()).filter(staff=staff).select_related("window").order_by("kind", "window")
    seen: dict[int, Window] = {}
    for post in posts:
        seen.setdefault(post.window_id, post.window)
    return list(seen.values())


# --- counts for assessment (§6(4), §8(1)2 "以备查询和考核") -------------------------------------------------


def _result_counts() -> dict[str, Count]:
    counts = {"total": Rows()}
    for value in Inquiry.Result.values:
        counts[value] = Rows(Q(result=value))
    counts["phone"] = Rows(Q(channel=Inquiry.Channel.PHONE))
    return counts


def inquiry_counts_by_staff(*, user: Any, start: dt.date | None, end: dt.date | None) -> QuerySet[Any]:
    """Per first contact: total, per result, and phone calls, over the period."""
    qs = _period(inquiries(user=user), "received_at", start, end)
    return (
        qs.values("first_contact_id", "first_contact__name", "center__name")
        .annotate(**_result_counts())
        .order_by("-total", "first_contact__name")
    )


def inquiry_counts_by_window(*, user: Any, start: dt.date | None, end: dt.date | None) -> QuerySet[Any]:
    """Per receiving window (entries without a window are grouped as one row with window_id None)."""
    qs = _period(inquiries(user=user), "received_at", start, end)
    return (
        qs.values("window_id", "window__number", "window__name", "center__name")
        .annotate(**_result_counts())
        .order_by("center__name", "window__number")
    )


# --- handovers ----------------------------------------------------------------------------------------------


def handovers(*, user: Any) -> QuerySet[Handover]:
    return scope_filter(Handover.objects.all(), user, "center__path").select_related(
        "from_staff", "to_staff", "center", "content_type"
    )


def handovers_pending_of(*, user: Any) -> tuple[list[Handover], list[Handover]]:
    """(to me, from me): unacknowledged handovers that stay on both staff members' pages."""
    staff = staff_of(user)
    if staff is None:
        return [], []
    rows = list(
        Handover.objects.pending()
        .involving(staff)
        .select_related("from_staff", "to_staff", "content_type")
        .order_by("received_at", "id")
    )
    return [h for h in rows if h.to_staff_id == staff.pk], [h for h in rows if h.from_staff_id == staff.pk]


def handovers_recent_of(*, user: Any, limit: int = 20) -> QuerySet[Handover]:
    staff = staff_of(user)
    if staff is None:
        return Handover.objects.none()
    return (
        Handover.objects.involving(staff)
        .filter(acknowledged_at__isnull=False)
        .select_related("from_staff", "to_staff")
        .order_by("-acknowledged_at", "-id")[:limit]
    )


def handovers_pending_count(*, user: Any) -> int:
    staff = staff_of(user)
    if staff is None:
        return 0
    return Handover.objects.pending().filter(to_staff=staff).count()


def handover_get(*, user: Any, pk: int) -> Handover:
    return get_in_scope(
        Handover.objects.select_related("from_staff", "to_staff", "center"), user, "center__path", pk=pk
    )


def handovers_for(*, target: Model) -> QuerySet[Handover]:
    return Handover.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("from_staff", "to_staff")
