"""Writing rows fast (COPY on PostgreSQL, executemany on SQLite, INSERT … SELECT), and progress lines."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

# ---- writing rows -------------------------------------------------------------------------------------------


def _default(field: models.Field[Any, Any]) -> Any:
    if field.has_default():
        value = field.get_default()
        if isinstance(field, models.JSONField):
            return json.dumps(value)
        return value
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField | models.FileField):
        return ""
    raise ValueError(f"bench: {field.model.__name__}.{field.name} needs a value")


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class Table:
    """A model's table as columns: the given ones first, the rest filled with their defaults."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        self.name = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        by_col = {f.column: f for f in fields}
        unknown = set(columns) - set(by_col)
        if unknown:
            raise ValueError(f"bench: {self.name} has no columns {sorted(unknown)}")
        self.given = list(columns)
        self.rest = [f.column for f in fields if f.column not in columns]
        self.rest_values = tuple(_default(by_col[c]) for c in self.rest)
        self.columns = self.given + self.rest

    def quoted(self) -> str:
        qn = connection.ops.quote_name
        return ", ".join(qn(c) for c in self.columns)

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        """Stream rows (values of the given columns) into the table: COPY on PostgreSQL, executemany elsewhere."""
        rest = self.rest_values
        n = 0
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                raw = cur.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {self.name} ({self.quoted()}) FROM STDIN") as copy:
                    lines: list[str] = []
                    for row in rows:
                        lines.append("\t".join(map(_copy_text, (*row, *rest))))
                        n += 1
                        if len(lines) >= 10_000:
                            copy.write("\n".join(lines) + "\n")
                            lines = []
                    if lines:
                        copy.write("\n".join(lines) + "\n")
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {self.name} ({self.quoted()}) VALUES ({marks})"  # noqa: S608
                batch: list[tuple[Any, ...]] = []
                for row in rows:
                    batch.append((*row, *rest))
                    if len(batch) >= 5000:
                        cur.executemany(sql, batch)
                        n += len(batch)
                        batch = []
                if batch:
                    cur.executemany(sql, batch)
                    n += len(batch)
        return n

    def insert_select(self, select_exprs: Sequence[str], from_sql: str) -> int:
        """INSERT … SELECT: `select_exprs` give the given columns, the others take their defaults (as parameters).

        Both are literal SQL without parameters of their own; write `%%` for the modulo operator."""
        exprs = list(select_exprs) + ["%s"] * len(self.rest)
        sql = f"INSERT INTO {self.name} ({self.quoted()}) SELECT {', '.join(exprs)} {from_sql}"
        with connection.cursor() as cur:
            cur.execute(sql, list(self.rest_values))
            return int(cur.rowcount)


# ---- progress -----------------------------------------------------------------------------------------------


class Progress:
    def __init__(self, out: Any, total: int, label: str) -> None:
        self.out, self.total, self.label, self.done = out, total, label, 0
        self.start = time.perf_counter()

    def add(self, n: int) -> None:
        self.done += n
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        secs = time.perf_counter() - self.start
        self.out.write(
            f"\r{self.label:<12}[{'#' * filled}{'.' * (width - filled)}] {self.done:>9}/{self.total} {secs:6.1f}s"
        )
        self.out.flush()

    def end(self) -> None:
        self.out.write("\n")


def step(out: Any, label: str, fn: Callable[[], int]) -> None:
    t = time.perf_counter()
    n = fn()
    out.write(f"{label:<12} {n:>9} rows {time.perf_counter() - t:6.1f}s\n")
    out.flush()
