"""The throughput leg of `make bench`: gunicorn on a free port against the bench database, `wrk` from a second
process, each target's requests per second against the bench-only hello view (in alternating rounds), and a worker's
peak memory."""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from bianmin.bench import benchgen


def run(duration: int) -> dict[str, Any]:
    """gunicorn on a free port against this database; wrk from a second process; a worker's peak memory."""
    from bianmin.cases.models import Case
    from bianmin.org.models import OrgUnit

    wrk = shutil.which("wrk")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if wrk is None or not gunicorn.exists():
        return {"not_measured": "wrk or gunicorn not installed"}
    center = OrgUnit.objects.get(code=benchgen.FIRST_CENTER)
    sample = Case.objects.filter(center=center).exclude(status="received").order_by("-id").first()
    if sample is None:
        return {"not_measured": "no cases"}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    env = {**os.environ, "DEBUG": "0", "BIANMIN_BENCH_HELLO": "1", "DATABASE_URL": _database_url()}
    env.setdefault("SECRET_KEY", str(settings.SECRET_KEY))
    proc = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(gunicorn), "bianmin.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    result: dict[str, Any] = {"server": f"gunicorn sync, {workers} workers", "wrk": "2 threads, 16 connections"}
    try:
        if not _wait_up(base + "/bench/hello.json", 30):
            err = proc.stderr.read(2000).decode(errors="replace") if proc.stderr else ""
            return {"not_measured": f"server did not start: {err[-500:]}"}
        # A staff page as the window clerk's browser fetches it: their session cookie on every request.
        cookie = f"Cookie: {settings.SESSION_COOKIE_NAME}={_session_of(benchgen.BENCH_WINDOW)}"
        targets: dict[str, tuple[str, str | None]] = {
            "hello": ("/bench/hello.json", None),
            "progress_query": (reverse("cases:progress_token", args=[sample.public_token]), None),
            "open311_requests": (
                reverse("api:open311_requests", kwargs={"fmt": "json"}) + f"?jurisdiction_id={center.code}",
                None,
            ),
            "workbench": (reverse("cases:workbench"), cookie),
        }
        result.update(_rounds(wrk, base, targets, duration))
        result["worker_peak_rss_mb"] = _peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return result


# The targets are run in turn, a share of the duration each, this many times: a neighbour's load on a shared machine
# (the hello view's rate moved 1,350–2,100 req/s between runs minutes apart) then hits each target and the hello view
# it is compared with in the same minute.
ROUNDS = 3


def _rounds(
    wrk: str, base: str, targets: dict[str, tuple[str, str | None]], duration: int, rounds: int = ROUNDS
) -> dict[str, Any]:
    """Each target's figures over `rounds` rounds of `duration / rounds` seconds (at least 2), the targets in turn
    within a round: its requests per second over all rounds, its worst round's p99, and for the progress page and
    the workbench the median over the rounds of its rate against the hello view's in the same round."""
    per = max(2, round(duration / rounds))
    for path, header in targets.values():
        _wrk_run(wrk, base + path, 2, header)  # warm the workers
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
    for _i in range(rounds):
        for name, (path, header) in targets.items():
            runs[name].append(_wrk(wrk, base + path, per, header, warm=False))
    out: dict[str, Any] = {"rounds": rounds, "seconds_per_round": per}
    for name, measured in runs.items():
        rates = [r["requests_per_s"] for r in measured if r["requests_per_s"] is not None]
        p99s = [r["p99_ms"] for r in measured if r["p99_ms"] is not None]
        out[name] = {
            "requests_per_s": round(sum(rates) / len(rates), 2) if rates else None,
            "p99_ms": max(p99s) if p99s else None,
            "non_2xx": sum(r["non_2xx"] for r in measured),
            "timeouts": sum(r["timeouts"] for r in measured),
            "per_round": rates,
        }
    for name in ("progress_query", "workbench"):
        shares = [
            t["requests_per_s"] / h["requests_per_s"]
            for t, h in zip(runs[name], runs["hello"], strict=True)
            if t["requests_per_s"] is not None and h["requests_per_s"]
        ]
        out[f"{name.split('_')[0]}_vs_hello"] = round(statistics.median(shares), 3) if shares else None
    return out


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    name = settings.DATABASES["default"]["NAME"]
    return f"sqlite:///{name}"


def _wait_up(url: str, seconds: float) -> bool:
    import urllib.request

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - our own local server
                if resp.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _session_of(username: str) -> str:
    """A session of this user in the configured session store, as a logged-in browser would hold it."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _wrk(wrk: str, url: str, duration: int, header: str | None = None, *, warm: bool = True) -> dict[str, Any]:
    if warm:
        _wrk_run(wrk, url, 2, header)  # warm the workers
    text = _wrk_run(wrk, url, duration, header)
    r: dict[str, Any] = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    r["requests_per_s"] = float(m.group(1)) if m else None
    m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    r["p99_ms"] = round(float(m.group(1)) * _UNITS[m.group(2)], 2) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    r["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors:.*timeout (\d+)", text)
    r["timeouts"] = int(m.group(1)) if m else 0  # wrk gives up on a request after 2 s
    return r


def _wrk_run(wrk: str, url: str, duration: int, header: str | None = None) -> str:
    extra = ["-H", header] if header else []
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [wrk, "-t2", "-c16", f"-d{duration}s", "--latency", *extra, url], capture_output=True, text=True, check=False
    )
    return done.stdout


def _peak_rss_mb(master: int) -> float | None:
    """The largest VmHWM (peak resident set) among the master's children, the workers."""
    peak = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if f"\nPPid:\t{master}\n" not in status:
            continue
        m = re.search(r"VmHWM:\s+(\d+) kB", status)
        if m:
            peak = max(peak, int(m.group(1)))
    return round(peak / 1024, 1) if peak else None
