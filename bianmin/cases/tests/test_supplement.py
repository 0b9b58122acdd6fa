"""At most one more trip (§4(1), §8(3)(1)): later supplement requests, the director's sign-off, the pause rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bianmin.cases.checklists import Decision
from bianmin.cases.models import CasePause, Notice, OneTimeNotificationFailure, Status, SupplementRequest
from bianmin.cases.selectors import notification_failures
from bianmin.cases.services import (
    case_receive_supplement,
    case_request_supplement,
    case_start,
    supplement_request_decide,
)
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import intake, item_for, presented_except
from bianmin.cases.workflow import CaseStateError

pytestmark = pytest.mark.django_db


def _material(case, name):
    return case.materials.get(name=name)


def _with_first_notice(world, version):
    return intake(
        world,
        version,
        presented=presented_except(version, "户口簿"),
        decision=Decision.ACCEPT_WITH_SUPPLEMENT,
    )


def test_receiving_the_supplement_resumes_the_clock_and_moves_the_deadline_by_the_days_paused(world, clock):
    version = item_for(world)
    case = _with_first_notice(world, version)  # Monday 9 March 10:00, paused at once
    booklet = _material(case, "户口簿")

    clock.set(at(2026, 3, 12, 15))  # the applicant comes back on Thursday
    case = case_receive_supplement(case=case, actor=world.clerk.user, presented={booklet.material_id: "copy"})

    # Paused Mon, Tue, Wed (3 working days): 16 March 17:30 moves to 19 March 17:30.
    assert case.status == Status.ACCEPTED
    assert case.due_at == at(2026, 3, 19, 17, 30)
    assert not case.supplement_pending
    assert case.paused_at is None
    assert CasePause.objects.get(case=case).ended_at == at(2026, 3, 12, 15)
    booklet.refresh_from_db()
    assert booklet.presented
    assert booklet.custody == "held"
    assert booklet.received_by == world.clerk
    event = case.events.get(verb="supplement_received")
    assert event.data["due_at"].startswith("2026-03-19T17:30")


def test_a_second_request_for_what_the_first_notice_listed_is_issued_at_once(world, clock):
    version = item_for(world)
    case = _with_first_notice(world, version)
    booklet = _material(case, "户口簿")
    clock.set(at(2026, 3, 10, 10))
    case_receive_supplement(case=case, actor=world.clerk.user, presented={booklet.material_id: "copy"})
    case_start(case=case, actor=world.clerk.user)

    clock.set(at(2026, 3, 11, 10))
    request = case_request_supplement(
        case=case,
        actor=world.clerk.user,
        items=[{"material_id": booklet.material_id, "name": "户口簿", "issue": "correct", "detail": "缺少户主页"}],
        due_date=None,
    )

    assert request.state == SupplementRequest.State.ISSUED
    assert request.extra_items == []
    case.refresh_from_db()
    assert case.status == Status.WAITING
    assert case.resume_status == Status.IN_PROGRESS
    assert case.notices.filter(kind=Notice.Kind.SUPPLEMENT).count() == 2
    assert not OneTimeNotificationFailure.objects.exists()


def test_asking_for_something_new_waits_for_the_director_and_is_recorded_as_a_failure(world, clock):
    version = item_for(world)
    case = _with_first_notice(world, version)
    photo = _material(case, "申请表")

    request = case_request_supplement(
        case=case,
        actor=world.clerk.user,
        items=[{"material_id": photo.material_id, "name": "申请表", "issue": "correct", "detail": "未签字"}],
        due_date=None,
        reason="审核发现申请表未签字",
    )

    assert request.state == SupplementRequest.State.PENDING
    assert [i["name"] for i in request.extra_items] == ["申请表"]
    assert case.notices.filter(kind=Notice.Kind.SUPPLEMENT).count() == 1  # nothing issued yet

    with pytest.raises(ValidationError) as exc:
        supplement_request_decide(request=request, actor=world.clerk.user, approve=True, note="同意")
    assert "中心主任" in str(exc.value)

    supplement_request_decide(request=request, actor=world.director.user, approve=True, note="同意补正，记入台账")

    request.refresh_from_db()
    assert request.state == SupplementRequest.State.ISSUED
    assert request.notice is not None
    failure = OneTimeNotificationFailure.objects.get()
    assert failure.responsible == world.clerk
    assert failure.approved_by == world.director
    assert [i["name"] for i in failure.items] == ["申请表"]
    assert list(notification_failures(user=world.director.user)) == [failure]
    assert list(notification_failures(user=world.outsider.user)) == []
    with pytest.raises(CaseStateError):
        supplement_request_decide(request=request, actor=world.director.user, approve=True, note="再次")


def test_after_a_complete_acceptance_any_later_request_is_beyond_the_first_notice(world, clock):
    version = item_for(world)
    case = intake(world, version)

    request = case_request_supplement(
        case=case, actor=world.clerk.user, items=[{"material_id": None, "name": "收入证明"}], due_date=None
    )

    assert request.state == SupplementRequest.State.PENDING
    supplement_request_decide(request=request, actor=world.director.user, approve=False, note="不属于本事项要求")
    request.refresh_from_db()
    case.refresh_from_db()
    assert request.state == SupplementRequest.State.REJECTED
    assert case.status == Status.ACCEPTED
    assert not OneTimeNotificationFailure.objects.exists()


def test_a_supplement_deadline_beyond_the_promised_limit_is_refused(world, clock):
    version = item_for(world)
    case = _with_first_notice(world, version)

    with pytest.raises(ValidationError) as exc:
        case_request_supplement(
            case=case,
            actor=world.clerk.user,
            items=[{"material_id": _material(case, "户口簿").material_id, "name": "户口簿"}],
            due_date=at(2026, 4, 1).date(),
        )

    assert "不能晚于事项承诺时限" in str(exc.value)


def test_receiving_a_supplement_for_a_case_not_waiting_is_a_clear_error(world, clock):
    version = item_for(world)
    case = intake(world, version)

    with pytest.raises(CaseStateError) as exc:
        case_receive_supplement(case=case, actor=world.clerk.user, presented={})

    assert "没有等待补报的材料" in str(exc.value)
