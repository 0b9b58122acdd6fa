"""Human-readable numbers, unique and gap-free per scope, kind and year, under concurrent writers.

The counter rows are incremented with one UPDATE … RETURNING inside the caller's transaction: the rows stay locked
until that transaction commits, so a second writer on another app server waits, and a rolled-back transaction gives
its numbers back. Nothing is held in memory. Several kinds are taken in one statement (a case and its notice), their
rows locked in the order of their kind so that two writers taking overlapping kinds never deadlock.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F

from bianmin.core.models import SerialCounter


def next_serials(*, scope: str, kinds: Iterable[str], year: int) -> dict[str, int]:
    """The next number of each kind, in one statement (two more per kind on its first use of the year)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_serial must run inside the transaction that uses the number.")
    wanted = sorted(set(kinds))
    if not wanted:
        return {}
    table = connection.ops.quote_name(SerialCounter._meta.db_table)
    marks = ", ".join(["%s"] * len(wanted))
    if connection.vendor == "postgresql":
        # The rows locked in a fixed order first (the sort runs below the lock), then incremented.
        sql = (
            f"WITH locked AS (SELECT id FROM {table} WHERE scope = %s AND year = %s AND kind IN ({marks}) "  # noqa: S608
            f"ORDER BY kind FOR UPDATE) UPDATE {table} AS c SET value = c.value + 1 FROM locked "
            "WHERE c.id = locked.id RETURNING c.kind, c.value"
        )
    else:  # SQLite: one writer at a time
        sql = (
            f"UPDATE {table} SET value = value + 1 WHERE scope = %s AND year = %s AND kind IN ({marks}) "  # noqa: S608
            "RETURNING kind, value"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope, year, *wanted])
        found = {kind: int(value) for kind, value in cursor.fetchall()}
    for kind in wanted:
        if kind not in found:  # the first number of the year: the row is made, then taken like the others
            SerialCounter.objects.get_or_create(scope=scope, kind=kind, year=year, defaults={"value": 0})
            SerialCounter.objects.filter(scope=scope, kind=kind, year=year).update(value=F("value") + 1)
            found[kind] = SerialCounter.objects.values_list("value", flat=True).get(scope=scope, kind=kind, year=year)
    return found


def next_serial(*, scope: str, kind: str, year: int) -> int:
    return next_serials(scope=scope, kinds=[kind], year=year)[kind]


def format_serial(*, prefix: str, year: int, value: int, width: int = 5) -> str:
    """E.g. ``CX`` 2026 42 → ``CX2026-00042``."""
    return f"{prefix}{year}-{value:0{width}d}"
