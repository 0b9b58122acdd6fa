"""The service item's state machine (§4(6) 六公开: only published items are public): a draft goes to review and is
published (or returned); a published item may be published again as a new version (its change reviewed through
`change_status`) or withdrawn; a withdrawn one may be reviewed and published again.

`CHANGE` is the change of a published item (`change_status`): an edit that differs from the published version is
being drafted, then in review; it is returned for more drafting, or ends (published, withdrawn, or edited back to
the published content)."""

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

C = ServiceItem.ChangeStatus

CHANGE = StateMachine(
    C,
    {
        C.NONE: {C.NONE, C.EDITING},
        C.EDITING: {C.NONE, C.REVIEW},
        C.REVIEW: {C.NONE, C.EDITING},
    },
    field="change_status",
    subject="该事项的变更",
)
