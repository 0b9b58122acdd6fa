"""A real PostgreSQL streaming replica for the router's tests: a second cluster of the local server's version on a
free port, made a standby of the test server with `pg_basebackup -R`, started, and dropped after the module.

Needs root (to create a cluster and run as `postgres`), the Debian `postgresql-common` tools, and the test database
on this machine's cluster; skipped with the reason otherwise. To let the standby stream, the primary's pg_hba gets a
`host replication all 127.0.0.1/32 trust` line for the duration (reloaded, then restored and reloaded again).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from bianmin.core.replica import REPLICA, forget_health

HBA_LINE = "host replication all 127.0.0.1/32 trust  # bianmin replica test"
TOOLS = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "pg_basebackup", "runuser")
# Settings a standby must hold at least as high as its primary, or it refuses to start.
MATCHED = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(*args: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)}: {done.stderr.strip()}")


def _primary(sql: str) -> Any:
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()[0]


def replica_sql(sql: str) -> Any:
    with connections[REPLICA].cursor() as cur:
        cur.execute(sql)
        row = cur.fetchone()
        return row[0] if row else None


def wait_replayed(timeout: float = 20) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    target = _primary("SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if replica_sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up")


def _skip_reason() -> str | None:
    if connection.vendor != "postgresql":
        return "needs PostgreSQL (a streaming replica of the test database)"
    if os.geteuid() != 0:
        return "needs root to create a second PostgreSQL cluster"
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        return f"needs {', '.join(missing)}"
    if connection.settings_dict.get("HOST") not in ("127.0.0.1", "localhost"):
        return "the test database is not on this machine's cluster"
    return None


def _wait(cond: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if cond():
                return
        except Exception:  # noqa: S110 — not up yet
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def streaming_replica(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    reason = _skip_reason()
    if reason:
        pytest.skip(f"real-replica test skipped: {reason}")
    with django_db_blocker.unblock():
        version = str(int(_primary("SHOW server_version_num")) // 10000)
        hba = Path(_primary("SHOW hba_file"))
        matched = {name: _primary(f"SHOW {name}") for name in MATCHED}
        name = f"bianmin_replica_{os.getpid()}_{secrets.token_hex(3)}"
        port = _free_port()
        original_hba = hba.read_text()
        created = False
        try:
            if "replication" not in "\n".join(
                line for line in original_hba.splitlines() if not line.lstrip().startswith("#")
            ):
                hba.write_text(original_hba.rstrip("\n") + "\n" + HBA_LINE + "\n")
                _primary("SELECT pg_reload_conf()")
            options = [a for k, v in matched.items() for a in ("-o", f"{k}={v}")]
            _run("pg_createcluster", version, name, "-p", str(port), *options)
            created = True
            datadir = Path(f"/var/lib/postgresql/{version}/{name}")
            for entry in datadir.iterdir():  # keep the directory (owned by postgres), empty it for the backup
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            _run(
                "runuser",
                "-u",
                "postgres",
                "--",
                "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                str(connection.settings_dict.get("PORT") or 5432),
                "-U",
                "postgres",
                "-D",
                str(datadir),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            )
            # The standby's own pg_hba (in /etc, not copied by the backup) lets the test connect as the primary does.
            (Path(f"/etc/postgresql/{version}/{name}") / "pg_hba.conf").write_text(original_hba)
            _run("pg_ctlcluster", version, name, "start", "--", "-W")  # no wait here: readiness is polled below
            settings_dict = {**connection.settings_dict, "PORT": str(port), "TEST": {"MIRROR": "default"}}
            settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 2}
            connections.settings[REPLICA] = settings_dict
            _wait(lambda: replica_sql("SELECT pg_is_in_recovery()"), 90, "the standby to accept connections")
            forget_health()
            yield {"version": version, "name": name, "port": port}
        finally:
            if REPLICA in connections.settings:
                connections[REPLICA].close()
                del connections.settings[REPLICA]
                if hasattr(connections._connections, REPLICA):  # type: ignore[attr-defined]
                    delattr(connections._connections, REPLICA)  # type: ignore[attr-defined]
            forget_health()
            if created:
                subprocess.run(["pg_dropcluster", "--stop", version, name], check=False, capture_output=True)  # noqa: S603, S607
            if hba.read_text() != original_hba:
                hba.write_text(original_hba)
                _primary("SELECT pg_reload_conf()")
