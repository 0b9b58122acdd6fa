"""The EXPLAIN check of `make bench`: no operation may read a table that grows with the history whole."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

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

    def walk(node: dict[str, Any], sql: str, parent: str) -> None:
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
            walk(child, sql, kind)

    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        try:
            for sql in sqls:
                words = sql.lstrip().split(None, 1)
                if not words or words[0].upper() not in ("SELECT", "WITH"):
                    continue
                if not any(t in sql for t in BIG_TABLES):
                    continue
                cur.execute("EXPLAIN (FORMAT JSON) " + sql)
                plan = cur.fetchone()[0]
                if isinstance(plan, str):
                    plan = json.loads(plan)
                walk(plan[0]["Plan"], sql, "")
        finally:
            cur.execute("SET enable_seqscan = on")
    return found
