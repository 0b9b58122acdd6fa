"""Whoever holds a case works it: the assignee (window staff or department handler), the director by override;
whoever handed it over sees it read-only. One rule for the case page, the services and the REST API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bianmin.cases import access
from bianmin.cases.models import Status
from bianmin.cases.services import (
    case_complete,
    case_handover,
    case_record_delay_reason,
    case_request_supplement,
    handover_acknowledge,
)
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import intake, item_for

pytestmark = pytest.mark.django_db


def handed_to_handler(world):
    case = intake(world, item_for(world))
    handover = case_handover(case=case, actor=world.clerk.user, to_staff=world.handler, note="请社保所核实")
    handover_acknowledge(handover=handover, actor=world.handler.user)
    case.refresh_from_db()
    return case


def test_the_department_handler_who_acknowledged_a_handover_gets_the_actions_and_the_clerk_none(world, clock):
    case = handed_to_handler(world)

    held = access.available_actions(case, world.handler)
    assert {"supplement", "complete", "handover", "withdraw", "proxy"} <= held
    assert access.available_actions(case, world.clerk) == frozenset()
    assert "complete" in access.available_actions(case, world.director)  # the director's override
    assert access.available_actions(case, world.colleague) == frozenset()


def test_the_handler_works_the_case_through_the_services_and_the_clerk_is_refused(world, clock):
    case = handed_to_handler(world)

    with pytest.raises(PermissionDenied, match="孙立群"):
        case_request_supplement(case=case, actor=world.clerk.user, items=[{"name": "参保证明"}], due_date=None)
    request = case_request_supplement(case=case, actor=world.handler.user, items=[{"name": "参保证明"}], due_date=None)
    assert request.requested_by == world.handler
    clock.set(at(2026, 3, 30, 10))  # past the due moment
    case_record_delay_reason(case=case, actor=world.handler.user, reason="待社保系统核验")
    with pytest.raises(PermissionDenied):
        case_record_delay_reason(case=case, actor=world.clerk.user, reason="x")
    with pytest.raises(PermissionDenied):
        case_complete(case=case, actor=world.clerk.user, result="办结", dispose_by_form=True)
    with pytest.raises(PermissionDenied):
        case_handover(case=case, actor=world.clerk.user, to_staff=world.colleague)

    case_complete(case=case, actor=world.handler.user, result="经核实符合条件，已办结", dispose_by_form=True)
    case.refresh_from_db()
    assert case.status == Status.COMPLETED


def test_the_case_page_shows_the_handler_the_forms_and_the_clerk_a_read_only_page(world, clock, client):
    case = handed_to_handler(world)
    url = reverse("cases:detail", args=[case.number])

    client.force_login(world.handler.user)
    body = client.get(url, {"actions": "all"}).content.decode()  # the folded cards too
    assert 'id="act-complete"' in body
    assert 'id="act-supplement"' in body
    assert 'id="act-handover"' in body

    client.force_login(world.clerk.user)
    body = client.get(url).content.decode()
    assert 'id="act-complete"' not in body
    assert 'id="act-supplement"' not in body
    assert "本办件现由 孙立群 办理，您只能查看。" in body
    response = client.post(
        reverse("cases:action", args=[case.number, "complete"]), {"outcome": "granted", "result": "办结"}
    )
    assert response.status_code == 403

    client.force_login(world.handler.user)
    response = client.post(
        reverse("cases:action", args=[case.number, "complete"]),
        {"outcome": "granted", "result": "办结", "dispose_by_form": "on"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.COMPLETED


def test_every_action_the_case_page_offers_posts_to_a_row_of_its_action_table():
    from bianmin.cases import views

    offered = {v for k, v in vars(access).items() if k.isupper() and isinstance(v, str) and v.islower()}
    own_pages = {access.DISPOSE, access.SIGNOFF}  # a material's and a supplement request's own URL
    by_hand = {access.START, access.REVEAL}  # no form to validate: a button, and the reveal's reason on the page
    assert set(views.ACTIONS) == offered - own_pages - by_hand
    assert set(views.ACTIONS) >= access.DIRECTOR_ACTIONS | access.DISTRICT_ACTIONS


def test_the_case_page_guard_refuses_by_role_and_holding_before_any_form_is_read(world, clock, client):
    case = handed_to_handler(world)

    with pytest.raises(PermissionDenied, match="只能查看"):
        access.check_may_act(case, world.clerk, world.clerk.role, access.COMPLETE)
    with pytest.raises(PermissionDenied, match="只有中心主任"):
        access.check_may_act(case, world.handler, world.handler.role, access.SPLIT)
    with pytest.raises(PermissionDenied, match="区行政服务中心"):
        access.check_may_act(case, world.director, world.director.role, access.DISTRICT_RESULT)
    access.check_may_act(case, world.handler, world.handler.role, access.COMPLETE)
    access.check_may_act(case, world.director, world.director.role, access.SPLIT)

    client.force_login(world.clerk.user)
    assert client.post(reverse("cases:action", args=[case.number, "nonsense"])).status_code == 403
    client.force_login(world.handler.user)
    assert client.post(reverse("cases:action", args=[case.number, "nonsense"])).status_code == 404
