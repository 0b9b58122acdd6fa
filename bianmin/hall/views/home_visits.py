"""Staff: home visits (上门服务)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core import ratelimits
from bianmin.core.forms import add_service_errors
from bianmin.core.personal_data import mask_phone
from bianmin.core.services import personal_data_viewed
from bianmin.hall import selectors, services
from bianmin.hall.access import HALL_STAFF, INTAKE_ROLES
from bianmin.hall.forms import (
    AssignForm,
    HomeVisitForm,
    ReasonForm,
    RecordForm,
)
from bianmin.hall.intake import intake_url_for_visit
from bianmin.hall.models import HomeVisit
from bianmin.hall.views.common import event_rows
from bianmin.org.access import MANAGERS, has_role, staff_of, staff_required
from bianmin.org.models import OrgUnit

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
    if request.method == "GET":
        personal_data_viewed(actor=request.user, target=visit)  # the page shows the resident: logged
    is_manager = has_role(request.user, MANAGERS)
    staff = staff_of(request.user)
    is_assignee = staff is not None and visit.assignees.filter(pk=staff.pk).exists()
    action = request.POST.get("action")
    assign = AssignForm(
        request.POST if action == "assign" else None,
        staff=selectors.staff_of_center(center=visit.center),
        initial={"assignees": list(visit.assignees.all()), "scheduled_at": visit.scheduled_at},
    )
    record = RecordForm(
        request.POST if action == "record" else None,
        initial={"visited_at": timezone.localtime()}
        | (
            {"outcome": HomeVisit.Outcome.CASE_STARTED, "case_number": visit.case.number}
            if visit.case is not None
            else {}
        ),
    )
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
            "events": event_rows(visit.events.select_related("actor__staff"), HomeVisit.Status),
            "assign": assign,
            "record": record,
            "cancel": cancel,
            "is_manager": is_manager,
            "can_record": is_manager or is_assignee,
            # "受理" on the visit: the intake prefilled from it, for those sent (or the director) who accept cases.
            "intake_url": intake_url_for_visit(visit)
            if visit.status == HomeVisit.Status.SCHEDULED
            and visit.case is None
            and (is_manager or is_assignee)
            and has_role(request.user, INTAKE_ROLES)
            else None,
        },
        status=status,
    )
