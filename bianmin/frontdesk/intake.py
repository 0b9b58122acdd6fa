"""An intake source (settings.BIANMIN_INTAKE_SOURCES, see bianmin.cases.intake_sources): a first-inquiry record.

The desk's "受理" button starts an intake with `?inquiry=<pk>`: the visitor's name comes prefilled, and once the case
is accepted the record points at it (§8(1)2: the register keeps the result of each inquiry)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bianmin.frontdesk.models import Inquiry
from bianmin.frontdesk.services import inquiry_link_case


class InquiryIntake:
    param = "inquiry"

    def prefill(self, request: HttpRequest, center: Any, value: str) -> dict[str, str]:
        if not value.isdigit():
            return {}
        inquiry = Inquiry.objects.filter(pk=int(value), center_id=center.pk).only("visitor_name").first()
        return {"applicant_name": inquiry.visitor_name} if inquiry is not None and inquiry.visitor_name else {}

    def accepted(self, request: HttpRequest, case: Any, value: str) -> None:
        """Link the inquiry to `case`; a refusal (already linked elsewhere) reaches the staff member as a warning."""
        if not value.isdigit():
            return
        inquiry = Inquiry.objects.filter(pk=int(value), center_id=case.center_id).first()
        if inquiry is not None:
            inquiry_link_case(inquiry=inquiry, case=case, actor=request.user)

    def origins(self, case: Any) -> list[tuple[str, str]]:
        # The register links to the case (Inquiry.case); the case page adds no query for it.
        return []


INQUIRY_INTAKE = InquiryIntake()
