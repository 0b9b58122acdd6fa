"""Reads compiled once per process: the same SQL text, run with each call's own values.

Every staff page makes a few reads of one fixed shape (the clerk's open cases, the four "anything there?" checks of
the workbench, the director's counts per window). Django builds and compiles the SQL of a queryset anew on every
call, which for these costs more than running it on PostgreSQL (0.5–1.5 ms against 0.2–1 ms). A `CompiledRead` is
given the function that builds its queryset; on its first call it builds it with marker values in place of the
call's own (ids, moments, texts), compiles it, and notes where each marker lands among the statement's parameters.
Every later call runs that statement with the call's values put where the markers were, and converts the rows the
way the queryset would have (the compiler's own converters: dates on SQLite, decrypted fields): `rows()` for a
`values_list()` queryset, `objects()` for a model queryset, whose instances are built as Django's ModelIterable
builds them (the case page's case with its center, window and item, in one read).

A read by one key whose best plan is the same for every value of it (a unique token or number, a case's own rows by
its id, the signed-in user, a clerk's own lists each served by a partial index led by the clerk) may say so
(`keyed=True`): on PostgreSQL it then runs on the `keyed` connection to the same database (settings.DATABASES
["keyed"]), whose prepared statements are planned once for all values (plan_cache_mode=force_generic_plan), with the
queryset's own constants written into the statement so that such a plan can use a partial index. The default
connection plans every run for its own values (see settings: a generic plan for a skewed list took the district board
from 0.2 to 720 ms); for these reads planning cost PostgreSQL more than running them. Inside a transaction on the
default connection, and wherever there is no keyed connection (SQLite, DATABASE_KEYED_CONNECTION=0, the test suite
unless a test asks for it), keyed reads run on the default connection. Their instances belong to the default
connection either way.

Only for querysets whose SQL does not depend on the values: equality, `IN` over a list of a given length (pass
its length in `shape`), `any_of` over a set of ids (a `frozenset`: one array parameter on PostgreSQL; elsewhere
such a read is built anew each time), comparisons with a moment or a day, a text's equality or `startswith` (the
scope's path prefix). A marker that does not come out as a parameter of its own (a value folded into the SQL text,
or transformed otherwise than `startswith` does) is refused when the read is first compiled, never silently given the
wrong value. The statement is compiled per database alias and `shape`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators  # type: ignore[attr-defined]

Value = int | dt.datetime | dt.date | str | frozenset[int]

# Markers nobody's data holds: negative ids near the bottom of the 32-bit range (so that a 32-bit key, such as
# Django's user id, takes them as it takes a big integer key; a field too small for the marker makes Django fold the
# condition into the SQL text, and the read is refused when compiled), moments and days in 1901.
_INT_MARKER = -2_100_000_000
_MOMENT_MARKER = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)
_DAY_MARKER = dt.date(1901, 1, 1)
# Texts: nothing LIKE escapes (no backslash, percent or underscore), so a `startswith` parameter is the marker + "%".
_TEXT_MARKER = "~bianmin~compiled~marker~{}~"

# How a call's value becomes the parameter its marker stood for.
_AS_IS, _MOMENT, _PREFIX, _DAY, _IDS = 0, 1, 2, 3, 4


logger = logging.getLogger(__name__)

# The connection for reads by a key (see the module's docstring).
KEYED = "keyed"


# When the keyed connection last could not be opened: keyed reads stay on the default connection for a while.
KEYED_RETRY_SECONDS = 30.0
_keyed_down_until = [0.0]


def keyed_alias() -> str:
    """Where a read by a key runs now: the keyed connection if there is one, it opens, and no transaction is open on
    the default connection (the keyed one would not see its uncommitted rows); else the default."""
    if (
        not getattr(settings, "BIANMIN_KEYED_READS", False)
        or KEYED not in connections.settings
        or connections[DEFAULT_DB_ALIAS].in_atomic_block
        or time.monotonic() < _keyed_down_until[0]
    ):
        return DEFAULT_DB_ALIAS
    keyed = connections[KEYED]
    if keyed.connection is None:  # not open yet in this thread: a server refusing one more connection is no failure
        try:
            keyed.ensure_connection()
        except DatabaseError:
            logger.warning("keyed connection could not be opened; keyed reads use the default connection for %ss",
                           KEYED_RETRY_SECONDS, exc_info=True)  # fmt: skip
            _keyed_down_until[0] = time.monotonic() + KEYED_RETRY_SECONDS
            return DEFAULT_DB_ALIAS
    return KEYED


class CompiledReadError(RuntimeError):
    """The queryset cannot be compiled once for all values (see the module's docstring)."""


@dataclass(frozen=True)
class _Statement:
    sql: str
    slots: tuple[tuple[int, Any, int], ...]  # per parameter: (argument index or -1, fixed value, how: _AS_IS…)
    compiler: Any  # the SQL compiler that built it
    instances: _Instances | None  # a model queryset's: how its rows become model instances
    # Per converted column: (position, converters, expression), as the compiler's get_converters() finds them (worked
    # out once: for the case page's ~120 columns that search cost more than converting); None: a composite key's
    # columns, left to the compiler's results_iter().
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...] | None


class _Instances:
    """What Django's ModelIterable works out per query, worked out once: where the model's own columns are, the
    related objects `select_related` fills in, and the annotations' columns."""

    def __init__(self, compiler: Any, using: str) -> None:
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, using)
        self.annotations = list(compiler.annotation_col_map.items())
        self.using = using

    def build(self, rows: Iterable[Sequence[Any]]) -> list[Any]:
        built = []
        for row in rows:
            obj = self.model.from_db(self.using, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            built.append(obj)
        return built


def _marker(i: int, value: Value) -> Value:
    if isinstance(value, frozenset):  # a set of ids for `any_of`: one id stands for them all
        return frozenset({_INT_MARKER - i})
    if isinstance(value, dt.datetime):
        return _MOMENT_MARKER + dt.timedelta(seconds=i + 1)
    if isinstance(value, dt.date):
        return _DAY_MARKER + dt.timedelta(days=i + 1)
    if isinstance(value, str):
        return _TEXT_MARKER.format(i)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CompiledReadError(
            f"argument {i}: only ids, moments, days and texts can be compiled once, not {type(value).__name__}"
        )
    return _INT_MARKER - i


class CompiledRead:
    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *, keyed: bool = False) -> None:
        self.build = build
        self.keyed = keyed
        # Filled on first use per key; two threads compiling the same key at once store equal statements.
        self._statements: dict[Hashable, _Statement] = {}

    def rows(self, *args: Value, shape: Hashable = None, using: str | None = None) -> list[tuple[Any, ...]]:
        """The queryset's rows for these values, as `values_list()` gives them."""
        using = using or self._alias()
        if _uncompiled(args, using):
            return list(self.build(*args))
        statement = self._statement(args, shape, using)
        if statement.instances is not None:
            raise CompiledReadError("a model queryset's read gives objects(), not rows()")
        fetched = self._fetch(statement, args, using)
        if statement.converters is None:
            return list(statement.compiler.results_iter(results=[fetched], tuple_expected=True))
        return [tuple(row) for row in _converted(statement.converters, fetched, using)]

    def objects(self, *args: Value, shape: Hashable = None, using: str | None = None) -> list[Any]:
        """The model queryset's instances for these values, as iterating it gives them (`select_related` objects
        filled in, annotations set, fields left out by `only()` deferred)."""
        using = using or self._alias()
        if _uncompiled(args, using):
            return list(self.build(*args))
        statement = self._statement(args, shape, using)
        if statement.instances is None:
            raise CompiledReadError("a values_list() read gives rows(), not objects()")
        fetched = self._fetch(statement, args, using)
        if statement.converters is None:
            return statement.instances.build(statement.compiler.results_iter(results=[fetched]))
        return statement.instances.build(_converted(statement.converters, fetched, using))

    def _alias(self) -> str:
        return keyed_alias() if self.keyed else DEFAULT_DB_ALIAS

    def _statement(self, args: tuple[Value, ...], shape: Hashable, using: str) -> _Statement:
        key = (using, shape, tuple(type(a) for a in args))
        statement = self._statements.get(key)
        if statement is None:
            statement = self._statements[key] = self._compile(args, using)
        return statement

    def _fetch(self, statement: _Statement, args: tuple[Value, ...], using: str) -> list[Any]:
        conn = connections[using]
        params = [_param(conn, args[i], how) if i >= 0 else fixed for i, fixed, how in statement.slots]
        with conn.cursor() as cursor:
            cursor.execute(statement.sql, params)
            return cursor.fetchall()

    def _compile(self, args: tuple[Value, ...], using: str) -> _Statement:
        conn = connections[using]
        markers = [_marker(i, a) for i, a in enumerate(args)]
        qs = self.build(*markers)
        model = qs._iterable_class is ModelIterable
        if not model and qs._iterable_class is not ValuesListIterable:
            raise CompiledReadError("only a model or values_list() queryset (not flat, not named) can be compiled")
        if qs._prefetch_related_lookups or qs._known_related_objects or qs.query.extra_select:  # type: ignore[attr-defined]
            raise CompiledReadError("prefetches, a related manager's own objects and extra() are not compiled")
        # Rows come back as the compiler selects them, which is what ValuesListIterable hands out too; a model
        # queryset's compiler knows, once it has compiled, where each object's columns are.
        compiler = qs.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        where: dict[Any, tuple[int, int]] = {}
        for i, m in enumerate(markers):
            if isinstance(m, frozenset):  # what `any_of` sends on PostgreSQL: the ids as one array's text
                where[f"{{{next(iter(m))}}}"] = (i, _IDS)
                continue
            where[m] = (i, _AS_IS)
            if isinstance(m, dt.datetime):
                where[conn.ops.adapt_datetimefield_value(m)] = (i, _MOMENT)
            elif isinstance(m, dt.date):
                where[conn.ops.adapt_datefield_value(m)] = (i, _DAY)
            elif isinstance(m, str):
                where[conn.ops.prep_for_like_query(m) + "%"] = (i, _PREFIX)
        slots: list[tuple[int, Any, int]] = []
        seen: set[int] = set()
        for p in params:
            hit = where.get(p) if isinstance(p, Hashable) and not isinstance(p, bool) else None
            if hit is None:
                slots.append((-1, p, _AS_IS))
            else:
                slots.append((hit[0], None, hit[1]))
                seen.add(hit[0])
        missing = sorted(set(range(len(markers))) - seen)
        if missing:
            raise CompiledReadError(f"arguments {missing} are not parameters of the compiled statement")
        if using == KEYED:
            sql, slots = _constants_inlined(conn, sql, slots)
        columns = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
        converters = (
            None
            if compiler.has_composite_fields(columns)
            else tuple((i, tuple(c), e) for i, (c, e) in compiler.get_converters(columns).items())
        )
        # A keyed read's instances belong to the default connection (the same database): their deferred fields, related
        # objects and saves go there, inside its transaction, never on the keyed connection.
        owner = DEFAULT_DB_ALIAS if using == KEYED else using
        return _Statement(sql, tuple(slots), compiler, _Instances(compiler, owner) if model else None, converters)


# A parameter's place in Django's SQL for psycopg: `%s`, with a percent sign written `%%` (matched too, to be skipped).
PLACEHOLDER = re.compile(r"%%|%s")


def _constants_inlined(
    conn: Any, sql: str, slots: list[tuple[int, Any, int]]
) -> tuple[str, list[tuple[int, Any, int]]]:
    """The statement with the queryset's own constants (a status, a verb list: never a call's values) written into
    its text as literals, the call's values left as parameters. A plan made once for all values can then use a
    partial index whose condition names those constants (`status IN ('received', …)`): with them as parameters it
    cannot prove the condition holds, and walked a staff member's whole index instead (6 ms against 0.3)."""
    from psycopg import sql as pgsql

    if sum(1 for m in PLACEHOLDER.finditer(sql) if m.group() == "%s") != len(slots):
        raise CompiledReadError("the statement's placeholders do not match its parameters")
    conn.ensure_connection()
    raw = conn.connection
    kept: list[tuple[int, Any, int]] = []
    pieces = iter(slots)

    def put(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%%"
        slot = next(pieces)
        index, fixed, _how = slot
        if index >= 0 or not isinstance(fixed, str | int) or isinstance(fixed, bool):
            kept.append(slot)
            return "%s"
        return pgsql.Literal(str(fixed) if isinstance(fixed, str) else int(fixed)).as_string(raw).replace("%", "%%")

    inlined = PLACEHOLDER.sub(put, sql)
    return inlined, kept


def _converted(
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...], rows: list[Any], using: str
) -> list[Sequence[Any]]:
    """The rows with each column converted as the compiler's apply_converters() converts it."""
    if not converters:
        return rows
    conn = connections[using]
    converted: list[Sequence[Any]] = []
    for fetched in rows:
        row = list(fetched)
        for position, functions, expression in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, conn)
            row[position] = value
        converted.append(row)
    return converted


def _uncompiled(args: tuple[Value, ...], using: str) -> bool:
    """A set of ids is compiled as the one array parameter `any_of` makes of it on PostgreSQL; elsewhere `any_of` is
    `IN (…)` with a parameter per id, and such a read is built and run as a queryset each time."""
    return connections[using].vendor != "postgresql" and any(isinstance(a, frozenset) for a in args)


def _param(conn: Any, value: Value, how: int) -> Any:
    if how == _IDS:  # as `any_of` sends a set of ids
        return "{" + ",".join(str(int(v)) for v in cast(frozenset[int], value)) + "}"
    if how == _MOMENT:
        return conn.ops.adapt_datetimefield_value(cast(dt.datetime, value))
    if how == _DAY:
        return conn.ops.adapt_datefield_value(cast(dt.date, value))
    if how == _PREFIX:  # what `startswith` makes of its text
        return conn.ops.prep_for_like_query(value) + "%"
    return value
