"""Human-readable numbers, unique and gap-free per scope, kind and year, under concurrent writers.

The counter row is incremented with one UPDATE inside the caller's transaction: the row stays locked until
that transaction commits, so a second writer on another app server waits, and a rolled-back transaction gives
its number back. Nothing is held in memory.
"""

from django.db import transaction
from django.db.models import F

from bianmin.core.models import SerialCounter


def next_serial(*, scope: str, kind: str, year: int) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_serial must run inside the transaction that uses the number.")
    updated = SerialCounter.objects.filter(scope=scope, kind=kind, year=year).update(value=F("value") + 1)
    if not updated:
        SerialCounter.objects.get_or_create(scope=scope, kind=kind, year=year, defaults={"value": 0})
        SerialCounter.objects.filter(scope=scope, kind=kind, year=year).update(value=F("value") + 1)
    return SerialCounter.objects.values_list("value", flat=True).get(scope=scope, kind=kind, year=year)


def format_serial(*, prefix: str, year: int, value: int, width: int = 5) -> str:
    """E.g. ``CX`` 2026 42 → ``CX2026-00042``."""
    return f"{prefix}{year}-{value:0{width}d}"
