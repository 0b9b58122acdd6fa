"""Public pages: hours, booking and its lookup, the kiosk, tickets, home-visit requests."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core import ratelimits
from bianmin.core.forms import add_service_errors
from bianmin.core.personal_data import mask_name, mask_phone
from bianmin.hall import selectors, services
from bianmin.hall.access import HALL_STAFF
from bianmin.hall.forms import (
    BookingForm,
    ChangeForm,
    HomeVisitRequestForm,
    KioskForm,
    LookupForm,
)
from bianmin.hall.models import Appointment, HomeVisit, Ticket
from bianmin.hall.views.common import pk_or_zero, public_center_or_404
from bianmin.org.access import has_role
from bianmin.org.models import OrgUnit
from bianmin.org.selectors import default_center

# --- Public pages ---------------------------------------------------------------------------------------------

LOOKUP_LIMIT = 10
LOOKUP_WINDOW_SECONDS = 15 * 60


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


def public_index(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The hall's public page: when it is open (office hours and 延时服务) and its special services."""
    if code is None:
        center = default_center()
        if center is None:
            raise Http404
        if center.hall_kind in selectors.HALL_KINDS:
            return redirect("hall:public_center", code=center.code)
    center = public_center_or_404(code or "")
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
    center = public_center_or_404(code)
    categories = selectors.active_categories(center=center)
    category = categories.filter(pk=pk_or_zero(request.GET.get("category"))).first()
    # From the item guide's 预约办理 link: the item chosen, its category found.
    item_id = pk_or_zero(request.GET.get("item"))
    item_id = item_id if 0 < item_id < 2**31 else 0
    if category is None and item_id:
        category = selectors.category_for_item(center=center, item_id=item_id)
    rules = selectors.settings_for(center)
    context: dict[str, Any] = {"center": center, "categories": categories, "category": category, "rules": rules}
    if category is None:
        return render(request, "hall/book.html", context)
    items = selectors.items_for_category(center=center, category=category)
    slots = selectors.bookable_slots(center=center, category=category)
    initial = {"item": item_id} if item_id and items.filter(pk=item_id).exists() else {}
    form = BookingForm(request.POST or None, items=items, slots=slots, initial=initial)
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
            add_service_errors(form, exc)
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
    center = public_center_or_404(code)
    appointment = (
        Appointment.objects.filter(pk=pk_or_zero(request.session.get("hall_booked")), center=center)
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
    center = public_center_or_404(code)
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
    center = public_center_or_404(code)
    appointment = (
        Appointment.objects.filter(pk=pk_or_zero(request.session.get("hall_booking")), center=center)
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
            "cancel_reason": selectors.appointment_cancel_reason(appointment),
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
    center = public_center_or_404(code)
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
    center = public_center_or_404(code)
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
    center = public_center_or_404(code)
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


def home_visit_request(request: HttpRequest, code: str) -> HttpResponse:
    center = public_center_or_404(code)
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
            add_service_errors(form, exc)
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
