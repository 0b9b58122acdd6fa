"""Reads of complaints, accountability records and ratings, scoped to what the acting user may see.

Readers (director, inspector, district, admin) see everything in their org scope; any other staff member sees
only the records that name them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.org.access import get_in_scope, has_role, scope_filter, staff_of
from bianmin.org.models import OrgUnit, Staff
from bianmin.oversight.access import COMPLAINT_INVESTIGATORS, OVERSIGHT_READERS
from bianmin.oversight.models import Accountability, Complaint, Rating


def _own_or_scope(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    if has_role(user, OVERSIGHT_READERS):
        return scope_filter(qs, user, "center__path")
    staff = staff_of(user)
    return qs.filter(staff=staff) if staff is not None else qs.none()


# --- complaints ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintFilters:
    status: str = ""
    finding: str = ""
    overdue: bool = False


def complaint_list(
    *, user: Any, filters: ComplaintFilters | None = None, now: dt.datetime | None = None
) -> QuerySet[Complaint]:
    f = filters or ComplaintFilters()
    # Complaints are for readers only (the views check the role): the staff complained about does not see
    # who complained.
    qs = scope_filter(Complaint.objects.all(), user, "center__path")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.finding:
        qs = qs.filter(finding=f.finding)
    if f.overdue:
        qs = qs.filter(replied_at__isnull=True, due_at__lt=now or timezone.now())
    return qs.select_related("center", "window", "staff", "inspector").order_by("-created_at", "-id")


def complaint_get(*, user: Any, pk: int) -> Complaint:
    qs = Complaint.objects.select_related("center", "window", "staff", "inspector")
    return get_in_scope(qs, user, "center__path", pk=pk)


COMPLAINT_NUMBER = re.compile(r"TS(\d{4})(\d{6,9})")


def complaint_lookup(*, number: str, phone_tail: str) -> Complaint | None:
    """The complainant's own complaint if its number and the last four digits of the phone they left both match;
    None otherwise (the caller cannot tell which was wrong). An anonymous complaint without a phone has no lookup."""
    match = COMPLAINT_NUMBER.fullmatch(number.strip().upper())
    tail = phone_tail.strip()
    if match is None or len(tail) != 4 or not tail.isdigit():
        return None
    complaint = Complaint.objects.select_related("center").filter(pk=int(match.group(2))).first()
    if complaint is None or complaint.number != match.group(0):
        return None
    digits = "".join(ch for ch in complaint.phone if ch.isdigit())
    return complaint if len(digits) >= 4 and digits[-4:] == tail else None


def complaint_events(*, complaint: Complaint) -> QuerySet[Any]:
    return complaint.events.select_related("actor__staff")


def investigators(*, center: OrgUnit) -> QuerySet[Staff]:
    """Who may be assigned a complaint: the inspectors and directors of the center and the levels above."""
    paths = [*center.ancestors_paths(), center.path]
    return Staff.objects.filter(org_unit__path__in=paths, role__in=COMPLAINT_INVESTIGATORS, is_active=True).order_by(
        "role", "name"
    )


def complaint_responsible_choices(*, complaint: Complaint, first: list[Staff]) -> QuerySet[Staff]:
    """Whom the inspector may name for a founded complaint: the center's active staff not on approved leave at the
    complaint's time, the system's proposal (`first`) at the top."""
    from bianmin.oversight.services.accountability import on_leave_at

    people = Staff.objects.filter(org_unit__path__startswith=complaint.center.path, is_active=True)
    away = on_leave_at(list(people.values_list("pk", flat=True)), complaint.created_at)
    rank = Case(*[When(pk=s.pk, then=Value(i)) for i, s in enumerate(first)], default=Value(len(first)))
    return people.exclude(pk__in=away).annotate(proposal_rank=rank).order_by("proposal_rank", "name")


# --- accountability -------------------------------------------------------------------------------------------


def accountability_list(*, user: Any, status: str = "", violation: str = "") -> QuerySet[Accountability]:
    """Candidates first (the director's queue), then appeals, then the rest, newest first."""
    qs = _own_or_scope(Accountability.objects.all(), user)
    if status:
        qs = qs.filter(status=status)
    if violation:
        qs = qs.filter(violation=violation)
    rank = Case(
        When(status=Accountability.Status.CANDIDATE, then=Value(0)),
        When(status=Accountability.Status.APPEALED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.select_related("center", "staff").annotate(rank=rank).order_by("rank", "-created_at", "-id")


def accountability_get(*, user: Any, pk: int) -> Accountability:
    qs = _own_or_scope(Accountability.objects.select_related("center", "staff"), user)
    return get_in_scope(qs, user, "center__path", pk=pk)


@dataclass(frozen=True)
class EvidenceLink:
    label: str
    url: str


_EVIDENCE: dict[str, tuple[str, str, bool]] = {
    # kind → (label, url name, whether the url takes the label (case number) rather than the id)
    "case": ("办件", "cases:detail", True),
    "otn_failure": ("一次性告知未落实记录", "cases:failures", False),
    "complaint": ("投诉", "oversight:complaint_detail", False),
    "unmanned": ("窗口无人值守记录", "staffing:unmanned_list", False),
    "petition": ("来信来访", "petitions:detail", False),
    "assigned_task": ("交办事项", "assignments:task_detail", False),
    "inspection": ("督查记录", "staffing:inspection_detail", False),
    "rating": ("差评", "oversight:rating_detail", False),
}


def evidence_links(record: Accountability) -> list[EvidenceLink]:
    links = []
    for item in record.evidence or []:
        kind, ident, label = item.get("kind", ""), item.get("id"), item.get("label") or ""
        known = _EVIDENCE.get(kind)
        if known is None:
            continue
        name, url_name, by_label = known
        try:
            if url_name in ("cases:failures", "staffing:unmanned_list"):
                url = reverse(url_name)
            else:
                url = reverse(url_name, args=[label if by_label else ident])
        except NoReverseMatch:
            url = ""
        links.append(EvidenceLink(f"{_(name)} {label or ident}", url))
    return links


# --- ratings --------------------------------------------------------------------------------------------------


def rating_list(*, user: Any, bad_only: bool = True, pending_only: bool = False) -> QuerySet[Rating]:
    qs = _own_or_scope(Rating.objects.all(), user)
    if bad_only:
        qs = qs.filter(overall__lte=Rating.Level.DISSATISFIED)
    if pending_only:
        qs = qs.filter(excluded=False).filter(Q(rectified_at__isnull=True) | Q(callback_on__isnull=True))
    return qs.select_related("case", "center", "staff").order_by("-created_at", "-id")


def rating_get(*, user: Any, pk: int) -> Rating:
    qs = _own_or_scope(Rating.objects.select_related("case", "center", "staff", "rectified_by", "callback_by"), user)
    return get_in_scope(qs, user, "center__path", pk=pk)


def rating_events(*, rating: Rating) -> QuerySet[Any]:
    return rating.events.select_related("actor__staff")


def rateable_cases(*, user: Any, now: dt.datetime | None = None) -> QuerySet[Any]:
    """The cases a window tablet offers for rating: completed today by this staff member or at their center's
    windows they hold, not yet rated."""
    from bianmin.cases.models import Case as CaseModel
    from bianmin.cases.models import Status as CaseStatus

    staff = staff_of(user)
    if staff is None:
        return CaseModel.objects.none()
    start = timezone.localtime(now or timezone.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    qs = CaseModel.objects.filter(
        Q(assignee=staff) | Q(accepted_by=staff) | Q(received_by=staff),
        status__in=[CaseStatus.COMPLETED, CaseStatus.DELIVERED],
        completed_at__gte=start,
        rating__isnull=True,
    )
    return qs.order_by("-completed_at", "-id")


def rateable_case(*, user: Any, pk: int) -> Any:
    return get_in_scope(rateable_cases(user=user), user, "center__path", pk=pk)
