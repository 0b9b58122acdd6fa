"""The seam to the cases app: a called ticket or a home visit starts an intake prefilled with what the hall already
knows; a proxy registration leads the applicant to its case's progress page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from bianmin.cases.models import Case
from bianmin.core.services import personal_data_reveal
from bianmin.hall import selectors, services
from bianmin.hall.models import HomeVisit, ProxyCase, Ticket


def intake_url_for(ticket: Ticket) -> str | None:
    """The intake screen of the ticket's item (or the item picker when the ticket names none), carrying the
    applicant's name; None when no cases app is installed."""
    try:
        url = reverse("cases:intake", args=[ticket.item_id]) if ticket.item_id else reverse("cases:intake_start")
    except NoReverseMatch:
        return None
    params = {"applicant_name": ticket.applicant_name} if ticket.applicant_name else {}
    return f"{url}?{urlencode(params)}" if params else url


def progress_url_for(request: HttpRequest, proxy: ProxyCase) -> str:
    """The public progress page of the proxy's case (for the applicant to follow it); empty until one is linked."""
    if proxy.case is None:
        return ""
    return request.build_absolute_uri(reverse("cases:progress_token", args=[proxy.case.public_token]))


def intake_url_for_visit(visit: HomeVisit) -> str | None:
    """The intake screen of the visit's item (or the item picker), carrying the visit: the applicant's name and phone
    come prefilled and the case is linked to the visit once accepted; None when no cases app is installed."""
    try:
        url = reverse("cases:intake", args=[visit.item_id]) if visit.item_id else reverse("cases:intake_start")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({HomeVisitIntake.param: visit.pk})}"


class HomeVisitIntake:
    """An intake source (settings.BIANMIN_INTAKE_SOURCES, see bianmin.cases.intake_sources): a scheduled home visit."""

    param = "home_visit"

    def _visit(self, request: HttpRequest, value: str) -> HomeVisit | None:
        if not value.isdigit():
            return None
        try:
            visit = selectors.home_visit_in_scope(user=request.user, pk=int(value))
        except Http404:
            return None
        return visit if visit.status == HomeVisit.Status.SCHEDULED else None

    def prefill(self, request: HttpRequest, center: Any, value: str) -> dict[str, str]:
        visit = self._visit(request, value)
        if visit is None or visit.center_id != center.pk:
            return {}
        # The phone is shown in full on the intake form: a reveal, logged like any other.
        phone = personal_data_reveal(
            actor=request.user, target=visit, field="phone", reason=_("上门受理，预填申请人信息")
        )
        return {"applicant_name": visit.name, "phone": phone}

    def accepted(self, request: HttpRequest, case: Case, value: str) -> None:
        visit = self._visit(request, value)
        if visit is None:
            raise ValidationError(_("未找到可关联的上门服务，请在上门服务登记结果时填写办件编号。"))
        services.home_visit_link_case(visit=visit, case=case, actor=request.user)

    def origins(self, case: Case) -> list[tuple[str, str]]:
        if not case.received_at_home:  # set whenever a visit is linked to the case: no visit to look for
            return []
        return [
            (_("上门服务 %(number)s") % {"number": number}, reverse("hall:home_visit", args=[pk]))
            for pk, number in HomeVisit.objects.filter(case=case).order_by("pk").values_list("pk", "number")
        ]


HOME_VISIT_INTAKE = HomeVisitIntake()
