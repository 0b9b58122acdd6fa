"""Reads of the letters-and-visits register, scoped to what the acting user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import BooleanField, Case, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from bianmin.core.personal_data import blind_index
from bianmin.org.access import get_in_scope, scope_filter
from bianmin.org.models import OrgUnit, Staff
from bianmin.org.selectors import center_of
from bianmin.petitions.models import Petition, PetitionQuerySet, PetitionReply, PetitionSettings

PHONE_INDEX_PURPOSE = "petition-phone"


@dataclass(frozen=True)
class PetitionFilters:
    start: dt.date | None = None
    end: dt.date | None = None
    status: str = ""
    category: str = ""
    channel: str = ""
    handler_id: int | None = None
    overdue: bool = False
    q: str = ""
    phone: str = ""


def settings_for(*, center: OrgUnit) -> PetitionSettings:
    """The center's own settings; a community point without its own follows its center; else the defaults."""
    paths = [*center.ancestors_paths(), center.path]
    found = (
        PetitionSettings.objects.filter(center__path__in=paths)
        .select_related("center")
        .order_by("-center__depth")
        .first()
    )
    return found or PetitionSettings(center=center)


def petitions(*, user: Any) -> PetitionQuerySet:
    # scope_filter keeps the queryset's class; its signature only promises a plain QuerySet.
    return cast(PetitionQuerySet, scope_filter(Petition.objects.all(), user, "center__path"))


def _replies() -> Prefetch[Any]:
    return Prefetch("replies", queryset=PetitionReply.objects.select_related("replied_by").order_by("replied_at"))


def petition_list(
    *, user: Any, filters: PetitionFilters | None = None, now: dt.datetime | None = None
) -> QuerySet[Petition]:
    f = filters or PetitionFilters()
    qs = petitions(user=user)
    if f.start is not None:
        qs = qs.filter(received_on__gte=f.start)
    if f.end is not None:
        qs = qs.filter(received_on__lte=f.end)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.handler_id:
        qs = qs.filter(handler_id=f.handler_id)
    if f.overdue:
        qs = qs.overdue(now)
    if f.phone:
        qs = qs.filter(phone_index=blind_index(f.phone, purpose=PHONE_INDEX_PURPOSE))
    for word in f.q.split():
        qs = qs.filter(
            Q(number__icontains=word)
            | Q(person_name__icontains=word)
            | Q(person_org__icontains=word)
            | Q(content__icontains=word)
        )
    return qs.select_related("center", "handler", "registered_by").order_by("-received_on", "-id")


def petition_book(*, user: Any, filters: PetitionFilters | None = None) -> QuerySet[Petition]:
    """The registration book (登记表册) with its replies, oldest first, for export."""
    return petition_list(user=user, filters=filters).prefetch_related(_replies()).order_by("received_on", "id")


def petition_get(*, user: Any, pk: int) -> Petition:
    return get_in_scope(
        Petition.objects.select_related("center", "handler", "registered_by", "closed_by").prefetch_related(_replies()),
        user,
        "center__path",
        pk=pk,
    )


def petition_board(*, user: Any, now: dt.datetime | None = None) -> QuerySet[Petition]:
    """Open matters by deadline, overdue first (the director's board)."""
    now = now or timezone.now()
    return (
        petitions(user=user)
        .open()
        .annotate(
            overdue=Case(When(due_at__lt=now, then=Value(True)), default=Value(False), output_field=BooleanField())
        )
        .select_related("center", "handler")
        .order_by("-overdue", "due_at", "id")
    )


def petitions_overdue(*, user: Any, now: dt.datetime | None = None) -> QuerySet[Petition]:
    """Matters open past their deadline or closed after it, for accountability (§8(3)(3))."""
    return petitions(user=user).overdue(now).select_related("center", "handler").order_by("due_at", "id")


def eligible_handlers(*, center: OrgUnit) -> QuerySet[Staff]:
    """Who may handle a matter of `center`: its own staff and those below it; for a point, also its center's."""
    condition = Q(org_unit__path__startswith=center.path)
    if center.hall_kind == OrgUnit.HallKind.POINT and center.parent is not None:
        above = center_of(center.parent)
        if above is not None:
            condition |= Q(org_unit=above)
    return Staff.objects.filter(condition, is_active=True).select_related("org_unit").order_by("org_unit__path", "name")


def petition_reply_get(*, petition: Petition, pk: int) -> PetitionReply:
    return PetitionReply.objects.select_related("replied_by").get(petition=petition, pk=pk)
