"""Online applications (网上申报) and the window's pre-review."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.models import (
    ApplicantKind,
    Case,
    CaseMaterial,
    Custody,
    Status,
)
from bianmin.cases.services._common import (
    _event,
    _lock,
    _materials,
    _number,
    _returns_original,
    _staff,
    _take_in,
    applicant_index,
)
from bianmin.cases.services.supplement import PREREVIEW_VERB
from bianmin.cases.timeline import Verb
from bianmin.cases.workflow import CaseStateError, move
from bianmin.catalog.models import ItemVersion, Material, ServiceItem
from bianmin.catalog.selectors import published_items
from bianmin.core.identifiers import clean_phone, clean_resident_id
from bianmin.core.numbering import format_serial
from bianmin.org.access import in_scope
from bianmin.org.models import OrgUnit, Post, Window

# --- online applications (网上申报) and pre-review ------------------------------------------------------------


@dataclass(frozen=True)
class OnlineApplicant:
    id_number: str
    name: str = ""
    phone: str = ""


@transaction.atomic
def case_submit_online(
    *, center: OrgUnit, item: ServiceItem, applicant: OnlineApplicant, has: Iterable[int], actor: Any = None
) -> Case:
    """An application submitted online for pre-review: numbered at once, the materials the applicant says they have
    noted (not yet presented: originals are checked at the window)."""
    if not published_items(center=center).filter(pk=item.pk).exists():
        raise ValidationError({"service_code": [_("该事项未在本中心公开，不能申报。")]})
    version = ItemVersion.objects.get(item=item, number=item.version)
    errors: dict[str, list[str]] = {}
    id_number = ""
    try:
        id_number = clean_resident_id(applicant.id_number)
    except ValidationError as exc:
        errors["id_number"] = list(exc.messages)
    phone = ""
    if applicant.phone.strip():
        try:
            phone = clean_phone(applicant.phone)
        except ValidationError as exc:
            errors["phone"] = list(exc.messages)
    name = " ".join(applicant.name.split())
    if len(name) > 100:
        errors["name"] = [_("申请人姓名过长。")]
    checklist = version.materials
    has_ids = set(has)
    if has_ids - {m["id"] for m in checklist}:
        errors["materials"] = [_("勾选的材料不在本事项的材料清单中。")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    year, serial = _number(center, "case", now)
    snapshot = version.snapshot
    case = Case.objects.create(
        number=format_serial(prefix=f"{center.code}-", year=year, value=serial),
        year=year,
        serial=serial,
        center=center,
        item=item,
        item_version=version,
        item_name=snapshot.get("name", item.name),
        mode=snapshot.get("mode", item.default_mode),
        status=Status.SUBMITTED,
        submitted_online=True,
        applicant_kind=ApplicantKind.PERSON,
        applicant_name=name,
        applicant_id_number=id_number,
        applicant_id_index=applicant_index(id_number),
        applicant_phone=phone,
        phone_tail=phone[-4:],
        received_at=now,
        limit_days=int(snapshot.get("promised_limit") or 0),
        limit_unit=snapshot.get("limit_unit") or "working",
        public_token=secrets.token_urlsafe(16),
    )
    CaseMaterial.objects.bulk_create(
        CaseMaterial(
            case=case,
            material_id=m["id"],
            name=m["name"],
            kind=m["kind"],
            required_form=m.get("form", ""),
            sort_order=order,
        )
        for order, m in enumerate(checklist)
    )
    _event(
        case,
        actor,
        Verb.SUBMIT_ONLINE,
        to_state=Status.SUBMITTED,
        data={
            "has": [m["name"] for m in checklist if m["id"] in has_ids],
            "to_bring": [m["name"] for m in checklist if m["id"] not in has_ids],
        },
    )
    return case


@transaction.atomic
def case_prereview(*, case: Case, actor: Any, window: Window, supplement: Sequence[str] = (), note: str = "") -> Case:
    """网上预审: tell the online applicant once which window to come to and what to bring (the originals, and any
    supplement named here); the case then waits at that window as a received case."""
    staff = _staff(actor)
    case = _lock(case)
    if not in_scope(actor, case.center):
        raise ValidationError(_("只能预审本人所在中心的网上申报。"))
    if window.center_id != case.center_id or not window.is_active:
        raise ValidationError({"window": [_("请选择本中心在用的窗口。")]})
    items = list(dict.fromkeys(" ".join(s.split())[:200] for s in supplement if s.strip()))
    note = note.strip()[:500]
    materials = _materials(case)
    listed = {m.name for m in materials}
    # What the reviewer adds beyond the catalog becomes part of the case's checklist, so the window can check it.
    added = [
        CaseMaterial(case=case, material_id=None, name=name, kind=Material.Kind.GENERAL, sort_order=len(materials) + n)
        for n, name in enumerate(i for i in items if i not in listed)
    ]
    CaseMaterial.objects.bulk_create(added)
    previous = move(case, Status.RECEIVED, _("预审"))
    post = Post.objects.active_on(timezone.localdate()).filter(window=window, kind=Post.Kind.A).first()
    case.window = window
    case.received_by = staff
    case.assignee = post.staff if post is not None else staff
    case.save()
    _event(
        case,
        actor,
        PREREVIEW_VERB,
        from_state=previous,
        to_state=case.status,
        note=note,
        data={
            "outcome": "supplement" if items else "complete",
            "window": window.number,
            "window_name": window.name,
            "supplement": items,
            # The one-time notification as the applicant read it: the first notice of this case.
            "notified": [{"material_id": m.material_id, "name": m.name} for m in [*materials, *added]],
        },
    )
    return case


@transaction.atomic
def case_materials_present(
    *,
    case: Case,
    actor: Any,
    presented: Mapping[int, str],
    location: str = "",
    extras: Mapping[int, str] | None = None,
) -> list[CaseMaterial]:
    """At the window: the originals of a received case checked and taken in (before it is accepted or refused).

    `presented` by catalog material id; `extras` by row id for what the online pre-review added to the list."""
    staff = _staff(actor)
    case = _lock(case)
    if case.status != Status.RECEIVED:
        raise CaseStateError(
            _("该办件当前状态为“%(status)s”，不能登记收取材料。") % {"status": case.get_status_display()},
            code="state",
        )
    extras = extras or {}
    if any(value not in CaseMaterial.Form.values for value in [*presented.values(), *extras.values()]):
        raise ValidationError(_("请为已提交的材料选择原件或复印件。"))
    now = timezone.now()
    where = location.strip() or (f"{case.window.number}号窗口资料柜" if case.window else _("中心资料室"))
    returns_original = _returns_original(case)
    taken = []
    rows = CaseMaterial.objects.select_for_update().filter(
        Q(material_id__in=list(presented)) | Q(pk__in=list(extras), material_id__isnull=True), case=case
    )
    for material in rows.order_by("sort_order", "id"):
        form = presented[material.material_id] if material.material_id is not None else extras[material.pk]
        _take_in(
            material,
            form,
            staff=staff,
            now=now,
            where=where,
            returns_original=material.material_id in returns_original,
        )
        material.save()
        taken.append(material)
    _event(
        case,
        actor,
        Verb.MATERIALS_PRESENT,
        data={
            "presented": [m.name for m in taken],
            "returned": [m.name for m in taken if m.custody == Custody.RETURNED],
            "location": where,
        },
    )
    return taken
