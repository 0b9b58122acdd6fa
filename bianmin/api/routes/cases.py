"""Cases (办件): list, detail, intake and state transitions — every write through `bianmin.cases.services`, every
read through `bianmin.cases.selectors`, with the same roles and org scope as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from bianmin.api.access import READ_ROLES, require_role
from bianmin.api.errors import ERRORS, WRITE_ERRORS
from bianmin.api.schemas import Code, Id, Moment, Text
from bianmin.cases import listing, selectors, services
from bianmin.cases.access import HANDLING_ROLES, INTAKE_ROLES
from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case
from bianmin.catalog.selectors import published_items
from bianmin.core.personal_data import mask_name
from bianmin.org.models import Window
from bianmin.org.selectors import user_center

router = Router(tags=["办件"])


# Spelled out so the OpenAPI schema lists them; a test keeps them equal to the models' choices.
StatusName = Literal[
    "submitted",
    "received",
    "accepted",
    "in_progress",
    "waiting",
    "forwarded",
    "completed",
    "delivered",
    "refused",
    "withdrawn",
]
ModeName = Literal["direct", "promised", "joint", "forwarded"]
WindowNumber = Annotated[int, Field(ge=1, le=32767)]
Reason = Annotated[str, Field(min_length=1, max_length=1000)]
Note = Annotated[str, Field(max_length=1000)]


class CaseOut(Schema):
    number: str
    status: str
    status_label: str
    mode: str
    item_code: str
    item_name: str
    center_code: str
    window_number: int | None
    assignee: str | None
    applicant: str
    supplement_pending: bool
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    due_at: dt.datetime | None
    closed_at: dt.datetime | None


class CasePage(Schema):
    results: list[CaseOut]
    next_cursor: str | None
    next: str | None = Field(None, description="下一页的完整地址（同样的筛选条件）；最后一页为空")


class CaseMaterialOut(Schema):
    material_id: int | None
    name: str
    kind: str
    presented: bool
    presented_form: str
    custody: str


class NoticeOut(Schema):
    number: str
    kind: str
    issued_at: dt.datetime


class EventOut(Schema):
    at: dt.datetime
    verb: str
    wording: str
    from_state: str
    to_state: str
    note: str


class CaseDetailOut(CaseOut):
    applicant_identifier: str
    phone: str
    materials: list[CaseMaterialOut]
    notices: list[NoticeOut]
    timeline: list[EventOut]
    deadline_explanation: list[str]


# What `_case` reads of a case (and of the four rows it names): the list reads only these, as values.
CASE_OUT_FIELDS = (
    "number",
    "status",
    "mode",
    "item_name",
    "applicant_name",
    "supplement_pending",
    "received_at",
    "accepted_at",
    "due_at",
    "closed_at",
    "center__code",
    "item__code",
    "window__number",
    "assignee__name",
)


def _case_row(row: dict[str, Any]) -> CaseOut:
    """`_case` of a row of `CASE_OUT_FIELDS` (the list's: no model instances built)."""
    return CaseOut.model_construct(
        number=row["number"],
        status=row["status"],
        status_label=selectors.status_label(row["status"]),
        mode=row["mode"],
        item_code=row["item__code"],
        item_name=row["item_name"],
        center_code=row["center__code"],
        window_number=row["window__number"],
        assignee=row["assignee__name"],
        applicant=mask_name(row["applicant_name"]),
        supplement_pending=row["supplement_pending"],
        received_at=row["received_at"],
        accepted_at=row["accepted_at"],
        due_at=row["due_at"],
        closed_at=row["closed_at"],
    )


def _case(case: Case) -> CaseOut:
    # Built without validation: every value is read from a typed column (a list page builds thirty; validating each
    # through the schema's attribute getter cost more than reading them). The response is still the schema's.
    return CaseOut.model_construct(
        number=case.number,
        status=case.status,
        status_label=selectors.status_label(case.status),
        mode=case.mode,
        item_code=case.item.code,
        item_name=case.item_name,
        center_code=case.center.code,
        window_number=case.window.number if case.window else None,
        assignee=case.assignee.name if case.assignee else None,
        applicant=mask_name(case.applicant_name),
        supplement_pending=case.supplement_pending,
        received_at=case.received_at,
        accepted_at=case.accepted_at,
        due_at=case.due_at,
        closed_at=case.closed_at,
    )


def _detail(case: Case) -> CaseDetailOut:
    detail = selectors.case_detail(case=case)
    return CaseDetailOut(
        **_case(case).dict(),
        applicant_identifier=detail.masked_id or case.applicant_credit_code,
        phone=detail.masked_phone,
        materials=[
            CaseMaterialOut(
                material_id=m.material_id,
                name=m.name,
                kind=m.kind,
                presented=m.presented,
                presented_form=m.presented_form,
                custody=m.custody,
            )
            for m in detail.materials
        ],
        notices=[NoticeOut(number=n.number, kind=n.kind, issued_at=n.issued_at) for n in detail.notices],
        timeline=[
            EventOut(
                at=t.event.created_at,
                verb=t.event.verb,
                wording=t.wording,
                from_state=t.event.from_state,
                to_state=t.event.to_state,
                note=t.event.note,
            )
            for t in detail.timeline
        ],
        deadline_explanation=list(detail.deadline.lines) if detail.deadline else [],
    )


def _for_user(request: HttpRequest, number: str) -> Case:
    return selectors.case_for_user(user=request.user, number=number)


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="办件列表（可见范围内，按接收时间倒序）")
def case_list(
    request: HttpRequest,
    status: StatusName | None = None,
    item: Code | None = None,
    window: WindowNumber | None = None,
    mode: ModeName | None = None,
    received_from: Moment | None = None,
    received_to: Moment | None = None,
    cursor: Annotated[Text, Field(max_length=200)] | None = None,
    limit: Annotated[int, Field(ge=1, le=100)] = 30,
) -> CasePage:
    """Cursor pagination: pass `next_cursor` of a page as `cursor` for the next one (a stale cursor restarts)."""
    require_role(request, READ_ROLES)
    rows, next_cursor = listing.case_values(
        values=CASE_OUT_FIELDS,
        user=request.user,
        status=status,
        item_code=item,
        window_number=window,
        mode=mode,
        received_from=received_from,
        received_to=received_to,
        cursor=cursor,
        limit=limit,
    )
    # Built without validation as `_case` builds its rows (constructing the page validated each row again).
    return CasePage.model_construct(
        results=[_case_row(r) for r in rows], next_cursor=next_cursor, next=_next_url(request, next_cursor)
    )


def _next_url(request: HttpRequest, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.GET.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@router.get("/cases/{number}", response={200: CaseDetailOut, **ERRORS}, summary="办件详情")
def case_detail(request: HttpRequest, number: Code) -> CaseDetailOut:
    require_role(request, READ_ROLES)
    return _detail(_for_user(request, number))


class ApplicantIn(Schema):
    kind: Literal["person", "organization"] = "person"
    name: Annotated[Text, Field(max_length=100)]
    id_number: Annotated[Text, Field(max_length=40)] = Field(
        description="自然人填公民身份号码，法人或其他组织填统一社会信用代码"
    )
    phone: Annotated[Text, Field(max_length=40)]
    contact_name: Annotated[Text, Field(max_length=50)] = ""


class PresentedIn(Schema):
    material_id: Id
    form: Literal["original", "copy", "both", "electronic"] = "both"


class IntakeIn(Schema):
    item_code: Code
    window_number: WindowNumber | None = None
    applicant: ApplicantIn
    presented: Annotated[list[PresentedIn], Field(max_length=200)] = []
    decision: Literal["accept", "accept_with_supplement", "refuse"]
    supplement_due: dt.date | None = None
    refusal_reason: Annotated[Text, Field(max_length=1000)] = ""


@router.post("/cases", response={201: CaseDetailOut, **WRITE_ERRORS}, summary="受理（接收申请并当场作出决定）")
def case_intake(request: HttpRequest, payload: IntakeIn) -> Status[CaseDetailOut]:
    user = require_role(request, INTAKE_ROLES)
    center = user_center(user=user)
    if center is None:
        raise ValidationError(_("您未关联服务中心，不能受理。"))
    item = published_items(center=center).filter(code=payload.item_code).first()
    if item is None:
        raise ValidationError({"item_code": [_("该事项未在本中心公开。")]})
    window = None
    if payload.window_number is not None:
        window = Window.objects.filter(center=center, number=payload.window_number, is_active=True).first()
        if window is None:
            raise ValidationError({"window_number": [_("本中心没有该窗口。")]})
    case = services.case_intake(
        actor=user,
        center=center,
        window=window,
        item=item,
        applicant=services.ApplicantInput(
            kind=payload.applicant.kind,
            name=payload.applicant.name,
            id_number=payload.applicant.id_number,
            phone=payload.applicant.phone,
            contact_name=payload.applicant.contact_name,
        ),
        presented={p.material_id: p.form for p in payload.presented},
        decision={"accept": Decision.ACCEPT, "accept_with_supplement": Decision.ACCEPT_WITH_SUPPLEMENT}.get(
            payload.decision, Decision.REFUSE
        ),
        supplement_due=payload.supplement_due,
        refusal_reason=payload.refusal_reason,
    )
    return Status(201, _detail(case))


class AcceptIn(Schema):
    supplement_due: dt.date | None = None


class ReasonIn(Schema):
    reason: Annotated[Text, Field(min_length=1, max_length=1000)]


class CompleteIn(Schema):
    result: Annotated[Text, Field(min_length=1, max_length=2000)]
    outcome: Literal["granted", "denied", ""] = ""
    dispose_by_form: bool = False


class DeliverIn(Schema):
    method: Annotated[Text, Field(max_length=40)]
    note: Annotated[Text, Field(max_length=1000)] = ""


class NoteIn(Schema):
    note: Annotated[Text, Field(max_length=1000)] = ""


class PrereviewIn(Schema):
    window_number: WindowNumber
    supplement: Annotated[list[Annotated[Text, Field(max_length=200)]], Field(max_length=50)] = []
    note: Annotated[Text, Field(max_length=500)] = ""


TRANSITION = {200: CaseOut, **WRITE_ERRORS}


@router.post("/cases/{number}/accept", response=TRANSITION, summary="受理（先行接收的办件）")
def case_accept(request: HttpRequest, number: Code, payload: AcceptIn) -> CaseOut:
    user = require_role(request, HANDLING_ROLES)
    return _case(
        services.case_accept(case=_for_user(request, number), actor=user, supplement_due=payload.supplement_due)
    )


@router.post("/cases/{number}/refuse", response=TRANSITION, summary="不予受理")
def case_refuse(request: HttpRequest, number: Code, payload: ReasonIn) -> CaseOut:
    user = require_role(request, HANDLING_ROLES)
    return _case(services.case_refuse(case=_for_user(request, number), actor=user, reason=payload.reason))


@router.post("/cases/{number}/start", response=TRANSITION, summary="开始办理")
def case_start(request: HttpRequest, number: Code) -> CaseOut:
    user = require_role(request, HANDLING_ROLES)
    return _case(services.case_start(case=_for_user(request, number), actor=user))


@router.post("/cases/{number}/complete", response=TRANSITION, summary="办结")
def case_complete(request: HttpRequest, number: Code, payload: CompleteIn) -> CaseOut:
    user = require_role(request, HANDLING_ROLES)
    case = services.case_complete(
        case=_for_user(request, number),
        actor=user,
        result=payload.result,
        outcome=payload.outcome,
        dispose_by_form=payload.dispose_by_form,
    )
    return _case(case)


@router.post("/cases/{number}/deliver", response=TRANSITION, summary="送达办理结果")
def case_deliver(request: HttpRequest, number: Code, payload: DeliverIn) -> CaseOut:
    user = require_role(request, HANDLING_ROLES)
    case = services.case_deliver(case=_for_user(request, number), actor=user, method=payload.method, note=payload.note)
    return _case(case)


@router.post("/cases/{number}/withdraw", response=TRANSITION, summary="撤回")
def case_withdraw(request: HttpRequest, number: Code, payload: ReasonIn) -> CaseOut:
    user = require_role(request, HANDLING_ROLES)
    return _case(services.case_withdraw(case=_for_user(request, number), actor=user, reason=payload.reason))


@router.post("/cases/{number}/forward", response=TRANSITION, summary="上报区行政服务中心")
def case_forward(request: HttpRequest, number: Code, payload: NoteIn) -> CaseOut:
    user = require_role(request, HANDLING_ROLES)
    case = _for_user(request, number)
    services.case_forward(case=case, actor=user, note=payload.note)
    return _case(_for_user(request, number))


@router.post("/cases/{number}/prereview", response=TRANSITION, summary="网上预审（告知到哪个窗口、补充哪些材料）")
def case_prereview(request: HttpRequest, number: Code, payload: PrereviewIn) -> CaseOut:
    user = require_role(request, INTAKE_ROLES)
    case = _for_user(request, number)
    window = Window.objects.filter(center=case.center, number=payload.window_number).first()
    if window is None:
        raise ValidationError({"window_number": [_("本中心没有该窗口。")]})
    return _case(
        services.case_prereview(case=case, actor=user, window=window, supplement=payload.supplement, note=payload.note)
    )
