"""Open311 GeoReport v2 at /open311/v2/: the catalog as services, online applications (网上申报) as requests.

`jurisdiction_id` is a center's code; without it the deployment's default center answers. Every error answers in
the specification's shape (`[{"code": 400, "description": "…"}]` or `<errors><error>…`), never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from bianmin.api.georeport import Open311Error, clean_text, error_response, respond
from bianmin.catalog.models import ItemVersion, Material, ServiceItem, Theme
from bianmin.catalog.selectors import published_items
from bianmin.org import selectors as org_selectors
from bianmin.org.models import OrgUnit

View = Callable[..., HttpResponse]

RESIDENT_ID = "resident_id"
MATERIALS = "materials"
NOTICE = "notice"


def open311_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    """Method check, and every Open311Error as the specification's error document in the requested format."""

    def decorator(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str = "json", **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                error = Open311Error(405, _("该地址不支持 %(method)s 请求。") % {"method": request.method})
                response = error_response(fmt, [error])
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, [exc])

        return wrapper

    return decorator


def params_of(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else request.GET


def jurisdiction(request: HttpRequest) -> OrgUnit:
    code = clean_text(params_of(request), "jurisdiction_id", max_length=32)
    if not code:
        center = org_selectors.default_center()
        if center is None:
            raise Open311Error(404, _("本系统尚未设置服务中心。"))
        return center
    try:
        return org_selectors.public_center(code=code)
    except OrgUnit.DoesNotExist as exc:
        raise Open311Error(404, _("未找到 jurisdiction_id 为“%(code)s”的服务中心。") % {"code": code}) from exc


def services_of(center: OrgUnit) -> QuerySet[ServiceItem]:
    return (
        published_items(center=center)
        .select_related("department")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("sort_order", "code")))
        .order_by("code")
    )


def service_record(item: ServiceItem) -> dict[str, Any]:
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": item.description or None,
        "metadata": True,
        # The case number is answered at once (with a token as well).
        "type": "realtime",
        "keywords": ",".join(t.name for t in item.themes.all()) or None,
        "group": item.department.name,
    }


FORM_LABELS = dict(Material.Form.choices)
KIND_LABELS = dict(Material.Kind.choices)


def material_label(material: dict[str, Any]) -> str:
    parts = [str(KIND_LABELS.get(material.get("kind", ""), "")), str(FORM_LABELS.get(material.get("form", ""), ""))]
    copies = material.get("copies") or 1
    if copies > 1:
        parts.append(_("%(n)s 份") % {"n": copies})
    detail = "，".join(p for p in parts if p)
    return f"{material['name']}（{detail}）" if detail else material["name"]


def item_notice(item: ServiceItem, version: ItemVersion) -> str:
    snapshot = version.snapshot
    unit = _("个工作日") if snapshot.get("limit_unit") == "working" else _("日")
    lines = []
    if snapshot.get("conditions"):
        lines.append(_("受理条件：%(text)s") % {"text": snapshot["conditions"]})
    if snapshot.get("promised_limit"):
        lines.append(_("承诺时限：%(n)s%(unit)s。") % {"n": snapshot["promised_limit"], "unit": unit})
    if snapshot.get("is_free", True):
        lines.append(_("收费：不收费。"))
    else:
        lines.append(_("收费标准：%(text)s") % {"text": snapshot.get("fee_standard", "")})
    lines.append(_("网上申报经预审后，请按预审意见携带材料原件到窗口办理。"))
    return "\n".join(lines)


def definition_record(item: ServiceItem, version: ItemVersion) -> dict[str, Any]:
    attributes: list[dict[str, Any]] = [
        {
            "variable": False,
            "code": NOTICE,
            "datatype": "text",
            "required": False,
            "datatype_description": None,
            "order": 1,
            "description": item_notice(item, version),
        },
        {
            "variable": True,
            "code": RESIDENT_ID,
            "datatype": "string",
            "required": True,
            "datatype_description": _("18 位公民身份号码，末位可为 X。"),
            "order": 2,
            "description": _("申请人的公民身份号码"),
        },
    ]
    materials = version.materials
    if materials:
        attributes.append(
            {
                "variable": True,
                "code": MATERIALS,
                "datatype": "multivaluelist",
                "required": False,
                "datatype_description": _("勾选已备齐的材料；未勾选的材料将在回执中一次性告知。"),
                "order": 3,
                "description": _("已备齐的申请材料"),
                "values": [{"key": str(m["id"]), "name": material_label(m)} for m in materials],
            }
        )
    return {"service_code": item.code, "attributes": attributes}


@open311_view(("GET", "HEAD"))
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    center = jurisdiction(request)
    records = [service_record(item) for item in services_of(center)]
    return respond(fmt, records, root="services", child="service")


def service_and_version(center: OrgUnit, code: str) -> tuple[ServiceItem, ItemVersion] | None:
    item = services_of(center).filter(code=code).first()
    if item is None:
        return None
    version = ItemVersion.objects.filter(item=item, number=item.version).first()
    return (item, version) if version is not None else None


@open311_view(("GET", "HEAD"))
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    center = jurisdiction(request)
    found = service_and_version(center, code) if "\x00" not in code else None
    if found is None:
        raise Open311Error(404, _("未找到 service_code 为“%(code)s”的服务事项。") % {"code": code[:100]})
    return respond(fmt, definition_record(*found), root="service_definition", child=None)


@csrf_exempt
def not_found(request: HttpRequest, fmt: str = "json") -> HttpResponse:
    return error_response(fmt, [Open311Error(404, _("Open311 地址不存在。请使用 services、requests 或 tokens。"))])
