"""Staffing pages: parse, fetch (selectors), act (services), render. htmx requests get the partial."""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.core.downloads import XLSX, file_response
from bianmin.core.forms import add_service_errors
from bianmin.core.http import HtmxHttpRequest
from bianmin.core.selectors import work_calendar
from bianmin.core.services import export_logged
from bianmin.org.access import has_role, staff_of, staff_required
from bianmin.org.models import OrgUnit, Staff
from bianmin.staffing import selectors, services
from bianmin.staffing.access import INSPECTORS, MANAGERS, OVERSEERS
from bianmin.staffing.exports import attendance_sheet_xlsx
from bianmin.staffing.forms import (
    AcknowledgeForm,
    AttendanceCorrectionForm,
    DutyShiftForm,
    InspectionForm,
    LeaveDecisionForm,
    LeaveRequestForm,
    LeaveReturnForm,
    ReasonForm,
    StatementForm,
    default_period,
)
from bianmin.staffing.models import Inspection, Leave
from bianmin.staffing.timekeeping import leave_working_days

BOARD_POLL_SECONDS = 20


def _own_staff(request: HttpRequest) -> Staff:
    staff = staff_of(request.user)
    if staff is None:
        raise PermissionDenied(_("您没有工作人员档案，不能使用该功能。"))
    return staff


def _center(request: HttpRequest) -> OrgUnit:
    return selectors.center_for(user=request.user, code=request.GET.get("center") or request.POST.get("center"))


def _month(request: HttpRequest) -> dt.date:
    return selectors.parse_month(request.GET.get("month"), timezone.localdate())


def _month_nav(month: dt.date) -> dict[str, str]:
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    return {"prev_month": f"{previous:%Y-%m}", "next_month": f"{selectors.next_month(month):%Y-%m}"}


def _centers_context(request: HttpRequest, center: OrgUnit) -> dict[str, Any]:
    centers = list(selectors.centers_for(user=request.user))
    return {"center": center, "centers": centers if len(centers) > 1 else []}


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


# --- Check-in and attendance -----------------------------------------------------------------------------------


def _card(request: HttpRequest, error: str = "", notice: str = "") -> HttpResponse:
    state = selectors.checkin_state(user=request.user)
    return render(
        request,
        "staffing/checkin_card.html",
        {"state": state, "error": error, "notice": notice},
        status=400 if error else 200,
    )


def _punch(request: HtmxHttpRequest, action: str) -> HttpResponse:
    staff = _own_staff(request)
    error = notice = ""
    try:
        if action == "in":
            row = services.attendance_check_in(staff=staff, actor=request.user)
            notice = _("签到成功：%(time)s") % {"time": timezone.localtime(row.check_in).strftime("%H:%M")}
        else:
            row = services.attendance_check_out(staff=staff, actor=request.user)
            notice = _("签退成功：%(time)s") % {"time": timezone.localtime(row.check_out).strftime("%H:%M")}
    except ValidationError as exc:
        error = "；".join(exc.messages)
    if request.htmx:
        return _card(request, error=error, notice=notice)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return _back(request, reverse("org:staff_home"))


@require_POST
@staff_required()
def check_in(request: HtmxHttpRequest) -> HttpResponse:
    return _punch(request, "in")


@require_POST
@staff_required()
def check_out(request: HtmxHttpRequest) -> HttpResponse:
    return _punch(request, "out")


@staff_required()
def checkin_card(request: HttpRequest) -> HttpResponse:
    return _card(request)


@staff_required()
def my_attendance(request: HttpRequest) -> HttpResponse:
    staff = _own_staff(request)
    month = _month(request)
    row = selectors.own_attendance(staff=staff, month=month)
    return render(
        request,
        "staffing/my_attendance.html",
        {
            "staff": staff,
            "month": month,
            "row": row,
            "days": row.cells,
            "is_overseer": has_role(request.user, OVERSEERS),
            "shifts": selectors.shifts_of(staff=staff, since=timezone.localdate())[:10],
            **_month_nav(month),
        },
    )


def _sheet(request: HttpRequest) -> selectors.MonthSheet:
    center = _center(request)
    department = None
    if request.GET.get("department"):
        department = selectors.departments_of(center=center).filter(pk=request.GET["department"]).first()
        if department is None:
            raise Http404
    return selectors.attendance_sheet(user=request.user, center=center, month=_month(request), department=department)


@staff_required(OVERSEERS)
def attendance_sheet(request: HttpRequest) -> HttpResponse:
    try:
        sheet = _sheet(request)
    except ValueError as exc:  # a department id that is not a number
        raise Http404 from exc
    return render(
        request,
        "staffing/attendance_sheet.html",
        {
            "sheet": sheet,
            "month": sheet.month,
            "departments": selectors.departments_of(center=sheet.center),
            "can_correct": has_role(request.user, MANAGERS),
            **_centers_context(request, sheet.center),
            **_month_nav(sheet.month),
        },
    )


@staff_required(OVERSEERS)
def attendance_sheet_export(request: HttpRequest) -> HttpResponse:
    try:
        sheet = _sheet(request)
    except ValueError as exc:
        raise Http404 from exc
    name = f"考勤表-{sheet.center.display_hall_name}-{sheet.month:%Y年%m月}.xlsx"
    export_logged(actor=request.user, what="考勤表", scope=sheet.center, data={"month": f"{sheet.month:%Y-%m}"})
    return file_response(attendance_sheet_xlsx(sheet), filename=name, content_type=XLSX)


@staff_required(MANAGERS)
def attendance_correct(request: HttpRequest, staff_id: int, day: str) -> HttpResponse:
    person = selectors.staff_member_in_scope(user=request.user, staff_id=staff_id)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    record = selectors.attendance_record(staff=person, day=date)
    initial = {}
    if record is not None:
        initial = {
            "check_in": timezone.localtime(record.check_in).time() if record.check_in else None,
            "check_out": timezone.localtime(record.check_out).time() if record.check_out else None,
        }
    form = AttendanceCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_correct(
                staff=person,
                day=date,
                check_in=form.cleaned_data["check_in"],
                check_out=form.cleaned_data["check_out"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("考勤记录已更正，更正原因已记录。"))
            center = services.staff_center(person)
            return redirect(f"{reverse('staffing:attendance_sheet')}?center={center.code}&month={date:%Y-%m}")
    return render(
        request,
        "staffing/attendance_correct.html",
        {"person": person, "day": date, "record": record, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- Leave (请销假) ----------------------------------------------------------------------------------------------


@staff_required()
def leave_list(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    context: dict[str, Any] = {"mine": selectors.leaves_of(staff=staff)[:50] if staff else []}
    if has_role(request.user, OVERSEERS):
        center = _center(request)
        status = request.GET.get("status") or ""
        if status not in {*Leave.Status.values, "awaiting_return", ""}:
            status = ""
        context |= {
            "others": selectors.leaves_in_scope(user=request.user, center=center, status=status or None)[:200],
            "status": status,
            "statuses": [*Leave.Status.choices, ("awaiting_return", _("待销假"))],
            **_centers_context(request, center),
        }
    return render(request, "staffing/leave_list.html", context)


@staff_required()
def leave_new(request: HttpRequest) -> HttpResponse:
    staff = _own_staff(request)
    center = selectors.center_for(user=request.user)
    form = LeaveRequestForm(
        request.POST or None, hours=center.office_hours, initial=default_period(timezone.localdate())
    )
    if request.method == "POST" and form.is_valid():
        try:
            leave = services.leave_request(
                staff=staff,
                kind=form.cleaned_data["kind"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("请假申请已提交，请等待中心负责人审批。"))
            return redirect("staffing:leave_detail", leave_id=leave.pk)
    return render(
        request,
        "staffing/leave_form.html",
        {"form": form, "center": center},
        status=400 if request.method == "POST" else 200,
    )


def _leave_actions(request: HttpRequest, leave: Leave) -> dict[str, bool]:
    now = timezone.now()
    own = leave.staff.user_id == request.user.pk
    manager = has_role(request.user, MANAGERS)
    return {
        "can_decide": manager and not own and leave.status == Leave.Status.REQUESTED,
        "can_withdraw": (own or manager)
        and (leave.status == Leave.Status.REQUESTED or (leave.status == Leave.Status.APPROVED and leave.start > now)),
        "can_return": (own or manager) and leave.status == Leave.Status.APPROVED and leave.start <= now,
    }


@staff_required()
def leave_detail(request: HttpRequest, leave_id: int) -> HttpResponse:
    leave = selectors.leave_for(user=request.user, leave_id=leave_id)
    period = leave.period or (leave.start, leave.end)
    return render(
        request,
        "staffing/leave_detail.html",
        {
            "leave": leave,
            "events": leave.events.select_related("actor", "actor__staff"),
            "days": leave_working_days(period[0], period[1], work_calendar(), leave.center.office_hours),
            "decision_form": LeaveDecisionForm(),
            **_leave_actions(request, leave),
        },
    )


@require_POST
@staff_required(MANAGERS)
def leave_decide(request: HttpRequest, leave_id: int) -> HttpResponse:
    leave = selectors.leave_for(user=request.user, leave_id=leave_id)
    form = LeaveDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审批结果。"))
        return redirect("staffing:leave_detail", leave_id=leave.pk)
    try:
        if form.cleaned_data["decision"] == "approve":
            services.leave_approve(leave=leave, actor=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("已批准。"))
        else:
            services.leave_refuse(leave=leave, actor=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("已不予批准。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("staffing:leave_detail", leave_id=leave.pk)


@require_POST
@staff_required()
def leave_withdraw(request: HttpRequest, leave_id: int) -> HttpResponse:
    leave = selectors.leave_for(user=request.user, leave_id=leave_id)
    try:
        services.leave_withdraw(leave=leave, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("请假已撤回。"))
    return redirect("staffing:leave_detail", leave_id=leave.pk)


@staff_required()
def leave_return(request: HttpRequest, leave_id: int) -> HttpResponse:
    leave = selectors.leave_for(user=request.user, leave_id=leave_id)
    if not _leave_actions(request, leave)["can_return"]:
        raise PermissionDenied(_("该请假当前不能办理销假。"))
    local_start = timezone.localtime(leave.start)
    today = timezone.localdate()
    initial = {
        "start_date": local_start.date(),
        "start_half": "am" if local_start.time() < leave.center.office_hours.sessions[-1].start else "pm",
        "end_date": min(today, timezone.localtime(leave.end).date()),
        "end_half": "pm",
    }
    form = LeaveReturnForm(request.POST or None, hours=leave.center.office_hours, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_return(
                leave=leave,
                actual_start=form.cleaned_data["start"],
                actual_end=form.cleaned_data["end"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("销假完成，实际休假时段已记录。"))
            return redirect("staffing:leave_detail", leave_id=leave.pk)
    return render(
        request,
        "staffing/leave_return.html",
        {"leave": leave, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- Live board and unmanned windows ---------------------------------------------------------------------------


@staff_required(OVERSEERS)
def board(request: HtmxHttpRequest) -> HttpResponse:
    """Every window now: on duty, A/B state, unmanned since when. Each look runs the sweep for this center."""
    center = _center(request)
    now = timezone.now()
    services.unmanned_sweep(now, centers=[center])
    context = {
        "board": selectors.live_board(user=request.user, center=center, moment=now),
        "poll": BOARD_POLL_SECONDS,
        "can_ack": has_role(request.user, MANAGERS),
        **_centers_context(request, center),
    }
    if request.htmx:
        return render(request, "staffing/board.html#board", context)
    return render(request, "staffing/board.html", context)


@staff_required(OVERSEERS)
def unmanned_alert(request: HttpRequest) -> HttpResponse:
    """The workbench alert, polled by htmx: open unmanned windows of the user's center, swept first."""
    center = _center(request)
    services.unmanned_sweep(timezone.now(), centers=[center])
    return render(
        request,
        "staffing/_unmanned_alert.html",
        {"records": list(selectors.open_unmanned(user=request.user, center=center)), "center": center},
    )


@staff_required(OVERSEERS)
def unmanned_list(request: HttpRequest) -> HttpResponse:
    center = _center(request)
    month = _month(request)
    records = selectors.unmanned_records(
        user=request.user,
        center=center,
        since=month,
        until=selectors.next_month(month) - dt.timedelta(days=1),
    )
    return render(
        request,
        "staffing/unmanned_list.html",
        {
            "records": records,
            "month": month,
            "ack_form": AcknowledgeForm(),
            "can_ack": has_role(request.user, MANAGERS),
            **_centers_context(request, center),
            **_month_nav(month),
        },
    )


@require_POST
@staff_required(MANAGERS)
def unmanned_acknowledge(request: HttpRequest, record_id: int) -> HttpResponse:
    record = selectors.unmanned_in_scope(user=request.user, record_id=record_id)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        services.unmanned_acknowledge(record=record, note=form.cleaned_data["note"], actor=request.user)
        messages.success(request, _("处置情况已记录。"))
    else:
        messages.error(request, _("请填写处置说明，例如已安排何人顶岗。"))
    return _back(request, reverse("staffing:unmanned_list"))


# --- Duty roster -----------------------------------------------------------------------------------------------


@staff_required()
def roster(request: HttpRequest) -> HttpResponse:
    center = _center(request)
    month = _month(request)
    can_edit = has_role(request.user, MANAGERS)
    form = DutyShiftForm(
        request.POST or None,
        windows=center.windows.filter(is_active=True).order_by("number"),
        staff=selectors.staff_in_center(user=request.user, center=center),
        initial={"date": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有中心主任或系统管理员可以排班。"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                shift = services.duty_shift_add(
                    center=center,
                    date=data["date"],
                    start=data["start"],
                    end=data["end"],
                    kind=data["kind"],
                    window=data["window"],
                    staff=data["staff"],
                    note=data["note"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("排班已保存。"))
                return redirect(f"{reverse('staffing:roster')}?center={center.code}&month={shift.date:%Y-%m}")
        status = 400
    return render(
        request,
        "staffing/roster.html",
        {
            "roster": selectors.roster_month(user=request.user, center=center, month=month),
            "month": month,
            "form": form,
            "remove_form": ReasonForm(),
            "can_edit": can_edit,
            **_centers_context(request, center),
            **_month_nav(month),
        },
        status=status,
    )


@require_POST
@staff_required(MANAGERS)
def roster_remove(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = selectors.shift_in_scope(user=request.user, shift_id=shift_id)
    form = ReasonForm(request.POST)
    target = f"{reverse('staffing:roster')}?center={shift.center.code}&month={shift.date:%Y-%m}"
    if form.is_valid():
        services.duty_shift_remove(shift=shift, reason=form.cleaned_data["reason"], actor=request.user)
        messages.success(request, _("排班已取消。"))
    else:
        messages.error(request, _("请填写取消原因。"))
    return redirect(target)


# --- Discipline inspections ------------------------------------------------------------------------------------


@staff_required(OVERSEERS)
def inspection_list(request: HttpRequest) -> HttpResponse:
    center = _center(request)
    month = _month(request)
    finding = request.GET.get("finding") or ""
    if finding not in Inspection.Finding.values:
        finding = ""
    rows = selectors.inspections(user=request.user, center=center, finding=finding or None).filter(
        inspected_at__date__gte=month, inspected_at__date__lt=selectors.next_month(month)
    )
    return render(
        request,
        "staffing/inspection_list.html",
        {
            "inspections": rows,
            "findings": selectors.findings_by_staff(
                user=request.user, center=center, since=month, until=selectors.next_month(month) - dt.timedelta(days=1)
            ),
            "finding": finding,
            "finding_choices": Inspection.Finding.choices,
            "month": month,
            "can_record": has_role(request.user, INSPECTORS),
            **_centers_context(request, center),
            **_month_nav(month),
        },
    )


@staff_required(INSPECTORS)
def inspection_new(request: HttpRequest) -> HttpResponse:
    center = _center(request)
    form = InspectionForm(
        request.POST or None,
        request.FILES or None,
        windows=center.windows.filter(is_active=True).order_by("number"),
        staff=selectors.staff_in_center(user=request.user, center=center),
        initial={"inspected_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_record(
                center=center,
                inspected_at=data["inspected_at"],
                rule=data["rule"],
                finding=data["finding"],
                window=data["window"],
                place=data["place"],
                staff=data["staff"],
                note=data["note"],
                photo=data["photo"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("督查记录已登记。"))
            return redirect("staffing:inspection_detail", inspection_id=inspection.pk)
    return render(
        request,
        "staffing/inspection_form.html",
        {"form": form, **_centers_context(request, center)},
        status=400 if request.method == "POST" else 200,
    )


@staff_required(OVERSEERS)
def inspection_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_in_scope(user=request.user, inspection_id=inspection_id)
    return render(
        request,
        "staffing/inspection_detail.html",
        {
            "inspection": inspection,
            "events": inspection.events.select_related("actor", "actor__staff"),
            "void_form": ReasonForm(),
            "can_void": has_role(request.user, INSPECTORS) and not inspection.voided,
        },
    )


@require_POST
@staff_required(INSPECTORS)
def inspection_void(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = selectors.inspection_in_scope(user=request.user, inspection_id=inspection_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写作废原因。"))
    else:
        try:
            services.inspection_void(inspection=inspection, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("督查记录已作废。"))
    return redirect("staffing:inspection_detail", inspection_id=inspection.pk)


@staff_required(OVERSEERS)
def inspection_photo(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """Photos of staff at work are not public: served only to those who may see the record."""
    inspection = selectors.inspection_in_scope(user=request.user, inspection_id=inspection_id)
    if not inspection.photo:
        raise Http404
    try:
        with inspection.photo.open("rb") as handle:
            content = handle.read()
    except OSError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(inspection.photo.name or "")[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The staff member's own findings -------------------------------------------------------------------------


@staff_required()
def my_inspections(request: HttpRequest) -> HttpResponse:
    """The discipline findings about oneself (as one sees one's own accountability records), with a statement."""
    staff = _own_staff(request)
    return render(request, "staffing/my_inspections.html", _my_inspections_context(staff))


def _my_inspections_context(staff: Staff, **forms_: Any) -> dict[str, Any]:
    rows = []
    for inspection in selectors.own_inspections(staff=staff):
        statement = next((e for e in inspection.events.all() if e.verb == services.STATEMENT_VERB), None)
        form = forms_.get(f"form_{inspection.pk}") or StatementForm(prefix=f"s{inspection.pk}")
        rows.append({"inspection": inspection, "statement": statement, "form": form})
    return {"staff": staff, "rows": rows}


@require_POST
@staff_required()
def inspection_statement(request: HttpRequest, inspection_id: int) -> HttpResponse:
    staff = _own_staff(request)
    inspection = selectors.own_inspection(user=request.user, inspection_id=inspection_id)
    form = StatementForm(request.POST, prefix=f"s{inspection.pk}")
    if form.is_valid():
        try:
            services.inspection_statement_add(inspection=inspection, text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("情况说明已提交。"))
            return redirect(f"{reverse('staffing:my_inspections')}#inspection-{inspection.pk}")
    context = _my_inspections_context(staff, **{f"form_{inspection.pk}": form})
    return render(request, "staffing/my_inspections.html", context, status=400)
