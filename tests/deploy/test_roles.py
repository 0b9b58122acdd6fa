"""deploy/install --role worker and --role app: what each machine gets (files, systemctl commands), and nothing else.

Each role is a machine of its own (its own prefix, configuration, unit and nginx directories) on the database of the
installation test (--database-url, as several machines share one database), with the release of HEAD that test
built linked in: the installer finds it installed and only configures. `systemctl` records (fake_systemctl.py).
Run alone, the module first installs HEAD itself (about two minutes more). Root only, BIANMIN_DEPLOY_TEST=1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.deploy.support import BASE, ROOT, env_file, fresh_start, options, run, systemctl_calls, systemctl_env

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.skipif(
        os.geteuid() != 0 or os.environ.get("BIANMIN_DEPLOY_TEST") != "1",
        reason="needs root and BIANMIN_DEPLOY_TEST=1",
    ),
]

INSTALL = str(ROOT / "deploy" / "install")
WORKER_UNITS = {
    "bianmin-worker@.service",
    "bianmin-scheduler.service",
    "bianmin-backup.service",
    "bianmin-backup.timer",
}


@pytest.fixture(scope="module")
def shared() -> tuple[Path, str]:
    """HEAD's built release and a migrated database: the installation test's, else a fresh install of HEAD."""
    head = run(["git", "-C", str(ROOT), "rev-parse", "HEAD"]).stdout.strip()

    def built() -> list[Path]:
        return [r for r in (BASE / "opt" / "releases").glob(f"*-{head[:12]}") if (r / ".installed").exists()]

    if not built() or not (BASE / "etc" / "bianmin.env").exists():
        fresh_start()
        installed = run([INSTALL, *options(), "--no-systemd"])
        assert installed.returncode == 0, installed.stdout + installed.stderr
    return built()[0], env_file()["DATABASE_URL"]


def _machine(name: str, shared: tuple[Path, str]) -> tuple[Path, list[str], dict[str, str]]:
    release, database_url = shared
    base = BASE.parent / f"{BASE.name}-{name}"
    shutil.rmtree(base, ignore_errors=True)
    (base / "opt" / "releases").mkdir(parents=True)
    (base / "opt" / "releases" / release.name).symlink_to(release)
    return base, [*options(base), f"--database-url={database_url}"], systemctl_env(base, run=False)


def _packages_line(out: str) -> str:
    return next(line for line in out.splitlines() if "软件包已齐全" in line)


def test_a_worker_machine_gets_the_workers_the_scheduler_and_the_backup_timer_and_no_nginx(shared):
    base, opts, env = _machine("worker", shared)
    first = run([INSTALL, *opts, "--role=worker", "--workers=2"], env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "nginx" not in _packages_line(first.stdout)
    assert "postgresql-client" in _packages_line(first.stdout)

    assert {p.name for p in (base / "systemd").iterdir()} == WORKER_UNITS
    assert not (base / "nginx").exists()
    assert not (base / "etc" / "tls").exists()
    assert "自签名" not in first.stdout
    assert (base / "logrotate" / "bianmin").exists()
    assert (base / "opt" / "bin" / "bianmin-manage").exists()

    calls = systemctl_calls(base)
    assert calls[0] == "daemon-reload"
    assert [c for c in calls if not c.startswith("is-enabled")] == [
        "daemon-reload",
        "enable -q --now bianmin-scheduler.service",
        "enable -q --now bianmin-backup.timer",
        "enable -q --now bianmin-worker@1.service",
        "enable -q --now bianmin-worker@2.service",
    ]
    assert not [c for c in calls if "nginx" in c or "bianmin-web" in c]

    second = run([INSTALL, *opts, "--role=worker", "--workers=2"], env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "无变化：" in second.stdout
    assert "✓" not in second.stdout
    assert {c.split()[0] for c in systemctl_calls(base)} == {"daemon-reload", "is-enabled"}


def test_an_app_machine_gets_gunicorn_and_nginx_and_no_worker_or_scheduler(shared):
    base, opts, env = _machine("app", shared)
    servers = "--app-servers=10.0.0.11:8001,10.0.0.12:8001"
    first = run([INSTALL, *opts, "--role=app", servers], env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "nginx" in _packages_line(first.stdout).split()

    assert {p.name for p in (base / "systemd").iterdir()} == {"bianmin-web.service"}
    site = (base / "nginx" / "sites-available" / "bianmin.conf").read_text()
    assert "server 10.0.0.11:8001 max_fails=3" in site
    assert "server 10.0.0.12:8001 max_fails=3" in site
    assert (base / "etc" / "tls" / "bianmin.crt").exists()
    assert "自签名证书" in first.stdout

    calls = systemctl_calls(base)
    assert [c for c in calls if not c.startswith("is-enabled")] == [
        "daemon-reload",
        "enable -q --now bianmin-web.service",
        "reload-or-restart nginx",  # Debian's nginx runs already: it reads the new site
    ]
    assert not [c for c in calls if "worker" in c or "scheduler" in c or "backup" in c]

    second = run([INSTALL, *opts, "--role=app", servers], env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "无变化：" in second.stdout
    assert {c.split()[0] for c in systemctl_calls(base)} == {"daemon-reload", "is-enabled"}

    # --no-systemd: the same machine, and systemctl is never called.
    third = run([INSTALL, *opts, "--role=app", servers, "--no-systemd"], env)
    assert third.returncode == 0, third.stdout + third.stderr
    assert "无变化：" in third.stdout
    assert systemctl_calls(base) == []
