from __future__ import annotations

import hashlib
from collections.abc import Callable
from importlib import import_module
from typing import Any
from urllib.parse import urlencode

from django import forms as djforms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.cases import forms, selectors, services
from bianmin.cases.checklists import Decision, assess
from bianmin.cases.models import Case, CaseMaterial, Custody, JointTask, Status
from bianmin.cases.notices import notice_paragraphs, render_pdf
from bianmin.catalog.models import Mode
from bianmin.core.http import client_ip
from bianmin.core.pdf import qr_svg
from bianmin.core.services import personal_data_reveal
from bianmin.org.access import has_role, role_of, staff_of, staff_required
from bianmin.org.models import Department, Role, Staff
from bianmin.org.selectors import user_center

ALL_CASE_ROLES = frozenset(Role.values)
INTAKE_ROLES = frozenset({Role.WINDOW, Role.DIRECTOR})
WORKBENCH_ROLES = frozenset({Role.WINDOW, Role.HANDLER, Role.DIRECTOR})
DIRECTOR_ROLES = frozenset({Role.DIRECTOR})
DISTRICT_ROLES = frozenset({Role.DISTRICT})
HANDLING_ROLES = frozenset({Role.WINDOW, Role.DIRECTOR})
FAILURE_READERS = frozenset({Role.DIRECTOR, Role.INSPECTOR, Role.ADMIN})


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _errors_into(form: djforms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _center_or_404(request: HttpRequest) -> Any:
    center = user_center(user=request.user)
    if center is None:
        raise Http404(_("您未关联服务中心。"))
    return center


# --- workbenches ----------------------------------------------------------------------------------------------


@staff_required(WORKBENCH_ROLES)
def workbench(request: HttpRequest) -> HttpResponse:
    """Window staff and handlers: my cases by deadline, handovers waiting on me or on others, my joint tasks."""
    page = selectors.my_cases(user=request.user, cursor=request.GET.get("after"))
    context = {
        "page": page,
        "received": selectors.my_received(user=request.user),
        "handovers_in": selectors.handovers_in(user=request.user),
        "handovers_out": selectors.handovers_out(user=request.user),
        "tasks": selectors.my_tasks(user=request.user),
        "search_form": forms.SearchForm(items=[]),
        "can_intake": has_role(request.user, INTAKE_ROLES),
    }
    if _htmx(request) and request.GET.get("after"):
        return render(request, "cases/workbench.html#case_rows", context)
    return render(request, "cases/workbench.html", context)


@staff_required(ALL_CASE_ROLES - {Role.DISTRICT})
def search(request: HttpRequest) -> HttpResponse:
    center = user_center(user=request.user)
    items = selectors.intake_items(center=center, limit=500) if center else []
    form = forms.SearchForm(request.GET or None, items=items)
    rows: list[selectors.Row] = []
    searched = False
    if form.is_valid():
        searched = bool(form.cleaned_data["q"] or form.cleaned_data["item"])
        rows = selectors.case_search(
            user=request.user, query=form.cleaned_data["q"] or "", item_id=form.cleaned_data["item"]
        )
    return render(request, "cases/search.html", {"form": form, "rows": rows, "searched": searched})


@staff_required(DIRECTOR_ROLES)
def director_board(request: HttpRequest) -> HttpResponse:
    center = _center_or_404(request)

    def as_int(name: str) -> int | None:
        try:
            return int(request.GET.get(name, ""))
        except ValueError:
            return None

    page = selectors.center_open_cases(
        user=request.user,
        window_id=as_int("window"),
        assignee_id=as_int("staff"),
        overdue_only=request.GET.get("overdue") == "1",
        cursor=request.GET.get("after"),
    )
    context = {
        "center": center,
        "page": page,
        "workload": selectors.center_workload(user=request.user),
        "signoffs": selectors.pending_signoffs(user=request.user),
        "handovers": selectors.center_pending_handovers(user=request.user),
        "filters": request.GET.urlencode(),
        # Cards other apps put on the board (e.g. overdue assigned tasks), as template names from settings.
        "panels": getattr(settings, "BIANMIN_DIRECTOR_BOARD_PANELS", []),
    }
    if _htmx(request) and request.GET.get("after"):
        return render(request, "cases/director.html#case_rows", context)
    return render(request, "cases/director.html", context)


@staff_required(DIRECTOR_ROLES)
def joint_board(request: HttpRequest) -> HttpResponse:
    center = _center_or_404(request)
    page, tasks = selectors.joint_board(user=request.user, cursor=request.GET.get("after"))
    now = timezone.now()
    rows = [(row, tasks.get(row.case.pk, [])) for row in page.rows]
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


# --- intake ---------------------------------------------------------------------------------------------------


@staff_required(INTAKE_ROLES)
def intake_start(request: HttpRequest) -> HttpResponse:
    center = _center_or_404(request)
    query = request.GET.get("q", "")[:50]
    items = selectors.intake_items(center=center, query=query)
    origins = {param: value for param, _origin, value in _origins(request)}
    name = request.GET.get("applicant_name", "")[:100]
    context = {
        "center": center,
        "items": items,
        "q": query,
        "referrals": selectors.referrals(user=request.user),
        "origin_fields": sorted(origins.items()),
        # Carried into each item's intake link: the record that started the intake and the name to prefill.
        "carry": urlencode({**origins, **({"applicant_name": name} if name else {})}),
    }
    if _htmx(request):
        return render(request, "cases/intake_start.html#item_list", context)
    return render(request, "cases/intake_start.html", context)


def _intake_context(request: HttpRequest, item_id: int) -> dict[str, Any]:
    center = _center_or_404(request)
    item = selectors.intake_item(center=center, item_id=item_id)
    from bianmin.catalog.selectors import current_version

    version = current_version(item)
    windows = selectors.staff_windows(user=request.user)
    contacts = selectors.item_window_contacts(center=center, item=item)
    handling = {c.window.pk for c in contacts}
    ours = not handling or bool(handling & {w.pk for w in windows})
    return {
        "center": center,
        "item": item,
        "version": version,
        "windows": windows,
        "contacts": contacts,
        "ours": ours,
        "staff_choices": selectors.center_staff(center=center),
    }


@staff_required(INTAKE_ROLES)
def intake(request: HttpRequest, item_id: int) -> HttpResponse:
    """The intake screen: the item's checklist; "核对" shows the system's decision, "确认" carries it out."""
    ctx = _intake_context(request, item_id)
    version = ctx["version"]
    form = forms.IntakeForm(
        request.POST or None,
        initial=_prefill(request, ctx["center"]),
        materials=version.materials,
        windows=ctx["windows"],
        staff=ctx["staff_choices"],
    )
    result = None
    status = 200
    if request.method == "POST":
        step = request.POST.get("step", "check")
        # The proposal depends on the checklist alone, so it shows before the applicant's data is complete.
        ticked = [m["id"] for m in version.materials if request.POST.get(f"p_{m['id']}")]
        result = assess(version.materials, ticked)
        if step == "confirm" and form.is_valid():
            decision = form.cleaned_data.get("decision") or ""
            if not decision:
                form.add_error("decision", _("请确认处理决定。"))
            else:
                try:
                    case = _do_intake(request, ctx, form, form.presented(), decision)
                except ValidationError as exc:
                    _errors_into(form, exc)
                else:
                    _link_origins(request, case)
                    messages.success(request, _intake_message(case))
                    return redirect("cases:detail", number=case.number)
            status = 400
        elif step == "confirm":
            status = 400
        else:
            form = forms.IntakeForm(
                _with_decision(request.POST, result.proposal),
                materials=version.materials,
                windows=ctx["windows"],
                staff=ctx["staff_choices"],
            )
    ctx.update({"form": form, "result": result, "decision_labels": Decision.LABELS})
    if _htmx(request) and request.POST.get("step") == "check":
        return render(request, "cases/intake.html#decision", ctx, status=status)
    return render(request, "cases/intake.html", ctx, status=status)


def _with_decision(data: Any, proposal: str) -> Any:
    """The form data with the system's proposal ticked: the system decides, the staff member confirms
    (or picks another allowed decision before confirming)."""
    data = data.copy()
    data["decision"] = proposal
    return data


def _origins(request: HttpRequest) -> list[tuple[str, Any, str]]:
    """The records of other apps that started this intake: settings.BIANMIN_INTAKE_ORIGINS maps a query parameter
    (`?inquiry=<pk>` from the front desk) to a module of the app above with `prefill(center=, value=)` and
    `link(case=, value=, actor=)`, so cases never imports them. Returns (parameter, module, value) for each one the
    request carries."""
    found = []
    for param, path in settings.BIANMIN_INTAKE_ORIGINS.items():
        value = request.GET.get(param, "")
        if value.isdigit():
            found.append((param, import_module(path), value))
    return found


def _prefill(request: HttpRequest, center: Any) -> dict[str, str]:
    """What the hall already knows: the applicant's name from the record that started the intake (a first-inquiry
    record) or from the called queue ticket (`?applicant_name=`)."""
    name = request.GET.get("applicant_name", "")[:100]
    initial = {"applicant_name": name} if name else {}
    for _param, origin, value in _origins(request):
        initial.update(origin.prefill(center=center, value=value))
    return initial


def _link_origins(request: HttpRequest, case: Case) -> None:
    """The record that started the intake now points at the new case (e.g. the first-inquiry record)."""
    for _param, origin, value in _origins(request):
        warning = origin.link(case=case, value=value, actor=request.user)
        if warning:
            messages.warning(request, warning)


def _do_intake(
    request: HttpRequest, ctx: dict[str, Any], form: forms.IntakeForm, presented: dict[int, str], decision: str
) -> Case:
    data = form.cleaned_data
    proxy = None
    if data.get("is_proxy"):
        proxy = services.ProxyInput(
            agent=data["proxy_agent"],
            authorized_on=timezone.localdate(),
            scope=data["proxy_scope"],
            document=data["proxy_document"],
        )
    return services.case_intake(
        actor=request.user,
        center=ctx["center"],
        window=data.get("window"),
        item=ctx["item"],
        applicant=services.ApplicantInput(
            kind=data["applicant_kind"],
            name=data["applicant_name"],
            id_number=data["id_number"],
            phone=data["phone"],
            contact_name=data.get("contact_name") or "",
        ),
        presented=presented,
        decision=decision,
        location=data.get("location") or "",
        corrections=form.corrections() if decision == Decision.ACCEPT_WITH_SUPPLEMENT else [],
        supplement_due=data.get("supplement_due"),
        refusal_reason=data.get("refusal_reason") or "",
        proxy=proxy,
        handover_to=data.get("handover_to"),
        handover_note=data.get("handover_note") or "",
    )


def _intake_message(case: Case) -> str:
    if case.status == Status.REFUSED:
        return _("办件 %(n)s 不予受理，已出具不予受理情况说明单。") % {"n": case.number}
    if case.status == Status.RECEIVED:
        return _("办件 %(n)s 材料已接收，已移交经办人，待其确认。") % {"n": case.number}
    if case.supplement_pending:
        return _("办件 %(n)s 已受理，已出具受理告知单和补报材料通知单。") % {"n": case.number}
    return _("办件 %(n)s 已受理，已出具受理告知单。") % {"n": case.number}


@staff_required(INTAKE_ROLES)
@require_POST
def referral(request: HttpRequest, item_id: int) -> HttpResponse:
    ctx = _intake_context(request, item_id)
    form = forms.ReferralForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("登记失败，请检查填写内容。"))
        return redirect("cases:intake", item_id=item_id)
    record = services.referral_record(
        actor=request.user,
        center=ctx["center"],
        item=ctx["item"],
        from_window=ctx["windows"][0] if ctx["windows"] else None,
        applicant_name=form.cleaned_data["applicant_name"],
        note=form.cleaned_data["note"],
    )
    if record.to_window is not None:
        messages.success(
            request,
            _("已告知群众到 %(w)s 办理，责任人：%(who)s。已登记。")
            % {"w": str(record.to_window), "who": record.to_staff_names or _("该窗口工作人员")},
        )
    else:
        messages.success(request, _("已登记引导记录。"))
    return redirect("cases:intake_start")


# --- one case -------------------------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, case: Case, bound: dict[str, djforms.Form] | None = None) -> dict[str, Any]:
    detail = selectors.case_detail(case=case)
    staff = staff_of(request.user)
    role = role_of(request.user)
    handling = role in HANDLING_ROLES
    center_staff = selectors.center_staff(center=case.center)
    ctx: dict[str, Any] = {"d": detail, "case": case, "role": role, "staff": staff, "forms": {}}
    f: dict[str, djforms.Form] = ctx["forms"]
    s = case.status
    is_director = role == Role.DIRECTOR
    if handling and s == Status.RECEIVED and detail.pending_handover is None:
        f["decide"] = forms.DecisionForm()
    if handling and s in (Status.ACCEPTED, Status.IN_PROGRESS, Status.FORWARDED, Status.WAITING):
        f["supplement"] = forms.SupplementRequestForm(materials=detail.materials)
    if handling and s == Status.WAITING:
        f["receive"] = forms.SupplementReceiveForm(materials=detail.materials)
    tasks_done = bool(detail.tasks) and all(t.state == JointTask.State.DONE for t in detail.tasks)
    if (
        handling
        and s in (Status.ACCEPTED, Status.IN_PROGRESS)
        and case.mode != Mode.FORWARDED
        and (case.mode != Mode.JOINT or tasks_done)
    ):
        f["complete"] = forms.CompleteForm()
    if handling and s == Status.ACCEPTED and case.mode in (Mode.PROMISED, Mode.FORWARDED, Mode.DIRECT):
        ctx["can_start"] = case.mode != Mode.DIRECT
    if handling and case.mode == Mode.FORWARDED and s in (Status.ACCEPTED, Status.IN_PROGRESS):
        f["forward"] = forms.NoteForm()
    if handling and s == Status.COMPLETED:
        f["deliver"] = forms.DeliverForm()
    if handling and s in (Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS, Status.WAITING, Status.FORWARDED):
        f["withdraw"] = forms.ReasonForm()
    staff_rows = list(center_staff) if handling and case.is_open else []
    if handling and case.is_open and detail.pending_handover is None:
        others = center_staff.exclude(pk=staff.pk if staff else 0)
        rows = [s for s in staff_rows if staff is None or s.pk != staff.pk]
        f["handover"] = forms.HandoverForm(staff=others, rows=rows)
    if handling and case.is_open and detail.proxy is None:
        f["proxy"] = forms.ProxyForm(staff=center_staff, rows=staff_rows)
    if is_director and case.mode == Mode.JOINT and s in (Status.ACCEPTED, Status.IN_PROGRESS):
        f["split"] = _split_form(case, detail)
    if role == Role.DISTRICT and s == Status.FORWARDED:
        f["district_update"] = forms.DistrictUpdateForm()
        f["district_result"] = forms.DistrictResultForm()
    if is_director and any(r.state == "pending" for r in detail.requests):
        f["signoff"] = forms.SignoffForm()
    late = case.due_at is not None and (case.completed_at or timezone.now()) > case.due_at
    if handling and late and s not in (Status.REFUSED, Status.WITHDRAWN):
        f["delay_reason"] = forms.ReasonForm()
    if is_director and s == Status.REFUSED:
        f["overturn_refusal"] = forms.ReasonForm()
    if handling:
        ctx["dispose_form"] = forms.DisposeForm()
    ctx["task_forms"] = (
        {t.pk: forms.TaskCompleteForm() for t in detail.tasks if t.state == "open" and services.can_work_task(staff, t)}
        if staff is not None and s == Status.IN_PROGRESS
        else {}
    )
    ctx["can_acknowledge"] = (
        detail.pending_handover is not None and staff is not None and detail.pending_handover.to_staff_id == staff.pk
    )
    if bound:
        f.update(bound)
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
    default_due = timezone.localtime(case.due_at).date() if case.due_at else None
    return forms.SplitForm(
        data, departments=departments, suggested=snapshot_ids, handlers=handlers, default_due=default_due
    )


@staff_required(ALL_CASE_ROLES)
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for_user(user=request.user, number=number)
    ctx = _detail_context(request, case)
    if _htmx(request) and request.GET.get("part") == "timeline":
        return render(request, "cases/detail.html#timeline", ctx)
    return render(request, "cases/detail.html", ctx)


def _act(
    request: HttpRequest, case: Case, name: str, form: djforms.Form, run: Callable[[], Any], success: str
) -> HttpResponse:
    """Validate, call the service, and either redirect with a message or show the page again with the errors."""
    if form.is_valid():
        try:
            run()
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, success)
            return redirect("cases:detail", number=case.number)
    case.refresh_from_db()
    ctx = _detail_context(request, case, {name: form})
    ctx["failed"] = name
    return render(request, "cases/detail.html", ctx, status=400)


def _simple(request: HttpRequest, case: Case, run: Callable[[], Any], success: str) -> HttpResponse:
    try:
        run()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("cases:detail", number=case.number)


@staff_required(ALL_CASE_ROLES)
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = selectors.case_for_user(user=request.user, number=number)
    role = role_of(request.user)
    user = request.user
    post = request.POST
    district_actions = {"district_update", "district_result"}
    director_actions = {"split", "overturn_refusal"}
    if action in district_actions and role != Role.DISTRICT:
        raise PermissionDenied(_("只有区行政服务中心工作人员可以登记上报件办理情况。"))
    if action in director_actions and role != Role.DIRECTOR:
        raise PermissionDenied(_("只有中心主任可以分派联办任务。"))
    if action not in district_actions | director_actions and role not in HANDLING_ROLES:
        raise PermissionDenied(_("您没有办理办件的权限。"))

    if action == "reveal":
        return _reveal(request, case)
    if action == "decide":
        decide = forms.DecisionForm(post)

        def run_decide() -> None:
            if decide.cleaned_data["decision"] == Decision.REFUSE:
                services.case_refuse(case=case, actor=user, reason=decide.cleaned_data["refusal_reason"] or "")
            else:
                services.case_accept(
                    case=case,
                    actor=user,
                    corrections=decide.corrections(),
                    supplement_due=decide.cleaned_data["supplement_due"],
                )

        return _act(request, case, "decide", decide, run_decide, _("处理决定已记录，告知单已出具。"))
    if action == "start":
        return _simple(request, case, lambda: services.case_start(case=case, actor=user), _("已开始办理。"))
    if action == "supplement":
        materials = list(CaseMaterial.objects.filter(case=case).order_by("sort_order", "id"))
        sup = forms.SupplementRequestForm(post, materials=materials)

        def run_supplement() -> None:
            request_ = services.case_request_supplement(
                case=case,
                actor=user,
                items=sup.items(),
                due_date=sup.cleaned_data["due_date"],
                reason=sup.cleaned_data["reason"] or "",
            )
            if request_.state == "pending":
                messages.warning(
                    request,
                    _("补报要求超出首次补报材料通知单所列范围，已提请中心主任签批；签批后方可出具通知单。"),
                )

        return _act(request, case, "supplement", sup, run_supplement, _("补报要求已处理。"))
    if action == "receive":
        materials = list(CaseMaterial.objects.filter(case=case).order_by("sort_order", "id"))
        rec = forms.SupplementReceiveForm(post, materials=materials)
        return _act(
            request,
            case,
            "receive",
            rec,
            lambda: services.case_receive_supplement(
                case=case,
                actor=user,
                presented=rec.presented(),
                location=rec.cleaned_data["location"] or "",
                note=rec.cleaned_data["note"] or "",
            ),
            _("补报材料已接收，恢复计时，办理期限已顺延。"),
        )
    if action == "complete":
        comp = forms.CompleteForm(post)
        return _act(
            request,
            case,
            "complete",
            comp,
            lambda: services.case_complete(
                case=case,
                actor=user,
                result=comp.cleaned_data["result"],
                dispose_by_form=comp.cleaned_data["dispose_by_form"],
            ),
            _("办件已办结。"),
        )
    if action == "deliver":
        dlv = forms.DeliverForm(post)
        return _act(
            request,
            case,
            "deliver",
            dlv,
            lambda: services.case_deliver(
                case=case, actor=user, method=dlv.cleaned_data["method"], note=dlv.cleaned_data["note"] or ""
            ),
            _("办理结果已送达。"),
        )
    if action == "withdraw":
        wd = forms.ReasonForm(post)
        return _act(
            request,
            case,
            "withdraw",
            wd,
            lambda: services.case_withdraw(case=case, actor=user, reason=wd.cleaned_data["reason"]),
            _("办件已撤回，在中心保管的材料已登记退还。"),
        )
    if action == "delay_reason":
        delay = forms.ReasonForm(post)
        return _act(
            request,
            case,
            "delay_reason",
            delay,
            lambda: services.case_record_delay_reason(case=case, actor=user, reason=delay.cleaned_data["reason"]),
            _("超期的特殊原因已登记。"),
        )
    if action == "overturn_refusal":
        ov = forms.ReasonForm(post)
        return _act(
            request,
            case,
            "overturn_refusal",
            ov,
            lambda: services.case_overturn_refusal(case=case, actor=user, reason=ov.cleaned_data["reason"]),
            _("不予受理决定已撤销，申请人可以重新申请。"),
        )
    if action == "forward":
        fw = forms.NoteForm(post)
        return _act(
            request,
            case,
            "forward",
            fw,
            lambda: services.case_forward(case=case, actor=user, note=fw.cleaned_data["note"] or ""),
            _("已上报区行政服务中心，材料随件报送。"),
        )
    if action == "handover":
        staff = staff_of(user)
        ho = forms.HandoverForm(
            post, staff=selectors.center_staff(center=case.center).exclude(pk=staff.pk if staff else 0)
        )
        return _act(
            request,
            case,
            "handover",
            ho,
            lambda: services.case_handover(
                case=case, actor=user, to_staff=ho.cleaned_data["to_staff"], note=ho.cleaned_data["note"] or ""
            ),
            _("已移交，待接收人确认。"),
        )
    if action == "proxy":
        px = forms.ProxyForm(post, staff=selectors.center_staff(center=case.center))
        return _act(
            request,
            case,
            "proxy",
            px,
            lambda: services.proxy_authorize(
                case=case,
                actor=user,
                agent=px.cleaned_data["agent"],
                authorized_on=px.cleaned_data["authorized_on"],
                scope=px.cleaned_data["scope"],
                document=px.cleaned_data["document"],
            ),
            _("代办委托已登记。"),
        )
    if action == "split":
        detail = selectors.case_detail(case=case)
        sp = _split_form(case, detail, post)
        return _act(
            request,
            case,
            "split",
            sp,
            lambda: services.case_split(case=case, actor=user, tasks=[services.TaskInput(**t) for t in sp.tasks()]),
            _("联办任务已分派。"),
        )
    if action == "district_update":
        du = forms.DistrictUpdateForm(post)
        return _act(
            request,
            case,
            "district_update",
            du,
            lambda: services.forwarding_update(
                case=case,
                actor=user,
                reference=du.cleaned_data["reference"] or "",
                progress=du.cleaned_data["progress"] or "",
            ),
            _("办理进展已登记。"),
        )
    if action == "district_result":
        dr = forms.DistrictResultForm(post)
        return _act(
            request,
            case,
            "district_result",
            dr,
            lambda: services.forwarding_result(
                case=case, actor=user, approved=dr.cleaned_data["approved"] == "yes", result=dr.cleaned_data["result"]
            ),
            _("办理结果已登记，由中心送达申请人。"),
        )
    raise Http404


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
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice.number}.pdf"'
    return response


@staff_required(ALL_CASE_ROLES)
def notice_print(request: HttpRequest, number: str, notice_id: int) -> HttpResponse:
    notice = selectors.notice_for_user(user=request.user, number=number, notice_id=notice_id)
    url = progress_url(request, notice.case)
    return render(
        request,
        "cases/notice_print.html",
        {"notice": notice, "c": notice.content, "paragraphs": notice_paragraphs(notice), "qr": qr_svg(url), "url": url},
    )


# --- the public progress query --------------------------------------------------------------------------------

THROTTLE_LIMIT = 10  # failed attempts per client per window
THROTTLE_NUMBER_LIMIT = 20  # failed attempts on one case number per window, whoever tries
THROTTLE_SECONDS = 15 * 60


def _client_key(request: HttpRequest) -> str:
    ip = client_ip(request)  # behind the reverse proxy: the citizen's address, not the proxy's
    return "cases:progress:ip:" + hashlib.sha256(ip.encode()).hexdigest()[:32]


def _number_key(number: str) -> str:
    return "cases:progress:no:" + hashlib.sha256(number.strip().upper().encode()).hexdigest()[:32]


def _throttled(client: str, number: str | None = None) -> bool:
    """A client with too many failures is refused. A case number with too many failures (guessed from many
    addresses) is refused only to clients that have failed before: a citizen asking from a clean address still gets
    an answer, while a guesser gets at most one try per fresh address."""
    failures = cache.get(client) or 0
    if failures >= THROTTLE_LIMIT:
        return True
    return number is not None and failures > 0 and (cache.get(number) or 0) >= THROTTLE_NUMBER_LIMIT


def _fail(*keys: str) -> None:
    for key in keys:
        if not cache.add(key, 1, THROTTLE_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, THROTTLE_SECONDS)


NOT_FOUND = _("未查询到办件。请核对办件编号和联系电话后四位。")


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
    ctx: dict[str, Any] = {"form": form, "center": None}
    if request.method != "POST":
        return render(request, "cases/progress.html", ctx)
    client = _client_key(request)
    keys = [client]
    if form.is_valid():
        keys.append(_number_key(form.cleaned_data["number"]))
    if _throttled(client, keys[1] if len(keys) > 1 else None):
        ctx["error"] = _("查询过于频繁，请 15 分钟后再试。")
        return render(request, "cases/progress.html", ctx, status=429)
    case = (
        selectors.progress_lookup(number=form.cleaned_data["number"], phone_tail=form.cleaned_data["phone_tail"])
        if form.is_valid()
        else None
    )
    if case is None:
        _fail(*keys)
        ctx["error"] = NOT_FOUND
        return render(request, "cases/progress.html", ctx, status=404)
    ctx.update({"p": selectors.public_progress(case=case), "center": case.center, "panels": _panels(request, case)})
    return render(request, "cases/progress.html", ctx)


def progress_token(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the QR code on every notice leads here."""
    client = _client_key(request)
    ctx: dict[str, Any] = {"form": forms.ProgressQueryForm(), "center": None}
    if _throttled(client):
        ctx["error"] = _("查询过于频繁，请 15 分钟后再试。")
        return render(request, "cases/progress.html", ctx, status=429)
    case = selectors.progress_by_token(token=token)
    if case is None:
        _fail(client)
        ctx["error"] = NOT_FOUND
        return render(request, "cases/progress.html", ctx, status=404)
    ctx.update({"p": selectors.public_progress(case=case), "center": case.center, "panels": _panels(request, case)})
    return render(request, "cases/progress.html", ctx)
