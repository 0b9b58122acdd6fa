"""The scoped case list: every case in the user's scope, filtered by columns of the case, newest received first.

Keyset-paginated on (received_at, id) over the index that starts with the scope column, so a page costs the same
for a center or a whole district, at the first page or the last. The REST API's list reads it.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

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
def _page(personal: bool, fields: tuple[str, ...] | None) -> CompiledRead:
    """A page's cases by their ids, compiled once per process (per number of ids), with or without the personal
    fields, and with only `fields` (of the case and the four it joins) where the caller names them."""

    def build(*ids: int) -> QuerySet[Case]:
        # The clerk's phone (encrypted too) is on no list.
        page = Case.objects.select_related("center", "window", "item", "assignee")
        if fields is not None:
            page = page.only(*fields)
        else:
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


def case_list(
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
    personal: bool = False,
    fields: tuple[str, ...] | None = None,
) -> tuple[list[Case], str | None]:
    """Cases in the user's scope, newest received first, keyset-paginated on (received_at, id).

    The scope is read once as a list of unit ids (as the director board does) and every filter is a column of the
    case, so each page walks the index that starts with the scope column (`center`, `received_at`) and reads only
    the page's rows: the same cost at the first page and the last, for a center or a whole district. `applicant` is
    a condition on the case's own columns (number, blind indexes, phone tail, name prefix: see `cases.search`).
    `personal`: read the applicant's ID number and phone too (decrypted per row); lists that show neither leave them
    unread. `fields`: read only these (`only()`), e.g. the REST list's fifteen of some ~120 columns; the others
    are deferred (read one by one if touched)."""
    if personal and fields is not None and not set(PERSONAL_FIELDS) <= set(fields):
        raise ValueError("personal=True reads the personal fields: name them in `fields` too")
    unit_ids = _scope_unit_ids(user)
    if not unit_ids:
        return [], None
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
            return [], None
        filters &= Q(item_id__in=items)
    if window_number is not None:
        windows = list(Window.objects.filter(center_id__in=unit_ids, number=window_number).values_list("id", flat=True))
        if not windows:
            return [], None
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
    cases: list[Case] = _page(personal, fields).objects(*ids, shape=len(ids)) if ids else []
    more = len(cases) > limit
    cases = cases[:limit]
    return cases, encode_cursor(cases[-1].received_at, cases[-1].pk) if more else None


def _case_conditions(filters: Q) -> tuple[list[str], list[Any]]:
    """The WHERE clause Django compiles for `filters` on cases_case, aliased `c` for the LATERAL subquery."""
    if not filters:
        return [], []
    sql, params = Case.objects.filter(filters).order_by().values("id").query.sql_with_params()
    where = sql.split(" WHERE ", 1)[1]
    return [where.replace('"cases_case".', "c.")], list(params)
