"""Staff: appointments, slots, extended hours and the hall's settings."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.core.forms import add_service_errors
from bianmin.core.services import personal_data_viewed
from bianmin.hall import selectors, services
from bianmin.hall.access import HALL_STAFF
from bianmin.hall.forms import (
    BlockRangeForm,
    ExtendedHoursForm,
    GenerateSlotsForm,
    HallSettingsForm,
    ReasonForm,
)
from bianmin.hall.views.common import center_query, day_from_query, pk_or_zero, redirect_back
from bianmin.org.access import MANAGERS, get_in_scope, staff_required
from bianmin.org.models import ExtendedHours, Window

# --- Staff: appointments and slots ---------------------------------------------------------------------------


@staff_required(HALL_STAFF)
def appointments(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    day = day_from_query(request)
    personal_data_viewed(actor=request.user, target=center)  # the day's bookings show names and phones: logged
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
    return redirect_back(request, reverse("hall:appointments"))


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
    return redirect_back(request, reverse("hall:appointments"))


@staff_required(MANAGERS)
def slots(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    day = day_from_query(request)
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
                return redirect(f"{reverse('hall:slots')}{center_query(center)}&date={generate.cleaned_data['first']}")
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
                return redirect(f"{reverse('hall:slots')}{center_query(center)}&date={block.cleaned_data['day']}")
        except ValidationError as exc:
            add_service_errors(generate if action == "generate" else block, exc)
        status = 400
    shown = categories.filter(pk=pk_or_zero(request.GET["category"])).first() if request.GET.get("category") else None
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
    return redirect(f"{reverse('hall:slots')}{center_query(slot.center)}&date={slot.date}")


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
            return redirect(f"{reverse('hall:extended_hours')}{center_query(center)}")
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
    return redirect(f"{reverse('hall:extended_hours')}{center_query(row.center)}")


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
            return redirect(f"{reverse('hall:settings')}{center_query(center)}")
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
