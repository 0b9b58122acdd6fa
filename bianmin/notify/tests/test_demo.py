import io

import pytest
from django.core.management import call_command

from bianmin.notify import selectors
from bianmin.notify.models import AssignedTask, Channel, Notification
from bianmin.notify.sms import LocmemSmsBackend
from bianmin.notify.tests.factories import run_queued_tasks
from bianmin.org.models import OrgUnit


@pytest.mark.django_db
def test_demo_tasks_and_notifications_load_once_and_fire_once(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    counts = (AssignedTask.objects.count(), Notification.objects.count())

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())

    assert (AssignedTask.objects.count(), Notification.objects.count()) == counts
    center = OrgUnit.objects.get(code="410108001")
    assert AssignedTask.objects.filter(center=center).count() == 6
    assert selectors.overdue_tasks().count() >= 2
    assert AssignedTask.objects.filter(status="submitted").count() == 1
    assert AssignedTask.objects.filter(status="confirmed").count() == 1
    for template in ("task_overdue", "task_near_deadline", "task_overdue_director", "case_supplement"):
        assert Notification.objects.filter(template=template).exists(), template
    assert Notification.objects.filter(channel=Channel.IN_APP, recipient_user__username="window_a").exists()

    sms = Notification.objects.filter(channel=Channel.SMS).count()
    run_queued_tasks()
    assert len(LocmemSmsBackend.outbox) == sms
    assert len({m["reference"] for m in LocmemSmsBackend.outbox}) == sms
