"""Deciding or dismissing several accountability candidates at once, with one reason (issue #20).

All or nothing: one decision with one reason is meant for the whole selection, so if any record cannot take it
(not the user's to decide, no longer a candidate, nobody named responsible, dismissal for a formal employee), nothing
is changed and every such record is named in the error. Each record goes through the single action's service, so
the state machine, the checks and the event rows are the same as one by one."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bianmin.oversight.access import can_decide
from bianmin.oversight.models import Accountability
from bianmin.oversight.services.accountability import accountability_decide, accountability_dismiss
from bianmin.oversight.services.actors import Actor

MAX_RECORDS = 200


def _each(records: Sequence[Accountability], actor: Actor, act: Callable[[Accountability], object]) -> int:
    if not records:
        raise ValidationError(_("请至少选择一条记录。"))
    if len(records) > MAX_RECORDS:
        raise ValidationError(_("一次最多处理 %(n)s 条记录。") % {"n": MAX_RECORDS})
    problems: list[str] = []
    with transaction.atomic():
        for record in records:
            if not can_decide(actor, record):
                problems.append(_("%(summary)s：无权处理该记录") % {"summary": record.summary})
                continue
            try:
                with transaction.atomic():
                    act(record)
            except ValidationError as exc:
                problems.append(f"{record.summary}：{'；'.join(exc.messages)}")
        if problems:
            # Leave the atomic block by an exception: every record already changed is rolled back.
            raise ValidationError([_("未作处理，以下记录不能按所选方式处理："), *problems])
    return len(records)


def accountability_decide_many(*, records: Sequence[Accountability], sanction: str, reason: str, actor: Actor) -> int:
    if not reason.strip():
        raise ValidationError(_("请填写决定理由。"))
    return _each(
        records, actor, lambda r: accountability_decide(record=r, sanction=sanction, reason=reason, actor=actor)
    )


def accountability_dismiss_many(*, records: Sequence[Accountability], reason: str, actor: Actor) -> int:
    if not reason.strip():
        raise ValidationError(_("排除须说明理由。"))
    return _each(records, actor, lambda r: accountability_dismiss(record=r, reason=reason, actor=actor))
