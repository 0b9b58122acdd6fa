"""The personal-data fields and reveal log of core, exercised on a real model that carries them (Staff's phone)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from bianmin.core.models import PersonalDataReveal
from bianmin.core.services import personal_data_reveal
from bianmin.org.models import Staff
from bianmin.org.tests.factories import StaffFactory, UserFactory


@pytest.mark.django_db
def test_phone_is_stored_encrypted_in_the_database():
    staff = StaffFactory.create(phone="13903711234")

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM org_staff WHERE id = %s", [staff.pk])
        raw = cursor.fetchone()[0]
    assert "13903711234" not in raw
    assert Staff.objects.get(pk=staff.pk).phone == "13903711234"


@pytest.mark.django_db
def test_every_reveal_is_logged_with_who_and_why():
    staff = StaffFactory.create(phone="13903711234")
    viewer = UserFactory.create()

    value = personal_data_reveal(actor=viewer, target=staff, field="phone", reason="回访申请人")

    assert value == "13903711234"
    log = PersonalDataReveal.objects.get()
    assert (log.actor, log.field, log.reason, log.object_id) == (viewer, "phone", "回访申请人", str(staff.pk))


@pytest.mark.django_db
def test_a_reveal_without_a_reason_is_refused_and_not_logged():
    staff = StaffFactory.create(phone="13903711234")
    with pytest.raises(ValidationError):
        personal_data_reveal(actor=UserFactory.create(), target=staff, field="phone", reason="")
    assert PersonalDataReveal.objects.count() == 0
