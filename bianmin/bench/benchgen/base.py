"""The generator's state shared by its parts: the shape, the random source, the centers and items made so far."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import connection

from bianmin.bench.benchgen.shapes import FIRST_DISTRICT, Shape

# ---- the generator ------------------------------------------------------------------------------------------


@dataclass
class CenterInfo:
    pk: int
    code: str
    district_pk: int
    windows: list[int]
    window_staff: list[int]  # window and handler staff, who receive and handle cases
    all_staff: list[int]
    director: int


class GeneratorBase:
    centers: list[CenterInfo]
    districts: list[Any]
    depts: dict[tuple[int, str], int]
    items: dict[int, list[tuple[int, int, str, str, int]]]
    case_id_floor: int
    seconds: float

    def __init__(self, shape: Shape, out: Any, seed: int = 6) -> None:
        self.shape = shape
        self.out = out
        self.rnd = random.Random(seed)  # noqa: S311 - synthetic data
        self.pg = connection.vendor == "postgresql"
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    # timestamps as the driver wants them: PostgreSQL takes aware datetimes; SQLite stores naive UTC text
    def ts(self, value: dt.datetime | None) -> Any:
        if value is None or self.pg:
            return value
        return value.replace(tzinfo=None).isoformat(" ")

    def exists(self) -> bool:
        from bianmin.org.models import OrgUnit

        return OrgUnit.objects.filter(code=FIRST_DISTRICT).exists()
