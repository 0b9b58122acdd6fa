"""Org units, windows and the staff on duty at them (挂牌上岗): read-only, scoped like the pages."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from bianmin.api.errors import ERRORS
from bianmin.api.schemas import Code, Id
from bianmin.org import selectors
from bianmin.org.access import get_in_scope
from bianmin.org.models import OrgUnit, Post

router = Router(tags=["组织机构"])


class OrgUnitOut(Schema):
    code: str
    name: str
    short_name: str
    level: str
    level_label: str
    parent_code: str | None
    hall_kind: str
    hall_name: str | None
    address: str
    phone: str
    complaint_phone: str


class PostOut(Schema):
    kind: str
    staff_name: str
    job_title: str
    department: str | None
    valid_from: dt.date
    valid_to: dt.date | None


class WindowOut(Schema):
    id: int
    center_code: str
    number: int
    name: str
    business_scope: str
    departments: list[str]
    a_posts: list[PostOut]
    b_posts: list[PostOut]


def _unit(unit: OrgUnit) -> OrgUnitOut:
    return OrgUnitOut(
        code=unit.code,
        name=unit.name,
        short_name=unit.short_name,
        level=unit.level,
        level_label=str(unit.get_level_display()),
        parent_code=unit.parent.code if unit.parent else None,
        hall_kind=unit.hall_kind,
        hall_name=unit.display_hall_name if unit.hall_kind else None,
        address=unit.address,
        phone=unit.phone,
        complaint_phone=unit.complaint_phone,
    )


def _post(post: Post) -> PostOut:
    staff = post.staff
    return PostOut(
        kind=post.kind,
        staff_name=staff.name,
        job_title=staff.job_title,
        department=staff.department.name if staff.department else None,
        valid_from=post.valid_from,
        valid_to=post.valid_to,
    )


def _windows(center: OrgUnit, day: dt.date | None) -> list[WindowOut]:
    return [
        WindowOut(
            id=entry.window.pk,
            center_code=center.code,
            number=entry.window.number,
            name=entry.window.name,
            business_scope=entry.window.business_scope,
            departments=[d.name for d in entry.window.departments.all()],
            a_posts=[_post(p) for p in entry.a_posts],
            b_posts=[_post(p) for p in entry.b_posts],
        )
        for entry in selectors.windows_with_posts(center=center, day=day)
    ]


@router.get("/org-units", response={200: list[OrgUnitOut], **ERRORS}, summary="组织单位列表（本人可见范围）")
def org_unit_list(request: HttpRequest) -> list[OrgUnitOut]:
    units = selectors.org_units(user=request.user).select_related("parent")
    return [_unit(u) for u in units]


@router.get("/org-units/{code}", response={200: OrgUnitOut, **ERRORS}, summary="组织单位")
def org_unit_detail(request: HttpRequest, code: Code) -> OrgUnitOut:
    unit = get_in_scope(OrgUnit.objects.select_related("parent"), request.user, "path", code=code)
    return _unit(unit)


@router.get(
    "/org-units/{code}/windows",
    response={200: list[WindowOut], **ERRORS},
    summary="中心的窗口及在岗人员（A岗、B岗）",
)
def org_unit_windows(request: HttpRequest, code: Code, on: dt.date | None = None) -> list[WindowOut]:
    """Windows of a center with their A and B posts valid on `on` (default today); empty for a unit without hall."""
    unit = get_in_scope(OrgUnit.objects.all(), request.user, "path", code=code)
    if not unit.hall_kind:
        return []
    return _windows(unit, on)


@router.get("/windows/{window_id}", response={200: WindowOut, **ERRORS}, summary="窗口及在岗人员")
def window_detail(request: HttpRequest, window_id: Id, on: dt.date | None = None) -> WindowOut:
    window = selectors.window_in_scope(user=request.user, window_id=window_id)
    for entry in _windows(window.center, on):
        if entry.id == window.pk:
            return entry
    raise Http404  # an inactive window is not on the board
