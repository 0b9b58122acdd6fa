"""Marks for tests of keyed reads (`bianmin.core.compiled`): they need the keyed connection, and must declare it."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from bianmin.core.compiled import KEYED

needs_keyed = pytest.mark.skipif(
    connection.vendor != "postgresql" or KEYED not in connections.settings,
    reason="the keyed connection exists on PostgreSQL with prepared statements (DATABASE_KEYED_CONNECTION)",
)
# Transactional (keyed reads see committed rows only), on both connections.
on_both = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, KEYED])
