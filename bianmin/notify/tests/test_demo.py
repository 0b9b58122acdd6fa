import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from bianmin.assignments import selectors as assignment_selectors
from bianmin.assignments import services as assignment_services
from bianmin.assignments.models import AssignedTask
from bianmin.cases.reminders import case_reminder_candidates, case_send_reminders
from bianmin.core.reminders import near_deadline_moment
from bianmin.core.selectors import work_calendar
from bianmin.notify.models import Channel, Notification
from bianmin.notify.sms import LocmemSmsBackend
from bianmin.notify.tests.factories import run_queued_tasks
from bianmin.org.models import OrgUnit


@pytest.mark.clock
@pytest.mark.django_db
def test_demo_tasks_and_notifications_load_once_and_fire_once(
    settings, django_capture_on_commit_callbacks, time_machine
):
    # A working morning: the task due tomorrow is then inside its "due tomorrow" window (before opening it is not yet,
    # and the demo rightly sends nothing; the reminder rule itself is tested at every hour in core and assignments).
    time_machine.move_to(dt.datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True)
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    counts = (AssignedTask.objects.count(), Notification.objects.count())

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())

    assert (AssignedTask.objects.count(), Notification.objects.count()) == counts
    center = OrgUnit.objects.get(code="410108001")
    assert AssignedTask.objects.filter(center=center).count() == 6
    assert assignment_selectors.overdue_tasks().count() >= 2
    assert AssignedTask.objects.filter(status="submitted").count() == 1
    assert AssignedTask.objects.filter(status="confirmed").count() == 1
    for template in ("task_overdue", "task_near_deadline", "task_overdue_director", "case_supplement"):
        assert Notification.objects.filter(template=template).exists(), template
    assert Notification.objects.filter(channel=Channel.IN_APP, recipient_user__username="window_a").exists()

    sms = Notification.objects.filter(channel=Channel.SMS).count()
    run_queued_tasks()
    assert len(LocmemSmsBackend.outbox) == sms
    assert len({m["reference"] for m in LocmemSmsBackend.outbox}) == sms


@pytest.mark.django_db
def test_on_demo_data_the_case_notices_and_reminders_fire_once_each(settings, django_capture_on_commit_callbacks):
    # Given the demo data (its cases are taken in through the services, so their notices are the real ones)
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    templates = set(Notification.objects.values_list("template", flat=True))
    # The applicants were told by SMS: accepted, supplement needed, ready to collect
    for template in ("case_accepted", "case_supplement", "case_ready"):
        assert Notification.objects.filter(template=template, channel=Channel.SMS).exists(), template
    # Staff were told in-app: a case handed over, cases and tasks overdue (and due soon, in working hours)
    for template in ("handover_pending", "case_overdue", "task_overdue", "task_overdue_director"):
        assert template in templates, template
    assert Notification.objects.filter(
        template="case_overdue", channel=Channel.IN_APP, recipient_user__isnull=False
    ).exists()
    # A demo case falls due on the next working day: from that day's opening it is "due soon"
    now = timezone.now()
    soon = [c for c in case_reminder_candidates(now=now) if c.due_at is not None and c.due_at > now]
    assert soon
    first_due = soon[0].due_at
    assert first_due is not None
    opening = max(now, near_deadline_moment(first_due, work_calendar(), soon[0].center.office_hours))
    case_send_reminders(now=opening)
    assert Notification.objects.filter(template="case_near_deadline", channel=Channel.IN_APP).exists()
    before = Notification.objects.count()

    # When the periodic reminder jobs run again, twice (as the scheduler would, every 15 minutes)
    for _ in range(2):
        for moment in (now, opening):
            case_send_reminders(now=moment)
            assignment_services.assigned_task_send_reminders(now=moment)

    # Then nothing is sent twice
    assert Notification.objects.count() == before
    keys = list(Notification.objects.values_list("key", "channel"))
    assert len(keys) == len(set(keys))
    # And every text message reaches the SMS log once
    sms = Notification.objects.filter(channel=Channel.SMS).count()
    run_queued_tasks()
    assert len({m["reference"] for m in LocmemSmsBackend.outbox}) == len(LocmemSmsBackend.outbox) == sms
