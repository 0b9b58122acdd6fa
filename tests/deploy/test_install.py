"""deploy/install for real, in a throwaway prefix with loopback ports (--no-systemd: everything but systemctl).

Runs the installer, checks the units with `systemd-analyze verify` and the site with `nginx -t`, starts what the units
would start (gunicorn, a worker, the scheduler) and a private nginx with the generated configuration, fetches pages
over TLS, runs deploy/upgrade while it serves and the installer again (no change), then stops everything. Root only;
opt in with BIANMIN_DEPLOY_TEST=1 (.ci/run does, in a step of its own). The first run of a commit installs its
release's virtual environment (pip) and front-end assets (npm); the prefix is kept, so later runs reuse it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.skipif(
        os.geteuid() != 0 or os.environ.get("BIANMIN_DEPLOY_TEST") != "1",
        reason="needs root and BIANMIN_DEPLOY_TEST=1",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
BASE = Path(os.environ.get("BIANMIN_DEPLOY_TEST_DIR", "/tmp/bianmin-deploy-test"))  # noqa: S108
HTTP_PORT, HTTPS_PORT, APP_PORT = 18080, 18443, 18001
DB = "bianmin_deploy_test"
OPTIONS = [
    "--no-systemd",
    f"--prefix={BASE}/opt",
    f"--etc-dir={BASE}/etc",
    f"--var-dir={BASE}/var",
    f"--log-dir={BASE}/log",
    f"--systemd-dir={BASE}/systemd",
    f"--nginx-dir={BASE}/nginx",
    f"--logrotate-dir={BASE}/logrotate",
    f"--db-name={DB}",
    f"--db-user={DB}",
    "--redis-url=redis://127.0.0.1:6379/9",
    "--server-name=localhost",
    f"--http-port={HTTP_PORT}",
    f"--https-port={HTTPS_PORT}",
    f"--app-bind=127.0.0.1:{APP_PORT}",
    "--admin=opsadmin",
]


def _install() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "deploy" / "install"), *OPTIONS], capture_output=True, text=True, timeout=900, check=False
    )


def _env() -> dict[str, str]:
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    for line in (BASE / "etc" / "bianmin.env").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


def _start(command: list[str]) -> subprocess.Popen[bytes]:
    current = BASE / "opt" / "current"
    return subprocess.Popen(
        ["/usr/sbin/runuser", "-u", "bianmin", "--preserve-environment", "--", *command],
        cwd=current,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=open(BASE / "log" / "test-processes.log", "ab"),
        start_new_session=True,
    )


def _wait_for(url: str, *, status: int, seconds: float = 90) -> requests.Response:
    deadline = time.monotonic() + seconds
    last: object = None
    while time.monotonic() < deadline:
        try:
            response = requests.get(url, verify=False, allow_redirects=False, timeout=60)  # noqa: S501
            if response.status_code == status:
                return response
            last = response.status_code
        except requests.ConnectionError as exc:
            last = exc
        time.sleep(1)
    raise AssertionError(f"{url} did not answer {status}: {last}")


def _fresh_start() -> None:
    """A throwaway install: the database, its role and the prefix left by an earlier run are removed first (an
    earlier run of another version may have left tables its migrations named differently)."""
    for sql in (f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", f"DROP ROLE IF EXISTS {DB}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql],
            capture_output=True,
            check=False,
        )
    shutil.rmtree(BASE, ignore_errors=True)


def test_install_serves_behind_nginx_over_tls_and_a_second_run_changes_nothing():
    _fresh_start()
    first = _install()
    assert first.returncode == 0, first.stdout + first.stderr
    assert "PERSONAL_DATA_KEY" in first.stdout or "无变化" in first.stdout

    env_file = BASE / "etc" / "bianmin.env"
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    assert "SECRET_KEY=" in env_file.read_text()
    units = sorted((BASE / "systemd").glob("bianmin-*"))
    assert {unit.name for unit in units} >= {
        "bianmin-web.service",
        "bianmin-worker@.service",
        "bianmin-scheduler.service",
        "bianmin-backup.service",
        "bianmin-backup.timer",
    }
    for unit in units:
        text = unit.read_text()
        if unit.suffix == ".service":
            assert "NoNewPrivileges=true" in text
            assert "ProtectSystem=strict" in text
            assert "PrivateTmp=true" in text
            assert "User=bianmin" in text
    if shutil.which("systemd-analyze"):
        instance = BASE / "bianmin-worker@1.service"
        shutil.copy(BASE / "systemd" / "bianmin-worker@.service", instance)
        to_verify = [str(u) for u in units if "@." not in u.name] + [str(instance)]
        verified = subprocess.run(
            ["systemd-analyze", "verify", *to_verify],
            capture_output=True,
            text=True,
            check=False,
        )
        assert verified.returncode == 0, verified.stderr
    nginx_conf = BASE / "nginx" / "nginx.conf"
    tested = subprocess.run(["nginx", "-t", "-c", str(nginx_conf)], capture_output=True, text=True, check=False)
    assert tested.returncode == 0, tested.stderr

    venv = BASE / "opt" / "current" / ".venv" / "bin"
    processes = [
        _start([str(venv / "gunicorn"), "bianmin.wsgi", "--bind", f"127.0.0.1:{APP_PORT}", "--workers", "2"]),
        _start([str(venv / "python"), "manage.py", "db_worker", "--no-reload", "--interval", "1"]),
        _start([str(venv / "python"), "manage.py", "run_scheduler", "--interval", "2"]),
    ]
    nginx = subprocess.Popen(["nginx", "-c", str(nginx_conf), "-g", "daemon off;"], start_new_session=True)
    try:
        base = f"https://localhost:{HTTPS_PORT}"
        home = _wait_for(f"{base}/", status=200)
        assert "便民" in home.text
        redirect = requests.get(f"http://localhost:{HTTP_PORT}/x?y=1", allow_redirects=False, timeout=60)
        assert redirect.status_code == 301
        assert redirect.headers["Location"] == f"{base}/x?y=1"
        staff = requests.get(f"{base}/staff/health/", verify=False, allow_redirects=False, timeout=60)  # noqa: S501
        assert staff.status_code == 302  # a staff page: to the login page, over TLS
        assert "login" in staff.headers["Location"]
        static = requests.get(f"{base}/static/vendor/htmx/htmx.min.js", verify=False, timeout=60)  # noqa: S501
        assert static.status_code == 200  # collected into the release, served by nginx
        assert "htmx" in static.text
        # The worker ran its heartbeat job, queued by the scheduler: the public check turns 200.
        _wait_for(f"{base}/healthz", status=200, seconds=120)

        # deploy/upgrade with the same options: a backup first, the (same) version installed, the health check.
        backups_before = set((BASE / "var" / "backups").glob("bianmin-backup-*"))
        upgraded = subprocess.run(
            [str(ROOT / "deploy" / "upgrade"), *OPTIONS, "--health-wait=60"],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
        assert "健康检查通过" in upgraded.stdout
        assert set((BASE / "var" / "backups").glob("bianmin-backup-*")) - backups_before
    finally:
        nginx.send_signal(signal.SIGQUIT)
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in [*processes, nginx]:
            process.wait(timeout=30)

    second = _install()
    assert second.returncode == 0, second.stdout + second.stderr
    assert "无变化：" in second.stdout
    assert "✓" not in second.stdout
