import io

import pytest
from django.utils import timezone

from bianmin.hall import demo
from bianmin.hall.models import Appointment, AppointmentSlot, Call, HomeVisit, ProxyCase, QueueCategory, Ticket
from bianmin.org import demo as org_demo


@pytest.mark.django_db
def test_the_hall_demo_fills_todays_hall_and_is_idempotent():
    org_demo.load(io.StringIO())
    demo.load(io.StringIO())
    models = (QueueCategory, AppointmentSlot, Appointment, Ticket, Call, HomeVisit, ProxyCase)
    counts = [m.objects.count() for m in models]

    demo.load(io.StringIO())

    assert [m.objects.count() for m in models] == counts
    today = timezone.localdate()
    assert QueueCategory.objects.filter(center__code="410108001").count() == 6
    assert Ticket.objects.filter(center__code="410108001", day=today).count() >= 12
    assert Call.objects.filter(center__code="410108001").exists()
    assert Appointment.objects.filter(center__code="410108001").count() == 5
    assert HomeVisit.objects.filter(status=HomeVisit.Status.SCHEDULED).exists()
    assert ProxyCase.objects.count() == 2
