from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bianmin.core.downloads import file_response
from bianmin.core.forms import add_service_errors
from bianmin.core.http import HtmxHttpRequest
from bianmin.core.services import export_logged, personal_data_reveal, personal_data_viewed
from bianmin.frontdesk import selectors
from bianmin.frontdesk.access import HANDOVER_WATCHERS, INQUIRY_MANAGERS, REGISTER_READERS
from bianmin.frontdesk.exports import XLSX_CONTENT_TYPE, inquiry_register_xlsx
from bianmin.frontdesk.forms import (
    AcknowledgeForm,
    CaseLinkForm,
    InquiryForm,
    InquirySearchForm,
    PeriodForm,
    RevealForm,
)
from bianmin.frontdesk.models import Inquiry
from bianmin.frontdesk.services import (
    handover_acknowledge,
    handover_acknowledge_many,
    inquiry_link_case,
    inquiry_register,
)
from bianmin.org.access import has_role, staff_of, staff_required
from bianmin.org.models import OrgUnit, Window
from bianmin.org.selectors import staff_in_scope, today, user_center

PAGE_SIZE = 50


def _inquiry_form(request: HttpRequest, center: OrgUnit, data: Any = None, initial: Any = None) -> InquiryForm:
    staff = staff_of(request.user)
    return InquiryForm(
        data,
        initial=initial,
        referral_windows=selectors.referral_windows(center=center),
        referral_staff=selectors.referral_staff(center=center).exclude(pk=staff.pk if staff else 0),
        own_windows=selectors.windows_of(staff=staff) if staff else [],
    )


def _desk_context(request: HttpRequest, form: InquiryForm | None, center: OrgUnit | None) -> dict[str, Any]:
    to_me, from_me = selectors.handovers_pending_of(user=request.user)
    return {
        "form": form,
        "center": center,
        "today_list": selectors.inquiries_today_of(user=request.user),
        "recent": selectors.recent_visitors(user=request.user),
        "handovers_to_me": to_me,
        "handovers_from_me": from_me,
        "window_phones": {w.pk: _window_phone(w) for w in (form.fields["referred_window"].queryset if form else [])},  # type: ignore[attr-defined]
    }


def _window_phone(window: Window) -> str:
    for department in window.departments.all():
        if department.phone:
            return department.phone
    return window.center.phone


@staff_required()
def desk(request: HtmxHttpRequest) -> HttpResponse:
    """首问登记: one short form for a busy window; the user is the first contact (首问责任人)."""
    center = user_center(user=request.user)
    if center is None:
        return render(request, "frontdesk/desk.html", _desk_context(request, None, None))
    if request.method != "POST":
        form = _inquiry_form(request, center)
        return render(request, "frontdesk/desk.html", _desk_context(request, form, center))

    form = _inquiry_form(request, center, request.POST)
    inquiry = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            inquiry = inquiry_register(
                actor=request.user,
                channel=d["channel"],
                matter=d["matter"],
                result=d["result"],
                visitor_name=d["visitor_name"],
                visitor_org=d["visitor_org"],
                visitor_phone=d["visitor_phone"],
                result_note=d["result_note"],
                phone_given=d["phone_given"],
                referred_window=d["referred_window"],
                referred_staff=d["referred_staff"],
                referral_contact=d["referral_contact"],
                materials=d["materials"],
                window=d.get("window"),
            )
        except ValidationError as exc:
            form.apply_errors(exc)
    if inquiry is not None:
        if not request.htmx:
            messages.success(request, _("已登记：%(number)s") % {"number": inquiry.number})
            return redirect("frontdesk:desk")
        # Keep the channel and window for the next visitor of the same kind; everything else starts empty.
        keep = {"channel": inquiry.channel, "window": inquiry.window_id}
        form = _inquiry_form(request, center, initial=keep)
    context = _desk_context(request, form, center)
    if request.htmx:
        context["saved"] = inquiry
        html = render_to_string("frontdesk/desk.html#entry_form", context, request=request)
        if inquiry is not None:
            html += render_to_string("frontdesk/desk.html#today_list", {**context, "oob": True}, request=request)
            html += render_to_string("frontdesk/desk.html#recent_list", {**context, "oob": True}, request=request)
            html += render_to_string("frontdesk/desk.html#handovers", {**context, "oob": True}, request=request)
        # htmx swaps only 2xx answers; the form with its errors is the answer.
        return HttpResponse(html)
    return render(request, "frontdesk/desk.html", context, status=400)


@staff_required()
@require_GET
def referral_staff_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the staff one may refer to, the chosen window's posts first (htmx)."""
    center = user_center(user=request.user)
    if center is None:
        return HttpResponse("")
    window = None
    raw = request.GET.get("referred_window", "")
    if raw.isdigit():
        window = selectors.referral_windows(center=center).filter(pk=int(raw)).first()
    me = staff_of(request.user)
    staff = [s for s in selectors.referral_staff_ranked(center=center, window=window) if me is None or s.pk != me.pk]
    chosen = request.GET.get("referred_staff", "")
    return render(
        request,
        "frontdesk/_staff_options.html",
        {"staff": staff, "window": window, "chosen": int(chosen) if chosen.isdigit() else None},
    )


@staff_required()
def register(request: HttpRequest) -> HttpResponse:
    """The register (登记册): searchable by period, staff, result and matter."""
    form = InquirySearchForm(request.GET or None, staff=staff_in_scope(user=request.user).order_by("name"))
    filters = form.filters()
    page = Paginator(selectors.inquiry_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "frontdesk/register.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_export": has_role(request.user, REGISTER_READERS),
        },
    )


@staff_required(REGISTER_READERS)
def register_export(request: HttpRequest) -> HttpResponse:
    form = InquirySearchForm(request.GET or None, staff=staff_in_scope(user=request.user))
    if form.is_bound and not form.is_valid():
        return HttpResponse("；".join(str(m) for msgs in form.errors.values() for m in msgs), status=400)
    filters = form.filters()
    center = user_center(user=request.user)
    hall = center.display_hall_name if center else _("全部服务中心")
    period = (
        "—".join(d.isoformat() if d else "" for d in (filters.start, filters.end))
        if (filters.start or filters.end)
        else _("全部")
    )
    export_logged(actor=request.user, what="首问责任登记册", scope=center, data={"period": str(period)})
    rows = selectors.inquiry_list(user=request.user, filters=filters).iterator(chunk_size=500)
    content = inquiry_register_xlsx(
        rows,
        title=_("%(hall)s首问责任登记册") % {"hall": hall},
        subtitle=_("登记期间：%(period)s    导出日期：%(today)s") % {"period": period, "today": today().isoformat()},
    )
    return file_response(content, filename=f"首问登记册-{today():%Y%m%d}.xlsx", content_type=XLSX_CONTENT_TYPE)


@staff_required(REGISTER_READERS)
def stats(request: HttpRequest) -> HttpResponse:
    """Per-staff and per-window counts over a period (default: this month), for assessment."""
    first = today().replace(day=1)
    form = PeriodForm(request.GET or {"start": first.isoformat(), "end": today().isoformat()})
    start: dt.date | None = first
    end: dt.date | None = today()
    if form.is_valid():
        start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    return render(
        request,
        "frontdesk/stats.html",
        {
            "form": form,
            "by_staff": list(selectors.inquiry_counts_by_staff(user=request.user, start=start, end=end)),
            "by_window": list(selectors.inquiry_counts_by_window(user=request.user, start=start, end=end)),
            "results": Inquiry.Result.choices,
        },
        status=200 if form.is_valid() else 400,
    )


def _may_reveal(request: HttpRequest, inquiry: Inquiry) -> bool:
    staff = staff_of(request.user)
    if staff is not None and staff.pk in (inquiry.first_contact_id, inquiry.referred_staff_id):
        return True
    return has_role(request.user, INQUIRY_MANAGERS)


def _may_link_case(request: HttpRequest, inquiry: Inquiry) -> bool:
    if inquiry.result not in (Inquiry.Result.HANDLED, Inquiry.Result.REFERRED) or inquiry.case_number:
        return False
    return _may_reveal(request, inquiry)


@staff_required()
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_get(user=request.user, pk=pk)
    personal_data_viewed(actor=request.user, target=inquiry)  # the page shows the visitor: logged
    return render(request, "frontdesk/inquiry_detail.html", _detail_context(request, inquiry))


def _detail_context(request: HttpRequest, inquiry: Inquiry, **extra: Any) -> dict[str, Any]:
    return {
        "inquiry": inquiry,
        "events": inquiry.events.select_related("actor__staff"),
        "handovers": selectors.handovers_for(target=inquiry),
        "case_form": extra.pop("case_form", CaseLinkForm()),
        "reveal_form": extra.pop("reveal_form", RevealForm()),
        "can_link_case": _may_link_case(request, inquiry),
        "can_reveal": _may_reveal(request, inquiry) and bool(inquiry.visitor_phone),
        **extra,
    }


@staff_required()
@require_POST
def inquiry_case(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_get(user=request.user, pk=pk)
    if not _may_reveal(request, inquiry):
        return HttpResponse(_("只有首问责任人、引荐经办人或中心主任可以关联办件。"), status=403)
    form = CaseLinkForm(request.POST)
    if form.is_valid():
        try:
            inquiry_link_case(inquiry=inquiry, case_number=form.cleaned_data["case_number"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已关联办件。"))
            return redirect("frontdesk:inquiry_detail", pk=inquiry.pk)
    return render(
        request, "frontdesk/inquiry_detail.html", _detail_context(request, inquiry, case_form=form), status=400
    )


@staff_required()
@require_POST
def inquiry_reveal_phone(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_get(user=request.user, pk=pk)
    if not _may_reveal(request, inquiry):
        return HttpResponse(_("您无权查看完整联系电话。"), status=403)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        revealed = personal_data_reveal(
            actor=request.user, target=inquiry, field="visitor_phone", reason=form.cleaned_data["reason"]
        )
    context = _detail_context(request, inquiry, reveal_form=form, revealed_phone=revealed)
    status = 200 if revealed is not None else 400
    if request.htmx:
        return HttpResponse(render_to_string("frontdesk/inquiry_detail.html#phone", context, request=request))
    return render(request, "frontdesk/inquiry_detail.html", context, status=status)


# --- handovers ----------------------------------------------------------------------------------------------


@staff_required()
def handover_list(request: HttpRequest) -> HttpResponse:
    to_me, from_me = selectors.handovers_pending_of(user=request.user)
    managing = has_role(request.user, HANDOVER_WATCHERS)
    return render(
        request,
        "frontdesk/handovers.html",
        {
            "to_me": to_me,
            "from_me": from_me,
            "recent": selectors.handovers_recent_of(user=request.user),
            "all_pending": selectors.handovers(user=request.user)
            .filter(acknowledged_at__isnull=True)
            .order_by("received_at")[:100]
            if managing
            else None,
            "ack_form": AcknowledgeForm(),
        },
    )


@staff_required()
@require_POST
def handover_ack(request: HttpRequest, pk: int) -> HttpResponse:
    handover = selectors.handover_get(user=request.user, pk=pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(m) for msgs in form.errors.values() for m in msgs))
        return redirect("frontdesk:handovers")
    try:
        handover_acknowledge(handover=handover, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已确认接收材料。"))
    return redirect("frontdesk:desk" if request.POST.get("next") == "desk" else "frontdesk:handovers")


@staff_required()
@require_POST
def handover_ack_many(request: HttpRequest) -> HttpResponse:
    """The ticked handovers of "待我接收", acknowledged one by one; what could not be is said row by row."""
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()][:200]
    form = AcknowledgeForm(request.POST)
    if not ids:
        messages.error(request, _("请至少选择一项移交。"))
        return redirect("frontdesk:handovers")
    if not form.is_valid():
        messages.error(request, "；".join(str(m) for msgs in form.errors.values() for m in msgs))
        return redirect("frontdesk:handovers")
    chosen = list(selectors.handovers(user=request.user).filter(pk__in=ids).order_by("received_at", "id"))
    failed = handover_acknowledge_many(handovers=chosen, actor=request.user, note=form.cleaned_data["note"])
    done = len(chosen) - len(failed)
    if done:
        messages.success(request, _("已确认接收 %(n)s 项移交的材料。") % {"n": done})
    for handover, reason in failed:
        messages.error(
            request, _("“%(subject)s”未能确认：%(reason)s") % {"subject": handover.subject, "reason": reason}
        )
    if len(chosen) < len(set(ids)):
        messages.error(
            request, _("有 %(n)s 项移交不存在或不在您的范围内，未作处理。") % {"n": len(set(ids)) - len(chosen)}
        )
    return redirect("frontdesk:handovers")
