"""Acknowledging several handovers at once: each on its own, under the single action's rules, with its event;
what could not be acknowledged is said row by row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bianmin.frontdesk.models import Handover
from bianmin.frontdesk.services import handover_acknowledge, handover_acknowledge_many, handover_create

pytestmark = pytest.mark.django_db


def _handover(desk, to, subject: str, frm=None) -> Handover:
    return handover_create(
        center=desk.center, from_staff=frm or desk.clerk, to_staff=to, subject=subject, materials="户口簿复印件",
        actor=(frm or desk.clerk).user,
    )  # fmt: skip


def test_each_handover_that_can_be_is_acknowledged_and_the_others_come_back_with_the_reason(desk) -> None:
    first = _handover(desk, desk.colleague, "低保申请材料")
    second = _handover(desk, desk.colleague, "医保缴费材料")
    not_mine = _handover(desk, desk.director, "给主任的材料")
    done_before = _handover(desk, desk.colleague, "已接收的材料")
    handover_acknowledge(handover=done_before, actor=desk.colleague.user)

    failed = handover_acknowledge_many(
        handovers=[first, second, not_mine, done_before], actor=desk.colleague.user, note="一并接收"
    )

    assert next((h.pk, reason) for h, reason in failed) == (not_mine.pk, "只有接收人本人可以确认接收材料。")
    assert failed[1][0].pk == done_before.pk
    assert "已于" in failed[1][1]
    for h in (first, second):
        h.refresh_from_db()
        assert h.acknowledged_at is not None
        assert h.acknowledge_note == "一并接收"
        assert h.events.get(verb="handover_acknowledge").actor == desk.colleague.user
    not_mine.refresh_from_db()
    assert not_mine.acknowledged_at is None


def test_the_handover_page_ticks_several_and_says_what_was_done(desk, client) -> None:
    first = _handover(desk, desk.colleague, "低保申请材料")
    second = _handover(desk, desk.colleague, "医保缴费材料")
    client.force_login(desk.colleague.user)
    page = client.get(reverse("frontdesk:handovers")).content.decode()
    assert 'form="bulk-ack"' in page
    assert f'value="{first.pk}"' in page
    response = client.post(
        reverse("frontdesk:handover_ack_many"), {"ids": [first.pk, second.pk, 999999], "note": ""}, follow=True
    )
    html = response.content.decode()
    assert "已确认接收 2 项移交的材料。" in html
    assert "有 1 项移交不存在或不在您的范围内，未作处理。" in html
    assert not Handover.objects.filter(acknowledged_at__isnull=True).exists()
    response = client.post(reverse("frontdesk:handover_ack_many"), {"note": ""}, follow=True)
    assert "请至少选择一项移交。" in response.content.decode()


def test_a_handover_to_someone_else_is_refused_row_by_row_on_the_page(desk, client) -> None:
    theirs = _handover(desk, desk.director, "给主任的材料")
    client.force_login(desk.colleague.user)
    html = client.post(reverse("frontdesk:handover_ack_many"), {"ids": [theirs.pk]}, follow=True).content.decode()
    assert "“给主任的材料”未能确认：只有接收人本人可以确认接收材料。" in html
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None
