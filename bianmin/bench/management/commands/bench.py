"""`make bench`: generate a data set at a scale (bulk inserts, see bianmin/bench/benchgen.py) and time the main
operations through the real stack, each beside its raw-SQL floor; optionally a throughput leg (gunicorn + wrk).

Lives here (a management command of core) rather than in a root `bench/` package so that it runs with the project's
settings and database routing unchanged; the Makefile points DATABASE_URL at a separate bench database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, connections, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bianmin.bench import benchgen, throughput
from bianmin.bench.dashboards import build_rollups, district_dashboard_ops
from bianmin.bench.scans import full_scans, generic_full_scans
from bianmin.core.compiled import KEYED, keyed_alias
from bianmin.warmup import warm_worker

SCALES = {name: shape.cases for name, shape in benchgen.SHAPES.items()}


class Keyed(str):
    """A floor's statement that the page runs as a keyed read (`bianmin.core.compiled`): replayed on the keyed
    connection, planned once as the page's is, where there is one."""

    __slots__ = ()


def _floor_connection(sql: str) -> Any:
    return connections[KEYED] if isinstance(sql, Keyed) and keyed_alias() == KEYED else connection


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def _machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_mb"] = int(line.split()[1]) // 1024
                break
    except OSError:
        pass
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            info["postgresql"] = cur.fetchone()[0]
    return info


class Command(BaseCommand):
    help = "Generate a benchmark data set and time the main operations (p50/p95, queries, raw-SQL floor)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", default="small", choices=sorted(SCALES))
        parser.add_argument("--repeat", type=int, default=50)
        parser.add_argument("--only", default="", help="comma-separated operations to time (default: all)")
        parser.add_argument("--out", default="var/bench/latest.json")
        parser.add_argument("--throughput", action="store_true", help="also run the gunicorn + wrk leg")
        parser.add_argument("--throughput-only", action="store_true", help="only the throughput leg (data set kept)")
        parser.add_argument("--generate-only", action="store_true", help="build the data set and stop")
        parser.add_argument("--duration", type=int, default=30, help="seconds of wrk per target, over three rounds")

    def handle(self, *args: Any, **opts: Any) -> None:
        scale = opts["scale"]
        out = Path(opts["out"])
        generation = benchgen.ensure(scale, self.stdout)
        # The closed months' rollups, as the periodic job keeps them on a deployment (missing ones only).
        generation["rollups"] = build_rollups()
        if opts["generate_only"]:
            return
        payload: dict[str, Any] = {}
        if opts["throughput_only"] and out.exists():
            payload = json.loads(out.read_text())
        payload.update(
            {
                "scale": scale,
                "database": connection.vendor,
                "shape": benchgen.shape_summary(scale),
                "generation": generation,
                "machine": _machine(),
                "measured_at": timezone.now().isoformat(timespec="seconds"),
            }
        )
        if not opts["throughput_only"]:
            # Timed in this process: warmed as a web worker is before its first request (bianmin/warmup.py).
            warm_worker()
            payload["operations"] = self.measure(opts["repeat"], {n for n in opts["only"].split(",") if n})
            self.print_table(payload["operations"])
        if opts["throughput"] or opts["throughput_only"]:
            payload["throughput"] = throughput.run(opts["duration"])
            self.stdout.write(json.dumps(payload["throughput"], ensure_ascii=False, indent=2))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
        self.stdout.write(f"written {out}")

    def print_table(self, results: dict[str, Any]) -> None:
        self.stdout.write(
            f"{'operation':<20}{'p50 ms':>10}{'p95 ms':>10}{'floor':>10}{'ratio':>8}{'frame':>8}{'page×':>8}"
            f"{'queries':>9}"
        )
        for name, r in results.items():
            if r.get("not_measured"):
                self.stdout.write(f"{name:<20}  not measured ({r['not_measured']})")
                continue
            floor = r.get("floor_p50_ms")
            ratio = r.get("ratio")
            self.stdout.write(
                f"{name:<20}{r['p50_ms']:>10.2f}{r['p95_ms']:>10.2f}"
                f"{(f'{floor:.2f}' if floor is not None else '—'):>10}"
                f"{(f'{ratio:.1f}' if ratio is not None else '—'):>8}"
                f"{(f'{fw:.2f}' if (fw := r.get('framework_p50_ms')) is not None else '—'):>8}"
                f"{(f'{page:.2f}' if (page := r.get('page_ratio')) is not None else '—'):>8}{r['queries']:>9}"
            )
            for scan in r.get("full_scans", []):
                self.stdout.write(f"    full scan: {scan}")

    # ---- measurement ------------------------------------------------------------------------------------------
    def _time(
        self,
        fn: Callable[[], Any],
        repeat: int,
        framework: Callable[[], Any] | None = None,
        statements: list[tuple[str, list[Any]]] | None = None,
    ) -> tuple[dict[str, list[float]], int, list[str], list[tuple[str, Any]]]:
        """`repeat` rounds, each running the operation, the framework floor's page and the operation's SQL floor once
        (in turn first), so that a neighbour's load on this shared machine hits the three alike: the page's ratio
        compares samples taken side by side, not runs minutes apart."""
        fn()  # warm
        # Both connections the page may read on: the default and the keyed one (its statements kept with their
        # parameters, for the check of the plans made once for all values).
        keyed: list[tuple[str, Any]] = []

        def note(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            keyed.append((sql, params))
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            ctx = stack.enter_context(CaptureQueriesContext(connection))
            if keyed_alias() == KEYED:
                stack.enter_context(connections[KEYED].execute_wrapper(note))
            fn()
        queries = len(ctx.captured_queries) + len(keyed)
        sqls = [q["sql"] for q in ctx.captured_queries]
        legs: list[tuple[str, Callable[[], Any]]] = [("op", fn)]
        if framework is not None:
            framework()
            legs.append(("framework", framework))
        if statements:
            legs.append(("sql", lambda: self._replay(statements)))
        samples: dict[str, list[float]] = {name: [] for name, _run in legs}
        for i in range(repeat):
            for name, run in legs[i % len(legs) :] + legs[: i % len(legs)]:
                t = time.perf_counter()
                run()
                samples[name].append((time.perf_counter() - t) * 1000)
        reset_queries()
        return samples, queries, sqls, keyed

    def _replay(self, statements: list[tuple[str, list[Any]]]) -> None:
        """The hand-written SQL through the driver's own cursor (no ORM), every statement once."""
        for sql, params in statements:
            conn = _floor_connection(sql)
            conn.ensure_connection()
            cur = conn.connection.cursor()
            cur.execute(sql.replace("%s", "?") if connection.vendor == "sqlite" else sql, params)
            if cur.description is not None:  # a write without RETURNING gives no rows
                cur.fetchall()
            cur.close()

    def _floor(self, statements: list[tuple[str, list[Any]]], repeat: int) -> float:
        """The SQL floor timed on its own (a write's, captured after the operation's runs)."""
        samples = []
        for _ in range(repeat + 1):
            t = time.perf_counter()
            self._replay(statements)
            samples.append((time.perf_counter() - t) * 1000)
        return statistics.median(samples[1:])

    def measure(self, repeat: int, only: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
        from django.contrib.auth import get_user_model
        from django.contrib.contenttypes.models import ContentType

        from bianmin.cases.models import OPEN_STATUSES, Case
        from bianmin.org.models import OrgUnit, Staff

        User = get_user_model()
        out: dict[str, Any] = {}
        # The framework floor's page, timed beside every other operation (set once its client exists).
        framework: list[Callable[[], Any] | None] = [None]

        def op(
            name: str,
            fn: Callable[[], Any],
            floor: list[tuple[str, list[Any]]] | Callable[[], list[tuple[str, list[Any]]]] | None = None,
            reps: int = repeat,
            page: bool = True,
        ) -> None:
            """`page`: the operation is a request for a page (set against the framework floor's page as well);
            otherwise a function a page or a job calls, set against its SQL floor alone."""
            if only and name not in only:
                return
            static = floor if isinstance(floor, list) and floor else None
            try:
                samples, queries, sqls, keyed = self._time(
                    fn, reps, framework[0] if page and name != "framework_floor" else None, static
                )
            except Exception as exc:
                out[name] = {"not_measured": f"error: {exc!r}"[:300]}
                return
            own = samples["op"]
            r: dict[str, Any] = {
                "p50_ms": round(statistics.median(own), 3),
                "p95_ms": round(_percentile(own, 0.95), 3),
                "floor_p50_ms": None,
                "ratio": None,
                "queries": queries,
            }
            if not page:
                r["page"] = False
            if samples.get("framework"):
                r["framework_p50_ms"] = round(statistics.median(samples["framework"]), 3)
            if connection.vendor == "postgresql":
                r["full_scans"] = full_scans(sqls) + generic_full_scans(keyed)
            if callable(floor):  # worked out after the timed runs (a write's floor captures one more run)
                floor = floor()
                f = self._floor(floor, reps) if floor else None
            else:
                f = statistics.median(samples["sql"]) if samples.get("sql") else None
            if f is not None:
                r["floor_p50_ms"] = round(f, 3)
                r["ratio"] = round(r["p50_ms"] / f, 2) if f else None
            out[name] = r

        def client_for(username: str) -> Client:
            c = Client()
            c.force_login(User.objects.get(username=username))
            return c

        def get(c: Client, url: str, status: int = 200) -> Callable[[], Any]:
            def run() -> None:
                resp = c.get(url)
                if resp.status_code != status:
                    raise RuntimeError(f"{url} → {resp.status_code}")

            return run

        center = OrgUnit.objects.get(code=benchgen.FIRST_CENTER)
        district = OrgUnit.objects.get(code=benchgen.FIRST_DISTRICT)
        window_staff = Staff.objects.get(user__username=benchgen.BENCH_WINDOW)
        director = User.objects.get(username=benchgen.BENCH_DIRECTOR)
        open_st = [str(s) for s in OPEN_STATUSES]
        marks = ",".join(["%s"] * len(open_st))
        now = timezone.now()
        list_cols = (
            "c.number, c.item_name, c.mode, c.status, c.applicant_name, c.due_at, c.received_at, c.is_proxy, "
            "c.supplement_pending, w.number, w.name, s.name"
        )
        list_from = (
            "FROM cases_case c LEFT JOIN org_window w ON w.id = c.window_id "
            "LEFT JOIN org_staff s ON s.id = c.assignee_id"
        )

        wc = client_for(benchgen.BENCH_WINDOW)
        try:
            floor_page = get(wc, reverse("bench:floor"))
            op("framework_floor", floor_page)
            framework[0] = floor_page
        except NoReverseMatch:
            out["framework_floor"] = {"not_measured": "BIANMIN_BENCH_HELLO is off"}
        # Everything the workbench shows: its cases, the one statement that says which side lists hold anything,
        # and the side list that does for the bench's clerk (cases received and not yet decided).
        # The page reads them on the keyed connection (`Keyed`), constants in the text: so does its floor.
        open_literal = ", ".join(f"'{s}'" for s in open_st)  # the status codes: plain ASCII words
        workbench_sql: list[tuple[str, list[Any]]] = [
            (
                Keyed(
                    f"SELECT {list_cols} {list_from} WHERE c.assignee_id = %s AND c.status IN ({open_literal}) "
                    "AND c.due_at IS NOT NULL ORDER BY c.due_at, c.id LIMIT 51"
                ),
                [window_staff.pk],
            ),
            (
                Keyed(
                    "SELECT EXISTS(SELECT 1 FROM cases_case WHERE assignee_id = %s AND status = 'received'), "
                    "EXISTS(SELECT 1 FROM cases_casehandover WHERE to_staff_id = %s AND acknowledged_at IS NULL), "
                    "EXISTS(SELECT 1 FROM cases_casehandover WHERE from_staff_id = %s AND acknowledged_at IS NULL), "
                    "EXISTS(SELECT 1 FROM cases_jointtask t JOIN cases_case c ON c.id = t.case_id "
                    "WHERE t.assignee_id = %s AND t.state = 'open' AND c.status = 'in_progress')"
                ),
                [window_staff.pk] * 4,
            ),
        ]
        if Case.objects.filter(assignee=window_staff, status="received").exists():
            workbench_sql.append(
                (
                    Keyed(
                        f"SELECT {list_cols} {list_from} WHERE c.assignee_id = %s AND c.status = 'received' "
                        "ORDER BY c.received_at, c.id LIMIT 50"
                    ),
                    [window_staff.pk],
                )
            )
        op("workbench", get(wc, reverse("cases:workbench")), workbench_sql)
        # Everything the board shows: the open cases of the center and of the service points under it, the counts
        # per window and clerk with their names, and whether anything waits for a sign-off or an acknowledgement.
        units_in, units = _one_of(list(OrgUnit.objects.subtree(center).values_list("id", flat=True)))
        from bianmin.assignments.models import AssignedTask

        task_table = AssignedTask._meta.db_table
        running_in, running = _one_of(["accepted", "in_progress", "forwarded"])
        soon = now + dt.timedelta(days=2)
        op(
            "director_board",
            get(client_for(benchgen.BENCH_DIRECTOR), reverse("cases:director")),
            [
                (
                    f"SELECT {list_cols} {list_from} WHERE c.center_id {units_in} AND c.status IN ({marks}) "
                    "AND c.due_at IS NOT NULL ORDER BY c.due_at, c.id LIMIT 31",
                    [*units, *open_st],
                ),
                (
                    "SELECT g.*, w.number, w.name, s.name FROM (SELECT c.window_id, c.assignee_id, COUNT(*), "  # noqa: S608
                    f"COUNT(*) FILTER (WHERE c.due_at < %s AND c.status {running_in}), "
                    f"COUNT(*) FILTER (WHERE c.due_at >= %s AND c.due_at < %s AND c.status {running_in}) "
                    f"FROM cases_case c WHERE c.center_id {units_in} AND c.status IN ({marks}) "
                    "GROUP BY c.window_id, c.assignee_id) g LEFT JOIN org_window w ON w.id = g.window_id "
                    "LEFT JOIN org_staff s ON s.id = g.assignee_id ORDER BY w.number, s.name",
                    [now, *running, now, soon, *running, *units, *open_st],
                ),
                (
                    "SELECT EXISTS(SELECT 1 FROM cases_supplementrequest r JOIN cases_case c ON c.id = r.case_id "  # noqa: S608
                    f"WHERE r.state = 'pending' AND c.center_id {units_in}), "
                    "EXISTS(SELECT 1 FROM cases_casehandover h JOIN cases_case c ON c.id = h.case_id "
                    f"WHERE h.acknowledged_at IS NULL AND c.center_id {units_in})",
                    [*units, *units],
                ),
                (  # the overdue assigned tasks' panel
                    f"SELECT t.* FROM {task_table} t WHERE t.center_id {units_in} AND t.status = 'open' "  # noqa: S608
                    "AND t.due_at < %s ORDER BY t.due_at, t.id LIMIT 11",
                    [*units, now],
                ),
            ],
        )
        # The district's board: cases forwarded to the district (or a unit under it) by deadline, and the last answered.
        district_in, district_units = _one_of(list(OrgUnit.objects.subtree(district).values_list("id", flat=True)))
        op(
            "district_board",
            get(client_for(benchgen.BENCH_DISTRICT), reverse("cases:district")),
            [
                (
                    f"SELECT {list_cols} {list_from} JOIN cases_caseforwarding f ON f.case_id = c.id "
                    f"WHERE f.district_id {district_in} AND c.status = 'forwarded' AND c.due_at IS NOT NULL "
                    "ORDER BY c.due_at, c.id LIMIT 31",
                    [*district_units],
                ),
                (
                    "SELECT f.*, c.number, c.item_name FROM cases_caseforwarding f "  # noqa: S608
                    f"JOIN cases_case c ON c.id = f.case_id WHERE f.district_id {district_in} "
                    "AND f.result_at IS NOT NULL ORDER BY f.result_at DESC, f.id DESC LIMIT 20",
                    [*district_units],
                ),
            ],
        )
        sample = (
            Case.objects.filter(center=center, assignee=window_staff, status="in_progress").order_by("-id").first()
            or Case.objects.filter(center=center, assignee=window_staff).order_by("-id").first()
        )
        if sample is None:
            out["case_detail"] = out["progress_query"] = {"not_measured": "no cases"}
        else:
            op(
                "case_detail",
                get(wc, reverse("cases:detail", args=[sample.number])),
                [
                    # The case in the clerk's scope, with what the page names of it: its center, window and item.
                    (
                        Keyed(
                            "SELECT c.*, u.name, u.phone, w.number, w.name, i.code, i.name FROM cases_case c "
                            "JOIN org_orgunit u ON u.id = c.center_id LEFT JOIN org_window w ON w.id = c.window_id "
                            "JOIN catalog_serviceitem i ON i.id = c.item_id WHERE c.number = %s AND u.path LIKE %s"
                        ),
                        [sample.number, center.path + "%"],
                    ),
                    (Keyed("SELECT * FROM cases_caseevent WHERE case_id = %s ORDER BY created_at, id"), [sample.pk]),
                    (Keyed("SELECT * FROM cases_casematerial WHERE case_id = %s ORDER BY sort_order, id"), [sample.pk]),
                    (Keyed("SELECT * FROM cases_notice WHERE case_id = %s ORDER BY issued_at, id"), [sample.pk]),
                    # The page shows the applicant: the personal-data access log gets its row.
                    (
                        "INSERT INTO core_personaldatareveal (actor_id, content_type_id, object_id, field, reason, "
                        "created_at) VALUES (%s, %s, %s, '', '', %s)",
                        [window_staff.user_id, ContentType.objects.get_for_model(Case).pk, str(sample.pk), now],
                    ),
                ],
            )
            anon = Client()

            def progress() -> None:
                resp = anon.post(reverse("cases:progress"), {"number": sample.number, "phone_tail": sample.phone_tail})
                if resp.status_code != 200:
                    raise RuntimeError(f"progress → {resp.status_code}")

            op(
                "progress_query",
                progress,
                [
                    (
                        Keyed(
                            "SELECT c.*, o.name, o.phone FROM cases_case c JOIN org_orgunit o ON o.id = c.center_id "
                            "WHERE c.number = %s AND c.phone_tail = %s"
                        ),
                        [sample.number, sample.phone_tail],
                    ),
                    (
                        Keyed(
                            "SELECT verb, created_at FROM cases_caseevent WHERE case_id = %s ORDER BY created_at, id"
                        ),
                        [sample.pk],
                    ),
                ],
            )
        search_client, typed = Client(), iter(benchgen.SEARCH_QUERIES * (repeat + 2))

        def catalog_search() -> None:
            resp = search_client.get(reverse("catalog:search", args=[center.code]), {"q": next(typed)})
            if resp.status_code != 200:
                raise RuntimeError(f"catalog search → {resp.status_code}")

        owners = [o for o in (center.pk, center.parent_id) if o]
        op(
            "catalog_search",
            catalog_search,
            [
                (
                    "SELECT s.item_id, s.weight FROM catalog_searchterm s "
                    "JOIN catalog_serviceitem i ON i.id = s.item_id "
                    "WHERE s.term = %s AND i.status = 'published' AND i.owner_id IN (%s, %s) "
                    "ORDER BY s.weight DESC LIMIT 50",
                    ["身份证", *(owners + owners)[:2]],
                )
            ],
        )
        since = now - dt.timedelta(days=90)
        from bianmin.api.open311 import PAGE_SIZE

        op(
            "open311_requests",
            get(Client(), reverse("api:open311_requests", kwargs={"fmt": "json"}) + f"?jurisdiction_id={center.code}"),
            [
                (
                    # The first page as the list reads it: its records and one more (is there a next page?).
                    "SELECT c.number, c.status, c.item_name, c.received_at, c.updated_at, i.code, a.token "
                    "FROM api_onlineapplication a JOIN cases_case c ON c.id = a.case_id "
                    "JOIN catalog_serviceitem i ON i.id = c.item_id "
                    "WHERE c.center_id = %s AND c.received_at >= %s AND c.received_at <= %s "
                    "ORDER BY c.received_at DESC, a.id DESC LIMIT %s",
                    [center.pk, since, now, PAGE_SIZE + 1],
                )
            ],
        )
        self.api_case_list_ops(op, center, district)
        district_dashboard_ops(op, out, district, now, _client_for)
        self.annual_assessment_op(op, out, director, center, now, min(repeat, 10))
        # Last: each of its runs commits a case at the bench's center this month, which the reads above would count
        # (the current month's dashboard, the lists' first pages). A later run on the same data set still sees them.
        self.intake_op(op, out, wc, center, window_staff)
        page_floors(out)
        return out

    def intake_op(self, op: Callable[..., None], out: dict[str, Any], wc: Client, center: Any, staff: Any) -> None:
        """A case with materials, numbers, notice and events through the real intake POST (check then confirm)."""
        from stdnum.cn import ric

        from bianmin.catalog.models import ItemVersion, ServiceItem
        from bianmin.org.models import Post

        item = (
            ServiceItem.objects.filter(owner_id=center.parent_id, default_mode="promised", status="published")
            .order_by("code")
            .first()
        )
        if item is None:
            out["intake"] = {"not_measured": "no promised item"}
            return
        version = ItemVersion.objects.get(item=item, number=item.version)
        post = Post.objects.filter(staff=staff).first()
        url = reverse("cases:intake", args=[item.pk])
        counter = [0]

        def run() -> None:
            counter[0] += 1
            body = f"410108199001{counter[0] % 28 + 1:02d}{counter[0] % 1000:03d}"
            data = {
                "window": post.window_id if post else "",
                "applicant_kind": "person",
                "applicant_name": "测试申请人",
                "id_number": body + ric.calc_check_digit(body + "0"),
                "phone": "13908261234",
                "step": "confirm",
                "decision": "accept",
            }
            for m in version.materials:
                data[f"p_{m['id']}"] = "on"
                data[f"f_{m['id']}"] = "original"
            # As the intake page's form posts it (it uploads no file): not the test client's multipart default.
            resp = wc.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
            if resp.status_code != 302:
                raise RuntimeError(f"intake → {resp.status_code}")
            # A browser follows the redirect to the case page, which shows (and so takes away) the success message;
            # this client does not follow it, and its messages would pile up in the cookie sent with the next intake.
            wc.cookies.pop(CookieStorage.cookie_name, None)

        op("intake", run, lambda: _written_floor(run))

    def api_case_list_ops(self, op: Callable[..., None], center: Any, district: Any) -> None:
        """`GET /api/v1/cases` (session auth, as a program with a token would see it) for a window clerk (their
        center) and for the district account (every unit of the district), beside the hand-written keyset walk."""
        from bianmin.org.models import OrgUnit

        url = "/api/v1/cases"
        for name, username, scope in (
            ("api_cases", benchgen.BENCH_WINDOW, center),
            ("api_cases_district", benchgen.BENCH_DISTRICT, district),
        ):
            unit_ids = list(OrgUnit.objects.subtree(scope).values_list("id", flat=True))
            floor: list[tuple[str, list[Any]]] = [
                (
                    "SELECT c.* FROM cases_case c WHERE c.id IN (SELECT p.id FROM unnest(%s::bigint[]) AS u(id) "
                    "CROSS JOIN LATERAL (SELECT id, received_at FROM cases_case WHERE center_id = u.id "
                    "ORDER BY received_at DESC, id DESC LIMIT 31) p ORDER BY p.received_at DESC, p.id DESC LIMIT 31)",
                    [unit_ids],
                )
            ]
            if connection.vendor != "postgresql":  # SQLite: the plain form the selector uses there
                marks = ",".join(["%s"] * len(unit_ids))
                floor = [
                    (
                        f"SELECT c.* FROM cases_case c WHERE c.center_id IN ({marks}) "  # noqa: S608
                        "ORDER BY c.received_at DESC, c.id DESC LIMIT 31",
                        unit_ids,
                    )
                ]
            op(name, _get(_client_for(username), url), floor)

    def annual_assessment_op(
        self, op: Callable[..., None], out: dict[str, Any], director: Any, center: Any, now: Any, reps: int
    ) -> None:
        from bianmin.reports.assessment import annual_assessment as fn

        year = timezone.localdate().year - 1  # the last full year

        def run() -> None:
            result = fn(user=director, center=center, year=year)
            if hasattr(result, "__iter__") and not isinstance(result, str | bytes | dict):
                list(result)

        # Not a page: the report's function, set against its own statements replayed (a hand-written report would
        # send the same aggregates).
        op("annual_assessment", run, lambda: _read_floor(run), reps, page=False)

    # ---- throughput -------------------------------------------------------------------------------------------


def _read_floor(run: Callable[[], None]) -> list[tuple[str, list[Any]]]:
    """A read's SQL floor taken from the read itself: the statements one run sends on the default connection,
    captured and replayed as they are (for an operation whose statements no hand-written query would improve on,
    e.g. a report's aggregates)."""
    captured: list[tuple[str, list[Any]]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not many and sql.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        run()
    return captured


def _written_floor(run: Callable[[], None]) -> list[tuple[str, list[Any]]]:
    """A write's SQL floor: the statements one real run sends after the login's own read (which the framework
    floor makes too), captured in a transaction that is then rolled back, and its commit. Replayed as they are in a
    savepoint that is rolled back (the numbers they draw, the rows they write: nothing stays), then a commit that
    must flush them to disk as the run's own commit does: the transaction is given a write of its own
    (`pg_logical_emit_message`, a WAL record and no row), so its commit waits, as a real one does, until the WAL the
    statements wrote is on disk. Replayed, they skip only what the run must do besides: Python. Captured after the
    timed runs, so the numbers the capture draws are given back and drawn by no committed case. Inside a test's
    transaction (no commit possible) the statements alone."""
    captured: list[tuple[str, list[Any]]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not many and not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            captured.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with transaction.atomic():
        with connection.execute_wrapper(capture):
            run()
        transaction.set_rollback(True)
    if connection.vendor != "postgresql" or not captured:
        return []
    # The session's user is read by every page, the framework floor's too: not part of this write's own floor.
    own = [(sql, params) for sql, params in captured if not (sql.startswith("SELECT") and 'FROM "auth_user"' in sql)]
    if connection.in_atomic_block:
        return [("SAVEPOINT bench_floor", []), *own, ("ROLLBACK TO SAVEPOINT bench_floor", [])]
    return [
        ("BEGIN", []),
        ("SAVEPOINT bench_floor", []),
        *own,
        ("ROLLBACK TO SAVEPOINT bench_floor", []),
        ("SELECT pg_logical_emit_message(true, 'bianmin-bench', 'floor')", []),
        ("COMMIT", []),
    ]


def page_floors(out: dict[str, Any]) -> None:
    """Each page against what no page can beat: the framework floor (a staff page with no domain data) plus the
    page's own SQL floor, both timed beside it (`framework_p50_ms`: the floor's samples taken in the operation's own
    rounds; the framework floor's own run where an operation has none). `page_ratio` 1.0 would be a page that costs
    nothing beyond its SQL and the framework."""
    framework = out.get("framework_floor", {}).get("p50_ms")
    for name, r in out.items():
        if name == "framework_floor" or r.get("not_measured") or r.get("page") is False:
            continue
        beside = r.get("framework_p50_ms", framework)
        if beside is None:
            continue
        r["page_floor_ms"] = round(beside + (r.get("floor_p50_ms") or 0.0), 3)
        r["page_ratio"] = round(r["p50_ms"] / r["page_floor_ms"], 2) if r["page_floor_ms"] else None


def _one_of(values: list[Any]) -> tuple[str, list[Any]]:
    """`= ANY(%s)` with the list as one parameter on PostgreSQL (as a hand-written query would), `IN (…)` on SQLite."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [values]
    return f"IN ({', '.join(['%s'] * len(values))})", values


def _client_for(username: str) -> Client:
    from django.contrib.auth import get_user_model

    c = Client()
    c.force_login(get_user_model().objects.get(username=username))
    return c


def _get(c: Client, url: str) -> Callable[[], None]:
    def run() -> None:
        resp = c.get(url)
        if resp.status_code != 200:
            raise RuntimeError(f"{url} → {resp.status_code}")

    return run
