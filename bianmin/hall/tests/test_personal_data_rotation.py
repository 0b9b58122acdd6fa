"""Key rotation rebuilds the hall's blind indexes exactly as the services compute them (phone and ID number of a
booking, of a home visit, of a proxy case), so the per-phone limit and the lookups keep working."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bianmin.core.personal_data import blind_index, sm4_unavailable_reason
from bianmin.core.services import personal_data_rotate
from bianmin.hall import services
from bianmin.hall.models import Appointment, HomeVisit, ProxyCase
from bianmin.hall.tests.factories import NOW, hall, slot

OLD = "old-personal-data-key-0123456789abcdefghij"
NEW = "new-personal-data-key-0123456789abcdefghij"
needs_sm4 = pytest.mark.skipif(sm4_unavailable_reason() is not None, reason=str(sm4_unavailable_reason()))


@pytest.mark.django_db
@pytest.mark.parametrize("cipher", ["fernet", pytest.param("sm4", marks=needs_sm4)])
def test_rotation_rebuilds_the_hall_indexes_as_the_services_compute_them(settings, cipher):
    settings.PERSONAL_DATA_CIPHER = "fernet"
    settings.PERSONAL_DATA_KEYS = [OLD]
    h = hall()
    services.appointment_book(
        slot=slot(h.b, NOW + dt.timedelta(hours=2)),
        name="张三",
        phone="13903711234",
        id_number="11010519491231002X",
        item_name="高龄津贴申请",
        now=NOW,
    )
    services.home_visit_request(
        center=h.center, channel="phone", name="刘", phone="13903716001", address="某地", reason="ill", item_name="x"
    )
    services.proxy_register(
        center=h.center,
        applicant_name="陈",
        applicant_phone="13903717001",
        applicant_id_number="11010519491231002X",
        agent_kind="staff",
        agent_staff=h.clerks[1],
        authorization="poa",
        authorized_on=timezone.localdate(),
        authorization_note="代办",
        item_name="x",
        actor=None,
    )

    settings.PERSONAL_DATA_KEYS = [NEW, OLD]
    settings.PERSONAL_DATA_CIPHER = cipher
    personal_data_rotate()
    settings.PERSONAL_DATA_KEYS = [NEW]

    booking = Appointment.objects.get()
    assert booking.phone == "13903711234"
    assert booking.phone_index == blind_index("13903711234", purpose="phone")
    assert booking.id_index == blind_index("11010519491231002X", purpose="id")
    assert HomeVisit.objects.get().phone_index == blind_index("13903716001", purpose="phone")
    proxy = ProxyCase.objects.get()
    assert proxy.applicant_phone_index == blind_index("13903717001", purpose="phone")
    assert proxy.applicant_id_index == blind_index("11010519491231002X", purpose="id")
