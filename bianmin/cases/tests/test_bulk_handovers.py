"""Acknowledging several cases handed over at once, from the workbench: each under the single action's rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bianmin.cases import services
from bianmin.cases.models import Case, CaseHandover
from bianmin.cases.tests.factories import intake, item_for

pytestmark = pytest.mark.django_db


def _handed(world, n: int, to=None) -> CaseHandover:
    case = intake(world, item_for(world), n=n)
    return services.case_handover(case=case, actor=world.clerk.user, to_staff=to or world.handler, note="请核实")


def test_the_handler_acknowledges_the_ticked_cases_each_with_its_event(world, login) -> None:
    first, second = _handed(world, 1), _handed(world, 2)
    client = login(world.handler)
    page = client.get(reverse("cases:workbench")).content.decode()
    assert 'form="bulk-handover-ack"' in page
    assert f'value="{first.pk}"' in page

    html = client.post(reverse("cases:handovers_ack"), {"ids": [first.pk, second.pk]}, follow=True).content.decode()

    assert "已确认接收 2 件办件" in html
    for handover in (first, second):
        handover.refresh_from_db()
        assert handover.acknowledged_at is not None
        case = Case.objects.get(pk=handover.case_id)
        assert case.assignee == world.handler
        assert case.events.filter(verb="handover_acknowledge", actor=world.handler.user).count() == 1


def test_a_case_handed_to_someone_else_is_refused_row_by_row_and_the_rest_goes_through(world, login) -> None:
    mine = _handed(world, 1)
    theirs = _handed(world, 2, to=world.colleague)
    client = login(world.handler)

    html = client.post(
        reverse("cases:handovers_ack"), {"ids": [mine.pk, theirs.pk, 999999]}, follow=True
    ).content.decode()

    assert "已确认接收 1 件办件" in html
    assert f"办件 {theirs.case.number} 未能确认接收：只有接收人本人可以确认接收。" in html
    assert "有 1 件移交不存在或不在您的范围内，未作处理。" in html
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None
    assert "请至少选择一件移交的办件。" in client.post(reverse("cases:handovers_ack"), {}, follow=True).content.decode()


def test_another_centers_handover_is_not_found(world, login) -> None:
    mine = _handed(world, 1)
    html = login(world.outsider).post(reverse("cases:handovers_ack"), {"ids": [mine.pk]}, follow=True)
    assert "有 1 件移交不存在或不在您的范围内" in html.content.decode()
    mine.refresh_from_db()
    assert mine.acknowledged_at is None
