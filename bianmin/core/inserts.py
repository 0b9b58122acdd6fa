"""New rows of one model in one `INSERT … RETURNING`, its text made once per model and row count.

Django's own insert path (`Model.save`, `QuerySet.bulk_create`) builds an insert query and compiles it into SQL on
every call: for a window's intake (the case, its materials, its notice and its events) that cost as much Python as
the four statements take PostgreSQL to run. `insert_rows` does for plain new rows what `bulk_create` does — each
field's `pre_save` and `get_db_prep_save` (so encrypted and JSON fields are written as always), foreign keys taken
from related objects saved since the row was made, the new keys read back and set — with the statement's text
kept. Like `bulk_create` it sends no model signals; a model may define `prepare_insert()` for what its `save()`
derives before writing (the case's phone index), and `insert_rows` calls it.

Rows whose key the program made (a UUID, as the task queue's) are inserted with it, in one statement all the same.
Anything else goes through `bulk_create` unchanged: some rows with a key and some without, a value that is an
expression or a database default, a multi-table model, a backend that cannot return inserted rows, more rows than
one statement may carry.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


def insert_rows(objs: Sequence[M]) -> list[M]:
    """Insert `objs` (new rows of one model) in one statement; each gets its key. Returns them as a list."""
    rows = list(objs)
    if not rows:
        return rows
    model = type(rows[0])
    using = router.db_for_write(model, instance=rows[0])
    connection = connections[using]
    for obj in rows:
        if type(obj) is not model:
            raise TypeError("insert_rows: every row must be of the same model.")
        prepare = getattr(obj, "prepare_insert", None)
        if prepare is not None:
            prepare()
        # A related object saved since this row was made gives the row its key (`bulk_create` does the same).
        obj._prepare_related_fields_for_save(operation_name="insert_rows")  # type: ignore[attr-defined]
    keyed = rows[0].pk is not None  # keys made by the program: written with the rows
    statement = _statement(model, len(rows), using, keyed)
    if (
        statement is None
        or any((obj.pk is not None) is not keyed for obj in rows)
        or connection.ops.bulk_batch_size(list(statement[0]), rows) < len(rows)
    ):
        return model._base_manager.using(using).bulk_create(rows)
    fields, sql = statement
    params: list[Any] = []
    for obj in rows:
        for field in fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):  # an expression or a database default: Django's own path
                return model._base_manager.using(using).bulk_create(rows)
            params.append(field.get_db_prep_save(value, connection=connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = None if keyed else cursor.fetchall()
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 -- every concrete model has one
    for i, obj in enumerate(rows):
        if keys is not None:
            setattr(obj, pk.attname, keys[i][0])
        obj._state.adding = False
        obj._state.db = using
    return rows


@functools.lru_cache(maxsize=256)
def _statement(
    model: type[Model], count: int, using: str, keyed: bool = False
) -> tuple[tuple[Field[Any, Any], ...], str] | None:
    """The columns and the text of an insert of `count` rows of `model` (`keyed`: with the keys they carry, none read
    back), or None where Django's path must do it."""
    connection = connections[using]
    opts = model._meta
    pk = opts.pk
    if (
        pk is None
        or opts.parents
        # Keys the database makes must be read back; keys the rows carry need not.
        or not (keyed or (connection.features.can_return_rows_from_bulk_insert and getattr(pk, "db_returning", False)))
    ):
        return None
    fields = tuple(f for f in opts.concrete_fields if not f.generated and (keyed or f is not pk))
    if any((getattr(f, "db_returning", False) and f is not pk) or hasattr(f, "get_placeholder") for f in fields):
        return None
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 -- names from the model
        f"VALUES {', '.join([one] * count)}"
    )
    return fields, sql if keyed else f"{sql} RETURNING {table}.{quote(pk.column)}"
