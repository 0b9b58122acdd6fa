"""Cases (streamed) and their secondary indexes."""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from django.db import connection

from bianmin.bench.benchgen.base import GeneratorBase
from bianmin.bench.benchgen.rows import Progress, Table
from bianmin.bench.benchgen.shapes import CHUNK, GIVEN_NAMES, STAFF_NAMES


class CasesPart(GeneratorBase):
    # -- secondary indexes of the big tables, dropped for the load and rebuilt after it
    def drop_indexes(self) -> list[str]:
        from bianmin.cases.models import Case, CaseEvent, CaseMaterial, Notice
        from bianmin.frontdesk.models import Inquiry
        from bianmin.oversight.models import Rating
        from bianmin.staffing.models import AttendanceDay

        tables = [m._meta.db_table for m in (Case, CaseEvent, CaseMaterial, Notice, Inquiry, Rating, AttendanceDay)]
        recreate: list[str] = []
        with connection.cursor() as cur:
            cur.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [tables],
            )
            for name, definition in cur.fetchall():
                cur.execute(f"DROP INDEX {name}")
                recreate.append(definition)
        return recreate

    # -- cases (COPY / executemany)
    def cases(self) -> None:
        from bianmin.cases.models import Case, applicant_phone_index
        from bianmin.core.personal_data import blind_index, encrypt

        s = self.shape
        rnd = self.rnd
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Case._meta.db_table}")  # noqa: S608
            self.case_id_floor = int(cur.fetchone()[0])
        phones = [f"139{rnd.randrange(10**7, 10**8)}" for _ in range(200)]
        phone_tokens = [(encrypt(p), applicant_phone_index(p), p[-4:]) for p in phones]
        ids = [
            f"51160219{rnd.randrange(50, 99)}0{rnd.randrange(1, 9)}1{rnd.randrange(0, 9)}{k:03d}X" for k in range(200)
        ]
        id_tokens = [(encrypt(i), blind_index(i, purpose="resident_id")) for i in ids]
        surnames, given = STAFF_NAMES, GIVEN_NAMES
        table = Table(
            Case,
            [
                "number",
                "year",
                "serial",
                "center_id",
                "window_id",
                "item_id",
                "item_version_id",
                "item_name",
                "mode",
                "status",
                "applicant_name",
                "applicant_id_number",
                "applicant_id_index",
                "applicant_phone",
                "applicant_phone_index",
                "phone_tail",
                "received_by_id",
                "assignee_id",
                "received_at",
                "accepted_at",
                "accepted_by_id",
                "limit_days",
                "due_at",
                "completed_at",
                "delivered_at",
                "closed_at",
                "result",
                "public_token",
                "updated_at",
            ],
        )
        centers = self.centers
        # Popular items get most cases (a few dozen items carry a center's daily load).
        weights = [1.0 / (k + 1) for k in range(s.items)]
        cum: list[float] = []
        acc = 0.0
        for w in weights:
            acc += w
            cum.append(acc)
        total_w = acc

        history = 3 * 365 * 24 * 3600  # three years of closed cases
        recent = 30 * 24 * 3600  # open cases are a few weeks old
        open_states = ["received", "accepted", "accepted", "in_progress", "in_progress", "waiting", "completed"]
        now = self.now
        now_ts = now.timestamp()
        utc = dt.UTC

        def rows(start: int, n: int) -> Iterator[tuple[Any, ...]]:
            ts = self.ts
            for serial in range(start, start + n):
                cen = centers[serial % len(centers)]
                k = bisect.bisect_left(cum, rnd.random() * total_w)
                item_pk, version_pk, item_name, mode, limit = self.items[cen.district_pk][min(k, s.items - 1)]
                r = rnd.random()
                if r < 0.10:
                    status = open_states[serial % len(open_states)]
                    received = dt.datetime.fromtimestamp(now_ts - rnd.randrange(recent), utc)
                elif r < 0.97:
                    status = "delivered"
                    received = dt.datetime.fromtimestamp(now_ts - recent - rnd.randrange(history), utc)
                else:
                    status = "refused" if r < 0.985 else "withdrawn"
                    received = dt.datetime.fromtimestamp(now_ts - recent - rnd.randrange(history), utc)
                nth = serial // len(centers)  # the case's rank in its center: spreads staff and windows evenly
                w = nth % len(cen.window_staff)
                worker = cen.window_staff[w]
                accepted = received if status != "received" and status != "refused" else None
                due = received + dt.timedelta(days=limit * 7 // 5 or 1)
                completed: dt.datetime | None = None
                delivered: dt.datetime | None = None
                closed: dt.datetime | None = None
                result = ""
                if status in ("delivered", "completed"):
                    # Within the item's limit and before now: a case received this week was not completed next week.
                    room = min(limit * 24 * 3600, int(now_ts - received.timestamp()))
                    completed = received + dt.timedelta(seconds=rnd.randrange(room) if room > 0 else 0)
                    result = "准予办理"
                    if status == "delivered":
                        room = min(72 * 3600, int(now_ts - completed.timestamp()))
                        delivered = closed = completed + dt.timedelta(seconds=rnd.randrange(room) if room > 0 else 0)
                if status in ("refused", "withdrawn"):
                    closed = received + dt.timedelta(hours=1)
                ph, phx, tail = phone_tokens[serial % 200]
                idt, idx = id_tokens[(serial * 7) % 200]
                yield (
                    f"B{cen.code}{serial:09d}",
                    received.year,
                    1_000_000_000 + serial,
                    cen.pk,
                    cen.windows[w % len(cen.windows)],  # each member of staff works at one window
                    item_pk,
                    version_pk,
                    item_name,
                    mode,
                    status,
                    surnames[serial % len(surnames)] + given[(serial // 7) % len(given)],
                    idt,
                    idx,
                    ph,
                    phx,
                    tail,
                    worker,
                    worker,
                    ts(received),
                    ts(accepted),
                    worker if accepted else None,
                    limit,
                    ts(due),
                    ts(completed),
                    ts(delivered),
                    ts(closed),
                    result,
                    uuid.UUID(int=rnd.getrandbits(128)).hex,
                    ts(closed or received),
                )

        bar = Progress(self.out, s.cases, "cases")
        done = 0
        while done < s.cases:
            n = min(CHUNK, s.cases - done)
            table.write(rows(done + 1, n))
            done += n
            bar.add(n)
        bar.end()
