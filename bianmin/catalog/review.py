"""Four-eyes publishing: whoever edited or submitted the content waiting for review may not approve it.

The editors of a pending version are the actors of the item's create, update and submit events since its last
publication. A unit with a single catalog manager may relax the rule (`OrgUnit.catalog_self_approval` on the
item's owner); `item_approve` then records each such approval in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from bianmin.catalog.models import ItemEvent, ServiceItem

EDITING_VERBS = ("create", "update", "submit")


@dataclass(frozen=True)
class ApprovalCheck:
    allowed: bool
    waived: bool  # allowed only because the owner unit relaxes four-eyes publishing
    reason: str = ""


def pending_editors(item: ServiceItem) -> set[int]:
    """The users who edited or submitted what is now waiting for review (two queries)."""
    since = ItemEvent.objects.filter(item=item, verb="publish").aggregate(last=Max("id"))["last"] or 0
    return set(
        ItemEvent.objects.filter(item=item, verb__in=EDITING_VERBS, id__gt=since, actor__isnull=False).values_list(
            "actor_id", flat=True
        )
    )


def approval_check(item: ServiceItem, actor: Any) -> ApprovalCheck:
    if not getattr(actor, "is_authenticated", False):
        return ApprovalCheck(False, False, _("审核发布须由登录的审核人操作。"))
    if actor.pk not in pending_editors(item):
        return ApprovalCheck(True, False)
    if item.owner.catalog_self_approval:
        return ApprovalCheck(True, True)
    return ApprovalCheck(
        False,
        False,
        _("您修改或提交了该事项待审核的内容，须由其他事项管理人员审核发布（双人审核）。"),
    )
