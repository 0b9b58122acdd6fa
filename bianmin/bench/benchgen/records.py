"""Letters and visits, attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from bianmin.bench.benchgen.base import GeneratorBase
from bianmin.bench.benchgen.rows import Table, step
from bianmin.bench.benchgen.shapes import GIVEN_NAMES, STAFF_NAMES


class RecordsPart(GeneratorBase):
    # -- letters and visits (one for every 200 cases)
    def petitions(self) -> None:
        from bianmin.core.personal_data import blind_index, encrypt
        from bianmin.petitions.models import Petition

        rnd = self.rnd
        n = max(10, self.shape.cases // 200)
        phones = [f"137{rnd.randrange(10**7, 10**8)}" for _ in range(50)]
        tokens = [(encrypt(p), blind_index(p, purpose="phone")) for p in phones]
        table = Table(
            Petition,
            [
                "center_id",
                "number",
                "channel",
                "person_name",
                "phone",
                "phone_index",
                "received_on",
                "content",
                "category",
                "time_limit_days",
                "due_at",
                "status",
                "handler_id",
                "assigned_at",
                "closure",
                "outcome",
                "closed_at",
                "closed_by_id",
                "registered_by_id",
                "created_at",
            ],
        )
        history = 3 * 365 * 24 * 3600
        now_ts = self.now.timestamp()

        def rows() -> Iterator[tuple[Any, ...]]:
            for k in range(n):
                cen = self.centers[k % len(self.centers)]
                nth = k // len(self.centers)
                recent = nth % 20 == 0
                received = dt.datetime.fromtimestamp(
                    now_ts - rnd.randrange(20 * 24 * 3600 if recent else history), dt.UTC
                )
                major = nth % 10 == 3
                days = 30 if major else 10
                handler = cen.all_staff[2 + nth % 2]
                closed = None if recent else received + dt.timedelta(days=rnd.randrange(1, days + 3))
                ph, idx = tokens[k % len(tokens)]
                yield (
                    cen.pk,
                    f"X{cen.code}{k:08d}",
                    ("letter", "visit", "online", "phone")[nth % 4],
                    STAFF_NAMES[k % len(STAFF_NAMES)] + GIVEN_NAMES[k % len(GIVEN_NAMES)],
                    ph,
                    idx,
                    received.date(),
                    "反映小区路灯损坏，请求尽快维修。",
                    "major" if major else "ordinary",
                    days,
                    self.ts(received + dt.timedelta(days=days)),
                    "assigned" if closed is None else "closed",
                    handler,
                    self.ts(received),
                    "" if closed is None else "handled",
                    "" if closed is None else "已协调有关部门处理并答复。",
                    self.ts(closed),
                    None if closed is None else handler,
                    cen.all_staff[1],
                    self.ts(received),
                )

        step(self.out, "petitions", lambda: table.write(rows()))

    # -- attendance: every center's staff, every weekday of the last year
    def attendance(self) -> None:
        from bianmin.staffing.models import AttendanceDay

        rnd = self.rnd
        table = Table(AttendanceDay, ["staff_id", "center_id", "date", "check_in", "check_out"])
        today = timezone.localdate()
        days = [today - dt.timedelta(days=d) for d in range(1, 366)]
        days = [d for d in days if d.weekday() < 5]
        tz8 = dt.timezone(dt.timedelta(hours=8))

        def rows() -> Iterator[tuple[Any, ...]]:
            for day in days:
                base = dt.datetime.combine(day, dt.time(8, 40), tzinfo=tz8).astimezone(dt.UTC)
                for cen in self.centers:
                    for k, staff in enumerate(cen.all_staff):
                        r = rnd.random()
                        if r < 0.02:
                            continue  # absent or on leave
                        late = 30 if r < 0.05 else 0
                        check_in = base + dt.timedelta(minutes=late + (k * 7) % 19)
                        yield (
                            staff,
                            cen.pk,
                            day,
                            self.ts(check_in),
                            self.ts(check_in + dt.timedelta(hours=9, minutes=(k * 3) % 17)),
                        )

        step(self.out, "attendance", lambda: table.write(rows()))
