"""The service item's state machine (§4(6) 六公开: only published items are public): a draft goes to review and is
published (or returned); a published item may be published again as a new version (its change reviewed through
`change_status`) or withdrawn; a withdrawn one may be reviewed and published again."""

from __future__ import annotations

from bianmin.catalog.models import ServiceItem
from bianmin.core.workflow import StateMachine

S = ServiceItem.Status

ITEM = StateMachine(
    S,
    {
        S.DRAFT: {S.REVIEW, S.PUBLISHED},
        S.REVIEW: {S.DRAFT, S.WITHDRAWN, S.PUBLISHED},
        S.PUBLISHED: {S.PUBLISHED, S.WITHDRAWN},
        S.WITHDRAWN: {S.REVIEW, S.PUBLISHED},
    },
    subject="该事项",
)
