"""连心卡: the staff list of communities and each community's printable card."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from bianmin.core.downloads import PDF, file_response
from bianmin.hall import selectors
from bianmin.hall.cards import CardContent, CardPerson, describe_extended, lianxin_card_pdf
from bianmin.hall.views.common import public_center_or_404
from bianmin.org.access import staff_required


def card_pdf(request: HttpRequest, code: str, community: str) -> HttpResponse:
    """连心卡 of one community of the center, as a printable PDF."""
    center = public_center_or_404(code)
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
    return file_response(lianxin_card_pdf(content), filename=f"连心卡-{unit.name}.pdf", content_type=PDF, inline=True)


@staff_required()
def cards(request: HttpRequest) -> HttpResponse:
    center = selectors.center_for(user=request.user, code=request.GET.get("center"))
    return render(
        request, "hall/cards.html", {"center": center, "communities": selectors.communities_of(center=center)}
    )
