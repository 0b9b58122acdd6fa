from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bianmin.org.models import Role
from bianmin.org.tests.factories import WindowFactory, center, staff_user
from bianmin.oversight import services
from bianmin.oversight.models import Complaint, ComplaintEvent, OversightSettings

pytestmark = pytest.mark.django_db


def test_anonymous_complaint_gets_a_working_day_deadline() -> None:
    # given a center and a Monday morning
    unit = center()
    monday = dt.datetime(2026, 11, 23, 10, 0, tzinfo=timezone.get_current_timezone())
    # when someone files anonymously
    complaint = services.complaint_file(center=unit, content="窗口人员态度差", now=monday)
    # then it is received with an event, and due after 10 working days (two weeks later)
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.name == ""
    assert timezone.localtime(complaint.due_at).date() == dt.date(2026, 12, 7)
    assert ComplaintEvent.objects.filter(complaint=complaint, verb="file").count() == 1


def test_center_sets_its_own_reply_deadline() -> None:
    unit = center()
    OversightSettings.objects.create(center=unit, complaint_reply_days=3)
    monday = dt.datetime(2026, 11, 23, 10, 0, tzinfo=timezone.get_current_timezone())
    complaint = services.complaint_file(center=unit, content="投诉", now=monday)
    assert timezone.localtime(complaint.due_at).date() == dt.date(2026, 11, 26)


def test_bad_input_is_refused_in_chinese() -> None:
    unit = center()
    other_window = WindowFactory.create(center=center())
    with pytest.raises(ValidationError, match="投诉内容"):
        services.complaint_file(center=unit, content="  ")
    with pytest.raises(ValidationError, match="窗口"):
        services.complaint_file(center=unit, content="x", window=other_window)


def test_full_path_assign_decide_reply() -> None:
    # given a phone complaint entered by staff
    unit = center()
    inspector = staff_user(Role.INSPECTOR, unit)
    complaint = services.complaint_file(
        center=unit, content="推诿", channel=Complaint.Channel.PHONE, actor=inspector.user
    )
    # when it cannot be decided before assignment
    with pytest.raises(ValidationError):
        services.complaint_decide(complaint=complaint, finding="founded", evidence="x", actor=inspector.user)
    services.complaint_assign(complaint=complaint, inspector=inspector, actor=inspector.user)
    with pytest.raises(ValidationError):
        services.complaint_reply(complaint=complaint, reply="答复", actor=inspector.user)
    services.complaint_decide(complaint=complaint, finding="founded", evidence="经调查属实", actor=inspector.user)
    services.complaint_reply(complaint=complaint, reply="已处理", actor=inspector.user)
    # then
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REPLIED
    assert complaint.finding == Complaint.Finding.FOUNDED
    assert list(complaint.events.values_list("verb", flat=True)) == ["file", "assign", "decide", "reply"]


def test_public_page_accepts_anonymous_and_shows_chinese_errors(client) -> None:
    unit = center()
    url = f"/centers/{unit.code}/complaint/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"content": "x", "window_number": "99"})
    assert bad.status_code == 400
    assert "没有这个窗口号" in bad.content.decode()
    ok = client.post(url, {"content": "排队太久"})
    assert ok.status_code == 200
    assert Complaint.objects.get().channel == Complaint.Channel.WEB
    assert client.get("/centers/nope/complaint/").status_code == 404


def test_the_public_complaint_form_limits_writes_per_client(settings) -> None:
    from django.test import Client

    settings.TRUSTED_PROXY_COUNT = 1
    settings.BIANMIN_PUBLIC_WRITE_LIMIT = 5
    unit = center()
    url = f"/centers/{unit.code}/complaint/"
    flooder = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    answers = [flooder.post(url, {"content": f"第{n}条"}).status_code for n in range(25)]

    assert answers.count(200) == 5
    assert answers[5:] == [429] * 20
    assert Complaint.objects.count() == 5
    refused = flooder.post(url, {"content": "再来"})
    assert "提交过于频繁" in refused.content.decode()
    # Another citizen behind the same reverse proxy is not affected.
    other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert other.post(url, {"content": "排队太久"}).status_code == 200


def test_the_public_complaint_form_limits_writes_per_phone(settings) -> None:
    from django.test import Client

    settings.BIANMIN_PUBLIC_WRITE_LIMIT = 3
    unit = center()
    url = f"/centers/{unit.code}/complaint/"
    for n in range(3):
        Client(REMOTE_ADDR=f"203.0.113.{n}").post(url, {"content": "排队太久", "phone": "13903715678"})

    again = Client(REMOTE_ADDR="203.0.113.50").post(url, {"content": "排队太久", "phone": "139 0371 5678"})

    assert again.status_code == 429
    assert Complaint.objects.count() == 3
