"""What the deploy tests share: the throwaway prefix, the installer's options, the systemctl stand-in, waiting for a
page. BIANMIN_DEPLOY_TEST_DIR, BIANMIN_DEPLOY_TEST_DB and BIANMIN_DEPLOY_TEST_PORTS (http,https,app) move the
throwaway installation elsewhere (two engineers on one machine)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BASE = Path(os.environ.get("BIANMIN_DEPLOY_TEST_DIR", "/tmp/bianmin-deploy-test"))  # noqa: S108
DB = os.environ.get("BIANMIN_DEPLOY_TEST_DB", "bianmin_deploy_test")
HTTP_PORT, HTTPS_PORT, APP_PORT = (
    int(p) for p in os.environ.get("BIANMIN_DEPLOY_TEST_PORTS", "18080,18443,18001").split(",")
)
FAKE_SYSTEMCTL = Path(__file__).with_name("fake_systemctl.py")


def options(base: Path = BASE, *, db: str = DB) -> list[str]:
    """The installer's options for a throwaway installation under `base` (valid for the old release's installer too:
    new options go on the command line of the test that needs them)."""
    return [
        f"--prefix={base}/opt",
        f"--etc-dir={base}/etc",
        f"--var-dir={base}/var",
        f"--log-dir={base}/log",
        f"--systemd-dir={base}/systemd",
        f"--nginx-dir={base}/nginx",
        f"--logrotate-dir={base}/logrotate",
        f"--db-name={db}",
        f"--db-user={db}",
        "--redis-url=redis://127.0.0.1:6379/9",
        "--server-name=localhost",
        f"--http-port={HTTP_PORT}",
        f"--https-port={HTTPS_PORT}",
        f"--app-bind=127.0.0.1:{APP_PORT}",
    ]


def systemctl_env(base: Path, *, run: bool) -> dict[str, str]:
    """The environment that puts tests/deploy/fake_systemctl.py first on PATH as `systemctl` (run: it also starts
    the units' commands and nginx)."""
    stub_dir = base / "fake-bin"
    stub_dir.mkdir(parents=True, exist_ok=True)
    link = stub_dir / "systemctl"
    if not link.is_symlink():
        link.symlink_to(FAKE_SYSTEMCTL)
    return {
        **os.environ,
        "PATH": f"{stub_dir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "FAKE_SYSTEMCTL_LOG": str(base / "systemctl.log"),
        "FAKE_SYSTEMCTL_STATE": str(base / "systemctl-state"),
        "FAKE_SYSTEMCTL_UNITS": str(base / "systemd"),
        "FAKE_SYSTEMCTL_NGINX_CONF": str(base / "nginx" / "nginx.conf"),
        "FAKE_SYSTEMCTL_RUN": "1" if run else "0",
    }


def systemctl_calls(base: Path) -> list[str]:
    """The systemctl commands issued so far (and forgets them: the next call sees only newer ones)."""
    log = base / "systemctl.log"
    if not log.exists():
        return []
    calls = log.read_text().splitlines()
    log.unlink()
    return calls


def stop_all(base: Path) -> None:
    if (base / "systemctl-state").exists():
        subprocess.run([str(FAKE_SYSTEMCTL), "_stop-all"], env=systemctl_env(base, run=True), check=False, timeout=120)


def run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, env=env)


def fresh_start(base: Path = BASE, *, db: str = DB) -> None:
    """A throwaway install: the database, its role and the prefix left by an earlier run are removed first (an
    earlier run of another version may have left tables its migrations named differently)."""
    stop_all(base)
    for sql in (f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", f"DROP ROLE IF EXISTS {db}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql],
            capture_output=True,
            check=False,
        )
    shutil.rmtree(base, ignore_errors=True)


def env_file(base: Path = BASE) -> dict[str, str]:
    values = {}
    for line in (base / "etc" / "bianmin.env").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def wait_for(url: str, *, status: int, seconds: float = 90) -> requests.Response:
    deadline = time.monotonic() + seconds
    last: object = None
    while time.monotonic() < deadline:
        try:
            response = requests.get(url, verify=False, allow_redirects=False, timeout=60)  # noqa: S501
            if response.status_code == status:
                return response
            last = response.status_code
        except requests.RequestException as exc:  # refused, or too slow on a loaded machine: ask again
            last = exc
        time.sleep(1)
    raise AssertionError(f"{url} did not answer {status}: {last}")
