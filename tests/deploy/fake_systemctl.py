#!/usr/bin/python3
"""A stand-in for `systemctl` on machines without systemd as PID 1 (tests/deploy): put a link named `systemctl` to
this file first on PATH and deploy/install and deploy/upgrade take their systemd branch.

Every call is appended, one line of arguments, to $FAKE_SYSTEMCTL_LOG. Enabled units are remembered in
$FAKE_SYSTEMCTL_STATE. Debian's own daemons (postgresql, redis-server, nginx) count as enabled and running, as their
packages leave them. With FAKE_SYSTEMCTL_RUN=1 it also does what systemd would do with Bianmin's units: it starts
the ExecStart= of a bianmin-*.service read from the unit file in $FAKE_SYSTEMCTL_UNITS (User=, WorkingDirectory=,
EnvironmentFile=, StandardOutput=append:, the %i and %H specifiers), stops it by its process group, and starts or
reloads nginx with the configuration $FAKE_SYSTEMCTL_NGINX_CONF. It is not systemd: no dependencies, no sandboxing
(NoNewPrivileges=, ProtectSystem=... are checked by `systemd-analyze verify` only), no restart on failure."""

from __future__ import annotations

import fnmatch
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

LOG = Path(os.environ["FAKE_SYSTEMCTL_LOG"])
STATE = Path(os.environ["FAKE_SYSTEMCTL_STATE"])
UNITS = Path(os.environ.get("FAKE_SYSTEMCTL_UNITS", "/etc/systemd/system"))
RUN = os.environ.get("FAKE_SYSTEMCTL_RUN") == "1"
NGINX_CONF = os.environ.get("FAKE_SYSTEMCTL_NGINX_CONF", "")
DEBIAN_DAEMONS = {"postgresql.service", "redis-server.service", "nginx.service"}


def unit_name(name: str) -> str:
    return name if "." in name else f"{name}.service"


def is_enabled(unit: str) -> bool:
    return unit in DEBIAN_DAEMONS or (STATE / "enabled" / unit).exists()


def pid_of(unit: str) -> int | None:
    path = STATE / "pids" / unit
    if not path.exists():
        return None
    pid = int(path.read_text())
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None
    return None if state == "Z" else pid


def is_active(unit: str) -> bool:
    if unit in DEBIAN_DAEMONS:
        return True
    if unit.endswith(".timer") or not RUN:  # recording only: what was started counts as running
        return (STATE / "active" / unit).exists()
    return pid_of(unit) is not None


def unit_file(unit: str) -> tuple[Path, str]:
    base, _, rest = unit.partition("@")
    if rest:
        return UNITS / f"{base}@.{unit.rsplit('.', 1)[1]}", rest.rsplit(".", 1)[0]
    return UNITS / unit, ""


def service_settings(unit: str) -> dict[str, str]:
    path, instance = unit_file(unit)
    if not path.exists():
        sys.exit(f"Unit {unit} not found.")
    settings: dict[str, str] = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            settings[key.strip()] = value.strip().replace("%i", instance).replace("%H", socket.gethostname())
    return settings


def environment(settings: dict[str, str]) -> dict[str, str]:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    env_file = settings.get("EnvironmentFile", "")
    if env_file:
        for line in Path(env_file.lstrip("-")).read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                key, _, value = line.partition("=")
                env[key.strip()] = value
    return env


def start(unit: str) -> None:
    if unit.endswith(".timer") or not RUN:
        (STATE / "active").mkdir(parents=True, exist_ok=True)
        (STATE / "active" / unit).touch()
        return
    if unit == "nginx.service":
        nginx("start")
        return
    if unit in DEBIAN_DAEMONS or is_active(unit):
        return
    settings = service_settings(unit)
    output = settings.get("StandardOutput", "")
    log = open(output.removeprefix("append:"), "ab") if output.startswith("append:") else subprocess.DEVNULL  # noqa: SIM115
    command = shlex.split(settings["ExecStart"])
    if settings.get("User"):
        command = ["/usr/sbin/runuser", "-u", settings["User"], "--", *command]
    process = subprocess.Popen(
        command,
        cwd=settings.get("WorkingDirectory") or "/",
        env=environment(settings),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    (STATE / "pids").mkdir(parents=True, exist_ok=True)
    (STATE / "pids" / unit).write_text(str(process.pid))


def stop(unit: str) -> None:
    if unit.endswith(".timer") or not RUN:
        (STATE / "active" / unit).unlink(missing_ok=True)
        return
    if unit == "nginx.service":
        nginx("stop")
        return
    pid = pid_of(unit)
    if pid is None:
        return
    deadline = time.monotonic() + 60
    sent = signal.SIGTERM
    try:
        os.killpg(pid, sent)
        while pid_of(unit) is not None:
            if time.monotonic() > deadline and sent != signal.SIGKILL:
                sent = signal.SIGKILL
                os.killpg(pid, sent)
            time.sleep(0.2)
    except ProcessLookupError:
        pass
    (STATE / "pids" / unit).unlink(missing_ok=True)


def nginx(action: str) -> None:
    if not RUN or not NGINX_CONF:
        return
    pid_file = STATE / "nginx.running"
    # nginx goes on running as a daemon: never give it this process's output (a caller may wait for its end).
    with (STATE / "nginx.out").open("ab") as out:
        if action == "stop":
            if pid_file.exists():
                subprocess.run(["nginx", "-c", NGINX_CONF, "-s", "quit"], stdout=out, stderr=out, check=False)
                pid_file.unlink()
        elif action == "reload" and pid_file.exists():
            subprocess.run(["nginx", "-c", NGINX_CONF, "-s", "reload"], stdout=out, stderr=out, check=True)
        elif not pid_file.exists():
            # Debian's nginx runs from its package's installation on; here it starts on the first start or reload.
            subprocess.run(["nginx", "-c", NGINX_CONF], stdin=subprocess.DEVNULL, stdout=out, stderr=out, check=True)
            pid_file.touch()


def main(argv: list[str]) -> int:
    with LOG.open("a") as log:
        log.write(" ".join(argv) + "\n")
    STATE.mkdir(parents=True, exist_ok=True)
    quiet = any(a in ("-q", "--quiet") for a in argv)
    now = "--now" in argv
    words = [a for a in argv if not a.startswith("-")]
    if not words:
        return 0
    verb, units = words[0], [unit_name(u) for u in words[1:]]
    if verb == "daemon-reload":
        return 0
    if verb == "is-enabled":
        enabled = all(is_enabled(u) for u in units)
        if not quiet:
            print("enabled" if enabled else "disabled")
        return 0 if enabled else 1
    if verb == "is-active":
        active = all(is_active(u) for u in units)
        if not quiet:
            print("active" if active else "inactive")
        return 0 if active else 3
    if verb in ("enable", "disable"):
        (STATE / "enabled").mkdir(parents=True, exist_ok=True)
        for unit in units:
            if verb == "enable":
                if unit not in DEBIAN_DAEMONS and not unit_file(unit)[0].exists():
                    sys.exit(f"Unit {unit} not found.")
                (STATE / "enabled" / unit).touch()
                if now:
                    start(unit)
            else:
                (STATE / "enabled" / unit).unlink(missing_ok=True)
                if now:
                    stop(unit)
        return 0
    if verb == "start":
        for unit in units:
            start(unit)
    elif verb == "stop":
        for unit in units:
            stop(unit)
    elif verb in ("restart", "try-restart", "reload", "reload-or-restart", "try-reload-or-restart"):
        for unit in units:
            if verb.startswith("try-") and not is_active(unit):
                continue
            if unit == "nginx.service":
                nginx("reload")
            else:
                stop(unit)
                start(unit)
    elif verb == "list-units":
        names = {p.name for d in ("pids", "active", "enabled") if (STATE / d).exists() for p in (STATE / d).iterdir()}
        for unit in sorted(names):
            if is_active(unit) and (not words[1:] or any(fnmatch.fnmatch(unit, p) for p in words[1:])):
                print(f"{unit} loaded active running {unit}")
    elif verb == "_stop-all":  # the tests' clean-up, not a systemctl verb
        for path in sorted((STATE / "pids").glob("*")) if (STATE / "pids").exists() else []:
            stop(path.name)
        nginx("stop")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
