from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bianmin.catalog.models import Material

FORM_LABELS = dict(Material.Form.choices)
KIND_LABELS = dict(Material.Kind.choices)


def material_label(material: dict[str, Any]) -> str:
    parts = [str(KIND_LABELS.get(material.get("kind", ""), "")), str(FORM_LABELS.get(material.get("form", ""), ""))]
    copies = material.get("copies") or 1
    if copies > 1:
        parts.append(_("%(n)s 份") % {"n": copies})
    detail = "，".join(p for p in parts if p)
    return f"{material['name']}（{detail}）" if detail else material["name"]
