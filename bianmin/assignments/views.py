from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.assignments import selectors, services
from bianmin.assignments.access import OVERSEERS
from bianmin.assignments.forms import (
    AssignedTaskForm,
    CompleteForm,
    ConfirmForm,
    ProgressForm,
    ReasonForm,
    TaskBoardFilter,
)
from bianmin.assignments.models import AssignedTask
from bianmin.core.forms import add_service_errors
from bianmin.org.access import MANAGERS, has_role, scope_filter, staff_required
from bianmin.org.models import OrgUnit, Staff, Window
from bianmin.org.selectors import user_center


def _page(request: HttpRequest, items: Any, per_page: int) -> Any:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@staff_required()
def task_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    tasks = selectors.my_tasks(user=request.user, include_finished=show_all)
    return render(
        request,
        "assignments/task_list.html",
        {"page": _page(request, tasks, 30), "show_all": show_all, "now": timezone.now()},
    )


@staff_required(OVERSEERS)
def task_board(request: HttpRequest) -> HttpResponse:
    form = TaskBoardFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    tasks = selectors.task_board(
        user=request.user, status=data.get("status", ""), overdue_only=bool(data.get("overdue"))
    )
    overdue = selectors.overdue_tasks(user=request.user).count()
    return render(
        request,
        "assignments/task_board.html",
        {
            "form": form,
            "page": _page(request, tasks, 50),
            "overdue": overdue,
            "now": timezone.now(),
            "can_create": has_role(request.user, MANAGERS),
        },
    )


def _task_form(request: HttpRequest) -> AssignedTaskForm:
    centers = scope_filter(OrgUnit.objects.centers().filter(is_active=True), request.user, "path")
    staff = scope_filter(
        Staff.objects.filter(is_active=True).select_related("org_unit"), request.user, "org_unit__path"
    ).order_by("org_unit__path", "name")
    windows = scope_filter(
        Window.objects.filter(is_active=True).select_related("center"), request.user, "center__path"
    ).order_by("center__path", "number")
    home = user_center(user=request.user)
    return AssignedTaskForm(
        request.POST or None,
        centers=centers,
        staff=staff,
        windows=windows,
        initial={
            "center": home.pk if home else None,
            "deadline_kind": AssignedTask.DeadlineKind.WORKING_DAYS,
            "deadline_days": 5,
        },
    )


@staff_required(MANAGERS)
def task_create(request: HttpRequest) -> HttpResponse:
    form = _task_form(request)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = services.assigned_task_create(
                    center=data["center"],
                    source=data["source"],
                    source_reference=data["source_reference"],
                    source_issuer=data["source_issuer"],
                    title=data["title"],
                    content=data["content"],
                    responsible_staff=data["responsible_staff"],
                    responsible_window=data["responsible_window"],
                    deadline_kind=data["deadline_kind"],
                    deadline_days=data["deadline_days"],
                    deadline_date=data["deadline_date"],
                    assigned_at=data["assigned_at"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("交办事项已登记，已通知责任人。"))
                return redirect("assignments:task_detail", task_id=task.pk)
        return render(request, "assignments/task_form.html", {"form": form}, status=400)
    return render(request, "assignments/task_form.html", {"form": form})


ACTIONS: dict[str, type[forms.Form]] = {
    "progress": ProgressForm,
    "complete": CompleteForm,
    "confirm": ConfirmForm,
    "return": ReasonForm,
    "cancel": ReasonForm,
}


def _detail(request: HttpRequest, task: AssignedTask, bound: dict[str, forms.Form], status: int = 200) -> HttpResponse:
    can_manage = selectors.can_manage_task(user=request.user, task=task)
    can_work = can_manage or selectors.is_responsible(user=request.user, task=task)
    action_forms = {name: bound.get(name) or form_class(prefix=name) for name, form_class in ACTIONS.items()}
    # An action refused for the task's state may no longer have its form on the page: say why at the top.
    refusals = [error for form in bound.values() for error in form.non_field_errors()]
    return render(
        request,
        "assignments/task_detail.html",
        {
            "task": task,
            "events": selectors.task_events(task=task),
            "forms": action_forms,
            "can_manage": can_manage,
            "can_work": can_work,
            "refusals": refusals,
            "now": timezone.now(),
        },
        status=status,
    )


@staff_required()
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_in_scope(user=request.user, task_id=task_id)
    return _detail(request, task, {})


@require_POST
@staff_required()
def task_action(request: HttpRequest, task_id: int, action: str) -> HttpResponse:
    task = selectors.task_in_scope(user=request.user, task_id=task_id)
    form_class = ACTIONS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "progress":
                services.assigned_task_progress(task=task, note=data["note"], actor=request.user)
                done = _("办理进展已登记。")
            elif action == "complete":
                services.assigned_task_complete(
                    task=task, submitted=data["submitted"], note=data["note"], actor=request.user
                )
                done = _("已报办结，等待中心主任确认。")
            elif action == "confirm":
                services.assigned_task_confirm(task=task, note=data["note"], actor=request.user)
                done = _("已确认办结。")
            elif action == "return":
                services.assigned_task_return(task=task, reason=data["reason"], actor=request.user)
                done = _("已退回责任人继续办理。")
            else:
                services.assigned_task_cancel(task=task, reason=data["reason"], actor=request.user)
                done = _("交办事项已撤销。")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("assignments:task_detail", task_id=task.pk)
    task.refresh_from_db()
    return _detail(request, task, {action: form}, status=400)
