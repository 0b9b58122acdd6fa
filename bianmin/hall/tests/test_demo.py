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
    # five bookings this week, and one on next week's day closed by notice, cancelled by the closure
    assert Appointment.objects.filter(center__code="410108001").count() == 6
    assert HomeVisit.objects.filter(status=HomeVisit.Status.SCHEDULED).exists()
    assert ProxyCase.objects.count() == 2


@pytest.mark.django_db
def test_with_the_cases_demo_a_home_visit_and_a_proxy_follow_real_cases():
    from bianmin.cases import demo as cases_demo
    from bianmin.catalog import demo as catalog_demo

    org_demo.load(io.StringIO())
    catalog_demo.load(io.StringIO())
    cases_demo.load(io.StringIO())

    demo.load(io.StringIO())

    visit = HomeVisit.objects.get(outcome=HomeVisit.Outcome.CASE_STARTED)
    assert visit.case is not None
    assert visit.case.received_at_home is True
    assert visit.case.events.filter(verb="received_at_home").exists()
    linked = ProxyCase.objects.exclude(case=None).get()
    assert linked.status == ProxyCase.Status.SUBMITTED
    assert linked.case != visit.case
