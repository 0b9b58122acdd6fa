"""Deciding or dismissing several accountability candidates with one reason: all or nothing, each record through
the single action's rules and events."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bianmin.oversight.models import Accountability
from bianmin.oversight.services.bulk import accountability_decide_many, accountability_dismiss_many

pytestmark = pytest.mark.django_db
S = Accountability.Status


def _candidate(world, *, staff=None, center=None, summary="办件超期") -> Accountability:
    return Accountability.objects.create(
        center=center or world.center, staff=staff, violation=Accountability.Violation.OVERDUE, summary=summary,
        created_at=timezone.now(),
    )  # fmt: skip


def test_one_decision_with_one_reason_for_several_candidates_each_with_its_event(world) -> None:
    records = [_candidate(world, staff=world.clerk), _candidate(world, staff=world.colleague)]
    assert (
        accountability_decide_many(
            records=records, sanction="criticism", reason="经核实属实", actor=world.director.user
        )
        == 2
    )
    for record in records:
        record.refresh_from_db()
        assert (record.status, record.sanction, record.reason) == (S.DECIDED, "criticism", "经核实属实")
        event = record.events.get(verb="decide")
        assert (event.actor, event.from_state, event.to_state, event.note) == (
            world.director.user,
            S.CANDIDATE,
            S.DECIDED,
            "经核实属实",
        )


def test_if_one_record_cannot_take_the_decision_none_is_changed_and_it_is_named(world) -> None:
    fine = _candidate(world, staff=world.clerk, summary="办件超期甲")
    nobody = _candidate(world, staff=None, summary="窗口无人值守乙")
    with pytest.raises(ValidationError) as exc:
        accountability_decide_many(
            records=[fine, nobody], sanction="criticism", reason="属实", actor=world.director.user
        )
    assert "窗口无人值守乙：请确定责任人。" in exc.value.messages
    fine.refresh_from_db()
    assert fine.status == S.CANDIDATE
    assert not fine.events.filter(verb="decide").exists()


def test_dismissing_several_needs_a_reason_and_only_candidates(world) -> None:
    first, second = _candidate(world, staff=world.clerk), _candidate(world, staff=world.clerk, summary="已决定的")
    with pytest.raises(ValidationError, match="排除须说明理由"):
        accountability_dismiss_many(records=[first], reason=" ", actor=world.director.user)
    Accountability.objects.filter(pk=second.pk).update(status=S.DECIDED)
    second.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        accountability_dismiss_many(records=[first, second], reason="数据有误", actor=world.director.user)
    assert "已决定的：只有待确认的记录可以排除。" in exc.value.messages
    first.refresh_from_db()
    assert first.status == S.CANDIDATE
    assert accountability_dismiss_many(records=[first], reason="数据有误", actor=world.director.user) == 1
    first.refresh_from_db()
    assert first.status == S.DISMISSED
    assert first.events.get(verb="dismiss").note == "数据有误"


def test_a_record_outside_the_deciders_scope_is_refused_by_the_service(world) -> None:
    other = _candidate(world, staff=world.outsider, center=world.other_center, summary="他中心记录")
    with pytest.raises(ValidationError) as exc:
        accountability_dismiss_many(records=[other], reason="x", actor=world.director.user)
    assert "他中心记录：无权处理该记录" in exc.value.messages


def test_the_list_page_ticks_and_decides_in_one_post(world, login) -> None:
    records = [_candidate(world, staff=world.clerk), _candidate(world, staff=world.colleague)]
    client = login(world.director)
    page = client.get(reverse("oversight:accountability_list")).content.decode()
    assert 'form="bulk-decide"' in page
    assert f'value="{records[0].pk}"' in page
    response = client.post(
        reverse("oversight:accountability_bulk"),
        {"ids": [r.pk for r in records], "action": "decide", "sanction": "criticism", "reason": "属实"},
        follow=True,
    )
    assert "已对 2 条记录作出处理决定。" in response.content.decode()
    assert set(Accountability.objects.values_list("status", flat=True)) == {S.DECIDED}


def test_the_list_rows_name_their_columns_for_the_phone_layout(world, login) -> None:
    import re

    _candidate(world, staff=world.clerk)
    page = login(world.director).get(reverse("oversight:accountability_list")).content.decode()
    assert '<table class="stack">' in page
    row = page.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    # the tick box has no name of its own (it is left out when a row cannot be ticked); every other cell says its column
    assert re.findall(r'data-label="([^"]*)"', row) == ["生成时间", "责任人", "违规情形", "事由", "状态", "处理方式"]


def test_the_bulk_post_refuses_unknown_or_foreign_ids_and_other_roles(world, login) -> None:
    other = _candidate(world, staff=world.outsider, center=world.other_center)
    client = login(world.director)
    response = client.post(
        reverse("oversight:accountability_bulk"), {"ids": [other.pk], "action": "dismiss", "reason": "x"}, follow=True
    )
    assert "所选记录不存在或无权处理。" in response.content.decode()
    response = client.post(reverse("oversight:accountability_bulk"), {"action": "dismiss", "reason": "x"}, follow=True)
    assert "请至少选择一条记录。" in response.content.decode()
    mine = _candidate(world, staff=world.clerk)
    response = client.post(
        reverse("oversight:accountability_bulk"), {"ids": [mine.pk], "action": "decide", "reason": "x"}, follow=True
    )
    assert "请选择处理方式。" in response.content.decode()
    assert set(Accountability.objects.values_list("status", flat=True)) == {S.CANDIDATE}
    assert login(world.clerk).post(reverse("oversight:accountability_bulk"), {"ids": [mine.pk]}).status_code == 403


def test_a_refused_batch_keeps_the_reason_the_choice_and_the_ticked_rows(world, login) -> None:
    records = [_candidate(world, staff=world.clerk), _candidate(world, staff=world.colleague)]
    client = login(world.director)
    reason = "经核查，两件均因系统故障延误，已向区中心报备，详见情况说明。"

    # no sanction chosen for a decision: refused, nothing changed, and the page comes back as it was filled in
    response = client.post(
        reverse("oversight:accountability_bulk"), {"ids": [r.pk for r in records], "action": "decide", "reason": reason}
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "请选择处理方式。" in page
    assert f'value="{reason}"' in page
    assert '<option value="decide" selected>' in page
    for r in records:
        assert f'value="{r.pk}" form="bulk-decide" checked' in page
    assert set(Accountability.objects.values_list("status", flat=True)) == {S.CANDIDATE}
    # an empty list page ticks nothing
    assert " checked" not in client.get(reverse("oversight:accountability_list")).content.decode()
