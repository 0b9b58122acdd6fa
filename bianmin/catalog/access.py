"""Who may do what in the catalog: everyone reads it; the managers of a unit edit, submit and publish the items
their unit owns or a unit below owns."""

from __future__ import annotations

from typing import Any

from bianmin.catalog.models import ServiceItem
from bianmin.org.access import MANAGERS, has_role, in_scope
from bianmin.org.models import OrgUnit

# Create, edit, submit, return, approve and withdraw items; export and import the catalog spreadsheet.
CATALOG_EDITORS = MANAGERS


def can_manage(user: Any, item: ServiceItem | None = None, owner: OrgUnit | None = None) -> bool:
    """Director or administrator, and the item's owner lies in their unit or below."""
    if not has_role(user, CATALOG_EDITORS):
        return False
    unit = owner if owner is not None else (item.owner if item is not None else None)
    return unit is None or in_scope(user, unit)
