"""The report replica: reads asked for by report code go to a real streaming replica; writes, other reads and reads
inside a primary transaction stay on the primary; a replica that is down or lags is passed over."""

from __future__ import annotations

import itertools
import time

import pytest
from django.db import connection, transaction
from django.test import override_settings

from bianmin.core import replica
from bianmin.core.models import SerialCounter
from bianmin.core.replica import REPLICA, ReplicaRouter, forget_health, on_replica, using_replica
from bianmin.core.tests.replica_cluster import replica_sql, streaming_replica, wait_replayed

__all__ = ["streaming_replica"]


_serial = itertools.count(1)


def written() -> SerialCounter:
    """A row written on the primary (a core model: core's tests import no app above it)."""
    return SerialCounter.objects.create(scope=f"replica-test-{next(_serial)}", kind="test", year=2026)


def codes() -> set[str]:
    return set(SerialCounter.objects.filter(kind="test").values_list("scope", flat=True))


report_codes = on_replica(codes)


@pytest.mark.django_db
def test_without_a_replica_everything_reads_from_the_primary():
    # given no DATABASE_REPLICA_URL (the test settings have none)
    assert not replica.configured()
    unit = written()
    # when a report function runs, then it reads the primary and sees what was just written
    assert unit.scope in report_codes()
    with using_replica() as used:
        assert used is False
        assert ReplicaRouter().db_for_read(SerialCounter) == "default"
    assert ReplicaRouter().db_for_write(SerialCounter) == "default"


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_report_reads_go_to_the_replica_and_the_rest_to_the_primary(streaming_replica):
    # given a unit the replica has replayed, then a second one written while its replay is paused
    first = written()
    wait_replayed()
    replica_sql("SELECT pg_wal_replay_pause()")
    try:
        second = written()
        forget_health()
        # when a report function reads, then it reads the replica: the first unit, not yet the second
        seen = report_codes()
        assert first.scope in seen
        assert second.scope not in seen
        # and an ordinary read, or a report run inside a write transaction, reads the primary (its own writes)
        assert second.scope in codes()
        with transaction.atomic():
            third = written()
            assert {second.scope, third.scope} <= report_codes()
        # and a write inside a report function goes to the primary
        with using_replica():
            assert ReplicaRouter().db_for_read(SerialCounter) == REPLICA
            assert ReplicaRouter().db_for_write(SerialCounter) == "default"
        # when the replica lags more than allowed, then reports read the primary again
        with override_settings(BIANMIN_REPLICA_MAX_LAG_SECONDS=0.5):
            time.sleep(1.0)
            forget_health()
            assert second.scope in report_codes()
    finally:
        replica_sql("SELECT pg_wal_replay_resume()")
        forget_health()


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_replica_that_is_down_is_passed_over(streaming_replica):
    import subprocess

    unit = written()
    wait_replayed()
    # given the standby stopped
    version, name = streaming_replica["version"], streaming_replica["name"]
    subprocess.run(["pg_ctlcluster", version, name, "stop", "-m", "fast"], check=True, capture_output=True)  # noqa: S603, S607
    try:
        forget_health()
        # when a report runs, then it reads the primary, without an error
        assert unit.scope in report_codes()
        assert replica.replica_usable() is False
    finally:
        subprocess.run(["pg_ctlcluster", version, name, "start", "--", "-W"], check=True, capture_output=True)  # noqa: S603, S607
        forget_health()
    # and once it is back (after the health answer expires), reports use it again
    deadline = time.monotonic() + 90
    while not replica.replica_usable() and time.monotonic() < deadline:
        forget_health()
        time.sleep(0.2)
    with using_replica() as used:
        assert used is True
    assert connection.vendor == "postgresql"
