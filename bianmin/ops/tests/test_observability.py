import datetime as dt

import pytest
from django.utils import timezone

from bianmin.core.models import Heartbeat
from bianmin.core.services import heartbeat_record
from bianmin.ops.metrics import BianminCollector
from bianmin.ops.sentry import FILTERED, before_send


def test_sentry_events_leave_without_id_numbers_phones_or_secrets():
    event = {
        "message": "办件 410108199003071234 申请人 13800138000 出错",
        "exception": {"values": [{"value": "身份证号 41010819900307123X 无效", "type": "ValueError"}]},
        "request": {"data": {"applicant_phone": "0371-6338", "note": "电话+86 13912345678"}, "url": "/cases/12/"},
        "extra": {"id_number": "410108199003071234", "count": 3},
        "breadcrumbs": {"values": [{"message": "SELECT ... 13800138000"}]},
    }

    scrubbed = before_send(event, {})

    text = repr(scrubbed)
    assert "410108199003071234" not in text
    assert "41010819900307123X" not in text
    assert "13800138000" not in text
    assert "13912345678" not in text
    assert "0371-6338" not in text  # a phone field is filtered whatever it holds
    assert scrubbed["request"]["url"] == "/cases/12/"
    assert scrubbed["extra"]["count"] == 3
    assert FILTERED in scrubbed["message"]


@pytest.mark.django_db
def test_metrics_report_heartbeat_ages_queue_and_overdue_cases():
    from bianmin.cases.models import Case
    from bianmin.cases.tests.factories import intake, item_for, make_world

    now = timezone.now()
    heartbeat_record(kind=Heartbeat.Kind.WORKER, instance="w:1", now=now - dt.timedelta(seconds=90))
    world = make_world()
    case = intake(world, item_for(world))
    Case.objects.filter(pk=case.pk).update(status="in_progress", due_at=now - dt.timedelta(days=1))

    families = {family.name: family for family in BianminCollector().collect()}

    (age,) = families["bianmin_heartbeat_age_seconds"].samples
    assert age.labels == {"kind": "worker"}
    assert 89 <= age.value < 200
    assert {s.labels["state"] for s in families["bianmin_queue_tasks"].samples} == {"ready", "scheduled", "running"}
    overdue = {s.labels["center"]: s.value for s in families["bianmin_cases_overdue"].samples}
    assert overdue == {case.center.code: 1}
