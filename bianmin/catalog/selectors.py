from __future__ import annotations

from django.db.models import QuerySet

from bianmin.catalog.models import ItemVersion, ServiceItem
from bianmin.org.models import OrgUnit


def published_items(*, center: OrgUnit) -> QuerySet[ServiceItem]:
    """Items public at `center`: published, owned by the center or a unit above it."""
    owners = [center.path[: 7 * i] for i in range(1, center.depth + 1)]
    return ServiceItem.objects.filter(status=ServiceItem.Status.PUBLISHED, owner__path__in=owners)


def current_version(item: ServiceItem) -> ItemVersion:
    return ItemVersion.objects.get(item=item, number=item.version)
