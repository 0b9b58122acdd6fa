"""The window's intake pages: choosing the item, the intake form with its checklist, referral to another window."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.cases import forms, intake_sources, selectors, services
from bianmin.cases.access import INTAKE_ROLES
from bianmin.cases.checklists import Decision, assess
from bianmin.cases.models import Case, Status
from bianmin.cases.views import center_or_404, is_htmx
from bianmin.core.forms import add_service_errors
from bianmin.org.access import staff_required


@staff_required(INTAKE_ROLES)
def intake_start(request: HttpRequest) -> HttpResponse:
    center = center_or_404(request)
    query = request.GET.get("q", "")[:50]
    items = selectors.intake_items(center=center, query=query)
    carried = intake_sources.carried(request)
    name = request.GET.get("applicant_name", "")[:100]
    context = {
        "center": center,
        "items": items,
        "q": query,
        "referrals": selectors.referrals(user=request.user),
        "origin_fields": sorted(carried.items()),
        # Carried into each item's intake link: the record that started the intake and the name to prefill.
        "carry": urlencode({**carried, **({"applicant_name": name} if name else {})}),
    }
    if is_htmx(request):
        return render(request, "cases/intake_start.html#item_list", context)
    return render(request, "cases/intake_start.html", context)


def _intake_context(request: HttpRequest, item_id: int) -> dict[str, Any]:
    """What both the screen and a confirmed intake need: the item's current version, the user's windows."""
    center = center_or_404(request)
    version = selectors.intake_version(center=center, item_id=item_id)
    return {
        "center": center,
        "item": version.item,
        "version": version,
        "windows": selectors.staff_windows(user=request.user),
        # Made only if a staff picker is used (a receive-only intake's handover, a proxy) or the screen is shown.
        "staff_choices": lambda: selectors.center_staff(center=center),
    }


def _screen_context(ctx: dict[str, Any]) -> dict[str, Any]:
    """What only the rendered screen shows: which window handles the item and who sits there (§4(1) referral)."""
    contacts = selectors.item_window_contacts(center=ctx["center"], item=ctx["item"])
    handling = {c.window.pk for c in contacts}
    return {**ctx, "contacts": contacts, "ours": not handling or bool(handling & {w.pk for w in ctx["windows"]})}


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
        waived = {m["id"] for m in version.materials if m.get("conditional") and request.POST.get(f"na_{m['id']}")}
        result = assess([m for m in version.materials if m["id"] not in waived], ticked)
        if step == "confirm" and form.is_valid():
            decision = form.cleaned_data.get("decision") or ""
            if not decision:
                form.add_error("decision", _("请确认处理决定。"))
            else:
                try:
                    case = _do_intake(request, ctx, form, form.presented(), decision)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    _tell_sources(request, case)
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
    ctx = _screen_context(ctx)
    ctx.update({"form": form, "result": result, "decision_labels": Decision.LABELS})
    if is_htmx(request) and request.POST.get("step") == "check":
        return render(request, "cases/intake.html#decision", ctx, status=status)
    return render(request, "cases/intake.html", ctx, status=status)


def _with_decision(data: Any, proposal: str) -> Any:
    """The form data with the system's proposal ticked: the system decides, the staff member confirms
    (or picks another allowed decision before confirming)."""
    data = data.copy()
    data["decision"] = proposal
    return data


def _prefill(request: HttpRequest, center: Any) -> dict[str, str]:
    """What the hall already knows: the applicant's name from the called queue ticket (`?applicant_name=`), and what
    the record the intake starts from knows (a first-inquiry record, a home visit: settings.BIANMIN_INTAKE_SOURCES)."""
    name = request.GET.get("applicant_name", "")[:100]
    initial = {"applicant_name": name} if name else {}
    if request.method == "GET":  # a posted form is bound: the initial values are not shown again
        initial.update(intake_sources.prefill(request, center))
    return initial


def _tell_sources(request: HttpRequest, case: Case) -> None:
    """The record the intake started from now points at this case (settings.BIANMIN_INTAKE_SOURCES)."""
    try:
        intake_sources.accepted(request, case)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))


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
        not_applicable=form.not_applicable(),
        version=ctx["version"],
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
