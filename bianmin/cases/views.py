from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as djforms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_stubs_ext import StrPromise

from bianmin.cases import access, action_cards, forms, progress_query, selectors, services
from bianmin.cases.access import HANDLING_ROLES, INTAKE_ROLES
from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case, CaseMaterial, Custody, JointTask, Status, SupplementRequest
from bianmin.cases.notices import notice_sheet, render_pdf
from bianmin.core.downloads import PDF, file_response
from bianmin.core.forms import add_service_errors, blank_form_html
from bianmin.core.pdf import qr_svg
from bianmin.core.services import personal_data_reveal, personal_data_viewed
from bianmin.core.throttle import LookupThrottle
from bianmin.org.access import has_role, role_of, staff_of, staff_required
from bianmin.org.models import Department, Role, Staff
from bianmin.org.selectors import user_center

ALL_CASE_ROLES = frozenset(Role.values)
WORKBENCH_ROLES = frozenset({Role.WINDOW, Role.HANDLER, Role.DIRECTOR})
DIRECTOR_ROLES = frozenset({Role.DIRECTOR})
DISTRICT_ROLES = frozenset({Role.DISTRICT})
FAILURE_READERS = frozenset({Role.DIRECTOR, Role.INSPECTOR, Role.ADMIN})


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def center_or_404(request: HttpRequest) -> Any:
    center = user_center(user=request.user)
    if center is None:
        raise Http404(_("您未关联服务中心。"))
    return center


# --- workbenches ----------------------------------------------------------------------------------------------


@staff_required(WORKBENCH_ROLES)
def workbench(request: HttpRequest) -> HttpResponse:
    """Window staff and handlers: my cases by deadline, handovers waiting on me or on others, my joint tasks."""
    page = selectors.my_cases(user=request.user, cursor=request.GET.get("after"))
    if is_htmx(request) and request.GET.get("after"):
        return render(request, "cases/workbench.html#case_rows", {"page": page})
    # The side lists are read only when the one-statement summary says they hold something.
    panels = selectors.workbench_panels(user=request.user)
    user = request.user
    context = {
        "page": page,
        "received": selectors.my_received(user=user) if panels.received else [],
        "handovers_in": selectors.handovers_in(user=user) if panels.handovers_in else [],
        "handovers_out": selectors.handovers_out(user=user) if panels.handovers_out else [],
        "tasks": selectors.my_tasks(user=user) if panels.tasks else [],
        "can_intake": has_role(request.user, INTAKE_ROLES),
    }
    return render(request, "cases/workbench.html", context)


@staff_required(DIRECTOR_ROLES)
def director_board(request: HttpRequest) -> HttpResponse:
    center = center_or_404(request)

    def as_int(name: str) -> int | None:
        """A filter's id, or None (no filter) for text that is not an id or a number no row could have."""
        try:
            value = int(request.GET.get(name, ""))
        except ValueError:
            return None
        return value if 0 < value < 2**63 else None

    page = selectors.center_open_cases(
        user=request.user,
        window_id=as_int("window"),
        assignee_id=as_int("staff"),
        overdue_only=request.GET.get("overdue") == "1",
        cursor=request.GET.get("after"),
    )
    filters = request.GET.copy()
    filters.pop("after", None)
    if is_htmx(request) and request.GET.get("after"):  # the next rows only
        return render(request, "cases/director.html#case_rows", {"page": page, "filters": filters.urlencode()})
    panels = selectors.board_panels(user=request.user)  # the side lists are read only when they hold something
    context = {
        "center": center,
        "page": page,
        "workload": selectors.center_workload(user=request.user),
        "signoffs": selectors.pending_signoffs(user=request.user) if panels.signoffs else [],
        "handovers": selectors.center_pending_handovers(user=request.user) if panels.handovers else [],
        "filters": filters.urlencode(),
        # Cards other apps put on the board (e.g. overdue assigned tasks), as template names from settings.
        "panels": getattr(settings, "BIANMIN_DIRECTOR_BOARD_PANELS", []),
    }
    return render(request, "cases/director.html", context)


@staff_required(DIRECTOR_ROLES)
def joint_board(request: HttpRequest) -> HttpResponse:
    center = center_or_404(request)
    page, tasks = selectors.joint_board(user=request.user, cursor=request.GET.get("after"))
    now = timezone.now()
    rows = [(row, tasks.get(row.pk, [])) for row in page.rows]
    return render(request, "cases/joint_board.html", {"center": center, "page": page, "rows": rows, "now": now})


@staff_required(DISTRICT_ROLES)
def district_board(request: HttpRequest) -> HttpResponse:
    page = selectors.district_cases(user=request.user, cursor=request.GET.get("after"))
    return render(
        request,
        "cases/district.html",
        {"page": page, "answered": selectors.district_answered(user=request.user)},
    )


@staff_required(FAILURE_READERS)
def failures(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.notification_failures(user=request.user)[:200])
    return render(request, "cases/failures.html", {"rows": rows})


# --- one case -------------------------------------------------------------------------------------------------


def _detail_context(
    request: HttpRequest,
    case: Case,
    bound: dict[str, djforms.Form] | None = None,
    staff_rows: selectors.StaffRows | None = None,
    failed: str = "",
    defer_more: bool = False,
) -> dict[str, Any]:
    """`staff_rows`: the center's active staff when the caller read them with the case (`case_page_for_user`);
    `failed`: the action whose form came back with errors (its card is shown unfolded); `defer_more`: the folded
    cards are fetched when opened (`action_cards.action_area`)."""
    detail = selectors.case_detail(case=case, staff_rows=staff_rows)
    staff = staff_of(request.user)
    role = role_of(request.user)
    actions = access.available_actions(
        case,
        staff,
        facts=access.CaseFacts(
            pending_handover=detail.pending_handover is not None,
            tasks_done=bool(detail.tasks) and all(t.state == JointTask.State.DONE for t in detail.tasks),
            has_proxy=detail.proxy is not None,
            pending_signoff=any(r.state == "pending" for r in detail.requests),
        ),
    )
    holding = access.holds(case, staff)
    ctx: dict[str, Any] = {
        "d": detail,
        "case": case,
        "role": role,
        "staff": staff,
        "forms": action_cards.LazyForms(),
        "actions": actions,
        # Seen read-only by someone who may not work it now (e.g. the one who handed it over).
        "read_only": not holding and role in access.HANDLING_ROLES and case.is_open,
        "reveal_error": "",  # set by a refused reveal (named, so the template's lookup never fails)
    }
    # Each available action's form, made when the page shows it (`LazyForms`).
    f: action_cards.LazyForms = ctx["forms"]
    plain: dict[str, Callable[[], djforms.Form]] = {
        access.DECIDE: forms.DecisionForm,
        access.COMPLETE: forms.CompleteForm,
        access.FORWARD: forms.NoteForm,
        access.DELIVER: forms.DeliverForm,
        access.WITHDRAW: forms.ReasonForm,
        access.DISTRICT_UPDATE: forms.DistrictUpdateForm,
        access.DISTRICT_RESULT: forms.DistrictResultForm,
        access.SIGNOFF: forms.SignoffForm,
        access.DELAY_REASON: forms.ReasonForm,
        access.OVERTURN_REFUSAL: forms.ReasonForm,
    }
    for action, form_class in plain.items():
        if action in actions:
            f.add(action, form_class)
    if access.SUPPLEMENT in actions:
        f.add(access.SUPPLEMENT, lambda: forms.SupplementRequestForm(materials=detail.materials))
    if access.RECEIVE in actions:
        f.add(access.RECEIVE, lambda: forms.SupplementReceiveForm(materials=detail.materials))
    if access.START in actions:
        ctx["can_start"] = True

    # The pickers' choices, made when their card is shown: the center's active staff (read with the case, or here);
    # what is posted is checked against the queryset.
    def rows() -> selectors.StaffRows:
        return selectors.center_staff_rows(center=case.center) if staff_rows is None else staff_rows

    if access.HANDOVER in actions:
        f.add(
            access.HANDOVER,
            lambda: forms.HandoverForm(
                staff=selectors.center_staff(center=case.center).exclude(pk=staff.pk if staff else 0),
                rows=[s for s in rows() if staff is None or s.pk != staff.pk],
            ),
        )
    if access.PROXY in actions:
        f.add(
            access.PROXY, lambda: forms.ProxyForm(staff=selectors.center_staff(center=case.center), rows=list(rows()))
        )
    if access.SPLIT in actions:
        f.add(access.SPLIT, lambda: _split_form(case, detail))
    if access.DISPOSE in actions:
        ctx["can_dispose"] = True  # the materials table and the numbers carry their own small forms
    ctx["task_forms"] = (
        {t.pk: forms.TaskCompleteForm() for t in detail.tasks if t.state == "open" and services.can_work_task(staff, t)}
        if staff is not None and case.status == Status.IN_PROGRESS
        else {}
    )
    ctx["can_acknowledge"] = (
        detail.pending_handover is not None and staff is not None and detail.pending_handover.to_staff_id == staff.pk
    )
    if bound:
        f.update(bound)
    ctx["area"] = action_cards.action_area(case, actions, f, failed, defer_more=defer_more)
    return ctx


def _split_form(case: Case, detail: selectors.CaseDetail, data: Any = None) -> forms.SplitForm:
    snapshot_ids = set(case.item_version.snapshot.get("joint_department_ids") or [])
    taken = {t.department_id for t in detail.tasks}
    departments = [
        d
        for d in Department.objects.filter(org_unit__path__startswith=case.center.path).order_by("code")
        if d.pk not in taken
    ]
    known = {d.pk for d in departments}
    departments += list(Department.objects.filter(pk__in=snapshot_ids - known - taken).order_by("code"))
    handlers = list(
        Staff.objects.filter(department__in=departments, is_active=True, role__in=[Role.HANDLER, Role.WINDOW]).order_by(
            "name"
        )
    )
    return forms.SplitForm(
        data,
        departments=departments,
        suggested=snapshot_ids,
        handlers=handlers,
        due_range=services.task_due_range(case),
    )


@staff_required(ALL_CASE_ROLES)
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case, staff_rows = selectors.case_page_for_user(user=request.user, number=number)
    part = request.GET.get("part") if is_htmx(request) else None
    # The folded actions come with the page only when asked for (the link a browser without JavaScript follows).
    defer_more = part is None and request.GET.get("actions") != "all"
    ctx = _detail_context(request, case, staff_rows=staff_rows, defer_more=defer_more)
    if part == "timeline":
        return render(request, "cases/detail.html#timeline", ctx)
    if part == "more":  # 其他操作 opened: its cards (forms only, no applicant data)
        return render(request, "cases/detail.html#more", ctx)
    personal_data_viewed(actor=request.user, target=case)  # the page shows the applicant: logged
    return render(request, "cases/detail.html", ctx)


def _simple(request: HttpRequest, case: Case, run: Callable[[], Any], success: str) -> HttpResponse:
    try:
        run()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("cases:detail", number=case.number)


# --- the case page's actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseAction:
    """A row of the case page's action table: the form it posts, the service it calls, what is said after.

    Who may take it (role, holding) is `access.check_may_act`, the rule `access.available_actions` offers by;
    whether the case's state allows it is checked by the service's state machine under the row lock.
    """

    form: Callable[[Case, Staff | None, Any], djforms.Form]  # (case, acting staff, POST) -> the bound form
    call: Callable[[Case, Any, Any], Any]  # (case, acting user, the valid form) -> the service's answer
    success: StrPromise
    after: Callable[[HttpRequest, Any], None] | None = None  # told the service's answer, before the success message


def _case_materials(case: Case) -> list[CaseMaterial]:
    return list(CaseMaterial.objects.filter(case=case).order_by("sort_order", "id"))


def _decide(case: Case, user: Any, form: forms.DecisionForm) -> Any:
    if form.cleaned_data["decision"] == Decision.REFUSE:
        return services.case_refuse(case=case, actor=user, reason=form.cleaned_data["refusal_reason"] or "")
    return services.case_accept(
        case=case, actor=user, corrections=form.corrections(), supplement_due=form.cleaned_data["supplement_due"]
    )


def _warn_signoff(request: HttpRequest, supplement: Any) -> None:
    if supplement.state == SupplementRequest.State.PENDING:
        messages.warning(
            request, _("补报要求超出首次补报材料通知单所列范围，已提请中心主任签批；签批后方可出具通知单。")
        )


def _others(case: Case, staff: Staff | None) -> Any:
    return selectors.center_staff(center=case.center).exclude(pk=staff.pk if staff else 0)


def _note(form: djforms.Form, name: str = "note") -> str:
    return form.cleaned_data[name] or ""


ACTIONS: dict[str, CaseAction] = {
    access.DECIDE: CaseAction(
        lambda case, staff, post: forms.DecisionForm(post), _decide, gettext_lazy("处理决定已记录，告知单已出具。")
    ),
    access.SUPPLEMENT: CaseAction(
        lambda case, staff, post: forms.SupplementRequestForm(post, materials=_case_materials(case)),
        lambda case, user, f: services.case_request_supplement(
            case=case, actor=user, items=f.items(), due_date=f.cleaned_data["due_date"], reason=_note(f, "reason")
        ),
        gettext_lazy("补报要求已处理。"),
        after=_warn_signoff,
    ),
    access.RECEIVE: CaseAction(
        lambda case, staff, post: forms.SupplementReceiveForm(post, materials=_case_materials(case)),
        lambda case, user, f: services.case_receive_supplement(
            case=case,
            actor=user,
            presented=f.presented(),
            location=_note(f, "location"),
            note=_note(f),
            extras=f.extras(),
        ),
        gettext_lazy("补报材料已接收，恢复计时，办理期限已顺延。"),
    ),
    access.COMPLETE: CaseAction(
        lambda case, staff, post: forms.CompleteForm(post),
        lambda case, user, f: services.case_complete(
            case=case,
            actor=user,
            result=f.cleaned_data["result"],
            outcome=f.cleaned_data["outcome"],
            dispose_by_form=f.cleaned_data["dispose_by_form"],
        ),
        gettext_lazy("办件已办结。"),
    ),
    access.DELIVER: CaseAction(
        lambda case, staff, post: forms.DeliverForm(post),
        lambda case, user, f: services.case_deliver(
            case=case, actor=user, method=f.cleaned_data["method"], note=_note(f)
        ),
        gettext_lazy("办理结果已送达。"),
    ),
    access.WITHDRAW: CaseAction(
        lambda case, staff, post: forms.ReasonForm(post),
        lambda case, user, f: services.case_withdraw(case=case, actor=user, reason=f.cleaned_data["reason"]),
        gettext_lazy("办件已撤回，在中心保管的材料已登记退还。"),
    ),
    access.DELAY_REASON: CaseAction(
        lambda case, staff, post: forms.ReasonForm(post),
        lambda case, user, f: services.case_record_delay_reason(case=case, actor=user, reason=f.cleaned_data["reason"]),
        gettext_lazy("超期的特殊原因已登记。"),
    ),
    access.OVERTURN_REFUSAL: CaseAction(
        lambda case, staff, post: forms.ReasonForm(post),
        lambda case, user, f: services.case_overturn_refusal(case=case, actor=user, reason=f.cleaned_data["reason"]),
        gettext_lazy("不予受理决定已撤销，申请人可以重新申请。"),
    ),
    access.FORWARD: CaseAction(
        lambda case, staff, post: forms.NoteForm(post),
        lambda case, user, f: services.case_forward(case=case, actor=user, note=_note(f)),
        gettext_lazy("已上报区行政服务中心，材料随件报送。"),
    ),
    access.HANDOVER: CaseAction(
        lambda case, staff, post: forms.HandoverForm(post, staff=_others(case, staff)),
        lambda case, user, f: services.case_handover(
            case=case, actor=user, to_staff=f.cleaned_data["to_staff"], note=_note(f)
        ),
        gettext_lazy("已移交，待接收人确认。"),
    ),
    access.PROXY: CaseAction(
        lambda case, staff, post: forms.ProxyForm(post, staff=selectors.center_staff(center=case.center)),
        lambda case, user, f: services.proxy_authorize(
            case=case,
            actor=user,
            agent=f.cleaned_data["agent"],
            authorized_on=f.cleaned_data["authorized_on"],
            scope=f.cleaned_data["scope"],
            document=f.cleaned_data["document"],
        ),
        gettext_lazy("代办委托已登记。"),
    ),
    access.SPLIT: CaseAction(
        lambda case, staff, post: _split_form(case, selectors.case_detail(case=case), post),
        lambda case, user, f: services.case_split(
            case=case, actor=user, tasks=[services.TaskInput(**t) for t in f.tasks()]
        ),
        gettext_lazy("联办任务已分派。"),
    ),
    access.DISTRICT_UPDATE: CaseAction(
        lambda case, staff, post: forms.DistrictUpdateForm(post),
        lambda case, user, f: services.forwarding_update(
            case=case, actor=user, reference=_note(f, "reference"), progress=_note(f, "progress")
        ),
        gettext_lazy("办理进展已登记。"),
    ),
    access.DISTRICT_RESULT: CaseAction(
        lambda case, staff, post: forms.DistrictResultForm(post),
        lambda case, user, f: services.forwarding_result(
            case=case, actor=user, approved=f.cleaned_data["approved"] == "yes", result=f.cleaned_data["result"]
        ),
        gettext_lazy("办理结果已登记，由中心送达申请人。"),
    ),
}


@staff_required(ALL_CASE_ROLES)
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Validate the action's form, call its service, and redirect with its message or show the errors again."""
    case = selectors.case_for_user(user=request.user, number=number)
    staff = staff_of(request.user)
    access.check_may_act(case, staff, role_of(request.user), action)
    if action == access.REVEAL:
        return _reveal(request, case)
    if action == access.START:
        return _simple(request, case, lambda: services.case_start(case=case, actor=request.user), _("已开始办理。"))
    row = ACTIONS.get(action)
    if row is None:
        raise Http404
    form = row.form(case, staff, request.POST)
    if form.is_valid():
        try:
            answer = row.call(case, request.user, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if row.after is not None:
                row.after(request, answer)
            messages.success(request, row.success)
            return redirect("cases:detail", number=case.number)
    case.refresh_from_db()
    ctx = _detail_context(request, case, {action: form}, failed=action)
    ctx["failed"] = action
    return render(request, "cases/detail.html", ctx, status=400)


def _reveal(request: HttpRequest, case: Case) -> HttpResponse:
    """The full ID number or phone, for the staff handling the case, on a stated reason; every reveal is logged."""
    form = forms.RevealForm(request.POST)
    ctx = _detail_context(request, case)
    if not form.is_valid():
        ctx["reveal_error"] = _("查看完整个人信息须填写事由。")
        return render(request, "cases/detail.html", ctx, status=400)
    field = form.cleaned_data["field"]
    if field == "applicant_id_number" and not case.applicant_id_number:
        raise Http404
    value = personal_data_reveal(actor=request.user, target=case, field=field, reason=form.cleaned_data["reason"])
    ctx["revealed"] = {field: value}
    return render(request, "cases/detail.html", ctx)


@staff_required(HANDLING_ROLES)
@require_POST
def material_dispose(request: HttpRequest, material_id: int) -> HttpResponse:
    material = selectors.material_for_user(user=request.user, material_id=material_id)
    form = forms.DisposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择处置方式。"))
        return redirect("cases:detail", number=material.case.number)
    return _simple(
        request,
        material.case,
        lambda: services.material_dispose(
            material=material,
            actor=request.user,
            custody=form.cleaned_data["custody"],
            note=form.cleaned_data["note"] or "",
            location=form.cleaned_data["location"] or "",
        ),
        _("“%(name)s”已%(what)s。")
        % {"name": material.name, "what": Custody(form.cleaned_data["custody"]).label.replace("已", "")},
    )


@staff_required(ALL_CASE_ROLES)
@require_POST
def handover_acknowledge(request: HttpRequest, handover_id: int) -> HttpResponse:
    handover = selectors.handover_for_user(user=request.user, handover_id=handover_id)
    return _simple(
        request,
        handover.case,
        lambda: services.handover_acknowledge(handover=handover, actor=request.user),
        _("已确认接收，办件和材料已转由您负责。"),
    )


@staff_required(ALL_CASE_ROLES)
@require_POST
def task_complete(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_for_user(user=request.user, task_id=task_id)
    form = forms.TaskCompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写办理意见。"))
        return redirect("cases:detail", number=task.case.number)
    return _simple(
        request,
        task.case,
        lambda: services.task_complete(task=task, actor=request.user, result=form.cleaned_data["result"]),
        _("联办任务已完成。"),
    )


@staff_required(DIRECTOR_ROLES)
@require_POST
def supplement_signoff(request: HttpRequest, request_id: int) -> HttpResponse:
    supplement = selectors.supplement_request_for_user(user=request.user, request_id=request_id)
    form = forms.SignoffForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择签批结论并填写签批意见。"))
        return redirect("cases:detail", number=supplement.case.number)
    return _simple(
        request,
        supplement.case,
        lambda: services.supplement_request_decide(
            request=supplement,
            actor=request.user,
            approve=form.cleaned_data["approve"] == "yes",
            note=form.cleaned_data["note"],
        ),
        _("签批意见已记录。"),
    )


# --- notices --------------------------------------------------------------------------------------------------


def progress_url(request: HttpRequest, case: Case) -> str:
    return request.build_absolute_uri(reverse("cases:progress_token", args=[case.public_token]))


@staff_required(ALL_CASE_ROLES)
def notice_pdf(request: HttpRequest, number: str, notice_id: int) -> HttpResponse:
    notice = selectors.notice_for_user(user=request.user, number=number, notice_id=notice_id)
    pdf = render_pdf(notice, progress_url=progress_url(request, notice.case))
    return file_response(
        pdf, filename=f"{notice.get_kind_display()}-{notice.number}.pdf", content_type=PDF, inline=True
    )


@staff_required(ALL_CASE_ROLES)
def notice_print(request: HttpRequest, number: str, notice_id: int) -> HttpResponse:
    notice = selectors.notice_for_user(user=request.user, number=number, notice_id=notice_id)
    url = progress_url(request, notice.case)
    return render(
        request,
        "cases/notice_print.html",
        {"notice": notice, "sheet": notice_sheet(notice), "qr": qr_svg(url), "url": url},
    )


# --- the public progress query --------------------------------------------------------------------------------

PROGRESS_THROTTLE = LookupThrottle("cases:progress")


def _blank_progress_form(form: forms.ProgressQueryForm) -> SafeString | None:
    """The query form's fields rendered once for all (`blank_form_html`) while the form is empty."""
    return None if form.is_bound else blank_form_html(forms.ProgressQueryForm, "cases/_form_fields.html")


NOT_FOUND = _("未查询到办件。请核对办件编号和联系电话后四位。")
# A QR link asks for nothing typed: say the link itself is not valid, and where to go on from here.
LINK_NOT_FOUND = _("该查询链接无效或已失效。请输入受理告知单上的办件编号和您的联系电话后四位查询。")


def _panels(request: HttpRequest, case: Case) -> list[SafeString]:
    """Extra sections of the public progress page from apps above cases (settings.BIANMIN_PROGRESS_PANELS:
    dotted callables `(request, case) -> HTML`, e.g. oversight's rating form), so cases imports none of them."""
    html = []
    for path in getattr(settings, "BIANMIN_PROGRESS_PANELS", []):
        piece = import_string(path)(request, case)
        if piece:
            html.append(mark_safe(piece))  # the panel renders its own autoescaped template
    return html


def progress(request: HttpRequest) -> HttpResponse:
    """Public: by case number and the last four digits of the applicant's phone."""
    form = forms.ProgressQueryForm(request.POST or None)
    ctx: dict[str, Any] = {"form": form, "form_html": _blank_progress_form(form), "center": None}
    if request.method != "POST":
        return render(request, "cases/progress.html", ctx)
    client = PROGRESS_THROTTLE.client_key(request)
    keys = [client]
    if form.is_valid():
        keys.append(PROGRESS_THROTTLE.number_key(form.cleaned_data["number"]))
    if PROGRESS_THROTTLE.blocked(*keys):
        ctx["error"] = _("查询过于频繁，请 15 分钟后再试。")
        return render(request, "cases/progress.html", ctx, status=429)
    case = (
        progress_query.progress_lookup(number=form.cleaned_data["number"], phone_tail=form.cleaned_data["phone_tail"])
        if form.is_valid()
        else None
    )
    if case is None:
        PROGRESS_THROTTLE.fail(*keys)
        ctx["error"] = NOT_FOUND
        return render(request, "cases/progress.html", ctx, status=404)
    ctx.update(
        {
            "p": progress_query.public_progress(case=case),
            "center": case.center,
            "panels": _panels(request, case),
            # Found: the form below is offered empty for the next query, not filled with this applicant's number and
            # phone digits (the hall's kiosk is shared; it is also the form rendered once for all).
            "form_html": blank_form_html(forms.ProgressQueryForm, "cases/_form_fields.html"),
        }
    )
    return render(request, "cases/progress.html", ctx)


def progress_token(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the QR code on every notice leads here."""
    client = PROGRESS_THROTTLE.client_key(request)
    form = forms.ProgressQueryForm()
    ctx: dict[str, Any] = {"form": form, "form_html": _blank_progress_form(form), "center": None}
    if PROGRESS_THROTTLE.blocked(client):
        ctx["error"] = _("查询过于频繁，请 15 分钟后再试。")
        return render(request, "cases/progress.html", ctx, status=429)
    case = progress_query.progress_by_token(token=token, public=True)
    if case is None:
        PROGRESS_THROTTLE.fail(client)
        ctx["error"] = LINK_NOT_FOUND
        return render(request, "cases/progress.html", ctx, status=404)
    ctx.update(
        {
            "p": progress_query.public_progress(case=case),
            "center": case.center,
            "panels": _panels(request, case),
            # Found: the form below is offered empty for the next query, not filled with this applicant's number and
            # phone digits (the hall's kiosk is shared; it is also the form rendered once for all).
            "form_html": blank_form_html(forms.ProgressQueryForm, "cases/_form_fields.html"),
        }
    )
    return render(request, "cases/progress.html", ctx)
