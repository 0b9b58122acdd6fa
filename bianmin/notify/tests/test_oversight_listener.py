"""Oversight's facts told once per recipient and channel, however often the listener is called."""

from __future__ import annotations

import pytest

from bianmin.cases.services import case_complete
from bianmin.cases.tests.factories import intake, item_for, make_world
from bianmin.notify.models import Channel, Notification
from bianmin.notify.oversight_listener import on_oversight_event
from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user
from bianmin.oversight import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _completed(world):
    case = intake(world, item_for(world))
    return case_complete(case=case, actor=world.clerk.user, result="准予", dispose_by_form=True)


def test_bad_review_twice_sends_once_to_staff_and_director(world):
    rating = services.rating_submit(case=_completed(world), overall=2, efficiency=2, service=2, attitude=2)
    on_oversight_event(kind="bad_review", rating=rating)
    on_oversight_event(kind="bad_review", rating=rating)
    sent = Notification.objects.filter(template="bad_review")
    assert sent.count() == 4
    assert set(sent.values_list("channel", flat=True)) == {Channel.IN_APP, Channel.SMS}
    body = sent.earliest("id").body
    assert rating.case.number in body
    assert "不满意" in body


def test_complaint_assigned_in_app_to_the_inspector_once(world):
    inspector = staff_user(Role.INSPECTOR, world.center)
    complaint = services.complaint_file(center=world.center, content="窗口人员态度差")
    for _ in range(2):
        on_oversight_event(kind="complaint_assigned", complaint=complaint, inspector=inspector)
    note = Notification.objects.get(template="complaint_assigned")
    assert (note.channel, note.recipient_user) == (Channel.IN_APP, inspector.user)
    assert note.url == f"/staff/oversight/complaints/{complaint.pk}/"


def test_rating_invite_is_an_sms_with_the_progress_link(world, settings):
    settings.BIANMIN_PUBLIC_BASE_URL = "https://bm.example.gov.cn"
    case = _completed(world)
    for _ in range(2):
        on_oversight_event(kind="rating_invite", case=case)
    sms = Notification.objects.get(template="rating_invitation")
    assert sms.channel == Channel.SMS
    assert f"https://bm.example.gov.cn/progress/t/{case.public_token}/" in sms.body
    assert "1234" in sms.to_display  # masked phone of the applicant (13903711234)


def test_unknown_kinds_are_ignored(world):
    on_oversight_event(kind="something_else")
    assert not Notification.objects.exists()
