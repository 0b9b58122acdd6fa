"""Citizens told of their case (acceptance, supplement, result), staff told of handovers and deadlines."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.urls import reverse

from bianmin.cases import services as cases
from bianmin.cases.checklists import Decision
from bianmin.cases.reminders import case_reminder_candidates, case_send_reminders
from bianmin.cases.tests.conftest import Clock, at
from bianmin.cases.tests.factories import World, intake, item_for, make_world, presented_except
from bianmin.notify.case_listener import on_case_event
from bianmin.notify.models import Channel, Notification
from bianmin.notify.sms import LocmemSmsBackend
from bianmin.notify.tests.factories import Office, make_task, run_queued_tasks

PHONE = "13903711234"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from django.utils import timezone

    c = Clock(at(2026, 3, 9, 10))  # Monday 9 March 2026, an ordinary working week
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def sms_to_applicant() -> list[Notification]:
    return list(Notification.objects.filter(channel=Channel.SMS, recipient_user__isnull=True).order_by("id"))


# --- citizens ---


def test_acceptance_texts_the_applicant_once_with_the_number_and_the_progress_link(
    world, clock, django_capture_on_commit_callbacks, caplog
):
    # Given an applicant with a phone on record
    version = item_for(world)
    caplog.set_level(logging.DEBUG)

    # When the case is accepted
    with django_capture_on_commit_callbacks(execute=True):
        case = intake(world, version, phone=PHONE)

    # Then one text message is recorded for the applicant, with the case number and the progress link
    [message] = sms_to_applicant()
    assert message.template == "case_accepted"
    assert case.number in message.body
    assert f"/progress/t/{case.public_token}/" in message.body
    assert message.to_display == "139****1234"
    assert message.center == world.center
    # And a repeated call (a retried hook) sends nothing more
    on_case_event(kind="accepted", case=case)
    assert len(sms_to_applicant()) == 1
    # And the worker sends it to the number from the encrypted store, which no log shows in clear
    run_queued_tasks()
    assert [m["phone"] for m in LocmemSmsBackend.outbox] == [PHONE]
    assert PHONE not in caplog.text


def test_acceptance_with_a_supplement_notice_lists_the_missing_materials(
    world, clock, django_capture_on_commit_callbacks
):
    version = item_for(world)

    with django_capture_on_commit_callbacks(execute=True):
        intake(
            world,
            version,
            presented=presented_except(version, "户口簿"),
            decision=Decision.ACCEPT_WITH_SUPPLEMENT,
        )

    accepted, supplement = sms_to_applicant()
    assert accepted.template == "case_accepted"
    assert supplement.template == "case_supplement"
    assert "户口簿" in supplement.body
    assert "2号窗口" in supplement.body


def test_a_later_supplement_request_and_the_result_are_texted_once_each(
    world, clock, django_capture_on_commit_callbacks
):
    version = item_for(world)
    with django_capture_on_commit_callbacks(execute=True):
        case = intake(world, version)

    # When the handler asks for a supplement, the applicant brings it, and the case is completed
    request = cases.case_request_supplement(
        case=case,
        actor=world.clerk.user,
        items=[{"name": "收入证明", "issue": "missing", "detail": ""}],
        due_date=None,
    )
    assert not Notification.objects.filter(template="case_supplement").exists()  # awaits the director's sign-off
    with django_capture_on_commit_callbacks(execute=True):
        cases.supplement_request_decide(request=request, actor=world.director.user, approve=True, note="同意补报。")
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_receive_supplement(case=case, actor=world.clerk.user, presented={})
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_complete(case=case, actor=world.clerk.user, result="准予办理", dispose_by_form=True)

    # Then the applicant got acceptance, supplement and ready-to-collect messages, one each
    templates = [m.template for m in sms_to_applicant()]
    assert templates == ["case_accepted", "case_supplement", "case_ready"]
    ready = sms_to_applicant()[-1]
    assert case.number in ready.body
    assert "领取" in ready.body


def test_an_applicant_without_a_phone_gets_no_message(world, clock, django_capture_on_commit_callbacks):
    # (At the window a phone is required; an online application may come without one.)
    case = intake(world, item_for(world))
    Notification.objects.all().delete()  # what the window's intake recorded (it had the phone)
    case.applicant_phone = ""

    for kind in ("accepted", "completed"):
        on_case_event(kind=kind, case=case)

    assert not sms_to_applicant()


def test_a_failing_channel_does_not_undo_the_case(world, clock, django_capture_on_commit_callbacks, settings):
    settings.BIANMIN_CASE_LISTENERS = ["bianmin.notify.tests.test_case_notifications.broken_listener"]

    with django_capture_on_commit_callbacks(execute=True):
        case = intake(world, item_for(world))

    case.refresh_from_db()
    assert case.status == "accepted"
    assert not Notification.objects.exists()


def test_the_acceptance_message_commits_with_the_case_not_after_it(world, clock):
    # No after-commit hook runs here (as when the process dies right after the commit): the message is already
    # recorded, pending, in the intake's own transaction; only its delivery job waits for the commit.
    case = intake(world, item_for(world), phone=PHONE)

    [message] = sms_to_applicant()
    assert message.key == f"case:{case.pk}:accepted"
    assert message.status == Notification.Status.PENDING
    assert list(message.events.all()) == []  # the row is its own record of creation


def test_an_acceptance_fails_whole_if_its_message_cannot_be_recorded(world, clock, monkeypatch):
    from django.db import IntegrityError

    from bianmin.cases.models import Case
    from bianmin.notify import services

    def refuse(row, inbox_of):
        raise IntegrityError("outbox unavailable")

    monkeypatch.setattr(services, "_record", refuse)
    with pytest.raises(IntegrityError):
        intake(world, item_for(world), phone=PHONE)
    assert not Case.objects.exists()
    assert not Notification.objects.exists()


def broken_listener(**_kwargs: object) -> None:
    raise RuntimeError("gateway down")


# --- handovers ---


def test_a_case_handed_over_tells_the_receiver_in_app_once(world, clock, django_capture_on_commit_callbacks):
    version = item_for(world)
    with django_capture_on_commit_callbacks(execute=True):
        case = intake(world, version)
    with django_capture_on_commit_callbacks(execute=True):
        handover = cases.case_handover(case=case, actor=world.clerk.user, to_staff=world.colleague, note="外出")

    [message] = Notification.objects.filter(recipient_user=world.colleague.user)
    assert message.channel == Channel.IN_APP
    assert message.template == "handover_pending"
    assert case.number in message.body
    assert world.clerk.name in message.body
    assert message.url == reverse("cases:detail", args=[case.number])
    on_case_event(kind="handover_created", handover=handover)
    assert Notification.objects.filter(recipient_user=world.colleague.user).count() == 1


def test_materials_received_at_the_front_desk_tell_the_receiver_in_app(world, django_capture_on_commit_callbacks):
    from bianmin.frontdesk.services import handover_create

    with django_capture_on_commit_callbacks(execute=True):
        handover_create(
            center=world.center,
            from_staff=world.clerk,
            to_staff=world.colleague,
            subject="代收低保申请",
            materials="户口簿复印件一份、收入证明一份",
            actor=world.clerk.user,
        )

    [message] = Notification.objects.filter(recipient_user=world.colleague.user)
    assert message.template == "handover_materials"
    assert "代收低保申请" in message.body
    assert "收入证明" in message.body
    assert message.url == reverse("frontdesk:handovers")


def test_an_approved_leave_tells_the_b_post_who_covers(world, django_capture_on_commit_callbacks):
    from bianmin.staffing.services import leave_approve, leave_request

    start = at(2026, 3, 16, 9)
    leave = leave_request(
        staff=world.clerk,
        kind="personal",
        start=start,
        end=start + dt.timedelta(hours=8),
        reason="家中有事",
        actor=world.clerk.user,
        now=at(2026, 3, 9, 10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        leave_approve(leave=leave, actor=world.director.user, now=at(2026, 3, 9, 11))

    [message] = Notification.objects.filter(recipient_user=world.colleague.user)
    assert message.template == "leave_cover"
    assert world.clerk.name in message.body
    assert "2号窗口" in message.body


def test_withdrawing_approved_leave_tells_the_b_post_the_cover_is_cancelled(world, django_capture_on_commit_callbacks):
    from bianmin.staffing.services import leave_approve, leave_request, leave_withdraw

    start = at(2026, 3, 16, 9)
    leave = leave_request(
        staff=world.clerk,
        kind="personal",
        start=start,
        end=start + dt.timedelta(hours=8),
        reason="家中有事",
        actor=world.clerk.user,
        now=at(2026, 3, 9, 10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        leave_approve(leave=leave, actor=world.director.user, now=at(2026, 3, 9, 11))
    with django_capture_on_commit_callbacks(execute=True):
        leave_withdraw(leave=leave, actor=world.clerk.user, now=at(2026, 3, 10, 9))

    cancelled = Notification.objects.get(recipient_user=world.colleague.user, template="leave_cover_cancelled")
    assert world.clerk.name in cancelled.body
    assert "取消" in cancelled.title
    assert Notification.objects.filter(recipient_user=world.colleague.user).count() == 2


def test_withdrawing_a_request_never_approved_tells_nobody(world, django_capture_on_commit_callbacks):
    from bianmin.staffing.services import leave_request, leave_withdraw

    start = at(2026, 3, 16, 9)
    leave = leave_request(
        staff=world.clerk, kind="personal", start=start, end=start + dt.timedelta(hours=8), reason="家中有事",
        actor=world.clerk.user, now=at(2026, 3, 9, 10),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        leave_withdraw(leave=leave, actor=world.clerk.user, now=at(2026, 3, 10, 9))

    assert not Notification.objects.filter(recipient_user=world.colleague.user).exists()


def test_a_staff_member_found_in_breach_is_told_in_app(world, django_capture_on_commit_callbacks):
    from bianmin.staffing.models import Inspection
    from bianmin.staffing.services import inspection_record

    with django_capture_on_commit_callbacks(execute=True):
        inspection = inspection_record(
            center=world.center, inspected_at=at(2026, 3, 9, 10), rule=Inspection.Rule.DRESS,
            finding=Inspection.Finding.VIOLATION, actor=world.director.user, place="办事大厅", staff=world.clerk,
            note="未佩戴胸卡", now=at(2026, 3, 9, 11),
        )  # fmt: skip

    [message] = Notification.objects.filter(recipient_user=world.clerk.user)
    assert message.template == "inspection_violation"
    assert "统一服装" in message.body
    assert message.url == f"{reverse('staffing:my_inspections')}#inspection-{inspection.pk}"


# --- staff reminders ---


def test_case_reminders_fire_on_the_working_day_before_and_after_the_deadline_once_each(
    world, clock, django_capture_on_commit_callbacks
):
    # Given a case accepted on Monday 9 March with 5 working days: due Monday 16 March
    with django_capture_on_commit_callbacks(execute=True):
        case = intake(world, item_for(world))
    case.refresh_from_db()
    assert case.due_at is not None
    assert case.due_at.date() == dt.date(2026, 3, 16)

    def mine() -> list[str]:
        return list(
            Notification.objects.filter(recipient_user=world.clerk.user, key__startswith=f"case:{case.pk}:")
            .order_by("id")
            .values_list("template", flat=True)
        )

    # Thursday: too early
    assert case_send_reminders(now=at(2026, 3, 12, 10)) == {"near": 0, "overdue": 0}
    # Friday (the working day before; the weekend does not count): "due soon", once
    assert case_send_reminders(now=at(2026, 3, 13, 9, 5)) == {"near": 1, "overdue": 0}
    assert case_send_reminders(now=at(2026, 3, 13, 15)) == {"near": 0, "overdue": 0}
    assert mine() == ["case_near_deadline"]
    # Monday evening after closing, and the night: not yet
    assert case_send_reminders(now=at(2026, 3, 16, 21)) == {"near": 0, "overdue": 0}
    # Tuesday morning: overdue, once
    assert case_send_reminders(now=at(2026, 3, 17, 9, 5)) == {"near": 0, "overdue": 1}
    assert case_send_reminders(now=at(2026, 3, 18, 9, 5)) == {"near": 0, "overdue": 0}
    assert mine() == ["case_near_deadline", "case_overdue"]
    overdue = Notification.objects.get(template="case_overdue")
    assert overdue.channel == Channel.IN_APP
    assert case.number in overdue.body
    assert not Notification.objects.filter(
        template__startswith="case_", channel=Channel.SMS, recipient_user__isnull=False
    )


def test_case_reminders_go_by_sms_too_when_configured_and_skip_closed_and_waiting_cases(
    world, clock, django_capture_on_commit_callbacks, settings
):
    settings.BIANMIN_CASE_REMINDER_SMS = True
    version = item_for(world)
    with django_capture_on_commit_callbacks(execute=True):
        running = intake(world, version, n=1)
        intake(  # waits for a supplement: its clock is paused
            world,
            version,
            n=2,
            presented=presented_except(version, "户口簿"),
            decision=Decision.ACCEPT_WITH_SUPPLEMENT,
        )
        done = intake(world, version, n=3)
        cases.case_complete(case=done, actor=world.clerk.user, result="准予办理", dispose_by_form=True)

    case_send_reminders(now=at(2026, 3, 17, 9, 5))

    reminded = Notification.objects.filter(template="case_overdue")
    assert {m.channel for m in reminded} == {Channel.IN_APP, Channel.SMS}
    assert {m.key.split(":")[1] for m in reminded} == {str(running.pk)}


def test_a_moved_deadline_is_reminded_again_and_the_new_assignee_is_told(
    world, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = intake(world, item_for(world))
    case_send_reminders(now=at(2026, 3, 13, 9, 5))

    # When the case passes to a colleague who acknowledges it
    handover = cases.case_handover(case=case, actor=world.clerk.user, to_staff=world.colleague)
    cases.handover_acknowledge(handover=handover, actor=world.colleague.user)
    case_send_reminders(now=at(2026, 3, 13, 10))

    # Then the colleague gets their own "due soon" reminder
    assert Notification.objects.filter(template="case_near_deadline", recipient_user=world.colleague.user).count() == 1
    assert Notification.objects.filter(template="case_near_deadline").count() == 2


def test_the_case_reminder_sweep_reads_a_bounded_number_of_rows_with_constant_queries(
    world, clock, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    version = item_for(world)
    for n in range(6):
        intake(world, version, n=n)
    case_send_reminders(now=at(2026, 3, 17, 9, 5))

    # A second run finds every reminder already sent: a fixed handful of queries, whatever the number of cases
    with django_assert_max_num_queries(4):
        assert case_send_reminders(now=at(2026, 3, 17, 10)) == {"near": 0, "overdue": 0}
    # And a case long overdue (beyond the horizon) is not read at all
    assert not case_reminder_candidates(now=at(2026, 5, 1, 10)).exists()


# --- the director's board ---


def test_overdue_assigned_tasks_appear_on_the_directors_case_board(db, client):
    office = Office()
    from bianmin.notify.tests.factories import aware

    late = make_task(office, title="报送季度统计表", assigned_at=aware(2026, 1, 5, 10))
    make_task(office, title="整理台账")  # not yet due
    client.force_login(office.director.user)

    page = client.get(reverse("cases:director")).content.decode()

    assert "超期未办结的交办事项" in page
    assert late.number in page
    assert "报送季度统计表" in page
    assert "整理台账" not in page


def test_a_case_done_on_the_spot_or_already_handed_over_gets_no_come_and_collect_message(
    world, clock, django_capture_on_commit_callbacks
):
    from bianmin.catalog.models import Mode

    # Given a 即办件 completed at the window the day it was accepted
    with django_capture_on_commit_callbacks(execute=True):
        direct = intake(world, item_for(world, mode=Mode.DIRECT, promised_limit=0), n=1)
        cases.case_complete(case=direct, actor=world.clerk.user, result="当场办结", dispose_by_form=True)
    # And a promised case whose result was handed over before the message went out
    with django_capture_on_commit_callbacks(execute=True):
        promised = intake(world, item_for(world), n=2)
        cases.case_complete(case=promised, actor=world.clerk.user, result="准予办理", dispose_by_form=True)
        cases.case_deliver(case=promised, actor=world.clerk.user, method="window")

    assert not Notification.objects.filter(template="case_ready").exists()
    assert Notification.objects.filter(template__startswith="case_accepted").count() == 2
