"""Each rule of the accountability sweep (§8(3)), and that it raises every candidate only once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bianmin.assignments.tests.factories import Office, make_task
from bianmin.cases.checklists import Decision
from bianmin.cases.models import CaseMaterial, Custody
from bianmin.cases.services import case_overturn_refusal, case_record_delay_reason
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import intake, item_for, presented_except
from bianmin.oversight.models import Accountability
from bianmin.oversight.services.accountability import (
    KIND_CASE_OVERDUE,
    KIND_MATERIALS,
    KIND_OTN,
    KIND_PETITION,
    KIND_REFUSAL,
    KIND_TASK,
    KIND_UNMANNED,
    accountability_sweep,
)

pytestmark = pytest.mark.django_db


def _kinds() -> list[str]:
    return sorted(Accountability.objects.values_list("source_kind", flat=True))


def test_case_past_deadline_without_reason_is_raised_once(world, clock) -> None:
    # given a promised case (5 working days) accepted on Monday 9 March
    case = intake(world, item_for(world))
    # when the sweep runs three weeks later, twice
    clock.set(at(2026, 3, 30))
    first = accountability_sweep()
    second = accountability_sweep()
    # then one candidate for the overdue case, naming the clerk who handles it, and nothing the second time
    assert (first, second) == (1, 0)
    record = Accountability.objects.get(source_kind=KIND_CASE_OVERDUE)
    assert record.source_id == case.pk
    assert record.staff == world.clerk
    assert record.violation == Accountability.Violation.OVERDUE
    assert record.evidence == [{"kind": "case", "id": case.pk, "label": case.number}]


def test_case_with_recorded_special_reason_is_not_raised(world, clock) -> None:
    case = intake(world, item_for(world))
    clock.set(at(2026, 3, 17))
    case_record_delay_reason(case=case, actor=world.clerk.user, reason="系统故障停机两天")
    clock.set(at(2026, 3, 30))
    assert accountability_sweep() == 0
    assert case.events.filter(verb="delay_reason").count() == 1


def test_delay_reason_must_be_written(world) -> None:
    case = intake(world, item_for(world))
    with pytest.raises(ValidationError, match="特殊原因"):
        case_record_delay_reason(case=case, actor=world.clerk.user, reason="  ")


def test_case_not_yet_due_is_not_raised(world, clock) -> None:
    intake(world, item_for(world))
    clock.set(at(2026, 3, 13))
    assert accountability_sweep() == 0


def test_materials_held_past_the_hold_days_are_raised_once_per_case(world, clock, settings) -> None:
    # given a case whose materials are held; the deadline reason is recorded so only the materials rule applies
    settings.BIANMIN_MATERIAL_HOLD_DAYS = 30
    case = intake(world, item_for(world))
    case_record_delay_reason(case=case, actor=world.clerk.user, reason="等待上级批复")
    held = case.materials.filter(custody=Custody.HELD).count()
    assert held >= 2
    # when the sweep runs 20 days on (nothing), then 40 days on, twice
    clock.set(at(2026, 3, 29))
    assert accountability_sweep() == 0
    clock.set(at(2026, 4, 18))
    assert (accountability_sweep(), accountability_sweep()) == (1, 0)
    # then one candidate for the case, naming the custodian
    record = Accountability.objects.get(source_kind=KIND_MATERIALS)
    assert record.source_id == case.pk
    assert record.violation == Accountability.Violation.LOST_MATERIALS
    assert record.staff == world.clerk


def test_materials_still_held_once_the_result_is_handed_over_are_raised_at_once(world, clock) -> None:
    # given a completed case whose materials were archived, but one still marked held (e.g. never settled)
    case = intake(world, item_for(world))
    CaseMaterial.objects.filter(case=case).update(custody=Custody.ARCHIVED)
    from bianmin.cases.services import case_complete, case_deliver

    case_complete(case=case, actor=world.clerk.user, result="准予")
    CaseMaterial.objects.filter(pk=case.materials.earliest("id").pk).update(custody=Custody.HELD)
    # while the result waits for collection the center rightly holds it: nothing is raised
    clock.set(at(2026, 3, 10))
    assert accountability_sweep() == 0
    # when the result is handed over and the sweep runs the next day
    case_deliver(case=case, actor=world.clerk.user, method="window")
    clock.set(at(2026, 3, 11))
    accountability_sweep()
    # then it is raised
    assert _kinds() == [KIND_MATERIALS]


def test_materials_received_before_the_lookback_are_left_to_the_records(world, clock, settings) -> None:
    # given materials held for a year (received before the system's sweep looked at them)
    settings.BIANMIN_MATERIAL_HOLD_DAYS = 30
    case = intake(world, item_for(world))
    case_record_delay_reason(case=case, actor=world.clerk.user, reason="等待上级批复")
    # when the sweep first runs a year later
    clock.set(at(2027, 3, 9))
    accountability_sweep()
    # then no materials candidate floods the director's list
    assert KIND_MATERIALS not in _kinds()


def test_overturned_refusal_is_raised_against_who_refused(world) -> None:
    # given a case refused by the clerk
    version = item_for(world)
    case = intake(
        world, version, presented=presented_except(version, "居民身份证"), decision=Decision.REFUSE,
        refusal_reason="缺少身份证",
    )  # fmt: skip
    # when a window clerk tries to overturn it, then the director does
    with pytest.raises(ValidationError, match="中心主任"):
        case_overturn_refusal(case=case, actor=world.colleague.user, reason="复核")
    case_overturn_refusal(case=case, actor=world.director.user, reason="身份证可在线核验，不应不予受理")
    # then the sweep raises one refusal candidate naming the clerk; a second overturn is refused
    assert (accountability_sweep(), accountability_sweep()) == (1, 0)
    record = Accountability.objects.get(source_kind=KIND_REFUSAL)
    assert record.staff == world.clerk
    assert record.violation == Accountability.Violation.REFUSAL
    with pytest.raises(ValidationError, match="已撤销"):
        case_overturn_refusal(case=case, actor=world.director.user, reason="再次")


def test_assigned_task_past_its_deadline_is_raised_once() -> None:
    # given an open task of three working days, and one finished in time
    office = Office()
    late = make_task(office)
    make_task(office, title="按时报送")
    from bianmin.assignments.services import assigned_task_complete

    on_time = office.clerk_a.assigned_tasks.get(title="按时报送")
    assigned_task_complete(task=on_time, actor=office.clerk_a.user, submitted="已报送")
    # when the sweep runs after the deadline, twice
    moment = late.due_at + dt.timedelta(hours=1)
    assert (accountability_sweep(moment), accountability_sweep(moment)) == (1, 0)
    # then the open one is raised, naming its responsible staff
    record = Accountability.objects.get(source_kind=KIND_TASK)
    assert (record.source_id, record.staff) == (late.pk, office.clerk_a)


def test_supplement_beyond_the_first_notice_is_raised_against_the_clerk(world) -> None:
    from bianmin.cases.services import case_request_supplement, supplement_request_decide

    # given a case accepted with a first notice listing 户口簿, then a request for 申请表 the notice did not list
    version = item_for(world)
    first_notice = presented_except(version, "户口簿")
    case = intake(world, version, presented=first_notice, decision=Decision.ACCEPT_WITH_SUPPLEMENT)
    form = case.materials.get(name="申请表")
    request = case_request_supplement(
        case=case, actor=world.clerk.user, due_date=None, reason="申请表未签字",
        items=[{"material_id": form.material_id, "name": "申请表", "issue": "correct", "detail": "未签字"}],
    )  # fmt: skip
    supplement_request_decide(request=request, actor=world.director.user, approve=True, note="同意")
    # when the sweep runs twice, then one first-inquiry candidate names the clerk and links the case
    assert (accountability_sweep(), accountability_sweep()) == (1, 0)
    record = Accountability.objects.get(source_kind=KIND_OTN)
    assert (record.staff, record.violation) == (world.clerk, Accountability.Violation.FIRST_INQUIRY)
    assert {"kind": "case", "id": case.pk, "label": case.number} in record.evidence


def test_unmanned_window_record_is_raised_once(world, clock) -> None:
    from bianmin.staffing.models import UnmannedWindow

    UnmannedWindow.objects.create(
        window=world.window, center=world.center, started_at=at(2026, 3, 9, 10), detected_at=at(2026, 3, 9, 10, 5)
    )
    assert (accountability_sweep(), accountability_sweep()) == (1, 0)
    record = Accountability.objects.get(source_kind=KIND_UNMANNED)
    assert (record.staff, record.violation) == (None, Accountability.Violation.NO_COVER)


def test_petition_past_its_deadline_is_raised_against_its_handler() -> None:
    from bianmin.petitions.services import petition_assign
    from bianmin.petitions.tests.factories import days_ago, office, register

    # given a letter received 30 days ago and assigned, and one received today
    org = office()
    late = register(org.clerk, received_on=days_ago(30))
    petition_assign(petition=late, handler=org.handler, note="", actor=org.director.user)
    register(org.clerk)
    # when the sweep runs twice, then the late one is raised once, naming its handler
    assert (accountability_sweep(), accountability_sweep()) == (1, 0)
    record = Accountability.objects.get(source_kind=KIND_PETITION)
    assert (record.source_id, record.staff) == (late.pk, org.handler)
    assert late.number in record.summary
