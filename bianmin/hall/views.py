from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bianmin.core import ratelimits
from bianmin.core.forms import add_service_errors
from bianmin.core.personal_data import mask_name, mask_phone
from bianmin.core.services import personal_data_reveal
from bianmin.hall import selectors, services
from bianmin.hall.cards import CardContent, CardPerson, describe_extended, lianxin_card_pdf
from bianmin.hall.forms import (
    AdvanceForm,
    AssignForm,
    BlockRangeForm,
    BookingForm,
    ChangeForm,
    ExtendedHoursForm,
    GenerateSlotsForm,
    HallSettingsForm,
    HomeVisitForm,
    HomeVisitRequestForm,
    KioskForm,
    LinkCaseForm,
    LookupForm,
    ProxyForm,
    ReasonForm,
    RecordForm,
    TransferForm,
)
from bianmin.hall.intake import intake_url_for, progress_url_for
from bianmin.hall.models import Appointment, HomeVisit, ProxyCase, Ticket
from bianmin.hall.workflow import PROXY
from bianmin.org.access import MANAGERS, get_in_scope, has_role, staff_of, staff_required
from bianmin.org.models import ExtendedHours, OrgUnit, Role, Window
from bianmin.org.selectors import default_center

HALL_STAFF = frozenset({Role.WINDOW, Role.DIRECTOR, Role.ADMIN})
LOOKUP_LIMIT = 10
LOOKUP_WINDOW_SECONDS = 15 * 60


# --- helpers --------------------------------------------------------------------------------------------------

VERB_LABELS = {
    "request": gettext_lazy("登记申请"),
    "assign": gettext_lazy("安排上门"),
    "reschedule": gettext_lazy("重新安排"),
    "record": gettext_lazy("登记结果"),
    "cancel": gettext_lazy("取消"),
    "register": gettext_lazy("登记代办"),
    "link_case": gettext_lazy("关联办件"),
    "advance": gettext_lazy("更新进展"),
}


@dataclass
class EventRow:
    at: dt.datetime
    actor: str
    verb: str
    from_state: str
    to_state: str
    note: str


def _event_rows(events: Any, statuses: Any) -> list[EventRow]:
    """The trace of an object in plain Chinese: who, when, what, from which state to which."""
    labels = dict(statuses.choices)
    rows = []
    for e in events:
        staff = getattr(e.actor, "staff", None) if e.actor else None
        actor = staff.name if staff else (e.actor.username if e.actor else "—")
        rows.append(
            EventRow(
                e.created_at,
                actor,
                str(VERB_LABELS.get(e.verb, e.verb)),
                str(labels.get(e.from_state, e.from_state)),
                str(labels.get(e.to_state, e.to_state)),
                e.note,
            )
        )
    return rows


def _public_center(code: str) -> OrgUnit:
    center = OrgUnit.objects.filter(code=code, is_active=True, hall_kind__in=selectors.HALL_KINDS).first()
    if center is None:
        raise Http404
    return center


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


def _pk(value: Any) -> int:
    """A primary key from a query or session value; 0 (matches nothing) when absent or malformed."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _lookup_key(center: OrgUnit, number: str) -> str:
    # Per booking number, not per client address: behind a reverse proxy every citizen shares one address.
    return f"hall:lookup-failures:{center.pk}:{''.join(number.split()).upper()[:24]}"


def _lookup_blocked(center: OrgUnit, number: str) -> bool:
    return int(cache.get(_lookup_key(center, number), 0)) >= LOOKUP_LIMIT


def _lookup_failed(center: OrgUnit, number: str) -> None:
    key = _lookup_key(center, number)
    cache.add(key, 0, LOOKUP_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, LOOKUP_WINDOW_SECONDS)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _center_query(center: OrgUnit) -> str:
    return f"?center={center.code}"


# --- Public pages ---------------------------------------------------------------------------------------------


def public_index(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The hall's public page: when it is open (office hours and 延时服务) and its special services."""
    if code is None:
        center = default_center()
        if center is None:
            raise Http404
        if center.hall_kind in selectors.HALL_KINDS:
            return redirect("hall:public_center", code=center.code)
    center = _public_center(code or "")
    return render(
        request,
        "hall/public_index.html",
        {
            "center": center,
            "days": selectors.hall_hours(center=center, days=14),
            "today": timezone.localdate(),
            "communities": selectors.communities_of(center=center),
            "rules": selectors.settings_for(center),
        },
    )


def book_default(request: HttpRequest) -> HttpResponse:
    center = default_center()
    if center is None:
        raise Http404
    return redirect("hall:book", code=center.code)


def book(request: HttpRequest, code: str) -> HttpResponse:
    center = _public_center(code)
    categories = selectors.active_categories(center=center)
    category = categories.filter(pk=_pk(request.GET.get("category"))).first()
    rules = selectors.settings_for(center)
    context: dict[str, Any] = {"center": center, "categories": categories, "category": category, "rules": rules}
    if category is None:
        return render(request, "hall/book.html", context)
    items = selectors.items_for_category(center=center, category=category)
    slots = selectors.bookable_slots(center=center, category=category)
    form = BookingForm(request.POST or None, items=items, slots=slots)
    public = not has_role(request.user, HALL_STAFF)
    if request.method == "POST" and form.is_valid():
        keys = [ratelimits.client_key(request), ratelimits.phone_key(form.cleaned_data["phone"])]
        try:
            if public:
                ratelimits.public_write_check(scope="booking", keys=keys)
            appointment = services.appointment_book(
                slot=form.cleaned_data["slot"],
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                item=form.cleaned_data.get("item"),
                item_name=form.cleaned_data.get("item_name", ""),
                id_number=form.cleaned_data["id_number"],
                # Staff booking on the public page do it for someone on the phone.
                channel=Appointment.Channel.ONLINE if public else Appointment.Channel.PHONE,
                actor=request.user,
            )
        except ratelimits.PublicWriteLimited as exc:
            form.add_error(None, exc.messages)
            context.update({"form": form, "slots": slots})
            return render(request, "hall/book.html", context, status=429)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if public:
                ratelimits.public_write_record(scope="booking", keys=keys)
            request.session["hall_booked"] = appointment.pk
            return redirect("hall:book_done", code=center.code)
    context.update({"form": form, "slots": slots})
    return render(request, "hall/book.html", context, status=400 if request.method == "POST" else 200)


def book_done(request: HttpRequest, code: str) -> HttpResponse:
    center = _public_center(code)
    appointment = (
        Appointment.objects.filter(pk=_pk(request.session.get("hall_booked")), center=center)
        .select_related("slot", "slot__window", "category")
        .first()
    )
    if appointment is None:
        return redirect("hall:book", code=center.code)
    return render(
        request,
        "hall/book_done.html",
        {"center": center, "appointment": appointment, "masked_phone": mask_phone(appointment.phone)},
    )


def booking(request: HttpRequest, code: str) -> HttpResponse:
    """Find one's booking by its number and the phone's last four digits, to cancel or change it."""
    center = _public_center(code)
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _lookup_blocked(center, form.cleaned_data["number"]):
            form.add_error(None, _("查询次数过多，请 15 分钟后再试，或致电大厅咨询。"))
        else:
            found = selectors.appointment_lookup(
                center=center, number=form.cleaned_data["number"], phone_tail=form.cleaned_data["phone_tail"]
            )
            if found is None:
                _lookup_failed(center, form.cleaned_data["number"])
                form.add_error(None, _("未找到该预约，请核对预约号和手机号码后四位。"))
            else:
                request.session["hall_booking"] = found.pk
                return redirect("hall:booking_manage", code=center.code)
    return render(
        request, "hall/booking.html", {"center": center, "form": form}, status=400 if request.method == "POST" else 200
    )


def booking_manage(request: HttpRequest, code: str) -> HttpResponse:
    center = _public_center(code)
    appointment = (
        Appointment.objects.filter(pk=_pk(request.session.get("hall_booking")), center=center)
        .select_related("slot", "slot__window", "category")
        .first()
    )
    if appointment is None:
        return redirect("hall:booking", code=center.code)
    slots = [
        s
        for s in selectors.bookable_slots(center=center, category=appointment.category)
        if s.pk != appointment.slot_id and s.remaining > 0
    ]
    change_form = ChangeForm(request.POST if request.POST.get("action") == "change" else None, slots=slots)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                services.appointment_cancel(appointment=appointment, actor=request.user, reason=_("本人网上取消"))
                messages.success(request, _("预约已取消。"))
                return redirect("hall:booking_manage", code=center.code)
            if request.POST.get("action") == "change" and change_form.is_valid():
                services.appointment_change(
                    appointment=appointment, slot=change_form.cleaned_data["slot"], actor=request.user
                )
                messages.success(request, _("预约时段已更改。"))
                return redirect("hall:booking_manage", code=center.code)
        except ValidationError as exc:
            add_service_errors(change_form, exc)
            error = " ".join(exc.messages)
    return render(
        request,
        "hall/booking_manage.html",
        {
            "center": center,
            "appointment": appointment,
            "masked_name": mask_name(appointment.name),
            "masked_phone": mask_phone(appointment.phone),
            "change_form": change_form,
            "slots": slots,
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )


def kiosk(request: HttpRequest, code: str) -> HttpResponse:
    """The touch kiosk: pick a category (and priority, if any), take a number."""
    center = _public_center(code)
    categories = selectors.active_categories(center=center)
    form = KioskForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_issue(
                center=center,
                category=form.cleaned_data["category"],
                priority=form.cleaned_data["priority"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(reverse("hall:ticket", args=[center.code, ticket.public_id]) + "?kiosk=1")
    waiting = {row.category.pk: row.waiting for row in selectors.queue_stats(center=center, day=timezone.localdate())}
    tiles = [(c, waiting.get(c.pk, 0)) for c in categories]
    return render(
        request,
        "hall/kiosk.html",
        {"center": center, "form": form, "tiles": tiles, "priorities": form.fields["priority"].choices},  # type: ignore[attr-defined]
        status=400 if request.method == "POST" else 200,
    )


def kiosk_checkin(request: HttpRequest, code: str) -> HttpResponse:
    """An applicant with a booking checks in at the kiosk and gets a priority ticket."""
    center = _public_center(code)
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _lookup_blocked(center, form.cleaned_data["number"]):
            form.add_error(None, _("查询次数过多，请到导办台由工作人员办理签到。"))
        else:
            found = selectors.appointment_lookup(
                center=center, number=form.cleaned_data["number"], phone_tail=form.cleaned_data["phone_tail"]
            )
            if found is None:
                _lookup_failed(center, form.cleaned_data["number"])
                form.add_error(None, _("未找到该预约，请核对预约号和手机号码后四位。"))
            else:
                try:
                    ticket = services.appointment_check_in(appointment=found, actor=request.user)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    return redirect(reverse("hall:ticket", args=[center.code, ticket.public_id]) + "?kiosk=1")
    return render(
        request,
        "hall/kiosk_checkin.html",
        {"center": center, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def ticket_receipt(request: HttpRequest, code: str, public_id: str) -> HttpResponse:
    center = _public_center(code)
    ticket = Ticket.objects.filter(center=center, public_id=public_id).select_related("category").first()
    if ticket is None:
        raise Http404
    return render(
        request,
        "hall/ticket.html",
        {
            "center": center,
            "ticket": ticket,
            "ahead": selectors.waiting_ahead(ticket) if ticket.status == Ticket.Status.WAITING else 0,
            "kiosk": request.GET.get("kiosk") == "1",
        },
    )


def _screen_center(code: str) -> OrgUnit:
    """Any public service hall has the screen, a community point too (its items and who is on duty; no queue)."""
    center = OrgUnit.objects.centers().filter(code=code, is_active=True).first()
    if center is None:
        raise Http404
    return center


def screen(request: HttpRequest, code: str) -> HttpResponse:
    """The hall screen (电子屏幕): the queue being called, who is on duty at each window, the public items."""
    center = _screen_center(code)
    return render(
        request,
        "hall/screen.html",
        {"center": center, "state": selectors.screen_state(center=center)},
    )


@never_cache
def screen_state(request: HttpRequest, code: str) -> JsonResponse:
    """What the hall screen polls every second: cached per center until the queue changes."""
    center = _screen_center(code)
    version = selectors.screen_version(center=center)
    minute = timezone.localtime().strftime("%H%M")  # the clock and "open now" move on even when the queue doesn't
    key = f"hall:screen:{center.pk}:{version}:{minute}"
    state = cache.get(key)
    if state is None:
        state = selectors.screen_state(center=center)
        state["version"] = f"{version}:{minute}"
        cache.set(key, state, timeout=90)
    return JsonResponse(state, json_dumps_params={"ensure_ascii": False})


def home_visit_request(request: HttpRequest, code: str) -> HttpResponse:
    center = _public_center(code)
    items = selectors.home_visit_items(center=center)
    form = HomeVisitRequestForm(request.POST or None, communities=selectors.communities_of(center=center), items=items)
    public = not request.user.is_authenticated
    if request.method == "POST" and form.is_valid():
        keys = [ratelimits.client_key(request), ratelimits.phone_key(form.cleaned_data["phone"])]
        try:
            if public:
                ratelimits.public_write_check(scope="home_visit", keys=keys)
            visit = services.home_visit_request(
                center=center,
                channel=HomeVisit.Channel.ONLINE,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                address=form.cleaned_data["address"],
                reason=form.cleaned_data["reason"],
                item=form.cleaned_data["item"],
                item_name=form.cleaned_data["item_name"],
                reason_detail=form.cleaned_data["reason_detail"],
                community=form.cleaned_data["community"],
                actor=request.user,
            )
        except ratelimits.PublicWriteLimited as exc:
            form.add_error(None, exc.messages)
            return render(request, "hall/home_visit_request.html", {"center": center, "form": form}, status=429)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if public:
                ratelimits.public_write_record(scope="home_visit", keys=keys)
            return render(request, "hall/home_visit_done.html", {"center": center, "visit": visit})
    return render(
        request,
        "hall/home_visit_request.html",
        {"center": center, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def card_pdf(request: HttpRequest, code: str, community: str) -> HttpResponse:
    """连心卡 of one community of the center, as a printable PDF."""
    center = _public_center(code)
    unit = selectors.communities_of(center=center).filter(code=community).first()
    if unit is None:
        raise Http404
    ext = selectors.extended_hours(
        center=center, first=timezone.localdate(), last=timezone.localdate() + dt.timedelta(days=27)
    )
    content = CardContent(
        community=unit.name,
        point_name=unit.display_hall_name,
        point_address=unit.address,
        point_phone=unit.phone,
        center_name=center.display_hall_name,
        center_address=center.address,
        center_phone=center.phone,
        office_hours=center.office_hours.describe(),
        extended_hours=describe_extended([(e.date, e.start, e.end) for e in ext]),
        complaint_phone=center.complaint_phone,
        url=request.build_absolute_uri(reverse("hall:public_center", args=[center.code])),
        staff=[CardPerson(s.name, s.job_title) for s in selectors.community_staff(community=unit)[:6]],
    )
    response = HttpResponse(lianxin_card_pdf(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="lianxinka-{unit.code}.pdf"'
    return response


# --- Staff: the hall's workbench ------------------------------------------------------------------------------


@staff_required(HALL_STAFF)
def staff_home(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    day = timezone.localdate()
    return render(
        request,
        "hall/staff_home.html",
        {
            "center": center,
            "centers": selectors.centers_for(user=request.user),
            "stats": selectors.queue_stats(center=center, day=day),
            "appointments": selectors.appointments_on(user=request.user, center=center, day=day)
            .values("status")
            .order_by(),
            "pending_visits": selectors.home_visits(user=request.user, status=HomeVisit.Status.REQUESTED).count(),
            "open_proxies": selectors.proxy_cases(user=request.user).filter(status=ProxyCase.Status.OPEN).count(),
            "sessions": selectors.sessions_on(center=center, day=day),
            "today": day,
            "is_manager": has_role(request.user, MANAGERS),
        },
    )


@staff_required(HALL_STAFF)
def counter(request: HttpRequest) -> HttpResponse:
    """A window's calling desk: call next, recall, start, finish, no-show, transfer, start the intake."""
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    windows = selectors.counter_windows(user=request.user, center=center)
    if not windows:
        return render(request, "hall/counter.html", {"center": center, "windows": [], "window": None})
    wanted = _pk(request.GET.get("window"))
    window = next((w for w in windows if w.pk == wanted), windows[0])
    return render(request, "hall/counter.html", _counter_context(request, center, windows, window))


def _counter_context(request: HttpRequest, center: OrgUnit, windows: list[Window], window: Window) -> dict[str, Any]:
    day = timezone.localdate()
    current = selectors.active_ticket(window=window, day=day)
    queue = selectors.window_queue(window=window, day=day)
    others = Window.objects.filter(center=center, is_active=True).exclude(pk=window.pk).order_by("number")
    return {
        "center": center,
        "windows": windows,
        "window": window,
        "current": current,
        "queue": list(queue[:30]),
        "queue_count": queue.count(),
        "transfer_form": TransferForm(windows=others),
        "intake_url": intake_url_for(current) if current else None,
        "cap": selectors.settings_for(center).priority_cap,
    }


def _counter_window(request: HttpRequest, window_id: int) -> Window:
    window = get_in_scope(Window.objects.select_related("center"), request.user, "center__path", pk=window_id)
    if window not in selectors.counter_windows(user=request.user, center=window.center):
        raise PermissionDenied(_("您不在该窗口岗位上，不能在此叫号。"))
    return window


@staff_required(HALL_STAFF)
def counter_queue(request: HttpRequest, window_id: int) -> HttpResponse:
    window = _counter_window(request, window_id)
    windows = selectors.counter_windows(user=request.user, center=window.center)
    return render(request, "hall/counter.html#queue", _counter_context(request, window.center, windows, window))


@require_POST
@staff_required(HALL_STAFF)
def counter_call(request: HttpRequest, window_id: int) -> HttpResponse:
    window = _counter_window(request, window_id)
    try:
        ticket = services.ticket_call_next(window=window, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if ticket is None:
            messages.info(request, _("当前没有等候的号。"))
        else:
            messages.success(request, _("已叫 %(number)s 号。") % {"number": ticket.number})
    return redirect(f"{reverse('hall:counter')}{_center_query(window.center)}&window={window.pk}")


TICKET_ACTIONS: dict[str, tuple[Callable[..., Ticket], Any]] = {
    "recall": (services.ticket_recall, gettext_lazy("已重呼 %(number)s 号。")),
    "start": (services.ticket_start, gettext_lazy("%(number)s 号开始办理。")),
    "finish": (services.ticket_finish, gettext_lazy("%(number)s 号已办结。")),
    "no_show": (services.ticket_no_show, gettext_lazy("%(number)s 号已标记过号。")),
}


@require_POST
@staff_required(HALL_STAFF)
def ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = selectors.ticket_in_scope(user=request.user, pk=pk)
    if ticket.window is None:
        messages.error(request, _("%(number)s 号当前不在任何窗口。") % {"number": ticket.number})
        return redirect("hall:counter")
    window = _counter_window(request, ticket.window.pk)
    back = f"{reverse('hall:counter')}{_center_query(window.center)}&window={window.pk}"
    try:
        if action == "transfer":
            others = Window.objects.filter(center=window.center, is_active=True).exclude(pk=window.pk)
            form = TransferForm(request.POST, windows=others)
            if not form.is_valid():
                messages.error(request, _("请选择要转至的窗口。"))
                return redirect(back)
            services.ticket_transfer(
                ticket=ticket,
                to_window=form.cleaned_data["to_window"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
            messages.success(
                request,
                _("%(number)s 号已转至 %(window)s 号窗口。")
                % {"number": ticket.number, "window": form.cleaned_data["to_window"].number},
            )
        elif action in TICKET_ACTIONS:
            service, message = TICKET_ACTIONS[action]
            service(ticket=ticket, actor=request.user)
            messages.success(request, str(message) % {"number": ticket.number})
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)


@staff_required(HALL_STAFF)
def tickets(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    day = _day(request)
    return render(
        request,
        "hall/tickets.html",
        {
            "center": center,
            "day": day,
            "tickets": selectors.tickets_on(user=request.user, center=center, day=day).order_by("issued_at", "id"),
            "stats": selectors.queue_stats(center=center, day=day),
        },
    )


# --- Staff: appointments and slots ---------------------------------------------------------------------------


@staff_required(HALL_STAFF)
def appointments(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    day = _day(request)
    return render(
        request,
        "hall/appointments.html",
        {
            "center": center,
            "day": day,
            "appointments": selectors.appointments_on(user=request.user, center=center, day=day).order_by(
                "slot__starts_at", "id"
            ),
            "is_today": day == timezone.localdate(),
        },
    )


@require_POST
@staff_required(HALL_STAFF)
def appointment_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.appointment_in_scope(user=request.user, pk=pk)
    try:
        ticket = services.appointment_check_in(appointment=appointment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s 已签到，优先号 %(number)s。") % {"name": appointment.name, "number": ticket.number},
        )
    return _back(request, reverse("hall:appointments"))


@require_POST
@staff_required(HALL_STAFF)
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.appointment_in_scope(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写取消原因。"))
    else:
        try:
            services.appointment_cancel(appointment=appointment, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("预约 %(number)s 已取消。") % {"number": appointment.number})
    return _back(request, reverse("hall:appointments"))


@staff_required(MANAGERS)
def slots(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    day = _day(request)
    rules = selectors.settings_for(center)
    categories = selectors.active_categories(center=center)
    windows = Window.objects.filter(center=center, is_active=True).order_by("number")
    action = request.POST.get("action")
    generate = GenerateSlotsForm(
        request.POST if action == "generate" else None,
        categories=categories,
        windows=windows,
        initial={
            "first": day,
            "last": day + dt.timedelta(days=6),
            "minutes": rules.slot_minutes,
            "capacity": rules.slot_capacity,
        },
    )
    block = BlockRangeForm(request.POST if action == "block" else None, initial={"day": day})
    status = 200
    if request.method == "POST":
        try:
            if action == "generate" and generate.is_valid():
                created = services.slots_generate(
                    center=center,
                    category=generate.cleaned_data["category"],
                    window=generate.cleaned_data["window"],
                    first=generate.cleaned_data["first"],
                    last=generate.cleaned_data["last"],
                    minutes=generate.cleaned_data["minutes"],
                    capacity=generate.cleaned_data["capacity"],
                    actor=request.user,
                )
                messages.success(request, _("已生成 %(count)s 个预约时段。") % {"count": created})
                return redirect(f"{reverse('hall:slots')}{_center_query(center)}&date={generate.cleaned_data['first']}")
            if action == "block" and block.is_valid():
                blocked, left = services.slots_block_range(
                    center=center,
                    day=block.cleaned_data["day"],
                    start=block.cleaned_data["start"],
                    end=block.cleaned_data["end"],
                    reason=block.cleaned_data["reason"],
                    actor=request.user,
                )
                note = _("已停约 %(blocked)s 个时段。") % {"blocked": blocked}
                if left:
                    note += _("另有 %(left)s 个时段已有预约，未停约，请联系预约人。") % {"left": left}
                messages.success(request, note)
                return redirect(f"{reverse('hall:slots')}{_center_query(center)}&date={block.cleaned_data['day']}")
        except ValidationError as exc:
            add_service_errors(generate if action == "generate" else block, exc)
        status = 400
    shown = categories.filter(pk=_pk(request.GET["category"])).first() if request.GET.get("category") else None
    slot_rows = selectors.slots_on(user=request.user, center=center, day=day).order_by(
        "starts_at", "category__sort_order", "window__number"
    )
    if shown is not None:
        slot_rows = slot_rows.filter(category=shown)
    return render(
        request,
        "hall/slots.html",
        {
            "center": center,
            "day": day,
            "slots": slot_rows,
            "categories": categories,
            "category": shown,
            "generate_form": generate,
            "block_form": block,
            "sessions": selectors.sessions_on(center=center, day=day),
        },
        status=status,
    )


@require_POST
@staff_required(MANAGERS)
def slot_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    slot = selectors.slot_in_scope(user=request.user, pk=pk)
    try:
        if slot.is_blocked:
            services.slot_unblock(slot=slot, actor=request.user)
            messages.success(request, _("该时段已恢复预约。"))
        else:
            form = ReasonForm(request.POST)
            services.slot_block(
                slot=slot, reason=form.data.get("reason", "") if form.is_bound else "", actor=request.user
            )
            messages.success(request, _("该时段已停约。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('hall:slots')}{_center_query(slot.center)}&date={slot.date}")


@staff_required(MANAGERS)
def extended_hours(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    form = ExtendedHoursForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extended_hours_add(center=center, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("延时服务时段已添加，可在“预约时段”中为其生成预约。"))
            return redirect(f"{reverse('hall:extended_hours')}{_center_query(center)}")
    today = timezone.localdate()
    return render(
        request,
        "hall/extended_hours.html",
        {
            "center": center,
            "form": form,
            "rows": selectors.extended_hours(center=center, first=today, last=today + dt.timedelta(days=90)),
            "remove_form": ReasonForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required(MANAGERS)
def extended_hours_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_in_scope(ExtendedHours.objects.select_related("center"), request.user, "center__path", pk=pk)
    form = ReasonForm(request.POST)
    try:
        services.extended_hours_remove(
            row=row, reason=form.cleaned_data["reason"] if form.is_valid() else "", actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("延时服务时段已撤销。"))
    return redirect(f"{reverse('hall:extended_hours')}{_center_query(row.center)}")


@staff_required(MANAGERS)
def hall_settings(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    form = HallSettingsForm(request.POST or None, instance=selectors.settings_for(center))
    if request.method == "POST" and form.is_valid():
        try:
            services.hall_settings_save(settings=form.save(commit=False), actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("大厅设置已保存。"))
            return redirect(f"{reverse('hall:settings')}{_center_query(center)}")
    return render(
        request,
        "hall/settings.html",
        {
            "center": center,
            "form": form,
            "categories": selectors.active_categories(center=center).prefetch_related("windows"),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Staff: home visits -------------------------------------------------------------------------------------


@staff_required(HALL_STAFF)
def home_visits(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in HomeVisit.Status.values:
        status = None
    return render(
        request,
        "hall/home_visits.html",
        {
            "visits": selectors.home_visits(user=request.user, status=status)[:200],
            "status": status,
            "statuses": HomeVisit.Status.choices,
        },
    )


@staff_required(HALL_STAFF)
def home_visit_new(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    staff = staff_of(request.user)
    own_community = staff.org_unit if staff and staff.org_unit.level == OrgUnit.Level.COMMUNITY else None
    form = HomeVisitForm(
        request.POST or None,
        communities=selectors.communities_of(center=center),
        items=selectors.home_visit_items(center=center),
        initial={
            "community": own_community,
            "channel": HomeVisit.Channel.POINT if own_community else HomeVisit.Channel.PHONE,
        },
    )
    public = not request.user.is_authenticated
    if request.method == "POST" and form.is_valid():
        keys = [ratelimits.client_key(request), ratelimits.phone_key(form.cleaned_data["phone"])]
        try:
            if public:
                ratelimits.public_write_check(scope="home_visit", keys=keys)
            visit = services.home_visit_request(center=center, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("上门服务申请已登记：%(number)s。") % {"number": visit.number})
            return redirect("hall:home_visit", pk=visit.pk)
    return render(
        request,
        "hall/home_visit_new.html",
        {"center": center, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_required(HALL_STAFF)
def home_visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.home_visit_in_scope(user=request.user, pk=pk)
    is_manager = has_role(request.user, MANAGERS)
    staff = staff_of(request.user)
    is_assignee = staff is not None and visit.assignees.filter(pk=staff.pk).exists()
    action = request.POST.get("action")
    assign = AssignForm(
        request.POST if action == "assign" else None,
        staff=selectors.staff_of_center(center=visit.center),
        initial={"assignees": list(visit.assignees.all()), "scheduled_at": visit.scheduled_at},
    )
    record = RecordForm(request.POST if action == "record" else None, initial={"visited_at": timezone.localtime()})
    cancel = ReasonForm(request.POST if action == "cancel" else None)
    status = 200
    if request.method == "POST":
        allowed = is_manager or (action == "record" and is_assignee)
        if not allowed:
            raise PermissionDenied(_("只有中心主任可以安排或取消上门服务；结果由上门人员或中心主任登记。"))
        forms_by_action = {"assign": assign, "record": record, "cancel": cancel}
        form = forms_by_action.get(action or "")
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "assign":
                    services.home_visit_assign(
                        visit=visit,
                        assignees=list(data["assignees"]),
                        scheduled_at=data["scheduled_at"],
                        note=data["note"],
                        actor=request.user,
                    )
                elif action == "record":
                    services.home_visit_record(
                        visit=visit,
                        outcome=data["outcome"],
                        note=data["outcome_note"],
                        visited_at=data["visited_at"],
                        case_number=data["case_number"],
                        actor=request.user,
                    )
                else:
                    services.home_visit_cancel(visit=visit, reason=data["reason"], actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("hall:home_visit", pk=visit.pk)
        status = 400
    return render(
        request,
        "hall/home_visit_detail.html",
        {
            "visit": visit,
            "masked_phone": mask_phone(visit.phone),
            "events": _event_rows(visit.events.select_related("actor__staff"), HomeVisit.Status),
            "assign": assign,
            "record": record,
            "cancel": cancel,
            "is_manager": is_manager,
            "can_record": is_manager or is_assignee,
        },
        status=status,
    )


# --- Staff: proxy register (代办) -----------------------------------------------------------------------------


@staff_required(HALL_STAFF)
def proxies(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in ProxyCase.Status.values:
        status = None
    return render(
        request,
        "hall/proxies.html",
        {
            "proxies": selectors.proxy_cases(user=request.user, status=status)[:200],
            "status": status,
            "statuses": ProxyCase.Status.choices,
        },
    )


@staff_required(HALL_STAFF)
def proxy_new(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    form = ProxyForm(
        request.POST or None,
        staff=selectors.staff_of_center(center=center),
        items=selectors.proxy_items(center=center),
        initial={"authorized_on": timezone.localdate(), "agent_staff": staff_of(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            staff = staff_of(request.user)
            point = staff.org_unit if staff and staff.org_unit.level == OrgUnit.Level.COMMUNITY else None
            proxy = services.proxy_register(center=center, community=point, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("代办已登记：%(number)s。") % {"number": proxy.number})
            return redirect("hall:proxy", pk=proxy.pk)
    return render(
        request,
        "hall/proxy_new.html",
        {"center": center, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_required(HALL_STAFF)
def proxy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proxy = selectors.proxy_in_scope(user=request.user, pk=pk)
    action = request.POST.get("action")
    link = LinkCaseForm(
        request.POST if action == "link" else None, initial={"case_number": proxy.case.number if proxy.case else ""}
    )
    advance = AdvanceForm(request.POST if action == "advance" else None)
    advance.fields["to_status"].choices = [  # type: ignore[attr-defined]
        (value, label) for value, label in ProxyCase.Status.choices if value in PROXY.targets(proxy.status)
    ]
    status = 200
    if request.method == "POST":
        form = link if action == "link" else advance
        if action not in ("link", "advance"):
            raise Http404
        if form.is_valid():
            try:
                if action == "link":
                    services.proxy_link_case(
                        proxy=proxy, case_number=form.cleaned_data["case_number"], actor=request.user
                    )
                else:
                    services.proxy_advance(
                        proxy=proxy,
                        to_status=form.cleaned_data["to_status"],
                        note=form.cleaned_data["note"],
                        actor=request.user,
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("hall:proxy", pk=proxy.pk)
        status = 400
    return render(
        request,
        "hall/proxy_detail.html",
        {
            "proxy": proxy,
            "masked_phone": mask_phone(proxy.applicant_phone),
            "progress_url": progress_url_for(request, proxy),
            "events": _event_rows(proxy.events.select_related("actor__staff"), ProxyCase.Status),
            "link": link,
            "advance": advance,
        },
        status=status,
    )


REVEALABLE = {
    # kind: (fetch in scope, encrypted field)
    "appointment": (selectors.appointment_in_scope, "phone"),
    "home-visit": (selectors.home_visit_in_scope, "phone"),
    "proxy": (selectors.proxy_in_scope, "applicant_phone"),
}


@require_POST
@staff_required(HALL_STAFF)
def reveal_phone(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The full phone number, for staff who must call the person back; each reveal is logged with its reason."""
    if kind not in REVEALABLE:
        raise Http404
    fetch, field = REVEALABLE[kind]
    target = fetch(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    value = ""
    if form.is_valid():
        try:
            value = personal_data_reveal(
                actor=request.user, target=target, field=field, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = {"value": value, "form": form, "kind": kind, "pk": pk}
    template = "hall/_reveal.html" if request.htmx else "hall/reveal.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=200 if value else 400)


@staff_required()
def cards(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    return render(
        request, "hall/cards.html", {"center": center, "communities": selectors.communities_of(center=center)}
    )
