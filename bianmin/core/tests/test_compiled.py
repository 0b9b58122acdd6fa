"""A read compiled once gives, for every value, exactly what its queryset gives, in one statement per call."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.test.utils import CaptureQueriesContext

from bianmin.core.compiled import CompiledRead, CompiledReadError
from bianmin.core.models import PeriodicRun

pytestmark = pytest.mark.django_db

BASE = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)


def _runs() -> list[PeriodicRun]:
    return [
        PeriodicRun.objects.create(
            job=f"job-{i}", period_key=str(i), func_path="x.y", scheduled_for=BASE + dt.timedelta(hours=i)
        )
        for i in range(6)
    ]


def _window(lo: Any, hi: Any, *ids: Any) -> QuerySet[Any, Any]:
    return (
        PeriodicRun.objects.filter(id__in=ids, scheduled_for__gte=lo, scheduled_for__lt=hi)
        .order_by("-scheduled_for")
        .values_list("id", "job", "scheduled_for")
    )


def test_a_compiled_read_gives_what_its_queryset_gives_for_every_value():
    runs = _runs()
    builds: list[tuple[Any, ...]] = []

    def build(*args: Any) -> QuerySet[Any, Any]:
        builds.append(args)
        return _window(*args)

    read = CompiledRead(build)
    ids = [r.pk for r in runs]
    cases: list[tuple[Any, ...]] = [
        (BASE, BASE + dt.timedelta(hours=3), *ids[:4]),
        (BASE + dt.timedelta(hours=1), BASE + dt.timedelta(days=1), *ids[2:6]),
        (BASE + dt.timedelta(days=9), BASE + dt.timedelta(days=10), *ids[:4]),  # nothing in that window
    ]
    for args in cases:
        with CaptureQueriesContext(connection) as ctx:
            got = read.rows(*args, shape=len(args) - 2)
        assert got == list(_window(*args))  # the same rows, values converted as the ORM converts them
        assert len(ctx.captured_queries) == 1
    assert got == []
    assert isinstance(read.rows(*cases[0], shape=4)[0][2], dt.datetime)
    # compiled once for the four-id shape; a list of another length is another statement
    assert len(builds) == 1
    assert read.rows(BASE, BASE + dt.timedelta(days=1), ids[5], shape=1) == [(ids[5], "job-5", runs[5].scheduled_for)]
    assert len(builds) == 2


def test_a_read_whose_values_do_not_stay_parameters_is_refused_when_compiled():
    _runs()
    as_text = CompiledRead(lambda n: PeriodicRun.objects.filter(period_key=n).values_list("id"))
    with pytest.raises(CompiledReadError):  # the id would be compared as text: not a parameter of its own
        as_text.rows(3)
    models = CompiledRead(lambda pk: PeriodicRun.objects.filter(pk=pk))
    with pytest.raises(CompiledReadError):  # model instances: the ORM's own path, not this one
        models.rows(1)
    with pytest.raises(CompiledReadError):  # only ids, moments and texts
        CompiledRead(lambda flag: PeriodicRun.objects.filter(pk=flag).values_list("id")).rows(True)
    inside = CompiledRead(lambda text: PeriodicRun.objects.filter(job__contains=text).values_list("id"))
    with pytest.raises(CompiledReadError):  # "%text%": a transformation other than startswith's
        inside.rows("job")


def test_texts_are_compared_as_the_queryset_compares_them_whatever_they_hold():
    """Equality and `startswith` (the scope's path prefix): LIKE's own characters in a value match themselves."""
    for key in ("a", "a_b", "a%b", "a\\b", "ab", "a_bc", "a%bc", "a\\bc", "axb"):
        PeriodicRun.objects.create(job=key, period_key=key, func_path="x.y", scheduled_for=BASE)

    def build(exact: Any, prefix: Any, since: Any) -> QuerySet[Any, Any]:
        return (
            PeriodicRun.objects.filter(scheduled_for__gte=since)
            .filter(Q(job=exact) | Q(period_key__startswith=prefix))
            .order_by("job")
            .values_list("job", flat=False)
        )

    read = CompiledRead(build)
    for exact, prefix in (("a", "a_b"), ("axb", "a%"), ("a_b", "a\\"), ("zz", ""), ("a%b", "a_")):
        assert read.rows(exact, prefix, BASE) == list(build(exact, prefix, BASE)), (exact, prefix)
    assert read.rows("a", "a_b", BASE) == [("a",), ("a_b",), ("a_bc",)]


def test_a_compiled_model_read_builds_the_instances_the_queryset_builds(django_user_model):
    """`objects()`: the model's own fields (those `only()` leaves out deferred), the `select_related` objects (None
    where the outer join finds nothing), the annotations, JSON converted as the ORM converts it."""
    from django.db.models import Exists, OuterRef

    from bianmin.core.audit import chain_append
    from bianmin.core.models import AuditEvent, PersonalDataReveal

    clerk = django_user_model.objects.create_user("clerk", password="x-123456789")
    runs = _runs()
    for n, run in enumerate(runs[:4]):
        chain_append(actor=clerk if n % 2 else None, target=run, verb=f"v{n}", data={"n": n, "at": str(BASE)})
    PersonalDataReveal.objects.create(actor=clerk, content_type=AuditEvent.objects.get(verb="v1").content_type,
                                      object_id=str(runs[1].pk), field="", reason="")  # fmt: skip

    def build(verb_prefix: Any, since: Any) -> QuerySet[Any, Any]:
        return (
            AuditEvent.objects.filter(verb__startswith=verb_prefix, created_at__gte=since)
            .select_related("actor", "content_type")
            .only("verb", "data", "object_id", "created_at", "actor__username", "content_type__model")
            .annotate(seen=Exists(PersonalDataReveal.objects.filter(object_id=OuterRef("object_id"))))
            .order_by("id")
        )

    read = CompiledRead(build)
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            got = read.objects("v", BASE - dt.timedelta(days=400))
        assert len(ctx.captured_queries) == 1
        want = list(build("v", BASE - dt.timedelta(days=400)))
        assert [e.pk for e in got] == [e.pk for e in want]
        assert len(got) == 4
        for a, b in zip(got, want, strict=True):
            assert (a.verb, a.data, a.object_id, a.created_at, a.seen) == (
                b.verb,
                b.data,
                b.object_id,
                b.created_at,
                b.seen,
            )
            assert (a.actor.username if a.actor else None) == (b.actor.username if b.actor else None)
            assert a.content_type.model == b.content_type.model == "periodicrun"
            assert a.get_deferred_fields() == b.get_deferred_fields()
            assert "hash" in a.get_deferred_fields()
            assert not a._state.adding
            assert a._state.db == "default"
    assert [e.seen for e in got] == [False, True, False, False]
    assert [e.actor is None for e in got] == [True, False, True, False]
    assert read.objects("nothing", BASE) == []
    with pytest.raises(CompiledReadError), CaptureQueriesContext(connection) as ctx:  # objects, not rows
        read.rows("v", BASE)
    assert ctx.captured_queries == []  # refused before anything runs


def test_days_are_compared_as_the_queryset_compares_them():
    from bianmin.core.models import CalendarDay

    days = [dt.date(2026, 10, d) for d in (1, 2, 3, 8, 9)]
    for day in days:
        CalendarDay.objects.create(date=day, source="admin", is_workday=day.day > 7, name=f"{day:%m-%d}")

    def between(lo: Any, hi: Any) -> QuerySet[Any, Any]:
        return CalendarDay.objects.filter(date__gte=lo, date__lte=hi).order_by("date").values_list("date", "name")

    read = CompiledRead(between)
    for lo, hi in ((days[0], days[2]), (days[1], days[4]), (dt.date(2026, 11, 1), dt.date(2026, 11, 30))):
        # the same rows for each pair of days, read by the statement compiled on the first call
        assert read.rows(lo, hi) == list(between(lo, hi))
    assert read.rows(days[3], days[3]) == [(days[3], "10-08")]


def test_a_set_of_ids_is_one_parameter_whatever_its_size():
    runs = _runs()
    ids = [r.pk for r in runs]
    builds: list[Any] = []

    def build(wanted: Any, lo: Any) -> QuerySet[Any, Any]:
        builds.append(wanted)
        return PeriodicRun.objects.filter(id__any_of=wanted, scheduled_for__gte=lo).order_by("id").values_list("id")

    read = CompiledRead(build)
    for wanted, lo in (
        (frozenset(ids[:2]), BASE),
        (frozenset(ids), BASE + dt.timedelta(hours=2)),
        (frozenset([*ids[4:], 10**9]), BASE),  # an id nobody has
        (frozenset([10**9]), BASE),
    ):
        with CaptureQueriesContext(connection) as ctx:
            got = read.rows(wanted, lo)
        assert got == [(i,) for i in sorted(wanted) if i in ids and runs[ids.index(i)].scheduled_for >= lo]
        assert len(ctx.captured_queries) == 1
    if connection.vendor == "postgresql":
        # built once, with a marker for the ids: every set, of any size, runs the one statement
        assert len(builds) == 1
        assert str(-2_100_000_000) in str(builds[0])
    else:
        # elsewhere `any_of` is IN (…) with a parameter per id: the queryset is built with each call's ids
        assert builds[-1] == frozenset([10**9])
