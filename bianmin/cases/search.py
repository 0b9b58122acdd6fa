"""Staff case search: one box for who or which case, filters for the rest, a keyset-paginated page and an export.

What the box holds is recognized by its shape: a case number; a full resident ID number, a full phone number (each
found through its blind index, never by decrypting the table); the last four digits of the phone (a plain column,
as the public progress query uses it, read within the user's centers through `case_center_phone_tail_idx`); a
credit code; otherwise the start of the applicant's name. Every filter is a column of the case, so the page is read
by `listing.case_list` the way the REST API reads it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from bianmin.cases.access import HANDLING_ROLES
from bianmin.cases.listing import case_list
from bianmin.cases.models import Case, applicant_phone_index
from bianmin.cases.selectors import CASE_NUMBER_RE, PAGE_SIZE, Row, intake_items, mark_rows
from bianmin.cases.services import applicant_index
from bianmin.core.identifiers import clean_credit_code, clean_phone, clean_resident_id
from bianmin.core.workcalendar import SHANGHAI
from bianmin.org.access import scope_filter
from bianmin.org.models import Staff, Window
from bianmin.org.selectors import user_center

EXPORT_LIMIT = 5000
PHONE_TAIL_RE = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class CaseFilters:
    text: str = ""
    status: str = ""
    mode: str = ""
    item_id: int | None = None
    window_id: int | None = None
    assignee_id: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool = False

    def is_empty(self) -> bool:
        return not any(asdict(self).values())


def applicant_condition(text: str) -> Q | None:
    """The condition the search box stands for; ValidationError (in Chinese) for digits that fit nothing."""
    text = "".join(text.split()) if any(ch.isdigit() for ch in text) else " ".join(text.split())
    if not text:
        return None
    if CASE_NUMBER_RE.match(text):
        return Q(number=text)
    if PHONE_TAIL_RE.match(text):
        return Q(phone_tail=text)
    try:
        return Q(applicant_id_index=applicant_index(clean_resident_id(text)))
    except ValidationError:
        pass
    try:
        return Q(applicant_credit_code=clean_credit_code(text))
    except ValidationError:
        pass
    try:
        return Q(applicant_phone_index=applicant_phone_index(clean_phone(text)))
    except ValidationError:
        pass
    if any(ch.isdigit() for ch in text):
        raise ValidationError(
            _("无法识别“%(text)s”：请输入办件编号、完整的证件号码、完整的电话号码或电话后四位。") % {"text": text[:40]},
            code="text",
        )
    return Q(applicant_name__startswith=text)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def _cases(
    *, user: Any, filters: CaseFilters, cursor: str | None, limit: int, personal: bool = False
) -> tuple[list[Case], str | None]:
    return case_list(
        personal=personal,
        user=user,
        applicant=applicant_condition(filters.text),
        status=filters.status or None,
        mode=filters.mode or None,
        item_id=filters.item_id,
        window_id=filters.window_id,
        assignee_id=filters.assignee_id,
        received_from=_day_start(filters.received_from) if filters.received_from else None,
        # The whole last day: strictly before the next midnight, expressed as "at or before" its last microsecond.
        received_to=_day_start(filters.received_to + dt.timedelta(days=1)) - dt.timedelta(microseconds=1)
        if filters.received_to
        else None,
        overdue=filters.overdue,
        cursor=cursor,
        limit=limit,
    )


@dataclass
class SearchPage:
    rows: list[Row]
    next_cursor: str | None


def search_cases(*, user: Any, filters: CaseFilters, cursor: str | None = None, limit: int = PAGE_SIZE) -> SearchPage:
    """One page of cases in the user's scope matching the filters, newest received first (two or three queries)."""
    cases, nxt = _cases(user=user, filters=filters, cursor=cursor, limit=limit)
    return SearchPage(mark_rows(cases), nxt)


def export_cases(*, user: Any, filters: CaseFilters, limit: int | None = None) -> list[Case]:
    """Every matching case for the spreadsheet; ValidationError when there are more than `limit`."""
    limit = limit or EXPORT_LIMIT
    cases, more = _cases(user=user, filters=filters, cursor=None, limit=limit, personal=True)
    if more is not None:
        raise ValidationError(
            _("查询结果超过 %(limit)s 条，请缩小查询范围（如限定接收日期）后再导出。") % {"limit": limit},
            code="too_many",
        )
    return cases


def case_search(*, user: Any, query: str, item_id: int | None = None, limit: int = 50) -> list[Row]:
    """The quick lookup by the search box alone (and an item), as the workbench's box asks it."""
    filters = CaseFilters(text=query, item_id=item_id)
    if filters.is_empty():
        return []
    try:
        return search_cases(user=user, filters=filters, limit=limit).rows
    except ValidationError:
        return []


@dataclass
class SearchChoices:
    items: list[Any]
    windows: list[Any]
    handlers: list[Any]


def search_choices(*, user: Any, limit: int = 500) -> SearchChoices:
    """What the filters offer: the items published at the user's center, the windows and the case holders in scope."""
    center = user_center(user=user)
    items = intake_items(center=center, limit=limit) if center is not None else []
    windows = list(
        scope_filter(Window.objects.all(), user, "center__path").filter(is_active=True).order_by("number", "id")[:limit]
    )
    handlers = list(
        scope_filter(Staff.objects.all(), user, "org_unit__path")
        .filter(role__in=HANDLING_ROLES, is_active=True)
        .order_by("name", "id")[:limit]
    )
    return SearchChoices(items, windows, handlers)
