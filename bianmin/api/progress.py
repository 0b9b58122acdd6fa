"""The public Open311 record of an online application: its progress in plain words, and nothing personal.

No name, phone, e-mail, ID number, the applicant's own description or address leave here; `address` is where the
applicant goes: the responsible center's hall.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F, Prefetch, QuerySet

from bianmin.api.georeport import iso
from bianmin.api.models import OnlineApplication
from bianmin.cases.models import FINAL_STATUSES, CaseEvent, SupplementRequest
from bianmin.cases.online_words import service_notice, status_notes
from bianmin.cases.services import PREREVIEW_VERB

# What `public_record` reads of an application and its case (`status_notes` and `service_notice` included; a
# pre-review recorded before its list was kept reads the case's item version apart). The case's center is the
# jurisdiction's, given to each case by `public_records`, and of its item only the code is read (`service_code`).
PUBLIC_COLUMNS = (
    "service_notice",
    "case",
    "case__number",
    "case__status",
    "case__item_name",
    "case__item_version",
    "case__center",
    "case__received_at",
    "case__accepted_at",
    "case__due_at",
    "case__closed_at",
    "case__updated_at",
)


def online_applications(*, center: Any) -> QuerySet[OnlineApplication]:
    """The center's online applications with what their public records need, in a fixed number of queries."""
    return (
        OnlineApplication.objects.filter(case__center=center)
        .select_related("case")
        # The columns a public record shows, and no other: up to 1,000 rows a page, each column left out one value
        # less to convert and set per row, each related row one model instance less (a third of the list's time
        # went on building four instances of ~120 columns in all per row); the personal ones are never published.
        .only(*PUBLIC_COLUMNS)
        .annotate(service_code=F("case__item__code"))
        .prefetch_related(
            Prefetch(
                "case__events",
                queryset=CaseEvent.objects.filter(verb=PREREVIEW_VERB).order_by("-created_at", "-id"),
                to_attr="prereviews",
            ),
            Prefetch(
                "case__supplement_requests",
                queryset=SupplementRequest.objects.filter(state=SupplementRequest.State.ISSUED).order_by("-id"),
                to_attr="issued_supplements",
            ),
        )
    )


def public_records(applications: Iterable[OnlineApplication], center: Any) -> list[dict[str, Any]]:
    """The public records of `center`'s applications (as `online_applications` reads them): each case is given the
    center, read once, instead of a copy of it read with every row."""
    records = []
    for application in applications:
        application.case.center = center
        records.append(public_record(application))
    return records


def public_record(application: OnlineApplication) -> dict[str, Any]:
    case = application.case
    center = case.center
    closed = case.status in FINAL_STATUSES
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": status_notes(case),
        "service_name": case.item_name,
        "service_code": application.service_code if hasattr(application, "service_code") else case.item.code,
        "description": None,
        "agency_responsible": center.display_hall_name,
        "service_notice": service_notice(case, submitted=application.service_notice),
        "requested_datetime": iso(case.received_at),
        "updated_datetime": iso(case.closed_at if closed and case.closed_at else case.updated_at),
        "expected_datetime": iso(case.due_at) if case.accepted_at and case.due_at else None,
        "address": f"{center.display_hall_name}（{center.address}）" if center.address else center.display_hall_name,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
