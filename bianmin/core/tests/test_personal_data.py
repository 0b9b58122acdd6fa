import pytest
from django.db import connection

from bianmin.core.models import PersonalDataReveal
from bianmin.core.personal_data import blind_index, decrypt, encrypt, mask_id_number, mask_name, mask_phone
from bianmin.core.services import personal_data_reveal
from bianmin.org.models import Staff
from bianmin.org.tests.factories import StaffFactory, UserFactory


def test_encryption_round_trips_and_is_not_deterministic():
    token = encrypt("11010519491231002X")
    assert token != "11010519491231002X"
    assert decrypt(token) == "11010519491231002X"
    assert encrypt("11010519491231002X") != token


def test_blind_index_matches_normalized_values_only():
    assert blind_index("11010519491231002x", purpose="id") == blind_index(" 11010519491231002X ", purpose="id")
    assert blind_index("11010519491231002X", purpose="id") != blind_index("11010519491231002X", purpose="phone")
    assert blind_index("110105194912310029", purpose="id") != blind_index("11010519491231002X", purpose="id")


def test_masks():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_phone("13903711234") == "139****1234"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳晓明") == "欧***"


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
    from django.core.exceptions import ValidationError

    staff = StaffFactory.create(phone="13903711234")
    with pytest.raises(ValidationError):
        personal_data_reveal(actor=UserFactory.create(), target=staff, field="phone", reason="")
    assert PersonalDataReveal.objects.count() == 0
