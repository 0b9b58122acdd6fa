"""The public Open311 record of an online application: its progress in plain words, and nothing personal.

No name, phone, e-mail, ID number, the applicant's own description or address leave here; `address` is where the
applicant goes: the responsible center's hall.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from bianmin.api.georeport import iso
from bianmin.api.models import OnlineApplication
from bianmin.cases.models import FINAL_STATUSES, CaseEvent, SupplementRequest
from bianmin.cases.online_words import service_notice, status_notes
from bianmin.cases.services import PREREVIEW_VERB


def online_applications(*, center: Any) -> QuerySet[OnlineApplication]:
    """The center's online applications with what their public records need, in a fixed number of queries."""
    return (
        OnlineApplication.objects.filter(case__center=center)
        .select_related("case", "case__center", "case__item", "case__window")
        # Never published, and each would cost a decryption per row (up to 1,000 rows a page).
        .defer("email", "case__applicant_phone", "case__applicant_id_number")
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


def public_record(application: OnlineApplication) -> dict[str, Any]:
    case = application.case
    center = case.center
    closed = case.status in FINAL_STATUSES
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": status_notes(case),
        "service_name": case.item_name,
        "service_code": case.item.code,
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
