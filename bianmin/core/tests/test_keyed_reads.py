"""Keyed reads (`CompiledRead(..., keyed=True)`): on PostgreSQL they run on the keyed connection, whose statements are
planned once for all values, with the queryset's own constants written into the text; inside a transaction, and where
there is no keyed connection, on the default one. Either way they give what the queryset gives, as default-connection
instances."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from bianmin.core.compiled import KEYED, CompiledRead, keyed_alias
from bianmin.core.tests.keyed import needs_keyed, on_both

User = get_user_model()

# A constant with a quote and a percent sign: written into the statement's text, it must still mean itself.
ODD = "O'Brien 100%"


def _read() -> CompiledRead:
    return CompiledRead(lambda pk: User.objects.filter(pk=pk, last_name=ODD).order_by("pk"), keyed=True)


def _users() -> tuple[Any, Any]:
    return (
        User.objects.create(username="keyed-a", last_name=ODD),
        User.objects.create(username="keyed-b", last_name="O'Brien 100"),
    )


@needs_keyed
@on_both
def test_a_keyed_read_runs_on_the_keyed_connection_planned_once(settings):
    settings.BIANMIN_KEYED_READS = True
    a, b = _users()
    read = _read()
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as default,
        CaptureQueriesContext(connections[KEYED]) as keyed,
    ):
        found = read.objects(a.pk)
        assert read.objects(b.pk) == []  # the constant matches itself only, not a prefix of it
    assert [u.pk for u in found] == [a.pk]
    assert len(default.captured_queries) == 0
    assert len(keyed.captured_queries) == 2
    # the instance belongs to the default connection: its saves and deferred fields go there
    assert found[0]._state.db == DEFAULT_DB_ALIAS
    # the queryset's constant is in the text; the call's value stays a parameter
    assert "'O''Brien 100%'" in keyed.captured_queries[0]["sql"]
    for _ in range(6):  # psycopg prepares a statement on its fifth run
        assert [u.pk for u in read.objects(a.pk)] == [a.pk]
    with connections[KEYED].cursor() as cur:
        cur.execute("SHOW plan_cache_mode")
        assert cur.fetchone()[0] == "force_generic_plan"
        cur.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%O''Brien 100%%"],
        )
        [(generic, custom)] = cur.fetchall()
    assert generic >= 1
    assert custom == 0
    with connections[DEFAULT_DB_ALIAS].cursor() as cur:
        cur.execute("SHOW plan_cache_mode")
        assert cur.fetchone()[0] == settings.DATABASE_PLAN_CACHE_MODE


@needs_keyed
@on_both
def test_inside_a_transaction_a_keyed_read_stays_on_the_default_connection(settings):
    settings.BIANMIN_KEYED_READS = True
    read = _read()
    with transaction.atomic():
        a, _b = _users()  # not committed: the keyed connection cannot see them
        assert keyed_alias() == DEFAULT_DB_ALIAS
        with CaptureQueriesContext(connections[KEYED]) as keyed:
            assert [u.pk for u in read.objects(a.pk)] == [a.pk]
        assert keyed.captured_queries == []
    assert keyed_alias() == KEYED


@pytest.mark.django_db
def test_without_the_setting_or_the_connection_keyed_reads_use_the_default(settings):
    settings.BIANMIN_KEYED_READS = False  # as the test suite runs
    assert keyed_alias() == DEFAULT_DB_ALIAS
    a, b = _users()
    read = _read()
    with CaptureQueriesContext(connection) as default:
        assert [u.pk for u in read.objects(a.pk)] == [a.pk]
        assert read.objects(b.pk) == []
    assert len(default.captured_queries) == 2
    if KEYED not in connections.settings:
        settings.BIANMIN_KEYED_READS = True
        assert keyed_alias() == DEFAULT_DB_ALIAS


@needs_keyed
@on_both
def test_a_keyed_connection_that_will_not_open_leaves_keyed_reads_on_the_default(settings, monkeypatch, caplog):
    from django.db import OperationalError

    from bianmin.core import compiled

    settings.BIANMIN_KEYED_READS = True
    a, _b = _users()
    keyed = connections[KEYED]
    keyed.close()

    def refused() -> None:
        raise OperationalError("sorry, too many clients already")

    monkeypatch.setattr(keyed, "ensure_connection", refused)
    monkeypatch.setattr(compiled, "_keyed_down_until", [0.0])
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as default:
        assert [u.pk for u in _read().objects(a.pk)] == [a.pk]
    assert len(default.captured_queries) == 1
    assert "keyed connection could not be opened" in caplog.text
    # not tried again on every read for a while
    monkeypatch.setattr(keyed, "ensure_connection", lambda: pytest.fail("tried again at once"))
    assert keyed_alias() == DEFAULT_DB_ALIAS
