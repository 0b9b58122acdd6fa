"""The EXPLAIN check of `make bench`: no operation may read a table that grows with the history whole."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, connections

from bianmin.core.compiled import KEYED, PLACEHOLDER

# The tables that grow with the history: no query of the bench may read them whole.
BIG_TABLES = frozenset(
    {
        "cases_case",
        "cases_caseevent",
        "cases_casematerial",
        "cases_notice",
        "frontdesk_inquiry",
        "oversight_rating",
        "staffing_attendanceday",
        "api_onlineapplication",
        "petitions_petition",
    }
)


def full_scans(sqls: list[str]) -> list[str]:
    """Scans over a big table that no index serves, in the plans of these SELECTs (PostgreSQL).

    Planned with `enable_seqscan = off`, so the answer does not depend on the data set's size: the planner still
    picks a sequential scan (or an index scan with no index condition — a full scan in disguise) only when no
    index can narrow the rows."""
    found: list[str] = []
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        try:
            for sql in sqls:
                if not _checked(sql):
                    continue
                cur.execute("EXPLAIN (FORMAT JSON) " + sql)
                _walk_plan(cur.fetchone()[0], sql, found)
        finally:
            cur.execute("SET enable_seqscan = on")
    return found


def generic_full_scans(statements: list[tuple[str, Any]]) -> list[str]:
    """`full_scans` for the keyed reads (`bianmin.core.compiled`), whose plan is made once for all values: each
    statement prepared on the keyed connection and its generic plan explained (EXPLAIN EXECUTE there shows the plan
    the page's runs use), with the call's values it ran with."""
    if not statements or KEYED not in connections.settings:
        return []
    found: list[str] = []
    keyed = connections[KEYED]
    keyed.ensure_connection()
    raw = keyed.connection
    from psycopg import sql as pgsql

    with keyed.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        try:
            for sql, params in statements:
                if not _checked(sql):
                    continue
                text = _numbered(sql)
                values = ", ".join(pgsql.Literal(p).as_string(raw) for p in params or ())
                cur.execute(f"PREPARE bench_generic AS {text}")  # no parameters: the text is sent as it is
                try:
                    cur.execute(f"EXPLAIN (FORMAT JSON) EXECUTE bench_generic{f'({values})' if values else ''}")
                    _walk_plan(cur.fetchone()[0], sql, found)
                finally:
                    cur.execute("DEALLOCATE bench_generic")
        finally:
            cur.execute("SET enable_seqscan = on")
    return found


def _numbered(sql: str) -> str:
    """Django's SQL for psycopg as PREPARE takes it: `%s` → `$1`, `$2`…; `%%` → `%`."""
    numbers = iter(range(1, 1_000_000))
    return PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)


def _checked(sql: str) -> bool:
    words = sql.lstrip().split(None, 1)
    return bool(words) and words[0].upper() in ("SELECT", "WITH") and any(t in sql for t in BIG_TABLES)


def _walk_plan(plan: Any, sql: str, found: list[str]) -> None:
    if isinstance(plan, str):
        plan = json.loads(plan)
    _walk(plan[0]["Plan"], sql, "", found)


def _walk(node: dict[str, Any], sql: str, parent: str, found: list[str]) -> None:
    rel = node.get("Relation Name")
    kind = node.get("Node Type", "")
    if rel in BIG_TABLES:
        # An index scan with no condition is a full read too, unless a merge join or a LIMIT stops it early.
        full = kind == "Seq Scan" or (
            kind in ("Index Scan", "Index Only Scan")
            and "Index Cond" not in node
            and parent not in ("Merge Join", "Limit")
        )
        if full:
            found.append(f"{kind} on {rel}: {sql[:300]}")
    for child in node.get("Plans", []):
        _walk(child, sql, kind, found)
