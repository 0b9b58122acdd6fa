"""Published service items (read-only): what a center offers, with the materials of the current version."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from bianmin.api.errors import ERRORS
from bianmin.api.schemas import Code, SearchText
from bianmin.catalog.models import ItemVersion, Material, ServiceItem, Theme
from bianmin.catalog.selectors import published_items
from bianmin.org import selectors as org_selectors
from bianmin.org.models import OrgUnit

router = Router(tags=["服务事项"])


class ItemOut(Schema):
    code: str
    name: str
    item_type: str
    department: str
    mode: str
    mode_label: str
    promised_limit: int
    statutory_limit: int
    limit_unit: str
    is_free: bool
    version: int
    themes: list[str]


class ItemPage(Schema):
    count: int
    results: list[ItemOut]


class MaterialOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    form: str
    copies: int
    notes: str


class WindowRef(Schema):
    number: int
    name: str


class ItemDetailOut(ItemOut):
    description: str
    conditions: str
    legal_basis: str
    fee_standard: str
    fee_basis: str
    visits: int
    windows: list[WindowRef]
    materials: list[MaterialOut]


def _center(request: HttpRequest, code: str | None) -> OrgUnit:
    if code:
        try:
            return org_selectors.public_center(code=code)
        except OrgUnit.DoesNotExist as exc:
            raise Http404 from exc
    center = org_selectors.user_center(user=request.user) or org_selectors.default_center()
    if center is None:
        raise Http404
    return center


def _items(center: OrgUnit) -> Any:
    return (
        published_items(center=center)
        .select_related("department")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("sort_order", "code")))
        .order_by("code")
    )


def _item(item: ServiceItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "item_type": item.item_type,
        "department": item.department.name,
        "mode": item.default_mode,
        "mode_label": str(item.get_default_mode_display()),
        "promised_limit": item.promised_limit,
        "statutory_limit": item.statutory_limit,
        "limit_unit": item.limit_unit,
        "is_free": item.is_free,
        "version": item.version,
        "themes": [t.name for t in item.themes.all()],
    }


KIND_LABELS = dict(Material.Kind.choices)


@router.get("/items", response={200: ItemPage, **ERRORS}, summary="已公开的服务事项")
def item_list(
    request: HttpRequest,
    center: Code | None = None,
    q: SearchText | None = None,
    limit: Annotated[int, Field(ge=1, le=200)] = 50,
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0,
) -> ItemPage:
    """Items public at `center` (default: the user's own center), ordered by code; `q` searches names and materials."""
    items = _items(_center(request, center))
    if q and q.strip():
        term = q.strip()
        items = items.filter(Q(name__icontains=term) | Q(search_text__icontains=term) | Q(code=term))
    page = list(items[offset : offset + limit])
    return ItemPage(count=items.count(), results=[ItemOut(**_item(i)) for i in page])


@router.get("/items/{code}", response={200: ItemDetailOut, **ERRORS}, summary="服务事项（当前版本）")
def item_detail(request: HttpRequest, code: Code, center: Code | None = None) -> ItemDetailOut:
    item = _items(_center(request, center)).prefetch_related("windows").filter(code=code).first()
    if item is None:
        raise Http404
    version = ItemVersion.objects.filter(item=item, number=item.version).first()
    if version is None:
        raise Http404(_("事项尚无已发布版本。"))
    snapshot = version.snapshot
    return ItemDetailOut(
        **_item(item),
        description=item.description,
        conditions=snapshot.get("conditions", ""),
        legal_basis=snapshot.get("legal_basis", ""),
        fee_standard=snapshot.get("fee_standard", ""),
        fee_basis=snapshot.get("fee_basis", ""),
        visits=snapshot.get("visits", item.visits),
        windows=[WindowRef(number=w.number, name=w.name) for w in item.windows.all()],
        materials=[
            MaterialOut(
                id=m["id"],
                name=m["name"],
                kind=m["kind"],
                kind_label=str(KIND_LABELS.get(m["kind"], m["kind"])),
                form=m.get("form", ""),
                copies=m.get("copies", 1),
                notes=m.get("notes", ""),
            )
            for m in version.materials
        ],
    )
