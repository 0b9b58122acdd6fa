"""The four handling modes (§4(2)–(5)), custody of materials (§8(3)(5)) and handover (§8(1)4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bianmin.cases.checklists import Decision
from bianmin.cases.models import CaseForwarding, Custody, JointTask, Status
from bianmin.cases.selectors import (
    district_cases,
    handovers_in,
    handovers_out,
    joint_board,
    my_cases,
    my_received,
    my_tasks,
)
from bianmin.cases.services import (
    TaskDueRange,
    TaskInput,
    case_accept,
    case_complete,
    case_deliver,
    case_forward,
    case_handover,
    case_split,
    case_start,
    case_withdraw,
    forwarding_result,
    forwarding_update,
    handover_acknowledge,
    material_dispose,
    task_complete,
    task_due_range,
)
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import intake, item_for, presented_except
from bianmin.cases.workflow import CaseStateError
from bianmin.catalog.models import Mode
from bianmin.org.models import Role
from bianmin.org.tests.factories import district as make_district
from bianmin.org.tests.factories import staff_user

pytestmark = pytest.mark.django_db


# --- direct -------------------------------------------------------------------------------------------------


def test_direct_case_is_completed_and_delivered_in_one_sitting(world, clock):
    version = item_for(world, mode=Mode.DIRECT, promised_limit=0)
    case = intake(world, version)

    clock.set(at(2026, 3, 9, 10, 20))
    case = case_complete(case=case, actor=world.clerk.user, result="已当场开具证明", dispose_by_form=True)
    case = case_deliver(case=case, actor=world.clerk.user, method="window")

    assert case.status == Status.DELIVERED
    assert case.events.get(verb="complete").data["on_time"] is True
    assert set(case.materials.values_list("custody", flat=True)) == {Custody.ARCHIVED}  # copies archived


def test_a_direct_case_open_at_the_end_of_the_day_is_overdue(world, clock):
    version = item_for(world, mode=Mode.DIRECT, promised_limit=0)
    intake(world, version)

    clock.set(at(2026, 3, 9, 17, 45))
    row = my_cases(user=world.clerk.user).rows[0]

    assert row.mark.code == "overdue"


# --- promised -----------------------------------------------------------------------------------------------


def test_promised_case_path_with_late_completion_recorded(world, clock):
    version = item_for(world)
    case = intake(world, version)
    case = case_start(case=case, actor=world.clerk.user)

    clock.set(at(2026, 3, 17, 9))  # a day late
    case = case_complete(case=case, actor=world.clerk.user, result="审核通过", dispose_by_form=True)

    assert case.status == Status.COMPLETED
    assert case.events.get(verb="complete").data["on_time"] is False
    assert [e.verb for e in case.events.order_by("id")] == ["receive", "accept", "start", "custody", "complete"]
    assert [(e.from_state, e.to_state) for e in case.events.exclude(to_state="").order_by("id")] == [
        ("", "received"),
        ("received", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "completed"),
    ]


def test_a_joint_case_cannot_be_started_like_a_promised_one(world, clock):
    case = intake(world, item_for(world, mode=Mode.JOINT))

    with pytest.raises(ValidationError):
        case_start(case=case, actor=world.clerk.user)


# --- custody ------------------------------------------------------------------------------------------------


def test_a_case_cannot_be_completed_while_a_received_material_is_unaccounted_for(world, clock):
    version = item_for(world, general=())
    case = intake(world, version)

    with pytest.raises(ValidationError) as exc:
        case_complete(case=case, actor=world.clerk.user, result="办结")
    assert "以下材料尚未退还申请人或归档，不能办结：居民身份证、申请表" in str(exc.value)

    id_card, form = case.materials.order_by("sort_order")
    material_dispose(material=id_card, actor=world.clerk.user, custody=Custody.RETURNED, note="核验后当面退还")
    with pytest.raises(ValidationError):
        case_complete(case=case, actor=world.clerk.user, result="办结")
    material_dispose(material=form, actor=world.clerk.user, custody=Custody.ARCHIVED, location="档案室 2026-03 盒")

    case = case_complete(case=case, actor=world.clerk.user, result="办结")
    assert case.status == Status.COMPLETED
    id_card.refresh_from_db()
    form.refresh_from_db()
    assert (id_card.custody, id_card.disposed_by) == (Custody.RETURNED, world.clerk)
    assert (form.custody, form.location) == (Custody.ARCHIVED, "档案室 2026-03 盒")
    with pytest.raises(CaseStateError):
        material_dispose(material=form, actor=world.clerk.user, custody=Custody.RETURNED)


def test_dispose_by_form_returns_originals_and_archives_copies(world, clock):
    version = item_for(world, general=())
    ids = [m["id"] for m in version.materials]
    case = intake(world, version, presented={ids[0]: "original", ids[1]: "copy"})

    case_complete(case=case, actor=world.clerk.user, result="办结", dispose_by_form=True)

    assert list(case.materials.order_by("sort_order").values_list("custody", flat=True)) == [
        Custody.RETURNED,
        Custody.ARCHIVED,
    ]


def test_withdrawal_hands_the_materials_back(world, clock):
    case = intake(world, item_for(world))

    case = case_withdraw(case=case, actor=world.clerk.user, reason="申请人主动撤回")

    assert case.status == Status.WITHDRAWN
    assert not case.materials.filter(custody=Custody.HELD).exists()
    with pytest.raises(CaseStateError):
        case_start(case=case, actor=world.clerk.user)


# --- joint --------------------------------------------------------------------------------------------------


def _joint_case(world):
    version = item_for(world, mode=Mode.JOINT, promised_limit=10)
    return intake(world, version)  # due 23 March 17:30


def test_the_director_splits_a_joint_case_and_it_completes_when_every_task_has(world, clock):
    case = _joint_case(world)
    case_complete_attempt = pytest.raises(ValidationError)
    with case_complete_attempt:
        case_complete(case=case, actor=world.clerk.user, result="办结")

    tasks = case_split(
        case=case,
        actor=world.director.user,
        tasks=[
            TaskInput(department=world.dept_a, due_date=dt.date(2026, 3, 16), instructions="核实家庭情况"),
            TaskInput(department=world.dept_b, due_date=dt.date(2026, 3, 18), assignee=world.handler),
        ],
    )
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert [t.due_at for t in tasks] == [at(2026, 3, 16, 17, 30), at(2026, 3, 18, 17, 30)]
    # Handlers see their department's tasks; the board shows both.
    assert [t.department for t in my_tasks(user=world.handler.user)] == [world.dept_b]
    page, board = joint_board(user=world.director.user)
    assert [row.pk for row in page.rows] == [case.pk]
    assert len(board[case.pk]) == 2

    with pytest.raises(ValidationError) as exc:
        task_complete(task=tasks[0], actor=world.handler.user, result="同意")
    assert "承办部门的经办人" in str(exc.value)

    task_complete(task=tasks[1], actor=world.handler.user, result="符合条件")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    # Materials are still held at the window: the last task does not complete the case yet.
    task_complete(task=tasks[0], actor=world.director.user, result="情况属实")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert "材料处置后由窗口办结" in case.events.filter(verb="task_complete").last().note

    case = case_complete(case=case, actor=world.clerk.user, result="准予办理", dispose_by_form=True)
    assert case.status == Status.COMPLETED


def test_the_last_task_completes_the_case_when_materials_are_accounted_for(world, clock):
    case = _joint_case(world)
    for material in case.materials.filter(custody=Custody.HELD):
        material_dispose(material=material, actor=world.clerk.user, custody=Custody.ARCHIVED)
    (task,) = case_split(
        case=case, actor=world.director.user, tasks=[TaskInput(department=world.dept_b, due_date=dt.date(2026, 3, 12))]
    )
    with pytest.raises(ValidationError, match="请填写办理意见"):
        task_complete(task=task, actor=world.handler.user, result="  ")
    task_complete(task=task, actor=world.handler.user, result="符合条件")

    case.refresh_from_db()
    assert case.status == Status.COMPLETED
    assert case.result == "社会保障所：符合条件"
    with pytest.raises(CaseStateError):
        task_complete(task=task, actor=world.handler.user, result="again")


def test_task_deadlines_must_lie_inside_the_case_and_only_the_director_splits(world, clock):
    case = _joint_case(world)

    with pytest.raises(ValidationError) as exc:
        case_split(case=case, actor=world.clerk.user, tasks=[TaskInput(world.dept_a, dt.date(2026, 3, 12))])
    assert "中心主任" in str(exc.value)

    with pytest.raises(ValidationError) as exc:
        case_split(
            case=case,
            actor=world.director.user,
            tasks=[TaskInput(world.dept_a, dt.date(2026, 3, 24)), TaskInput(world.dept_b, dt.date(2026, 3, 14))],
        )
    messages = exc.value.messages
    assert any("不能晚于办件的办理期限（2026-03-23）" in m for m in messages)
    assert any("不是工作日" in m for m in messages)
    assert not JointTask.objects.exists()


# --- forwarded ----------------------------------------------------------------------------------------------


def test_forwarded_case_goes_to_the_district_and_the_center_delivers_the_result(world, clock):
    version = item_for(world, mode=Mode.FORWARDED, promised_limit=15)
    case = intake(world, version)

    forwarding = case_forward(case=case, actor=world.clerk.user, note="材料齐全，请审批")
    case.refresh_from_db()
    assert case.status == Status.FORWARDED
    assert forwarding.district == world.district
    assert set(case.materials.filter(presented=True).values_list("custody", flat=True)) == {Custody.TRANSFERRED}
    assert [r.pk for r in district_cases(user=world.district_user.user).rows] == [case.pk]
    assert district_cases(user=world.clerk.user).rows == []

    with pytest.raises(ValidationError):
        forwarding_update(case=case, actor=world.clerk.user, reference="HJ-1")
    other_district_user = staff_user(Role.DISTRICT, make_district())
    with pytest.raises(ValidationError):
        forwarding_update(case=case, actor=other_district_user.user, reference="HJ-1")

    forwarding_update(case=case, actor=world.district_user.user, reference="HJ2026-0088", progress="已转业务科室审核")
    case = forwarding_result(case=case, actor=world.district_user.user, approved=True, result="准予登记")
    assert case.status == Status.COMPLETED
    assert case.result == "准予办理：准予登记"
    assert CaseForwarding.objects.get(case=case).district_reference == "HJ2026-0088"
    assert district_cases(user=world.district_user.user).rows == []

    with pytest.raises(ValidationError):
        case_complete(case=case, actor=world.clerk.user, result="x")
    case = case_deliver(case=case, actor=world.clerk.user, method="mail", note="EMS 1234")
    assert case.status == Status.DELIVERED


def test_only_forwarded_items_can_be_forwarded(world, clock):
    case = intake(world, item_for(world))

    with pytest.raises(ValidationError):
        case_forward(case=case, actor=world.clerk.user)


# --- handover -----------------------------------------------------------------------------------------------


def test_first_contact_receives_and_hands_over_until_the_handler_acknowledges(world, clock, client):
    version = item_for(world, windows=(world.other_window,))
    sb_clerk = world.other_window.posts.get().staff

    case = intake(
        world,
        version,
        by=world.colleague,
        presented=presented_except(version, "申请表"),
        decision=Decision.RECEIVE_ONLY,
        handover_to=sb_clerk,
        handover_note="经办人外出，材料先行收下",
    )

    assert case.status == Status.RECEIVED
    assert case.received_by == world.colleague
    # On both workbenches until acknowledged.
    assert [h.case.pk for h in handovers_out(user=world.colleague.user)] == [case.pk]
    assert [h.case.pk for h in handovers_in(user=sb_clerk.user)] == [case.pk]
    handover = case.handovers.get()
    with pytest.raises(ValidationError):
        handover_acknowledge(handover=handover, actor=world.clerk.user)

    handover_acknowledge(handover=handover, actor=sb_clerk.user)
    case.refresh_from_db()
    assert case.assignee == sb_clerk
    assert set(case.materials.filter(custody=Custody.HELD).values_list("custodian", flat=True)) == {sb_clerk.pk}
    assert handovers_out(user=world.colleague.user) == []
    assert handovers_in(user=sb_clerk.user) == []
    assert [r.pk for r in my_received(user=sb_clerk.user)] == [case.pk]
    # and their workbench lists it to decide on, with its link and when it came in
    client.force_login(sb_clerk.user)
    received = client.get(reverse("cases:workbench")).content.decode()
    assert "已接收、待作出受理决定" in received
    assert f'<a href="{reverse("cases:detail", args=[case.number])}">{case.number}</a>' in received
    assert timezone.localtime(case.received_at).strftime("（%m-%d %H:%M）") in received
    with pytest.raises(CaseStateError):
        handover_acknowledge(handover=handover, actor=sb_clerk.user)

    # The handler decides: a main material is missing, so accepting is not possible.
    with pytest.raises(ValidationError):
        case_accept(case=case, actor=sb_clerk.user)


def test_a_second_handover_waits_for_the_first_to_be_acknowledged(world, clock):
    case = intake(world, item_for(world))
    case_handover(case=case, actor=world.clerk.user, to_staff=world.colleague)

    with pytest.raises(CaseStateError):
        case_handover(case=case, actor=world.clerk.user, to_staff=world.director)
    with pytest.raises(ValidationError):
        case_handover(case=case, actor=world.clerk.user, to_staff=world.outsider)


def test_an_overdue_joint_case_is_split_with_task_dates_from_today_on(world, clock):
    # given a joint case due 23 March 17:30 that nobody split in time
    case = _joint_case(world)
    clock.set(at(2026, 3, 25, 9))
    assert task_due_range(case).default == dt.date(2026, 3, 25)

    # when the director splits it on 25 March: a date before today is still refused ...
    with pytest.raises(ValidationError, match="不能早于今天"):
        case_split(case=case, actor=world.director.user, tasks=[TaskInput(world.dept_a, dt.date(2026, 3, 24))])
    # ... but dates from today on are accepted although they lie past the case's deadline
    tasks = case_split(
        case=case,
        actor=world.director.user,
        tasks=[TaskInput(world.dept_a, dt.date(2026, 3, 25)), TaskInput(world.dept_b, dt.date(2026, 3, 27))],
    )

    # then the tasks run, and the case keeps its deadline: it stays late on record
    assert [t.due_at for t in tasks] == [at(2026, 3, 25, 17, 30), at(2026, 3, 27, 17, 30)]
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert case.due_at == at(2026, 3, 23, 17, 30)
    assert case.events.get(verb="split").data["case_overdue"] is True


def test_a_case_not_yet_overdue_still_bounds_its_tasks_by_its_deadline(world, clock):
    case = _joint_case(world)
    clock.set(at(2026, 3, 23, 9))  # the deadline's own day, before it passes
    assert task_due_range(case) == TaskDueRange(dt.date(2026, 3, 23), dt.date(2026, 3, 23), dt.date(2026, 3, 23))
    with pytest.raises(ValidationError, match="不能晚于办件的办理期限"):
        case_split(case=case, actor=world.director.user, tasks=[TaskInput(world.dept_a, dt.date(2026, 3, 24))])


def test_after_office_hours_an_overdue_cases_tasks_default_to_the_next_working_day(world, clock):
    case = _joint_case(world)
    clock.set(at(2026, 3, 27, 18))  # Friday evening, after 17:30
    assert task_due_range(case) == TaskDueRange(dt.date(2026, 3, 27), None, dt.date(2026, 3, 30))
