"""Oversight's deadlines reminded like a case's: a complaint's reply deadline to its inspector, a bad review's
rectification deadline to the rated staff member and the directors; once each, never for what is done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bianmin.cases.models import Case, Status
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import intake, item_for, make_world
from bianmin.notify.models import Channel, Notification
from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user
from bianmin.oversight import services as oversight
from bianmin.oversight.models import Rating
from bianmin.oversight.reminders import oversight_send_reminders
from bianmin.oversight.services import ratings as rectify

pytestmark = pytest.mark.django_db


def templates_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient_user=user).order_by("id").values_list("template", flat=True))


def test_complaint_reply_deadline_is_reminded_to_the_inspector_before_and_after_once_each() -> None:
    # Given a complaint filed Monday 23 Nov 2026 (reply within 10 working days: Monday 7 Dec) and assigned
    world = make_world()
    inspector = staff_user(Role.INSPECTOR, world.center)
    complaint = oversight.complaint_file(center=world.center, content="推诿", now=at(2026, 11, 23, 10))
    oversight.complaint_assign(complaint=complaint, inspector=inspector, actor=inspector.user)
    assert timezone.localtime(complaint.due_at).date() == dt.date(2026, 12, 7)

    # Thursday before: too early; Friday 4 Dec (the working day before, the weekend between): once
    assert oversight_send_reminders(now=at(2026, 12, 3, 10))["complaints"] == 0
    assert oversight_send_reminders(now=at(2026, 12, 4, 9, 5))["complaints"] == 1
    assert oversight_send_reminders(now=at(2026, 12, 4, 16))["complaints"] == 0
    # Tuesday 8 Dec: overdue, once
    assert oversight_send_reminders(now=at(2026, 12, 8, 9, 5))["complaints"] == 1
    assert oversight_send_reminders(now=at(2026, 12, 9, 9, 5))["complaints"] == 0
    reminders = [t for t in templates_for(inspector.user) if t.startswith("complaint_reply_")]
    assert reminders == ["complaint_reply_near", "complaint_reply_overdue"]
    overdue = Notification.objects.get(template="complaint_reply_overdue")
    assert overdue.channel == Channel.IN_APP
    assert complaint.number in overdue.body


def test_a_replied_or_unassigned_complaint_is_not_reminded() -> None:
    world = make_world()
    inspector = staff_user(Role.INSPECTOR, world.center)
    unassigned = oversight.complaint_file(center=world.center, content="无人调查", now=at(2026, 11, 23, 10))
    done = oversight.complaint_file(center=world.center, content="已答复", now=at(2026, 11, 23, 10))
    oversight.complaint_assign(complaint=done, inspector=inspector, actor=inspector.user)
    oversight.complaint_decide(complaint=done, finding="unfounded", evidence="经查不属实", actor=inspector.user)
    oversight.complaint_reply(complaint=done, reply="已答复", actor=inspector.user, now=at(2026, 11, 30, 10))

    assert oversight_send_reminders(now=at(2026, 12, 8, 9, 5))["complaints"] == 0
    assert not Notification.objects.filter(template__startswith="complaint_reply_").exists()
    # once assigned, the one still open is reminded
    oversight.complaint_assign(complaint=unassigned, inspector=inspector, actor=inspector.user)
    assert oversight_send_reminders(now=at(2026, 12, 8, 9, 5))["complaints"] == 1


def test_bad_review_rectification_is_reminded_to_the_staff_member_and_directors_until_done() -> None:
    # Given a bad review on a completed case, rated Monday 23 Nov 2026 (rectify within 5 working days: 30 Nov)
    world = make_world()
    case = intake(world, item_for(world))
    Case.objects.filter(pk=case.pk).update(status=Status.COMPLETED)
    case.refresh_from_db()
    rating = oversight.rating_submit(
        case=case, overall=1, efficiency=1, service=2, attitude=1, comment="来回跑", now=at(2026, 11, 23, 10)
    )
    assert rating.rectify_due_at is not None
    due_day = timezone.localtime(rating.rectify_due_at).date()
    assert due_day == dt.date(2026, 11, 30)
    rated = rating.staff or world.clerk

    # The working day before (Friday 27 Nov): the rated member and the director are told, once
    assert oversight_send_reminders(now=at(2026, 11, 27, 9, 5))["rectifications"] == 1
    assert oversight_send_reminders(now=at(2026, 11, 27, 15))["rectifications"] == 0
    near = Notification.objects.filter(template="rectification_near")
    assert {n.recipient_user_id for n in near} == {rated.user_id, world.director.user_id}
    assert all(case.number in n.body for n in near)

    # After the deadline, still not rectified: overdue, once
    assert oversight_send_reminders(now=at(2026, 12, 1, 9, 5))["rectifications"] == 1
    assert oversight_send_reminders(now=at(2026, 12, 2, 9, 5))["rectifications"] == 0


def test_rectified_or_excluded_bad_reviews_and_good_ratings_are_not_reminded() -> None:
    world = make_world()
    cases = []
    for _ in range(3):
        case = intake(world, item_for(world))
        Case.objects.filter(pk=case.pk).update(status=Status.COMPLETED)
        case.refresh_from_db()
        cases.append(case)
    good = oversight.rating_submit(case=cases[0], overall=5, efficiency=5, service=5, attitude=5, now=at(2026, 11, 23))
    bad = oversight.rating_submit(case=cases[1], overall=2, efficiency=2, service=2, attitude=2, now=at(2026, 11, 23))
    type(bad).objects.filter(pk=bad.pk).update(excluded=True)
    fixed = oversight.rating_submit(case=cases[2], overall=1, efficiency=1, service=1, attitude=1, now=at(2026, 11, 23))
    rectify.rating_rectify(rating=fixed, actor=world.director.user, action="已当面致歉并补办", now=at(2026, 11, 24))
    rectify.rating_callback(
        rating=fixed, actor=world.director.user, called_on=dt.date(2026, 11, 25),
        outcome=Rating.CallbackOutcome.values[0], now=at(2026, 11, 25),
    )  # fmt: skip

    assert oversight_send_reminders(now=at(2026, 12, 1, 9, 5))["rectifications"] == 0
    assert not Notification.objects.filter(template__startswith="rectification_").exists()
    assert good.rectify_due_at is None
