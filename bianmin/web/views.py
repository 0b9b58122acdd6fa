from __future__ import annotations

import calendar as pycal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bianmin.core.models import CalendarDay
from bianmin.core.selectors import calendar_days, jobs_health, system_health, work_calendar
from bianmin.core.services import calendar_day_remove, calendar_day_set
from bianmin.notify.selectors import message_counts
from bianmin.org.access import MANAGERS, has_role, staff_required
from bianmin.org.models import Role
from bianmin.web.forms import CalendarDayForm, CalendarRemoveForm

CALENDAR_EDITORS = frozenset({Role.ADMIN})


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For the proxy and monitors: no detail in public, only whether every part works (200) or not (503)."""
    ok = system_health().ok
    return JsonResponse({"status": "ok" if ok else "fail"}, status=200 if ok else 503)


@staff_required(MANAGERS)
def staff_health(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/health.html",
        {
            "system": system_health(),
            "health": jobs_health(),
            "notifications": message_counts(),
            "now": timezone.now(),
        },
    )


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@staff_required()
def calendar_year(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    cal = work_calendar()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([(d, cal.rule(d)) if d.month == month else (None, None) for d in week])
        months.append({"month": month, "weeks": weeks})
    can_edit = has_role(request.user, CALENDAR_EDITORS)
    form = CalendarDayForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(_("只有系统管理员可以调整工作日历。"), status=403)
        if form.is_valid():
            try:
                calendar_day_set(
                    day=form.cleaned_data["day"],
                    is_workday=form.cleaned_data["is_workday"],
                    name=form.cleaned_data["name"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("特殊日期已设置，相关办件时限将按新日历计算。"))
                return redirect(f"{request.path}?year={form.cleaned_data['day'].year}")
        status = 400
    return render(
        request,
        "web/calendar.html",
        {
            "year": year,
            "months": months,
            "entries": calendar_days(year=year),
            "form": form,
            "remove_form": CalendarRemoveForm(),
            "can_edit": can_edit,
            "today": timezone.localdate(),
        },
        status=status,
    )


@staff_required(CALENDAR_EDITORS)
def calendar_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(CalendarDay, pk=pk)
    if request.method != "POST":
        return redirect("web:calendar")
    form = CalendarRemoveForm(request.POST)
    if form.is_valid():
        try:
            calendar_day_remove(row=row, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("特殊日期已撤销。"))
    else:
        messages.error(request, _("请填写撤销原因。"))
    return redirect(f"/staff/calendar/?year={row.date.year}")
