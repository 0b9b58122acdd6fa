"""The seam to the cases app (settings.BIANMIN_INTAKE_ORIGINS["inquiry"]): an intake started from a first-inquiry
record (the desk's "受理" button, `?inquiry=<pk>`) is prefilled with the visitor's name, and the record then points at
the new case (§8(1)2: the register keeps the result of each inquiry)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from bianmin.frontdesk.models import Inquiry
from bianmin.frontdesk.services import inquiry_link_case


def prefill(*, center: Any, value: str) -> dict[str, str]:
    inquiry = Inquiry.objects.filter(pk=int(value), center_id=center.pk).only("visitor_name").first()
    return {"applicant_name": inquiry.visitor_name} if inquiry is not None and inquiry.visitor_name else {}


def link(*, case: Any, value: str, actor: Any) -> str | None:
    """Link the inquiry to `case`; a refusal (the inquiry is already linked elsewhere) comes back as a warning."""
    inquiry = Inquiry.objects.filter(pk=int(value), center_id=case.center_id).first()
    if inquiry is None:
        return None
    try:
        inquiry_link_case(inquiry=inquiry, case=case, actor=actor)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None
