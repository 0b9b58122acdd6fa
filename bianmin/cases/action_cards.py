"""The case page's action area: what the case needs next first (one or two cards), the rest folded under 其他操作.

Each card is one action `access.available_actions` offers now; `NEXT` says, per status, which actions are the
likely next step, in order of preference. Only the cards of available actions are built, so only their forms are
rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from bianmin.cases import access
from bianmin.cases.forms import STATIC_FORMS
from bianmin.cases.models import Case, Status
from bianmin.core.forms import blank_form_html


@dataclass(frozen=True)
class CardText:
    title: StrPromise
    button: StrPromise
    note: StrPromise | str = ""
    style: str = ""  # the submit button's class besides "btn": "primary" or "danger"


# In the order the folded ones are listed.
CARDS: dict[str, CardText] = {
    access.DECIDE: CardText(_("作出受理决定"), _("确认并出具告知单"), style="primary"),
    access.START: CardText(_("开始办理"), _("开始办理"), style="primary"),
    access.COMPLETE: CardText(_("办结（出具办理结果）"), _("办结"), style="primary"),
    access.RECEIVE: CardText(_("收取补正材料"), _("接收并恢复计时"), style="primary"),
    access.FORWARD: CardText(_("上报区行政服务中心"), _("上报"), style="primary"),
    access.DISTRICT_UPDATE: CardText(_("登记办理进展"), _("登记")),
    access.DISTRICT_RESULT: CardText(_("登记办理结果"), _("登记结果"), style="primary"),
    access.DELIVER: CardText(_("送达办理结果"), _("确认送达"), style="primary"),
    access.SUPPLEMENT: CardText(
        _("要求补报材料"),
        _("提出补报要求"),
        _("只能要求首次补报材料通知单已列明的事项；超出部分须经中心主任签批，并记为一次性告知未落实。"),
    ),
    access.HANDOVER: CardText(_("移交经办人"), _("移交")),
    access.PROXY: CardText(_("登记代办委托"), _("登记")),
    access.WITHDRAW: CardText(_("撤回"), _("撤回办件"), style="danger"),
    access.DELAY_REASON: CardText(
        _("登记超期特殊原因"), _("登记"), _("超过承诺时限且未登记特殊原因的办件，将列入责任追究候选。")
    ),
    access.OVERTURN_REFUSAL: CardText(
        _("撤销不予受理决定"),
        _("撤销"),
        _("经复核不予受理决定不当的，写明理由后撤销；申请人可以重新申请，原决定列入责任追究候选。"),
        style="danger",
    ),
}

# What a case in each status most likely needs next, by preference; at most two of them lead the page.
NEXT: Mapping[str, tuple[str, ...]] = {
    Status.RECEIVED: (access.DECIDE,),
    Status.WAITING: (access.RECEIVE,),
    Status.ACCEPTED: (access.START, access.COMPLETE, access.FORWARD),
    Status.IN_PROGRESS: (access.COMPLETE, access.FORWARD),
    Status.FORWARDED: (access.DISTRICT_RESULT, access.DISTRICT_UPDATE),
    Status.COMPLETED: (access.DELIVER,),
    Status.DELIVERED: (access.DELAY_REASON,),
    Status.REFUSED: (access.OVERTURN_REFUSAL,),
}
LEADING = 2


def next_actions(case: Case, actions: frozenset[str]) -> tuple[str, ...]:
    """The one or two actions the case needs next, of those available now."""
    return tuple(a for a in NEXT.get(case.status, ()) if a in actions)[:LEADING]


@dataclass(frozen=True)
class Card:
    action: str
    text: CardText
    form: Any  # the action's form, None for a bare button (开始办理)
    # The form's fields rendered once per process and language (`blank_form_html`), for an empty form of one of
    # the classes whose fields depend on nothing but the code (`forms.STATIC_FORMS`); None: render `form`.
    fields: SafeString | None = None


def _card(action: str, text: CardText, form: Any) -> Card:
    static = type(form) in STATIC_FORMS and not form.is_bound
    return Card(action, text, form, blank_form_html(type(form), "cases/_form_fields.html") if static else None)


@dataclass(frozen=True)
class ActionArea:
    leading: list[Card]
    more: list[Card]
    open_more: bool  # a folded form came back with errors: shown unfolded
    # The folded cards are fetched when 其他操作 is opened (htmx), not rendered with the page: most visits use the
    # leading card only, and the folded forms (staff pickers, material lists) are a fifth of the page's time.
    deferred: bool = False


def action_area(
    case: Case, actions: frozenset[str], forms: Mapping[str, Any], failed: str = "", *, defer_more: bool = False
) -> ActionArea:
    """`defer_more`: leave the folded cards to be fetched when opened (only when something leads and nothing folded
    came back with errors: then the folded cards are what the person must see)."""
    lead = next_actions(case, actions)
    # A stale page's form the case's state no longer allows comes back first, with the service's message.
    stale = failed if failed in CARDS and failed not in actions and failed in forms else ""
    if stale:
        lead = (stale, *lead)
    shown = [a for a in CARDS if a in actions or a == stale]
    folded = [a for a in shown if a not in lead]
    open_more = failed in folded
    deferred = defer_more and bool(lead) and bool(folded) and not open_more
    # A deferred card shows its title only: its form is neither made nor rendered (see `LazyForms`).
    cards = {
        a: Card(a, CARDS[a], None) if deferred and a in folded else _card(a, CARDS[a], forms.get(a)) for a in shown
    }
    return ActionArea(
        leading=[cards[a] for a in lead],
        more=[cards[a] for a in folded],
        open_more=open_more,
        deferred=deferred,
    )


class LazyForms(dict[str, Any]):
    """The case page's forms by action, each made when first looked up: a folded card fetched only when opened
    never makes its form (a staff picker, a material list) with the page. `add` says how to make one; a form put in
    directly (one sent back with errors) is used as it is."""

    def __init__(self) -> None:
        super().__init__()
        self.makers: dict[str, Callable[[], Any]] = {}

    def add(self, action: str, make: Callable[[], Any]) -> None:
        self.makers[action] = make

    def __missing__(self, action: str) -> Any:
        make = self.makers.get(action)
        if make is None:
            # Not available now: the page's `forms.split` is simply empty. (A KeyError would send Django's variable
            # lookup on through getattr() and dir() of this mapping on every page.)
            return None
        form = self[action] = make()
        return form

    def get(self, action: str, default: Any = None) -> Any:
        return self[action] if action in self else default  # noqa: SIM401 -- this is get() itself

    def __contains__(self, action: object) -> bool:
        return dict.__contains__(self, action) or action in self.makers
