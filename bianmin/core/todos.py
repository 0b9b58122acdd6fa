"""The to-do list (待办): each app registers one selector per kind of item in its `AppConfig.ready`, the way apps
contribute menu entries, so the staff home and the menu badges know no domain.

A selector takes the acting user and a row limit and returns `TodoItems`: how many items there are and the first
`limit` of them (most urgent first), in at most two queries (one count, one page of rows) whatever the number of
items. With `limit=0` it returns the count alone (one query): the menu badges use that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Protocol

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Urgency(IntEnum):
    OVERDUE = 0
    TODAY = 1
    TOMORROW = 2
    OPEN = 3


URGENCY_LABELS = {
    Urgency.OVERDUE: _("已超期"),
    Urgency.TODAY: _("今日到期"),
    Urgency.TOMORROW: _("明日到期"),
    Urgency.OPEN: _("待办理"),
}
URGENCY_CLASSES = {Urgency.OVERDUE: "red", Urgency.TODAY: "b", Urgency.TOMORROW: "b", Urgency.OPEN: ""}


def urgency_of(due: dt.datetime | dt.date | None, *, now: dt.datetime | None = None) -> Urgency:
    """By the local calendar day: past the moment (or a past day) is overdue, then due today, due tomorrow."""
    if due is None:
        return Urgency.OPEN
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if isinstance(due, dt.datetime):
        if due < now:
            return Urgency.OVERDUE
        day = timezone.localtime(due).date()
    else:
        day = due
        if day < today:
            return Urgency.OVERDUE
    if day <= today:
        return Urgency.TODAY
    if day == today + dt.timedelta(days=1):
        return Urgency.TOMORROW
    return Urgency.OPEN


def since_text(moment: dt.datetime) -> str:
    """When an item without a deadline arrived, for its row's detail ("12月3日 09:30")."""
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


@dataclass(frozen=True)
class TodoRow:
    label: str
    url: str
    urgency: Urgency = Urgency.OPEN
    due: dt.datetime | dt.date | None = None  # a deadline only; when an item arrived goes in `detail`
    detail: str = ""

    @property
    def urgency_label(self) -> str:
        if self.due is None and self.urgency in (Urgency.TODAY, Urgency.TOMORROW):
            return str(_("请尽快处理"))  # urgent, but with no deadline of its own to be "due" on
        return str(URGENCY_LABELS[self.urgency])

    @property
    def urgency_class(self) -> str:
        return URGENCY_CLASSES[self.urgency]


@dataclass(frozen=True)
class TodoItems:
    count: int
    rows: list[TodoRow] = field(default_factory=list)


class TodoSelector(Protocol):
    def __call__(self, *, user: Any, limit: int) -> TodoItems: ...


@dataclass(frozen=True)
class TodoKind:
    kind: str
    label: str
    url_name: str  # the page listing every item of the kind; its menu entry carries the badge
    selector: TodoSelector
    roles: frozenset[str] = frozenset()  # empty: every staff role
    order: int = 50
    menu_url_name: str = ""  # the menu entry carrying the badge, when not `url_name`


@dataclass(frozen=True)
class TodoSection:
    kind: str
    label: str
    url: str
    count: int
    rows: list[TodoRow]


_KINDS: dict[str, TodoKind] = {}


def register_todo(
    kind: str,
    selector: TodoSelector,
    *,
    label: str,
    url_name: str,
    roles: frozenset[str] = frozenset(),
    order: int = 50,
    menu: str = "",
) -> None:
    """Called from an app's `AppConfig.ready`; registering the same kind again replaces it (reloads, tests)."""
    _KINDS[kind] = TodoKind(kind, label, url_name, selector, frozenset(roles), order, menu)


def registered_kinds(role: str | None) -> list[TodoKind]:
    if role is None:
        return []
    return sorted((k for k in _KINDS.values() if not k.roles or role in k.roles), key=lambda k: (k.order, k.kind))


def page_items(qs: QuerySet[Any], *, limit: int, row: Callable[[Any], TodoRow]) -> TodoItems:
    """The common shape of a selector: count, then (only if there is anything and rows are wanted) the first
    `limit` rows of `qs`, already ordered most urgent first."""
    count = qs.count()
    if not count or limit <= 0:
        return TodoItems(count)
    return TodoItems(count, [row(obj) for obj in qs[:limit]])


def todo_sections(*, user: Any, role: str | None, limit: int = 5) -> list[TodoSection]:
    """The user's to-do list by kind, sections with nothing to do left out; two queries at most per kind."""
    sections = []
    for kind in registered_kinds(role):
        items = kind.selector(user=user, limit=limit)
        if items.count:
            sections.append(TodoSection(kind.kind, str(kind.label), reverse(kind.url_name), items.count, items.rows))
    return sections


def todo_rows(sections: list[TodoSection]) -> list[tuple[TodoSection, TodoRow]]:
    """Every shown row of every section, the most urgent first (then the nearest due, undated last)."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)

    def key(pair: tuple[TodoSection, TodoRow]) -> tuple[int, dt.datetime]:
        due = pair[1].due
        if due is None:
            moment = far
        elif isinstance(due, dt.datetime):
            moment = due
        else:
            moment = timezone.make_aware(dt.datetime.combine(due, dt.time.max))
        return int(pair[1].urgency), moment

    return sorted(((s, r) for s in sections for r in s.rows), key=key)


def todo_counts(*, request: Any, role: str | None) -> dict[str, int]:
    """Count per menu url (one query per kind), computed once per request: the menu badges."""
    cached: dict[str, int] | None = getattr(request, "_bianmin_todo_counts", None)
    if cached is not None:
        return cached
    counts: dict[str, int] = {}
    for kind in registered_kinds(role):
        count = kind.selector(user=request.user, limit=0).count
        if count:
            url = reverse(kind.menu_url_name or kind.url_name)
            counts[url] = counts.get(url, 0) + count
    request._bianmin_todo_counts = counts
    return counts
