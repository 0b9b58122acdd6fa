"""Staff: the proxy register (代办)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.forms import add_service_errors
from bianmin.core.personal_data import mask_phone
from bianmin.core.services import personal_data_viewed
from bianmin.hall import selectors, services
from bianmin.hall.access import HALL_STAFF
from bianmin.hall.forms import (
    AdvanceForm,
    LinkCaseForm,
    ProxyForm,
)
from bianmin.hall.intake import progress_url_for
from bianmin.hall.models import ProxyCase
from bianmin.hall.views.common import event_rows
from bianmin.hall.workflow import PROXY
from bianmin.org.access import staff_of, staff_required
from bianmin.org.models import OrgUnit

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
    if request.method == "GET":
        personal_data_viewed(actor=request.user, target=proxy)  # the page shows the applicant: logged
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
            "events": event_rows(proxy.events.select_related("actor__staff"), ProxyCase.Status),
            "link": link,
            "advance": advance,
        },
        status=status,
    )
