"""`core.inserts.insert_rows` writes what Django's own insert path writes, in one statement, and steps aside for what
it does not handle. Tried on the intake's own rows: a case (encrypted identifiers, its phone's index), its materials
(made before the case had a key) and its events (JSON)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Model, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bianmin.cases.models import Case, CaseEvent, CaseMaterial, Status
from bianmin.cases.services import applicant_index
from bianmin.cases.tests.factories import intake, item_for, resident_id
from bianmin.core.inserts import insert_rows

pytestmark = pytest.mark.django_db

SKIP = {"id", "number", "serial", "public_token", "case_id"}
ELDER = resident_id(7, born="19380305")


def _case(world: Any, version: Any, n: int) -> Case:
    return Case(
        number=f"T-{n}",
        year=2026,
        serial=n,
        center=world.center,
        window=world.window,
        item=version.item,
        item_version=version,
        item_name=version.item.name,
        mode=version.item.default_mode,
        status=Status.RECEIVED,
        applicant_name="李桂兰",
        applicant_id_number=ELDER,
        applicant_id_index=applicant_index(ELDER),
        applicant_phone="13903711234",
        phone_tail="1234",
        received_by=world.clerk,
        assignee=world.clerk,
        received_at=timezone.now(),
        public_token=f"token-{n}",
    )


def _rows(case: Case) -> list[CaseMaterial]:
    return [
        CaseMaterial(case=case, material_id=i, name=f"材料{i}", kind="main", sort_order=i, not_applicable=i == 2)
        for i in range(3)
    ]


def _written(model: type[Model], pk: int) -> dict[str, Any]:
    row = model._default_manager.filter(pk=pk).values().get()
    return {k: v for k, v in row.items() if k not in SKIP}


def test_the_rows_written_are_those_djangos_own_path_writes(world, clock):
    version = item_for(world)
    ours, theirs = _case(world, version, 1), _case(world, version, 2)
    our_rows, their_rows = _rows(ours), _rows(theirs)  # made before their case has a key

    with CaptureQueriesContext(connection) as ctx:
        insert_rows([ours])
        insert_rows(our_rows)
    theirs.save(force_insert=True)
    CaseMaterial.objects.bulk_create(their_rows)

    assert len(ctx.captured_queries) == 2  # one statement for the case, one for all its materials
    assert ours.pk is not None
    assert not ours._state.adding
    assert [m.case_id for m in our_rows] == [ours.pk] * 3
    assert all(m.pk is not None for m in our_rows)
    mine, django = _written(Case, ours.pk), _written(Case, theirs.pk)
    assert mine["applicant_phone_index"] == django["applicant_phone_index"] != ""  # `prepare_insert`, as `save`
    assert mine == django  # every column as read back (encrypted ones decrypted)
    assert Case.objects.get(pk=ours.pk).applicant_id_number == ELDER  # decrypts
    with connection.cursor() as cursor:  # stored encrypted, as Django's path stores it
        cursor.execute("SELECT applicant_id_number FROM cases_case WHERE id = %s", [ours.pk])
        assert ELDER not in str(cursor.fetchone()[0])
    assert [_written(CaseMaterial, m.pk) for m in our_rows] == [_written(CaseMaterial, m.pk) for m in their_rows]


def test_events_with_their_data_read_back_as_written(world, clock):
    case = intake(world, item_for(world))
    data = {"presented": ["居民身份证"], "missing": [], "location": "2号窗口资料柜", "n": 3, "due": None}
    events = [CaseEvent(case=case, verb="note", to_state=case.status, data={**data, "i": i}) for i in range(4)]

    insert_rows(events)

    stored = list(CaseEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("id"))
    assert [e.pk for e in stored] == [e.pk for e in events]  # each key back on its own row, in order
    assert [e.data for e in stored] == [{**data, "i": i} for i in range(4)]
    assert all(e.created_at is not None for e in stored)  # `pre_save` (auto_now_add) ran


def test_rows_that_carry_their_keys_are_written_with_them_in_one_statement(world, clock):
    case = intake(world, item_for(world))
    top = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True)[0]
    keyed = [CaseEvent(case=case, verb="note", to_state=case.status, note=f"已有主键{i}") for i in range(2)]
    for i, event in enumerate(keyed):
        event.pk = top + 1000 + i

    with CaptureQueriesContext(connection) as ctx:
        insert_rows(keyed)

    assert len(ctx.captured_queries) == 1
    assert "RETURNING" not in ctx.captured_queries[0]["sql"]  # nothing to read back
    assert [e.pk for e in keyed] == [top + 1000, top + 1001]
    assert not any(e._state.adding for e in keyed)
    stored = CaseEvent.objects.filter(pk__in=[e.pk for e in keyed]).order_by("pk")
    assert [(e.note, e.case_id) for e in stored] == [("已有主键0", case.pk), ("已有主键1", case.pk)]
    assert all(e.created_at is not None for e in stored)


def test_what_it_does_not_handle_goes_through_djangos_path(world, clock):
    case = intake(world, item_for(world))
    with_expression = CaseEvent(case=case, verb="note", to_state=case.status, note=Concat(Value("甲"), Value("乙")))
    keyed = CaseEvent(case=case, verb="note", to_state=case.status, note="已有主键")
    keyed.pk = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    unkeyed = CaseEvent(case=case, verb="note", to_state=case.status, note="无主键")

    insert_rows([with_expression])
    insert_rows([keyed, unkeyed])  # some with a key and some without: Django's bulk_create

    assert CaseEvent.objects.get(pk=with_expression.pk).note == "甲乙"
    assert CaseEvent.objects.filter(pk=keyed.pk, note="已有主键").exists()
    assert CaseEvent.objects.filter(case=case, note="无主键").exists()
    before = CaseEvent.objects.count()
    with pytest.raises(TypeError):
        insert_rows([CaseEvent(case=case, verb="note"), _rows(case)[0]])  # rows of two models
    assert CaseEvent.objects.count() == before
