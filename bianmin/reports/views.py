"""Statistics and assessment pages: parse, fetch (selectors), act (services), render or export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.forms import add_service_errors
from bianmin.core.services import export_logged
from bianmin.org.access import MANAGERS, get_in_scope, has_role, staff_of, staff_required
from bianmin.org.models import OrgUnit
from bianmin.org.selectors import center_of
from bianmin.reports import assessment, selectors, services
from bianmin.reports.access import VIEWERS
from bianmin.reports.exports import assessment_xlsx, dashboard_xlsx, xlsx_response
from bianmin.reports.forms import AssessmentScoreForm, AssessmentSettingsForm
from bianmin.reports.periods import Period, PeriodError, parse_month, parse_period

FIRST_WEEK = 7


def default_month(today: dt.date) -> dt.date:
    """This month; in a month's first week, the month just closed (when monthly statistics are read)."""
    if today.day <= FIRST_WEEK:
        return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return today.replace(day=1)


def _month(request: HttpRequest) -> tuple[dt.date, str]:
    """The month asked for, or the default month with the message why the asked one could not be read."""
    fallback = default_month(timezone.localdate())
    try:
        return parse_month(request.GET.get("month"), fallback), ""
    except PeriodError as exc:
        return fallback, str(exc)


def _center(request: HttpRequest, code: str) -> OrgUnit:
    return get_in_scope(OrgUnit.objects.centers().filter(is_active=True), request.user, "path", code=code)


def _district(request: HttpRequest, code: str) -> OrgUnit:
    return get_in_scope(
        OrgUnit.objects.filter(level=OrgUnit.Level.DISTRICT, is_active=True), request.user, "path", code=code
    )


def _own_unit(request: HttpRequest) -> OrgUnit:
    staff = staff_of(request.user)
    if staff is not None:
        if staff.org_unit.level == OrgUnit.Level.DISTRICT:
            return staff.org_unit
        center = center_of(staff.org_unit)
        if center is not None:
            return center
    districts = selectors.districts_for(user=request.user)
    if not districts:
        raise Http404
    return districts[0]


@staff_required(VIEWERS)
def home(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    name = "reports:district_dashboard" if unit.level == OrgUnit.Level.DISTRICT else "reports:center_dashboard"
    return redirect(reverse(name, kwargs={"code": unit.code}))


def _chart_data(board: selectors.Dashboard) -> dict[str, Any]:
    return {
        # Chinese dates on the axes, as on the rest of the page ("11月3日", "2026年11月")
        "days": [f"{d.month}月{d.day}日" for d in board.days],
        "received": board.received_by_day,
        "completed": board.completed_by_day,
        "onTimeRate": board.on_time_trend,
        "months": [f"{m.year}年{m.month}月" for m in board.months],
        "monthlyCompleted": board.completed_by_month,
        "monthlyRate": board.monthly_trend,
        "modes": [{"name": r["label"], "received": r["received"], "completed": r["completed"]} for r in board.by_mode],
        "places": [
            {"name": r["label"], "received": r["received"], "completed": r["completed"]} for r in board.by_place
        ],
        "items": [{"name": r["name"], "value": r["received"]} for r in board.by_item[:10]],
        "ratings": [{"name": r["label"], "value": r["n"]} for r in board.ratings],
        "inquiries": [{"name": r["label"], "value": r["n"]} for r in board.inquiries],
        "petitions": [{"name": r["label"], "value": r["n"]} for r in board.petitions],
        "labels": {"received": _("收件"), "completed": _("办结"), "onTimeRate": _("按时办结率"), "cases": _("件")},
    }


def _render_dashboard(request: HttpRequest, board: selectors.Dashboard, error: str) -> HttpResponse:
    export = "reports:district_dashboard_export" if board.kind == "district" else "reports:center_dashboard_export"
    previous = (board.month - dt.timedelta(days=1)).replace(day=1)
    following = (board.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return render(
        request,
        "reports/dashboard.html",
        {
            "board": board,
            "tables": board.tables(),
            "chart_data": _chart_data(board),
            "export_url": reverse(export, kwargs={"code": board.unit.code}),
            "prev_month": f"{previous:%Y-%m}",
            "next_month": f"{following:%Y-%m}",
            "error": error,
        },
        status=400 if error else 200,
    )


@staff_required(VIEWERS)
def center_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    center = _center(request, code)
    month, error = _month(request)
    board = selectors.center_dashboard(user=request.user, center=center, month=month)
    return _render_dashboard(request, board, error)


@staff_required(VIEWERS)
def district_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    unit = _district(request, code)
    month, error = _month(request)
    board = selectors.district_dashboard(user=request.user, unit=unit, month=month)
    return _render_dashboard(request, board, error)


def _export(request: HttpRequest, board: selectors.Dashboard, error: str) -> HttpResponse:
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    key = request.GET.get("table")
    tables = [board.table(key)] if key else board.tables()
    name = f"{board.kind}-{board.unit.code}-{board.month:%Y-%m}{'-' + key if key else ''}.xlsx"
    export_logged(actor=request.user, what="统计报表", scope=board.unit, data={"file": name})
    return xlsx_response(dashboard_xlsx(board, tables), name)


@staff_required(VIEWERS)
def center_dashboard_export(request: HttpRequest, code: str) -> HttpResponse:
    center = _center(request, code)
    month, error = _month(request)
    return _export(request, selectors.center_dashboard(user=request.user, center=center, month=month), error)


@staff_required(VIEWERS)
def district_dashboard_export(request: HttpRequest, code: str) -> HttpResponse:
    unit = _district(request, code)
    month, error = _month(request)
    return _export(request, selectors.district_dashboard(user=request.user, unit=unit, month=month), error)


# --- Assessment ------------------------------------------------------------------------------------------------


def _period(request: HttpRequest) -> Period:
    def value(name: str) -> str | None:
        return request.POST.get(name) or request.GET.get(name)

    return parse_period(value("year"), value("quarter"), timezone.localdate().year)


@staff_required(VIEWERS)
def assessment_home(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    if unit.level == OrgUnit.Level.DISTRICT:
        center = selectors.centers_under(user=request.user, unit=unit)
        if center is None:
            raise Http404
        unit = center
    return redirect(reverse("reports:assessment", kwargs={"code": unit.code}))


def _period_query(period: Period) -> str:
    return f"?year={period.year}" + (f"&quarter={period.quarter}" if period.quarter else "")


@staff_required(VIEWERS)
def assessment_sheet(request: HttpRequest, code: str) -> HttpResponse:
    center = _center(request, code)
    try:
        period = _period(request)
    except PeriodError as exc:
        messages.error(request, str(exc))
        period = Period(timezone.localdate().year)
    can_manage = has_role(request.user, MANAGERS)
    form = AssessmentSettingsForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("只有中心主任或系统管理员可以设置考核权重和合格线。"))
        if form.is_valid():
            try:
                services.assessment_settings_update(
                    center=center,
                    center_weight=form.cleaned_data["center_weight"],
                    pass_mark=form.cleaned_data["pass_mark"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("考核权重和合格线已保存。"))
                return redirect(reverse("reports:assessment", kwargs={"code": center.code}) + _period_query(period))
        status = 400
    sheet = assessment.assessment(user=request.user, center=center, period=period)
    if not form.is_bound:
        form = AssessmentSettingsForm(initial={"center_weight": sheet.center_weight, "pass_mark": sheet.pass_mark})
    this_year = timezone.localdate().year
    return render(
        request,
        "reports/assessment.html",
        {
            "sheet": sheet,
            "form": form,
            "can_manage": can_manage,
            "period_query": _period_query(period),
            "years": list(range(this_year, this_year - 5, -1)),
            "quarters": [1, 2, 3, 4],
            "centers": selectors.assessed_centers(user=request.user),
        },
        status=status,
    )


@staff_required(VIEWERS)
def assessment_export(request: HttpRequest, code: str) -> HttpResponse:
    center = _center(request, code)
    try:
        period = _period(request)
    except PeriodError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    sheet = assessment.assessment(user=request.user, center=center, period=period)
    suffix = f"{period.year}" + (f"-q{period.quarter}" if period.quarter else "")
    export_logged(actor=request.user, what="考核表", scope=center, data={"period": suffix})
    return xlsx_response(assessment_xlsx(sheet), f"assessment-{center.code}-{suffix}.xlsx")


@staff_required(MANAGERS)
def assessment_score(request: HttpRequest, code: str, staff_id: int) -> HttpResponse:
    center = _center(request, code)
    member = assessment.assessed_member(user=request.user, center=center, staff_id=staff_id)
    try:
        period = _period(request)
    except PeriodError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    score = assessment.score_of(center=center, staff=member, period=period)
    initial = (
        {"center_score": score.center_score, "department_score": score.department_score, "remarks": score.remarks}
        if score
        else {}
    )
    form = AssessmentScoreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_score_record(
                center=center,
                staff=member,
                period=period,
                center_score=form.cleaned_data["center_score"],
                department_score=form.cleaned_data["department_score"],
                remarks=form.cleaned_data["remarks"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s 的考核得分已保存。") % {"name": member.name})
            return redirect(reverse("reports:assessment", kwargs={"code": center.code}) + _period_query(period))
    return render(
        request,
        "reports/assessment_score.html",
        {"center": center, "member": member, "period": period, "form": form, "period_query": _period_query(period)},
        status=400 if request.method == "POST" else 200,
    )
