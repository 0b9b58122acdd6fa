"""Human-readable numbers, unique and gap-free per scope, kind and year, under concurrent writers.

The counter rows are taken with one INSERT … ON CONFLICT DO UPDATE … RETURNING inside the caller's transaction:
the rows stay locked until that transaction commits, so a second writer on another app server waits, and a
rolled-back transaction gives its numbers back. Nothing is held in memory. Several kinds are taken in one statement
(a case and its notice), their rows taken in the order of their kind, so two writers taking overlapping kinds never
deadlock.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from bianmin.core.models import SerialCounter


def next_serials(*, scope: str, kinds: Iterable[str], year: int) -> dict[str, int]:
    """The next number of each kind, in one statement."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_serial must run inside the transaction that uses the number.")
    wanted = sorted(set(kinds))
    if not wanted:
        return {}
    table = connection.ops.quote_name(SerialCounter._meta.db_table)
    # One statement on both databases: each counter row taken (made at 1 on its first use of the year, else
    # incremented) in the order of `wanted`. PostgreSQL locks the rows one by one in that order, and so does every
    # other writer, so two writers wanting overlapping kinds never wait on each other in a cycle; a row made by a
    # writer not yet committed makes the next writer wait for it, as a locked row does. (Locking the existing rows
    # first and making the missing ones after broke that order on the first numbers of a year: a deadlock.)
    rows = ", ".join(["(%s, %s, %s, 1)"] * len(wanted))
    sql = (
        f"INSERT INTO {table} (scope, kind, year, value) VALUES {rows} "  # noqa: S608 - our table, placeholders
        f"ON CONFLICT (scope, kind, year) DO UPDATE SET value = {table}.value + 1 RETURNING kind, value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for kind in wanted for value in (scope, kind, year)])
        return {kind: int(value) for kind, value in cursor.fetchall()}


def next_serial(*, scope: str, kind: str, year: int) -> int:
    return next_serials(scope=scope, kinds=[kind], year=year)[kind]


def format_serial(*, prefix: str, year: int, value: int, width: int = 5) -> str:
    """E.g. ``CX`` 2026 42 → ``CX2026-00042``."""
    return f"{prefix}{year}-{value:0{width}d}"
