"""The scoped case list: every case in the user's scope, filtered by columns of the case, newest received first.

Keyset-paginated on (received_at, id) over the index that starts with the scope column, so a page costs the same
for a center or a whole district, at the first page or the last. The REST API's list reads it.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Required, TypedDict, Unpack

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from bianmin.cases.models import CLOCK_RUNNING, Case
from bianmin.cases.selectors import PAGE_SIZE, decode_cursor, encode_cursor
from bianmin.catalog.models import ServiceItem
from bianmin.core.compiled import CompiledRead
from bianmin.org.access import scope_path
from bianmin.org.models import OrgUnit, Window

# The case's encrypted columns: decrypting them is most of a list's cost beyond its SQL, and no list shows them.
PERSONAL_FIELDS = ("applicant_id_number", "applicant_phone")


@functools.cache
def _page(personal: bool) -> CompiledRead:
    """A page's cases by their ids, compiled once per process (per number of ids), with or without the personal
    fields."""

    def build(*ids: int) -> QuerySet[Case]:
        # The clerk's phone (encrypted too) is on no list.
        page = Case.objects.select_related("center", "window", "item", "assignee")
        page = page.defer("assignee__phone", *(() if personal else PERSONAL_FIELDS))
        return page.filter(id__in=ids).order_by("-received_at", "-id")

    return CompiledRead(build)


_UNIT_IDS = CompiledRead(lambda prefix: OrgUnit.objects.filter(path__startswith=prefix).values_list("id"))


def _scope_unit_ids(user: Any) -> list[int]:
    """The ids of every org unit in the user's scope, as literals (see `_center_ids`)."""
    prefix = scope_path(user)
    if prefix is None:
        return []
    return [row[0] for row in _UNIT_IDS.rows(prefix)]


def _newest_page_ids(unit_ids: list[int], where: list[str], params: list[Any], limit: int) -> list[int]:
    """The ids of one page of cases, newest received first, one short index walk per unit (PostgreSQL).

    `center_id IN (…) ORDER BY received_at DESC` cannot walk an index in order across several units: PostgreSQL
    reads every case of the scope (a district: 200,000 at city scale) and sorts them. A LATERAL subquery per unit
    walks `case_center_received_idx` backwards and stops after `limit` rows; the outer sort merges at most
    `limit` rows per unit."""
    conditions = " AND ".join(["c.center_id = u.id", *where])
    sql = (
        "SELECT p.id FROM unnest(%s::bigint[]) AS u(id) CROSS JOIN LATERAL ("  # noqa: S608 — fixed fragments
        f"SELECT c.id, c.received_at FROM cases_case c WHERE {conditions} "
        "ORDER BY c.received_at DESC, c.id DESC LIMIT %s) p ORDER BY p.received_at DESC, p.id DESC LIMIT %s"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [unit_ids, *params, limit, limit])
        return [row[0] for row in cur.fetchall()]


class PageFilters(TypedDict, total=False):
    """What narrows a page of the scoped case list (see `case_list`)."""

    user: Required[Any]
    status: str | None
    item_code: str | None
    item_id: int | None
    window_number: int | None
    window_id: int | None
    assignee_id: int | None
    mode: str | None
    received_from: dt.datetime | None
    received_to: dt.datetime | None
    overdue: bool
    applicant: Q | None
    cursor: str | None


def _page_ids(
    *,
    user: Any,
    status: str | None = None,
    item_code: str | None = None,
    item_id: int | None = None,
    window_number: int | None = None,
    window_id: int | None = None,
    assignee_id: int | None = None,
    mode: str | None = None,
    received_from: dt.datetime | None = None,
    received_to: dt.datetime | None = None,
    overdue: bool = False,
    applicant: Q | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> list[int]:
    """The ids of one page of the scope's cases (and of the first case after it, if there is one), newest first."""
    unit_ids = _scope_unit_ids(user)
    if not unit_ids:
        return []
    filters = applicant if applicant is not None else Q()
    if status:
        filters &= Q(status=status)
    if item_id is not None:
        filters &= Q(item_id=item_id)
    if window_id is not None:
        filters &= Q(window_id=window_id)
    if assignee_id is not None:
        filters &= Q(assignee_id=assignee_id)
    if overdue:
        # Overdue as the workbenches mark it: the clock runs and the deadline has passed.
        filters &= Q(due_at__lt=timezone.now(), status__in=[s.value for s in CLOCK_RUNNING])
    # Item and window are read as ids first, so that every condition is a column of the case (no join).
    if item_code:
        items = list(ServiceItem.objects.filter(code=item_code).values_list("id", flat=True))
        if not items:
            return []
        filters &= Q(item_id__in=items)
    if window_number is not None:
        windows = list(Window.objects.filter(center_id__in=unit_ids, number=window_number).values_list("id", flat=True))
        if not windows:
            return []
        filters &= Q(window_id__in=windows)
    if mode:
        filters &= Q(mode=mode)
    if received_from is not None:
        filters &= Q(received_at__gte=received_from)
    if received_to is not None:
        filters &= Q(received_at__lte=received_to)
    after = decode_cursor(cursor)
    if after is not None:
        moment, pk = after
        filters &= Q(received_at__lt=moment) | Q(received_at=moment, id__lt=pk)
    if connection.vendor == "postgresql":
        where, params = _case_conditions(filters)
        ids = _newest_page_ids(unit_ids, where, params, limit + 1)
    else:
        scoped = Case.objects.filter(filters, center_id__in=unit_ids).order_by("-received_at", "-id")
        ids = list(scoped.values_list("id", flat=True)[: limit + 1])
    return ids


def case_list(
    *,
    personal: bool = False,
    limit: int = PAGE_SIZE,
    **filters: Unpack[PageFilters],
) -> tuple[list[Case], str | None]:
    """Cases in the user's scope, newest received first, keyset-paginated on (received_at, id).

    The scope is read once as a list of unit ids (as the director board does) and every filter is a column of the
    case, so each page walks the index that starts with the scope column (`center`, `received_at`) and reads only
    the page's rows: the same cost at the first page and the last, for a center or a whole district. The filters
    (`user`, `status`, `item_code`, `item_id`, `window_number`, `window_id`, `assignee_id`, `mode`, `received_from`,
    `received_to`, `overdue`, `applicant`, `cursor`) are `_page_ids`'s; `applicant` is a condition on the case's own
    columns (number, blind indexes, phone tail, name prefix: see `cases.search`).
    `personal`: read the applicant's ID number and phone too (decrypted per row); lists that show neither leave them
    unread. A list that shows a few columns reads them as values (`case_values`)."""
    ids = _page_ids(limit=limit, **filters)
    cases: list[Case] = _page(personal).objects(*ids, shape=len(ids)) if ids else []
    more = len(cases) > limit
    cases = cases[:limit]
    return cases, encode_cursor(cases[-1].received_at, cases[-1].pk) if more else None


def case_values(
    *, values: tuple[str, ...], limit: int = PAGE_SIZE, **filters: Unpack[PageFilters]
) -> tuple[list[dict[str, Any]], str | None]:
    """`case_list`'s page as dicts of `values` (columns of the case and of the rows it names, e.g. `item__code`),
    read in one compiled statement without building model instances (the REST list: thirty rows of fifteen
    columns). Personal (encrypted) fields are refused: no list shows them."""
    refused = set(values) & {*PERSONAL_FIELDS, "assignee__phone"}
    if refused:
        raise ValueError(f"a list of values reads no personal data: {sorted(refused)}")
    names = (*values, *(n for n in ("received_at", "id") if n not in values))  # the cursor's two
    ids = _page_ids(limit=limit, **filters)
    rows = _values_page(names).rows(*ids, shape=len(ids)) if ids else []
    found = [dict(zip(names, row, strict=True)) for row in rows]
    more = len(found) > limit
    found = found[:limit]
    return found, encode_cursor(found[-1]["received_at"], found[-1]["id"]) if more else None


@functools.cache
def _values_page(names: tuple[str, ...]) -> CompiledRead:
    return CompiledRead(
        lambda *ids: Case.objects.filter(id__in=ids).order_by("-received_at", "-id").values_list(*names)
    )


def _case_conditions(filters: Q) -> tuple[list[str], list[Any]]:
    """The WHERE clause Django compiles for `filters` on cases_case, aliased `c` for the LATERAL subquery."""
    if not filters:
        return [], []
    sql, params = Case.objects.filter(filters).order_by().values("id").query.sql_with_params()
    where = sql.split(" WHERE ", 1)[1]
    return [where.replace('"cases_case".', "c.")], list(params)
