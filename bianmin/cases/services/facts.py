"""Facts the accountability sweep reads (§8(3)(3), §8(3)(4))."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bianmin.cases.access import check_holds
from bianmin.cases.models import (
    Case,
    CaseEvent,
    Status,
)
from bianmin.cases.services._common import (
    DELAY_REASON_VERB,
    REFUSAL_OVERTURNED_VERB,
    _event,
    _lock,
    _require_director,
    _staff,
)
from bianmin.cases.timeline import Verb
from bianmin.cases.workflow import CaseStateError

# --- facts the accountability sweep reads (§8(3)(3), §8(3)(4)) -------------------------------------------------


@transaction.atomic
def case_record_delay_reason(*, case: Case, actor: Any, reason: str) -> CaseEvent:
    """Record the special reason (特殊原因) why a case runs or ran past its deadline; a case late without one is
    raised for accountability. Recorded as an event, so the timeline shows it and the sweep reads it."""
    staff = _staff(actor)
    case = _lock(case)
    check_holds(case, staff)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请写明超期的特殊原因。")]})
    return _event(case, actor, DELAY_REASON_VERB, note=reason[:1000])


@transaction.atomic
def case_overturn_refusal(*, case: Case, actor: Any, reason: str) -> CaseEvent:
    """The director records that a refusal (不予受理) was wrong — on review, complaint or appeal — so the applicant
    may apply again without a new refusal; the case stays closed and the refusal is raised for accountability."""
    staff = _staff(actor)
    case = _lock(case)
    _require_director(staff, case, _("撤销不予受理决定"))
    if case.status != Status.REFUSED:
        raise CaseStateError(_("只有不予受理的办件才能撤销不予受理决定。"), code="state")
    if CaseEvent.objects.filter(case=case, verb=REFUSAL_OVERTURNED_VERB).exists():
        raise CaseStateError(_("该办件的不予受理决定已撤销。"), code="state")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请写明撤销理由。")]})
    refused = CaseEvent.objects.filter(case=case, verb=Verb.REFUSE).select_related("actor__staff").last()
    refused_by = getattr(getattr(refused, "actor", None), "staff", None) if refused else None
    return _event(
        case,
        actor,
        REFUSAL_OVERTURNED_VERB,
        note=reason[:1000],
        data={"refused_by": refused_by.pk if refused_by is not None else None},
    )
