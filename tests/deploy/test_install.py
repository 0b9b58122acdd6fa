"""deploy/install and deploy/upgrade for real, in a throwaway prefix with loopback ports.

An earlier release (UPGRADE_FROM, see there) is installed with ITS OWN installer, as an operator did back then, and
given data through its own manage.py; then this tree's deploy/upgrade takes it to HEAD while it serves, and this
tree's installer runs once more (no change). `systemctl` is tests/deploy/fake_systemctl.py: both scripts take their
systemd branch, every systemctl command is recorded, and the units' own ExecStart= lines (gunicorn, a worker, the
scheduler) and nginx with the generated configuration are started and restarted from it. systemd itself (PID 1,
sandboxing, restart on failure) is not here: `systemd-analyze verify` checks the unit files.

Root only; opt in with BIANMIN_DEPLOY_TEST=1 (.ci/run does, in a step of its own). Each release's virtual
environment (pip) and front-end assets (npm) are installed from the machine's caches; about three minutes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import requests

from tests.deploy.support import (
    APP_PORT,
    BASE,
    HTTP_PORT,
    HTTPS_PORT,
    ROOT,
    fresh_start,
    options,
    run,
    stop_all,
    systemctl_calls,
    systemctl_env,
    wait_for,
)

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.skipif(
        os.geteuid() != 0 or os.environ.get("BIANMIN_DEPLOY_TEST") != "1",
        reason="needs root and BIANMIN_DEPLOY_TEST=1",
    ),
]

# The release upgraded from: the first commit of the integration line that shipped deploy/install and deploy/upgrade
# ("Merge ops: ...", issue 18). Not HEAD~1: the commit before this one usually has the same migrations and the same
# requirements, so its upgrade would apply nothing. From this fixed release every later migration (keys and audit,
# logins and TOTP, ...), every changed requirement and every change of the unit files and the nginx site is part
# of the upgrade, and the data written through it (tests/deploy/old_version_data.py) stays valid for that release.
# BIANMIN_UPGRADE_FROM=<commit> tries another (it must be in this repository and have deploy/install).
UPGRADE_FROM = os.environ.get("BIANMIN_UPGRADE_FROM", "b87c8e752299728f66add59df60eaf8fb74c04fe")
SERVICES = ["bianmin-web.service", "bianmin-scheduler.service", "bianmin-worker@1.service"]


def _manage(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BASE / "opt" / "bin" / "bianmin-manage"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _old_source() -> Path:
    """The old release as an operator would have had it: a checkout of the commit (a clone sharing this repository's
    objects; the installer of that time installs the checkout's HEAD)."""
    source = BASE / "old-source"
    for command in (
        ["git", "clone", "--quiet", "--shared", "--no-checkout", str(ROOT), str(source)],
        ["git", "-C", str(source), "checkout", "--quiet", "--detach", UPGRADE_FROM],
    ):
        subprocess.run(command, capture_output=True, check=True)
    return source


def _cwd_of(unit: str) -> Path:
    """Where the unit's program runs (the child of runuser, which the stand-in started)."""
    pid = (BASE / "systemctl-state" / "pids" / unit).read_text().strip()
    child = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0]
    return Path(os.readlink(f"/proc/{child}/cwd"))


def _check_units_and_site() -> None:
    units = sorted((BASE / "systemd").glob("bianmin-*"))
    assert {unit.name for unit in units} == {
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
        verified = run(["systemd-analyze", "verify", *to_verify])
        assert verified.returncode == 0, verified.stderr
    tested = run(["nginx", "-t", "-c", str(BASE / "nginx" / "nginx.conf")])
    assert tested.returncode == 0, tested.stderr


def test_an_earlier_release_upgrades_to_this_one_while_serving_and_a_second_install_changes_nothing():
    fresh_start()
    env = systemctl_env(BASE, run=True)
    old_source = _old_source()
    old_commit = run(["git", "-C", str(old_source), "rev-parse", "HEAD"]).stdout.strip()
    try:
        # 1. The old release, installed by its own installer (systemd branch, through the stand-in).
        first = run([str(old_source / "deploy" / "install"), *options(), "--admin=opsadmin"], env)
        assert first.returncode == 0, first.stdout + first.stderr
        assert "PERSONAL_DATA_KEY" in first.stdout
        old_release = (BASE / "opt" / "current").resolve()
        assert old_release.name.endswith(old_commit[:12])
        env_file = BASE / "etc" / "bianmin.env"
        assert oct(env_file.stat().st_mode & 0o777) == "0o600"
        calls = systemctl_calls(BASE)
        assert "daemon-reload" in calls
        base = f"https://localhost:{HTTPS_PORT}"
        assert "便民" in wait_for(f"{base}/", status=200).text
        # The worker ran its heartbeat job, queued by the scheduler: the public check turns 200.
        wait_for(f"{base}/healthz", status=200, seconds=120)

        # 2. Data through the old release's own manage.py: an org unit, staff, an item, a case with an ID number.
        written = _manage("shell", stdin=(Path(__file__).with_name("old_version_data.py")).read_text())
        assert written.returncode == 0, written.stdout + written.stderr
        case_number = written.stdout.split("CASE ", 1)[1].split()[0]

        # 3. This tree's deploy/upgrade, the same options, while the old release serves.
        backups_before = set((BASE / "var" / "backups").glob("bianmin-backup-*"))
        upgraded = run([str(ROOT / "deploy" / "upgrade"), *options(), "--admin=opsadmin", "--health-wait=120"], env)
        assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
        out = upgraded.stdout
        assert "健康检查通过" in out

        # A backup first, taken by the old release (its manifest names the old commit and holds the case).
        (backup,) = set((BASE / "var" / "backups").glob("bianmin-backup-*")) - backups_before
        with tarfile.open(backup) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        assert manifest["commit"] == old_commit
        assert manifest["row_counts"]["cases_case"] == 1
        assert out.index("升级前备份") < out.index("安装新版本") < out.index("健康检查")

        # The new release beside the old one, current switched, previous kept.
        new_release = (BASE / "opt" / "current").resolve()
        head = run(["git", "-C", str(ROOT), "rev-parse", "HEAD"]).stdout.strip()
        assert new_release.name.endswith(head[:12])
        assert new_release.parent == old_release.parent
        assert old_release.is_dir()
        assert (BASE / "opt" / "previous").resolve() == old_release
        assert f"{old_release.name} → {new_release.name}" in out

        # Migrations applied: some, and none left.
        migrated = int(out.split("执行了 ", 1)[1].split(" 个数据库迁移")[0])
        assert migrated > 0
        plan = _manage("showmigrations", "--plan")
        assert plan.returncode == 0, plan.stderr
        assert "[X]" in plan.stdout
        assert "[ ]" not in plan.stdout

        # The units were restarted from the new release (systemd would; the stand-in did what the units say).
        calls = systemctl_calls(BASE)
        assert "daemon-reload" in calls
        restart = next(c for c in calls if c.startswith("restart "))
        assert set(restart.split()[1:]) == {*SERVICES, "bianmin-backup.timer"}
        assert not [c for c in calls if c.startswith("enable")]
        for unit in SERVICES:
            assert _cwd_of(unit) == new_release

        # The data is still there and readable by the new release (the ID number decrypts with the same key).
        read = _manage(
            "shell",
            "-c",
            "from bianmin.cases.models import Case; from bianmin.org.models import OrgUnit; "
            f"c = Case.objects.get(number='{case_number}'); "
            "print(c.applicant_id_number, c.applicant_phone, c.center.name, OrgUnit.objects.count())",
        )
        assert read.returncode == 0, read.stdout + read.stderr
        assert read.stdout.split()[-4:] == ["410108199001010010", "13903711234", "升级测试街道", "2"]

        # Health through nginx over TLS, served by the new release.
        assert wait_for(f"{base}/healthz", status=200).json() == {"status": "ok"}
        assert "便民" in wait_for(f"{base}/", status=200).text
        redirect = requests.get(f"http://localhost:{HTTP_PORT}/x?y=1", allow_redirects=False, timeout=60)
        assert redirect.status_code == 301
        assert redirect.headers["Location"] == f"{base}/x?y=1"
        staff = requests.get(f"{base}/staff/health/", verify=False, allow_redirects=False, timeout=60)  # noqa: S501
        assert staff.status_code == 302  # a staff page: to the login page, over TLS
        assert "login" in staff.headers["Location"]
        static = requests.get(f"{base}/static/vendor/htmx/htmx.min.js", verify=False, timeout=60)  # noqa: S501
        assert static.status_code == 200  # collected into the new release, served by nginx
        assert "htmx" in static.text
        direct = requests.get(f"http://127.0.0.1:{APP_PORT}/healthz", timeout=60)
        assert direct.status_code == 200

        # What HEAD's installer writes passes systemd's and nginx's own checks.
        _check_units_and_site()

        # 4. This tree's installer again: nothing to do, and systemd is only asked, never told.
        second = run([str(ROOT / "deploy" / "install"), *options(), "--admin=opsadmin"], env)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "无变化：" in second.stdout
        assert "✓" not in second.stdout
        calls = systemctl_calls(BASE)
        assert {c.split()[0] for c in calls} <= {"daemon-reload", "is-enabled"}
    finally:
        stop_all(BASE)
