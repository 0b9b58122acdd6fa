"""deploy/upgrade's decisions, fast: this tree's script beside a stand-in installer (it switches `current` to a new
release, with or without applying a migration) and a stand-in bianmin-manage (it records the backup and answers the
migration plan). The real installer and upgrade run end to end in test_install.py. Root only (deploy/upgrade is)."""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.support import ROOT, systemctl_calls, systemctl_env

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="deploy/upgrade runs as root")

FAKE_INSTALL = """#!/usr/bin/env bash
set -euo pipefail
echo "$*" >"$FAKE_PREFIX/install-args"
ln -sfn "$FAKE_PREFIX/releases/new" "$FAKE_PREFIX/current"
[[ ! -f "$FAKE_PREFIX/install-migrates" ]] || echo "[X]  cases.0099_new" >>"$FAKE_PREFIX/plan"
"""
FAKE_MANAGE = """#!/usr/bin/env bash
case "$1" in
  backup) echo backup >>"$FAKE_PREFIX/manage.log"; echo "已写入备份" ;;
  showmigrations) cat "$FAKE_PREFIX/plan" ;;
esac
"""


@pytest.fixture
def prefix(tmp_path: Path) -> Path:
    (tmp_path / "deploy").mkdir()
    shutil.copy(ROOT / "deploy" / "upgrade", tmp_path / "deploy" / "upgrade")
    (tmp_path / "deploy" / "install").write_text(FAKE_INSTALL)
    (tmp_path / "deploy" / "install").chmod(0o755)
    opt = tmp_path / "opt"
    for release in ("old", "new"):
        (opt / "releases" / release).mkdir(parents=True)
    (opt / "current").symlink_to(opt / "releases" / "old")
    (opt / "bin").mkdir()
    (opt / "bin" / "bianmin-manage").write_text(FAKE_MANAGE)
    (opt / "bin" / "bianmin-manage").chmod(0o755)
    (opt / "plan").write_text("[X]  cases.0001_initial\n")
    return opt


@pytest.fixture
def healthy_url() -> Iterator[str]:
    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/healthz"
    server.shutdown()


DEAD_URL = "http://127.0.0.1:9/healthz"  # the discard port: nothing answers


def _upgrade(
    prefix: Path, *args: str, env: dict[str, str] | None = None, health: str = DEAD_URL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(prefix.parent / "deploy" / "upgrade"),
            f"--prefix={prefix}",
            f"--health-url={health}",
            "--health-wait=2",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**(env or os.environ), "FAKE_PREFIX": str(prefix)},
    )


def test_a_failed_health_check_without_a_migration_switches_back_to_the_old_release(prefix):
    result = _upgrade(prefix, "--no-systemd")
    assert result.returncode == 1
    assert "已切回旧版本 old" in result.stderr
    assert (prefix / "current").resolve() == prefix / "releases" / "old"
    assert (prefix / "manage.log").read_text() == "backup\n"  # the backup came first all the same
    assert "--no-systemd" in (prefix / "install-args").read_text()  # the options go on to the installer


def test_after_a_migration_a_failed_health_check_stays_and_points_to_the_backup(prefix):
    (prefix / "install-migrates").touch()
    result = _upgrade(prefix, "--no-systemd")
    assert result.returncode == 1
    assert "已执行 1 个数据库迁移，不能自动切回" in result.stderr
    assert "备份" in result.stderr
    assert (prefix / "current").resolve() == prefix / "releases" / "new"


def test_a_passed_health_check_keeps_the_new_release(prefix, healthy_url):
    (prefix / "install-migrates").touch()
    result = _upgrade(prefix, "--no-systemd", health=healthy_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "完成：old → new，执行了 1 个数据库迁移，健康检查通过。" in result.stdout
    assert (prefix / "current").resolve() == prefix / "releases" / "new"


def test_with_systemd_switching_back_restarts_the_running_units(prefix, tmp_path):
    env = systemctl_env(tmp_path, run=False)
    (tmp_path / "systemd").mkdir()
    for unit in ("bianmin-web.service", "bianmin-scheduler.service", "bianmin-worker@.service"):
        (tmp_path / "systemd" / unit).write_text("[Service]\nExecStart=/bin/true\n")
    subprocess.run(
        ["systemctl", "enable", "--now", "bianmin-web.service", "bianmin-scheduler.service", "bianmin-worker@1"],
        env=env,
        check=True,
    )
    systemctl_calls(tmp_path)

    result = _upgrade(prefix, env=env)
    assert result.returncode == 1
    assert (prefix / "current").resolve() == prefix / "releases" / "old"
    assert systemctl_calls(tmp_path) == [
        "list-units --plain --no-legend bianmin-*",
        "restart bianmin-scheduler.service bianmin-web.service bianmin-worker@1.service",
    ]


def test_a_worker_machine_must_name_an_app_servers_health_check(prefix):
    result = subprocess.run(
        [str(prefix.parent / "deploy" / "upgrade"), f"--prefix={prefix}", "--role=worker", "--no-systemd"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--health-url" in result.stderr
    assert not (prefix / "manage.log").exists()
