from __future__ import annotations

import base64
import calendar as pycal
import datetime as dt
import posixpath
from pathlib import Path
from typing import Any

import django_otp
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils._os import safe_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from bianmin.core import todos
from bianmin.core.downloads import file_stream_response
from bianmin.core.forms import add_service_errors
from bianmin.core.models import CalendarDay
from bianmin.core.pdf import qr_svg
from bianmin.core.selectors import access_log_search, calendar_days, jobs_health, system_health, work_calendar
from bianmin.core.selectors import audit_search as audit_search_rows
from bianmin.core.services import calendar_day_remove, calendar_day_set
from bianmin.notify.selectors import message_counts
from bianmin.org.access import has_role, role_of, staff_required
from bianmin.org.models import Role
from bianmin.web import services as account
from bianmin.web.access import AUDIT_READERS, CALENDAR_EDITORS, HEALTH_READERS
from bianmin.web.forms import AuditSearchForm, CalendarDayForm, CalendarRemoveForm, LoginForm, TokenForm
from bianmin.web.middleware import MUST_CHANGE_PASSWORD


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
    """Public uploads, with DEBUG on or off. Sent as downloads (attachment, nosniff: core.downloads), so a
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
    response = file_stream_response(full.open("rb"), filename=full.name)
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


# --- logins and account security ------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        if form.cleaned_data.get("remember"):
            # A cookie that outlives the browser; the idle and absolute limits still end the session.
            self.request.session.set_expiry(settings.SESSION_COOKIE_AGE)
        return response


def login_locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE), for the staff login and /admin/login/ alike."""
    cool_off = get_cool_off(request) or dt.timedelta(minutes=15)
    retry_at = timezone.localtime(timezone.now() + cool_off)
    return render(
        request,
        "registration/login.html",
        {"form": LoginForm(request), "locked_until": retry_at, "minutes": int(cool_off.total_seconds() // 60)},
        status=429,
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("org:staff_home")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Staff change their own password; also where an administrator's password sends its holder first."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        account.account_password_changed(user=user, actor=user)
        request.session[MUST_CHANGE_PASSWORD] = False
        messages.success(request, _("密码已修改。"))
        return redirect("org:staff_home")
    forced = bool(request.session.get(MUST_CHANGE_PASSWORD))
    return render(
        request, "web/password_change.html", {"form": form, "forced": forced}, status=400 if form.errors else 200
    )


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second factor: enrol an authenticator app (QR code, first code, recovery codes shown once), or give a
    code from it or a recovery code."""
    user = request.user
    form = TokenForm(request.POST or None)
    enrolled = account.two_factor_enrolled(user=user)
    device = None if enrolled else account.totp_device_pending(user=user)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip().replace(" ", "")
        if device is not None:
            if device.verify_token(token):
                codes = account.totp_confirm(device=device, actor=user)
                django_otp.login(request, device)
                return render(request, "web/two_factor_codes.html", {"codes": codes, "next": _next_url(request)})
        else:
            matched = django_otp.match_token(user, token)
            if matched is not None:
                django_otp.login(request, matched)
                return redirect(_next_url(request))
        form.add_error("token", _("验证码不正确或已使用，请重新输入。"))
    ctx: dict[str, Any] = {"form": form, "enrolled": enrolled, "next": _next_url(request)}
    if device is not None:
        ctx.update({"qr": qr_svg(device.config_url, size=200), "secret": _base32(device)})
    return render(request, "web/two_factor.html", ctx, status=400 if form.errors else 200)


def _base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


LOCKOUT_MANAGERS = frozenset({Role.ADMIN})


@staff_required(LOCKOUT_MANAGERS)
def lockouts(request: HttpRequest) -> HttpResponse:
    attempts = AccessAttempt.objects.order_by("-attempt_time")[:200]
    return render(
        request,
        "web/lockouts.html",
        {"attempts": attempts, "limit": settings.AXES_FAILURE_LIMIT, "cool_off": get_cool_off(request)},
    )


@staff_required(LOCKOUT_MANAGERS)
def lockout_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    if request.method == "POST":
        account.lockout_unlock(attempt=attempt, actor=request.user)
        messages.success(request, _("已解除锁定。"))
    return redirect("web:lockouts")


@never_cache
@staff_required()
def todo_counts(request: HttpRequest) -> JsonResponse:
    """The menu badges (web/static/web/todo.js): the number of to-do items per menu entry and in all, fetched after
    the page has loaded so that no page waits for them."""
    counts = todos.todo_counts(request=request, role=role_of(request.user))
    return JsonResponse({"total": sum(counts.values()), "links": counts})
