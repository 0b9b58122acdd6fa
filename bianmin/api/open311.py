"""Open311 GeoReport v2 at /open311/v2/: the catalog as services, online applications (网上申报) as requests.

`jurisdiction_id` is a center's code; without it the deployment's default center answers. Every error answers in
the specification's shape (`[{"code": 400, "description": "…"}]` or `<errors><error>…`), never a 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from bianmin.api.georeport import (
    Open311Error,
    attributes,
    bad_request,
    clean_datetime,
    clean_float,
    clean_text,
    error_response,
    respond,
)
from bianmin.api.materials import material_label
from bianmin.api.models import OnlineApplication, Open311Client
from bianmin.api.pagination import decode_cursor, encode_cursor
from bianmin.api.progress import online_applications, public_records
from bianmin.api.selectors import open311_client_by_key
from bianmin.api.services import credential_touch, open311_request_submit
from bianmin.cases.models import FINAL_STATUSES
from bianmin.cases.services import OnlineApplicant
from bianmin.catalog.models import ItemVersion, ServiceItem, Theme
from bianmin.catalog.selectors import published_items
from bianmin.core import ratelimits
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
    """The query string, and for POST the form fields over it (some clients put POST arguments in the query)."""
    if request.method != "POST":
        return request.GET
    params = request.GET.copy()
    for key, values in request.POST.lists():
        params.setlist(key, values)
    return params


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


# --- requests -------------------------------------------------------------------------------------------------

MAX_RANGE = dt.timedelta(days=90)
MAX_REQUESTS = 1000
PAGE_SIZE = 100
MAX_IDS = 200


def _client(request: HttpRequest) -> Open311Client:
    key = params_of(request).get("api_key") or ""
    client = open311_client_by_key(key) if isinstance(key, str) else None
    if client is None:
        message = _("缺少 api_key，不能提交申报。") if not key else _("api_key 无效或已吊销，不能提交申报。")
        raise Open311Error(403, message)
    credential_touch(client)
    return client


def _location(params: Any) -> dict[str, Any]:
    address_string = clean_text(params, "address_string", max_length=300)
    address_id = clean_text(params, "address_id", max_length=100)
    lat = clean_float(params, "lat", low=-90, high=90)
    long = clean_float(params, "long", low=-180, high=180)
    if (lat is None) != (long is None):
        raise bad_request(_("lat 与 long 须同时提供。"))
    if not address_string and not address_id and lat is None:
        raise bad_request(_("缺少位置信息：请提供 address_string、lat 和 long，或 address_id 之一。"))
    return {"address_string": address_string, "address_id": address_id, "lat": lat, "long": long}


def _has_materials(values: list[str]) -> list[int]:
    found = []
    for value in values:
        if not value.isdigit() or len(value) > 18:
            raise bad_request(_("属性 materials 的取值“%(value)s”无效。") % {"value": value[:40]})
        found.append(int(value))
    return found


def _errors_of(exc: ValidationError) -> list[Open311Error]:
    names = {"id_number": f"attribute[{RESIDENT_ID}]", "materials": f"attribute[{MATERIALS}]"}
    if hasattr(exc, "error_dict"):
        return [
            bad_request(f"{names.get(field, field)}：{message}")
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [bad_request(message) for message in exc.messages]


def request_submit(request: HttpRequest, fmt: str) -> HttpResponse:
    client = _client(request)
    keys = [f"open311:{client.pk}"]
    try:
        ratelimits.public_write_check(scope="open311", keys=keys)
    except ratelimits.PublicWriteLimited as exc:
        raise Open311Error(429, exc.messages[0]) from exc
    center = jurisdiction(request)
    params = params_of(request)
    code = clean_text(params, "service_code", max_length=100)
    if not code:
        raise bad_request(_("缺少必填参数 service_code。"))
    found = service_and_version(center, code)
    if found is None:
        raise bad_request(_("service_code“%(code)s”不是本中心公开的服务事项。") % {"code": code})
    item, _version = found
    location = _location(params)
    description = clean_text(params, "description", max_length=4000)
    email = clean_text(params, "email", max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise bad_request(_("参数 email 不是有效的电子邮箱地址。")) from exc
    name = clean_text(params, "last_name", max_length=50) + clean_text(params, "first_name", max_length=50)
    attrs = attributes(params)
    resident_id = (attrs.get(RESIDENT_ID) or [""])[0]
    if not resident_id:
        raise bad_request(_("缺少必填属性 attribute[%(code)s]（申请人公民身份号码）。") % {"code": RESIDENT_ID})
    try:
        application = open311_request_submit(
            client=client,
            center=center,
            item=item,
            applicant=OnlineApplicant(
                id_number=resident_id[:40], name=name, phone=clean_text(params, "phone", max_length=40)
            ),
            has=_has_materials(attrs.get(MATERIALS, [])),
            description=description,
            email=email,
            device_id=clean_text(params, "device_id", max_length=100),
            account_id=clean_text(params, "account_id", max_length=100),
            **location,
        )
    except ValidationError as exc:
        raise Open311Error(400, "；".join(e.description for e in _errors_of(exc))) from exc
    ratelimits.public_write_record(scope="open311", keys=keys)
    record = {
        "service_request_id": application.case.number,
        "token": application.token,
        "service_notice": application.service_notice,
    }
    if application.account_id:
        record["account_id"] = application.account_id
    return respond(fmt, [record], root="service_requests", child="request")


def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    center = jurisdiction(request)
    params = request.GET
    qs = online_applications(center=center)
    ids = clean_text(params, "service_request_id", max_length=MAX_IDS * 30)
    if ids:
        wanted = [i.strip() for i in ids.split(",") if i.strip()][:MAX_IDS]
        qs = qs.filter(case__number__in=wanted)
    else:
        code = clean_text(params, "service_code", max_length=100)
        if code:
            qs = qs.filter(case__item__code=code)
        start = clean_datetime(params, "start_date")
        end = clean_datetime(params, "end_date")
        if start and end and end < start:
            raise bad_request(_("end_date 不能早于 start_date。"))
        if start and end and end - start > MAX_RANGE:
            raise bad_request(_("start_date 与 end_date 相隔不能超过 90 天。"))
        if end is None:
            end = min(timezone.now(), start + MAX_RANGE) if start else timezone.now()
        if start is None:
            start = end - MAX_RANGE
        qs = qs.filter(case__received_at__gte=start, case__received_at__lte=end)
        statuses = {s.strip() for s in clean_text(params, "status", max_length=40).split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise bad_request(_("参数 status 只能为 open 或 closed。"))
        if statuses == {"open"}:
            qs = qs.exclude(case__status__in=FINAL_STATUSES)
        elif statuses == {"closed"}:
            qs = qs.filter(case__status__in=FINAL_STATUSES)
    size = _page_size(params)
    # Keyset pages on the case's (received_at, id): the center's cases index (`center`, `received_at`) walked
    # backwards, the application probed by its case; a page costs the same at the first and the last.
    after = decode_cursor(clean_text(params, "cursor", max_length=200), as_date=False)
    if after is not None:
        moment, pk = after
        qs = qs.filter(Q(case__received_at__lt=moment) | Q(case__received_at=moment, case_id__lt=pk))
    page = list(qs.order_by("-case__received_at", "-case_id")[: size + 1])
    more = len(page) > size
    page = page[:size]
    response = respond(fmt, public_records(page, center), root="service_requests", child="request")
    if more:
        last = page[-1].case
        following = params.copy()
        following["cursor"] = encode_cursor(last.received_at, last.pk)
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{following.urlencode()}>; rel="next"'
    return response


def _page_size(params: Any) -> int:
    """`page_size` (an extension: GeoReport v2 allows at most 1000 records a response); the next page's address is
    in the `Link` header (`rel="next"`), since the body is the specification's bare list."""
    raw = clean_text(params, "page_size", max_length=10)
    if not raw:
        return min(PAGE_SIZE, MAX_REQUESTS)
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_REQUESTS:
        raise bad_request(_("参数 page_size 须为 1 至 %(n)s 之间的整数。") % {"n": MAX_REQUESTS})
    return int(raw)


@open311_view(("GET", "HEAD", "POST"))
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return request_submit(request, fmt)
    return request_list(request, fmt)


@open311_view(("GET", "HEAD"))
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    center = jurisdiction(request)
    application = None
    if "\x00" not in request_id and len(request_id) <= 40:
        application = online_applications(center=center).filter(case__number=request_id).first()
    if application is None:
        raise Open311Error(404, _("未找到编号为“%(id)s”的申报。") % {"id": request_id[:40]})
    return respond(fmt, public_records([application], center), root="service_requests", child="request")


@open311_view(("GET", "HEAD"))
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    center = jurisdiction(request)
    application = None
    if "\x00" not in token and len(token) <= 32:
        application = OnlineApplication.objects.filter(token=token, case__center=center).select_related("case").first()
    if application is None:
        raise Open311Error(404, _("未找到该回执令牌（token）。"))
    record = {"service_request_id": application.case.number, "token": application.token}
    return respond(fmt, [record], root="service_requests", child="request")
