"""`make bench`: generate a data set at a scale (bulk inserts) and time the main operations through the real stack.

Lives here (a management command of core) rather than in a root `bench/` package so that it runs with the project's
settings and database routing unchanged; the Makefile points DATABASE_URL at a separate bench database.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

SCALES = {"micro": 500, "small": 50_000, "city": 2_000_000}
BATCH = 5_000


def _bar(done: int, total: int, out: Any) -> None:
    width = 40
    filled = int(width * done / max(total, 1))
    out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    out.flush()


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Generate a benchmark data set and time the main operations (p50/p95, queries, raw-SQL floor)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", default="small", choices=sorted(SCALES))
        parser.add_argument("--repeat", type=int, default=50)
        parser.add_argument("--out", default="var/bench/latest.json")

    def handle(self, *args: Any, **opts: Any) -> None:
        scale = opts["scale"]
        self.generate(SCALES[scale])
        results = self.measure(opts["repeat"])
        payload = {"scale": scale, "database": connection.vendor, "operations": results}
        out = Path(opts["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
        self.stdout.write(f"{'operation':<20}{'p50 ms':>10}{'p95 ms':>10}{'floor':>10}{'ratio':>8}{'queries':>9}")
        for name, r in results.items():
            if r.get("not_measured"):
                self.stdout.write(f"{name:<20}  not measured ({r['not_measured']})")
                continue
            floor = r.get("floor_p50_ms")
            ratio = r.get("ratio")
            self.stdout.write(
                f"{name:<20}{r['p50_ms']:>10.2f}{r['p95_ms']:>10.2f}"
                f"{(f'{floor:.2f}' if floor is not None else '—'):>10}"
                f"{(f'{ratio:.1f}' if ratio is not None else '—'):>8}{r['queries']:>9}"
            )
        self.stdout.write(f"written {out}")

    # ---- generation -------------------------------------------------------------------------------------------
    def generate(self, target: int) -> None:
        from bianmin.cases.models import Case, CaseEvent, CaseMaterial, Status
        from bianmin.catalog.models import ServiceItem
        from bianmin.core.personal_data import blind_index, encrypt
        from bianmin.org.models import OrgUnit, Staff, Window

        have = Case.objects.count()
        if have >= target:
            self.stdout.write(f"reusing data set: {have} cases")
            return
        from bianmin.catalog.models import ItemVersion

        versions = {}
        for v in ItemVersion.objects.order_by("item_id", "number"):
            versions[v.item_id] = v.pk
        items = list(ServiceItem.objects.filter(pk__in=list(versions))[:200])
        centers = list(OrgUnit.objects.filter(hall_kind="center"))
        windows = {c.pk: list(Window.objects.filter(center=c)) for c in centers}
        staff = {c.pk: list(Staff.objects.filter(org_unit__path__startswith=c.path)) for c in centers}
        if not items or not centers:
            raise SystemExit("bench: run load_demo first (no items or centers)")
        rnd = random.Random(6)  # noqa: S311 - synthetic data
        phones = [f"139{rnd.randrange(10**7, 10**8)}" for _ in range(200)]
        phone_tokens = [(encrypt(p), p[-4:]) for p in phones]
        ids = [f"41010819{rnd.randrange(70, 99)}0101{rnd.randrange(1000, 9999)}" for _ in range(200)]
        id_tokens = [(encrypt(i), blind_index(i, purpose="resident_id")) for i in ids]
        names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷"]
        statuses = [Status.DELIVERED] * 36 + [Status.ACCEPTED, Status.IN_PROGRESS, Status.RECEIVED, Status.COMPLETED]
        now = timezone.now()
        year = now.year
        start_serial = have + 1
        todo = target - have
        self.stdout.write(f"generating {todo} cases")
        done = 0
        while done < todo:
            n = min(BATCH, todo - done)
            batch = []
            for k in range(n):
                serial = start_serial + done + k
                center = centers[serial % len(centers)]
                item = items[serial % len(items)]
                st = statuses[serial % len(statuses)]
                # Open cases are recent (a few weeks); finished ones spread over two years — as in a real center,
                # where almost nothing stays open for months.
                span = 60 * 24 * 365 * 2 if st in (Status.DELIVERED,) else 60 * 24 * 30
                received = now - timedelta(minutes=rnd.randrange(0, span))
                ws = windows[center.pk]
                ss = staff[center.pk]
                ph, tail = phone_tokens[serial % 200]
                idt, idx = id_tokens[serial % 200]
                s = ss[serial % len(ss)] if ss else None
                batch.append(
                    Case(
                        number=f"B{center.code}{serial:09d}",
                        year=year,
                        serial=1_000_000_000 + serial,
                        center=center,
                        window=ws[serial % len(ws)] if ws else None,
                        item=item,
                        item_version_id=versions[item.pk],
                        item_name=item.name,
                        mode=item.default_mode,
                        status=st,
                        applicant_name=names[serial % len(names)],
                        applicant_id_number=idt,
                        applicant_id_index=idx,
                        applicant_phone=ph,
                        phone_tail=tail,
                        received_by=s,
                        assignee=s,
                        received_at=received,
                        accepted_at=received,
                        accepted_by=s,
                        limit_days=item.promised_limit,
                        due_at=received + timedelta(days=item.promised_limit or 5),
                        completed_at=received + timedelta(days=2)
                        if st in (Status.DELIVERED, Status.COMPLETED)
                        else None,
                        delivered_at=received + timedelta(days=3) if st == Status.DELIVERED else None,
                        public_token=uuid.uuid4().hex,
                    )
                )
            created = Case.objects.bulk_create(batch, batch_size=1000)
            if connection.vendor != "postgresql":
                numbers = [c.number for c in created]
                created = list(Case.objects.filter(number__in=numbers).only("id", "received_at", "received_by"))
            mats = []
            evs = []
            for c in created:
                for j, nm in enumerate(("身份证明", "申请表")):
                    mats.append(
                        CaseMaterial(
                            case_id=c.pk,
                            name=nm,
                            kind="main",
                            sort_order=j,
                            presented=True,
                            presented_form="original",
                            received_at=c.received_at,
                        )
                    )
                evs.append(
                    CaseEvent(
                        case_id=c.pk,
                        actor=None,
                        verb="received",
                        from_state="",
                        to_state="received",
                        created_at=c.received_at,
                    )
                )
            CaseMaterial.objects.bulk_create(mats, batch_size=2000)
            CaseEvent.objects.bulk_create(evs, batch_size=2000)
            done += n
            _bar(done, todo, self.stdout)
        self.stdout.write("")
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")

    # ---- measurement ------------------------------------------------------------------------------------------
    def _time(self, fn: Any, repeat: int) -> tuple[list[float], int]:
        fn()  # warm
        with CaptureQueriesContext(connection) as ctx:
            fn()
        queries = len(ctx.captured_queries)
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t) * 1000)
        reset_queries()
        return samples, queries

    def _floor(self, sql: str, params: list[Any], repeat: int) -> float:
        raw = connection.connection if connection.connection else None
        if raw is None:
            connection.ensure_connection()
            raw = connection.connection
        samples = []
        for _ in range(repeat + 1):
            t = time.perf_counter()
            cur = raw.cursor()
            cur.execute(sql.replace("%s", "?") if connection.vendor == "sqlite" else sql, params)
            cur.fetchall()
            cur.close()
            samples.append((time.perf_counter() - t) * 1000)
        return statistics.median(samples[1:])

    def measure(self, repeat: int) -> dict[str, Any]:
        from django.contrib.auth import get_user_model

        from bianmin.cases.models import OPEN_STATUSES, Case

        User = get_user_model()
        out: dict[str, Any] = {}

        def op(name: str, fn: Any, floor: tuple[str, list[Any]] | None = None) -> None:
            try:
                samples, queries = self._time(fn, repeat)
            except Exception as exc:
                out[name] = {"not_measured": f"error: {exc!r}"[:200]}
                return
            r: dict[str, Any] = {
                "p50_ms": round(statistics.median(samples), 3),
                "p95_ms": round(_percentile(samples, 0.95), 3),
                "floor_p50_ms": None,
                "ratio": None,
                "queries": queries,
            }
            if floor:
                f = self._floor(floor[0], floor[1], repeat)
                r["floor_p50_ms"] = round(f, 3)
                r["ratio"] = round(r["p50_ms"] / f, 2) if f else None
            out[name] = r

        def client_for(username: str) -> Client:
            c = Client()
            u = User.objects.get(username=username)
            c.force_login(u)
            return c

        def get(c: Client, url: str) -> Any:
            def run() -> None:
                resp = c.get(url)
                if resp.status_code != 200:
                    raise RuntimeError(f"{url} → {resp.status_code}")

            return run

        wa = client_for("window_a")
        sample = Case.objects.filter(center__code="410108001").order_by("-id").first()
        open_st = [str(s) for s in OPEN_STATUSES]
        ph = ",".join(["%s"] * len(open_st))
        op(
            "workbench",
            get(wa, "/staff/cases/"),
            (
                f"SELECT * FROM cases_case WHERE center_id=%s AND status IN ({ph}) "  # noqa: S608 - placeholders only
                "ORDER BY due_at LIMIT 50",
                [sample.center_id if sample else 0, *open_st],
            ),
        )
        op(
            "director_board",
            get(client_for("director"), "/staff/cases/director/"),
            (
                f"SELECT * FROM cases_case WHERE center_id=%s AND status IN ({ph}) "  # noqa: S608 - placeholders only
                "AND due_at < %s ORDER BY due_at LIMIT 50",
                [sample.center_id if sample else 0, *open_st, timezone.now() + timedelta(days=2)],
            ),
        )
        if sample:
            op(
                "case_detail",
                get(wa, f"/staff/cases/c/{sample.number}/"),
                (
                    "SELECT * FROM cases_case c LEFT JOIN cases_caseevent e ON e.case_id=c.id "
                    "LEFT JOIN cases_casematerial m ON m.case_id=c.id WHERE c.number=%s",
                    [sample.number],
                ),
            )
            anon = Client()
            op(
                "progress_query",
                get(anon, f"/progress/t/{sample.public_token}/"),
                (
                    "SELECT * FROM cases_case c LEFT JOIN cases_caseevent e ON e.case_id=c.id WHERE c.public_token=%s",
                    [sample.public_token],
                ),
            )
        else:
            out["case_detail"] = out["progress_query"] = {"not_measured": "no cases"}
        out["intake"] = {"not_measured": "intake form driving not written yet"}
        op("catalog_search", get(Client(), "/centers/410108001/search/?q=%E8%BA%AB%E4%BB%BD"))
        op(
            "open311_requests",
            get(Client(), "/open311/v2/requests.json"),
            (
                "SELECT * FROM cases_case WHERE received_at >= %s ORDER BY received_at DESC LIMIT 1000",
                [timezone.now() - timedelta(days=90)],
            ),
        )
        for name, mod, attr in (
            ("district_dashboard", "bianmin.reports.selectors", "district_dashboard"),
            ("annual_assessment", "bianmin.oversight.selectors", "annual_assessment"),
        ):
            try:
                module = __import__(mod, fromlist=[attr])
                getattr(module, attr)
                out[name] = {"not_measured": "selector exists; bench operation not wired yet"}
            except (ImportError, AttributeError):
                out[name] = {"not_measured": "feature not built yet"}
        _ = settings, sys
        return out
