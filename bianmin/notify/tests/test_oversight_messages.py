"""Oversight's facts told to people: bad reviews to the staff member and directors, a complaint assigned to its
inspector, the one rating invitation to the applicant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from bianmin.cases.services import case_complete
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import intake, item_for
from bianmin.notify.models import Channel, Notification
from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user
from bianmin.oversight import services
from bianmin.oversight.models import RatingInvitation
from bianmin.oversight.services import ratings

pytestmark = pytest.mark.django_db

GOOD: dict[str, Any] = {"overall": 5, "efficiency": 5, "service": 4, "attitude": 5, "comment": "很好"}
BAD: dict[str, Any] = {"overall": 1, "efficiency": 2, "service": 2, "attitude": 1, "comment": "态度生硬"}


def _completed(world, n=1):
    case = intake(world, item_for(world), n=n)
    return case_complete(case=case, actor=world.clerk.user, result="准予办理", dispose_by_form=True)


def test_bad_review_opens_rectification_and_notifies_staff_and_director(
    world,
    clock,
    django_capture_on_commit_callbacks,
) -> None:
    # given a completed case rated very dissatisfied on a Monday
    case = _completed(world)
    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rating_submit(case=case, **BAD)
    # then the rectification is due in 5 working days, and clerk and director get in-app and SMS once each
    assert timezone_date(rating.rectify_due_at) == dt.date(2026, 3, 16)
    sent = Notification.objects.filter(template="bad_review")
    assert sorted((n.recipient_user_id, n.channel) for n in sent) == sorted(
        (u, c) for u in (world.clerk.user_id, world.director.user_id) for c in (Channel.IN_APP, Channel.SMS)
    )
    assert rating.needs_rectification


def timezone_date(moment: dt.datetime | None) -> dt.date:
    from django.utils import timezone

    assert moment is not None
    return timezone.localtime(moment).date()


def test_good_rating_notifies_nobody(world, django_capture_on_commit_callbacks) -> None:
    case = _completed(world)
    before = set(Notification.objects.values_list("pk", flat=True))  # the applicant's acceptance message
    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rating_submit(case=case, **GOOD)
    assert rating.rectify_due_at is None
    assert set(Notification.objects.values_list("pk", flat=True)) == before


def test_unrated_case_gets_one_invitation_after_three_days(world, clock, django_capture_on_commit_callbacks) -> None:
    # given two completed cases, one of them rated
    unrated = _completed(world, n=1)
    services.rating_submit(case=_completed(world, n=2), **GOOD)
    # when the job runs after two days: nothing; after three days, twice
    with django_capture_on_commit_callbacks(execute=True):
        assert ratings.rating_invitations_send(at(2026, 3, 11, 11)) == 0
        assert ratings.rating_invitations_send(at(2026, 3, 12, 11)) == 1
        assert ratings.rating_invitations_send(at(2026, 3, 13, 11)) == 0
    # then one SMS to the applicant's phone with the progress link
    assert RatingInvitation.objects.get().case == unrated
    sms = Notification.objects.get(template="rating_invitation")
    assert sms.channel == Channel.SMS
    assert unrated.public_token in sms.body
    assert unrated.number in sms.body


def test_a_complaint_assigned_tells_the_inspector_in_app(login, world, django_capture_on_commit_callbacks):
    inspector = staff_user(Role.INSPECTOR, world.center, name="纪检员")
    complaint = services.complaint_file(center=world.center, content="推诿", staff=world.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.director).post(
            reverse("oversight:complaint_assign", args=[complaint.pk]), {"inspector": inspector.pk}
        )
    assert response.status_code == 302
    note = Notification.objects.get(template="complaint_assigned")
    assert (note.recipient_user, note.channel) == (inspector.user, Channel.IN_APP)
    assert complaint.number in note.body
