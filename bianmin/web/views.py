from __future__ import annotations

import calendar as pycal
import posixpath
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils._os import safe_join
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bianmin.core.forms import add_service_errors
from bianmin.core.models import CalendarDay
from bianmin.core.selectors import access_log_search, calendar_days, jobs_health, system_health, work_calendar
from bianmin.core.selectors import audit_search as audit_search_rows
from bianmin.core.services import calendar_day_remove, calendar_day_set
from bianmin.notify.selectors import message_counts
from bianmin.org.access import has_role, staff_required
from bianmin.web.access import AUDIT_READERS, CALENDAR_EDITORS, HEALTH_READERS
from bianmin.web.forms import AuditSearchForm, CalendarDayForm, CalendarRemoveForm


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For the proxy and monitors: no detail in public, only whether every part works (200) or not (503)."""
    ok = system_health().ok
    return JsonResponse({"status": "ok" if ok else "fail"}, status=200 if ok else 503)


@staff_required(HEALTH_READERS)
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
                add_service_errors(form, exc)
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


# Uploaded files anyone may fetch: the blank forms and samples of the service guides, and the staff photos of the
# public staff board. Everything else under MEDIA_ROOT (inspection photos, ...) is served only by its app's own view,
# which checks the user's role; here it is a 404.
PUBLIC_MEDIA_PREFIXES = ("catalog/forms/", "catalog/samples/", "staff/")


def media_file(request: HttpRequest, path: str) -> FileResponse:
    """Public uploads, with DEBUG on or off. Sent as downloads (Content-Disposition: attachment, nosniff), so a
    file is never rendered as a page of this site. A front web server may serve the same prefixes itself (README)."""
    path = posixpath.normpath(path)
    if ".." in path.split("/") or not path.startswith(PUBLIC_MEDIA_PREFIXES):
        raise Http404
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except SuspiciousFileOperation as exc:
        raise Http404 from exc
    if not full.is_file():
        raise Http404
    response = FileResponse(full.open("rb"), as_attachment=True, filename=full.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@staff_required(AUDIT_READERS)
def audit_search(request: HttpRequest) -> HttpResponse:
    """The audit trail and the personal-data access log, searchable by account, action and dates (read-only)."""
    form = AuditSearchForm(request.GET or None)
    rows: Any = []
    kind = "audit"
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        kind = data.get("kind") or "audit"
        filters = {"username": data.get("username", ""), "start": data.get("start"), "end": data.get("end")}
        if kind == "access":
            rows = access_log_search(**filters)
        else:
            rows = audit_search_rows(verb=data.get("verb", ""), **filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {"form": form, "page": page, "kind": kind})
