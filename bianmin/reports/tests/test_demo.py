import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.core.workcalendar import SHANGHAI
from bianmin.org.models import OrgUnit, Staff
from bianmin.oversight.models import Accountability, Rating
from bianmin.oversight.services.accountability import accountability_sweep
from bianmin.reports.assessment import annual_assessment
from bianmin.reports.models import AssessmentScore
from bianmin.reports.selectors import district_dashboard
from bianmin.reports.views import default_month
from bianmin.staffing.models import AttendanceDay


@pytest.mark.django_db
@pytest.mark.clock
def test_demo_history_loads_once_and_tells_a_story(settings, time_machine):
    # The demo's history and today's attendance are made relative to now, so the story is told at a fixed working
    # morning (at 20:40 on a working day the expected assessment did not hold: the suite must pass at any hour).
    time_machine.move_to(dt.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=True)
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (Case, Rating, AttendanceDay, AssessmentScore)]

    call_command("load_demo", stdout=io.StringIO())

    assert [m.objects.count() for m in (Case, Rating, AttendanceDay, AssessmentScore)] == counts
    assert Case.objects.count() > 1000
    # every history row keeps its trace, as the apps' own rows do
    assert (
        not Case.objects.filter(events__isnull=True, received_at__lt=Case.objects.latest("received_at").received_at)
        .exclude(status="submitted")
        .exists()
    )
    assert not AttendanceDay.objects.filter(events__isnull=True).exists()

    director = Staff.objects.get(user__username="director").user
    district = Staff.objects.get(user__username="district").user
    center = OrgUnit.objects.get(code="410108001")
    month = default_month(timezone.localdate())
    board = district_dashboard(user=district, unit=OrgUnit.objects.get(code="410108"), month=month)
    assert board.received > 50
    assert board.on_time_rate is not None
    assert 80 < board.on_time_rate < 100  # a few late ones
    assert board.rating_total > 20

    sheet = annual_assessment(user=director, center=center, year=timezone.localdate().year)
    assert all(r.combined is not None for r in sheet.rows)
    failing = sheet.failing
    assert [r.name for r in failing] == [Staff.objects.get(user__username="cl_a").name]
    assert failing[0].posts  # with the post to replace them on

    client = Client()
    client.force_login(director)
    for url in (
        reverse("reports:home"),
        reverse("reports:center_dashboard", args=["410108001"]),
        reverse("reports:assessment", args=["410108001"]),
    ):
        assert client.get(url, follow=True).status_code == 200, url


@pytest.mark.django_db
def test_the_daily_sweep_over_the_history_raises_only_the_unexplained_delays(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    before = set(Accountability.objects.values_list("pk", flat=True))

    accountability_sweep()

    raised = Accountability.objects.exclude(pk__in=before).filter(source_kind="case_overdue")
    low = Staff.objects.get(user__username="cl_a")
    # the history's delays with a reason on record raise nothing; the low scorer's do (beside the few overdue
    # cases of the cases demo)
    assert raised.filter(staff=low).count() >= 3
    assert raised.exclude(staff=low).count() < 10
