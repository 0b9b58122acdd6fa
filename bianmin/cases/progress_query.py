"""The public progress query (办件进度查询): what an applicant may see of a case, found by number and phone tail
or by the token printed on the acceptance notice. No staff names, no ID or phone; the name masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_lazy

from bianmin.cases.models import (
    Case,
    CaseEvent,
    Outcome,
    Status,
    SupplementRequest,
)
from bianmin.cases.timeline import PUBLIC_VERBS, public_wording
from bianmin.core.compiled import CompiledRead
from bianmin.core.personal_data import mask_name

# What the public progress page shows of a case (and its rating panel needs): never the applicant's ID number or
# phone, which are therefore not even read (nor decrypted) for it.
PUBLIC_FIELDS = (
    "number",
    "item_name",
    "applicant_name",
    "status",
    "due_at",
    "accepted_at",
    "completed_at",
    "limit_days",
    "limit_unit",
    "outcome",
    "result",
    "refusal_reason",
    "public_token",
    "center",
)
# Of its center, what the public pages' header and footer name (`public_base.html`): the hall, its code, address and
# telephones.
PUBLIC_CENTER_FIELDS = tuple(
    f"center__{name}" for name in ("code", "name", "hall_kind", "hall_name", "address", "phone", "complaint_phone")
)


def _public_cases() -> QuerySet[Case]:
    return Case.objects.select_related("center").only(*PUBLIC_FIELDS, *PUBLIC_CENTER_FIELDS)


# The public page's reads, compiled once per process (`CompiledRead`): the case's public columns with its center.
_BY_NUMBER = CompiledRead(
    lambda number, tail: _public_cases().filter(number=number, phone_tail=tail).order_by("pk")[:1], keyed=True
)
# The token is unique: at most one row, so no ORDER BY (not even the model's default, which made PostgreSQL sort).
_BY_TOKEN = CompiledRead(lambda token: _public_cases().filter(public_token=token).order_by()[:1], keyed=True)


def progress_lookup(*, number: str, phone_tail: str) -> Case | None:
    """The case if number and phone tail both match; None otherwise (the caller cannot tell which was wrong).
    Only what the public page shows is read (`PUBLIC_FIELDS`)."""
    number = number.strip()
    tail = phone_tail.strip()
    if not number or len(tail) != 4 or not tail.isdigit():
        return None
    return next(iter(_BY_NUMBER.objects(number, tail)), None)


def progress_by_token(*, token: str, public: bool = False) -> Case | None:
    """The case of a QR link's token; `public`: only what the public page shows (`PUBLIC_FIELDS`), for that page."""
    if not token or len(token) > 32:
        return None
    if public:
        return next(iter(_BY_TOKEN.objects(token)), None)
    return next(iter(Case.objects.select_related("center").filter(public_token=token)[:1]), None)


_STEPS = CompiledRead(
    lambda case_id: (
        CaseEvent.objects.filter(case_id=case_id, verb__in=sorted(PUBLIC_VERBS))
        .order_by("created_at", "id")
        .values_list("created_at", "verb")
    ),
    keyed=True,
)


@dataclass
class PublicStep:
    at: dt.datetime
    text: str


@dataclass
class PublicOutcome:
    """The decision the applicant is told: 准予 / 不予 (after handling) or 不予受理 (at intake), with its words."""

    verdict: str
    granted: bool
    reason_label: str
    reason: str


@dataclass
class PublicProgress:
    number: str
    item_name: str
    applicant: str
    status: str
    status_code: str
    due_at: dt.datetime | None
    paused: bool
    awaiting: list[str]
    steps: list[PublicStep]
    center_name: str
    center_phone: str
    promised: str = ""
    promised_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    on_time: bool | None = None
    outcome: PublicOutcome | None = None


AWAITING_WORDS = {
    Status.RECEIVED: gettext_lazy("窗口工作人员审核您的申请材料"),
    Status.ACCEPTED: gettext_lazy("窗口工作人员办理"),
    Status.IN_PROGRESS: gettext_lazy("承办部门办理"),
    Status.FORWARDED: gettext_lazy("区行政服务中心办理"),
    Status.COMPLETED: gettext_lazy("您领取办理结果（请携带受理告知单）"),
}


def public_outcome(case: Case) -> PublicOutcome | None:
    if case.status == Status.REFUSED:
        return PublicOutcome(str(Status.REFUSED.label), False, gettext("不予受理原因"), case.refusal_reason)
    if case.completed_at is None:
        return None
    if case.outcome == Outcome.GRANTED:
        return PublicOutcome(gettext("准予"), True, gettext("办理结果"), case.result)
    if case.outcome == Outcome.DENIED:
        return PublicOutcome(gettext("不予"), False, gettext("不予的理由"), case.result)
    # Completed before the decision was recorded: the result says it in words.
    return PublicOutcome("", True, gettext("办理结果"), case.result) if case.result else None


def promised_limit(case: Case) -> str:
    """The promised time limit as the guide states it (承诺时限): "5个工作日", "当场办结"."""
    if not case.limit_days:
        return gettext("当场办结")
    return gettext("%(days)s个%(unit)s") % {"days": case.limit_days, "unit": case.get_limit_unit_display()}


def public_progress(*, case: Case) -> PublicProgress:
    """What the applicant may see: no staff names, no ID or phone, the name masked."""
    steps = [PublicStep(at, public_wording(verb) or "") for at, verb in _STEPS.rows(case.pk)]
    awaiting: list[str] = []
    if case.status == Status.WAITING:
        latest = (
            SupplementRequest.objects.filter(case=case, state=SupplementRequest.State.ISSUED).order_by("-id").first()
        )
        if latest is not None:
            awaiting = [
                f"{item['name']}" + (f"（{item['detail']}）" if item.get("detail") else "") for item in latest.items
            ]
            awaiting.append(gettext("请于 %(day)s 前补齐") % {"day": f"{latest.due_date:%Y年%m月%d日}"})
    elif case.status in AWAITING_WORDS:
        awaiting = [str(AWAITING_WORDS[Status(case.status)])]
    return PublicProgress(
        number=case.number,
        item_name=case.item_name,
        applicant=mask_name(case.applicant_name),
        status=case.get_status_display(),
        status_code=case.status,
        due_at=case.due_at if case.is_open and case.status != Status.COMPLETED else None,
        paused=case.status == Status.WAITING,
        awaiting=awaiting,
        steps=steps,
        center_name=case.center.display_hall_name,
        center_phone=case.center.phone,
        promised=promised_limit(case) if case.accepted_at else "",
        # A case done on the spot promises "当场办结", not a moment (its deadline is the end of the working day).
        promised_at=case.due_at if case.status != Status.WAITING and case.limit_days else None,
        completed_at=case.completed_at,
        on_time=(case.completed_at <= case.due_at) if case.completed_at and case.due_at else None,
        outcome=public_outcome(case),
    )
