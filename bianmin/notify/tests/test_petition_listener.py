import pytest
from django.urls import reverse

from bianmin.notify.models import Channel, Notification
from bianmin.petitions.services import petition_assign
from bianmin.petitions.tests.factories import office, register

pytestmark = pytest.mark.django_db


def test_assigning_a_letter_tells_the_handler_in_app_and_a_reassignment_tells_the_new_one(
    django_capture_on_commit_callbacks,
):
    org = office()
    petition = register(org.clerk)

    with django_capture_on_commit_callbacks(execute=True):
        petition_assign(petition=petition, handler=org.handler, actor=org.director.user)

    sent = Notification.objects.get(template="petition_assigned")
    assert sent.recipient_user == org.handler.user
    assert sent.channel == Channel.IN_APP
    assert petition.number in sent.body
    assert "王秀兰" in sent.body
    assert "路灯损坏" in sent.body
    assert "。。" not in sent.body
    assert sent.url == reverse("petitions:detail", args=[petition.pk])

    with django_capture_on_commit_callbacks(execute=True):
        petition_assign(petition=petition, handler=org.clerk, actor=org.director.user)
    assert Notification.objects.filter(template="petition_assigned", recipient_user=org.clerk.user).count() == 1


def test_a_handler_who_takes_a_letter_on_themselves_is_not_told(django_capture_on_commit_callbacks):
    org = office()
    petition = register(org.clerk)

    with django_capture_on_commit_callbacks(execute=True):
        petition_assign(petition=petition, handler=org.director, actor=org.director.user)

    assert not Notification.objects.filter(template="petition_assigned").exists()
