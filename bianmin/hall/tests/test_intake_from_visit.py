"""A home visit starts its case without retyping: "受理" on the visit opens the intake prefilled from it, and the
case accepted there is linked to the visit and links back to it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.tests.factories import item_for, make_world, resident_id
from bianmin.core.models import PersonalDataReveal
from bianmin.hall import services
from bianmin.hall.models import HomeVisit, HomeVisitEvent

pytestmark = pytest.mark.django_db

PHONE = "13903716001"


def scheduled_visit(world, item):
    visit = services.home_visit_request(
        center=world.center,
        channel=HomeVisit.Channel.PHONE,
        name="刘德福",
        phone=PHONE,
        address="宏达小区 5 号楼",
        reason=HomeVisit.Reason.ELDERLY,
        item=item,
    )
    services.home_visit_assign(
        visit=visit,
        assignees=[world.clerk],
        scheduled_at=timezone.now() + dt.timedelta(hours=2),
        actor=world.director.user,
    )
    return visit


def intake_post(version):
    data = {"window": "", "applicant_kind": "person", "applicant_name": "刘德福", "id_number": resident_id(1)}
    data["phone"] = PHONE
    for m in version.materials:
        data[f"p_{m['id']}"] = "on"
        data[f"f_{m['id']}"] = "copy"
    return data


def test_accepting_from_a_home_visit_prefills_the_applicant_and_links_the_case_both_ways(client):
    world = make_world()
    version = item_for(world)
    visit = scheduled_visit(world, version.item)
    client.force_login(world.clerk.user)

    # the visit's page offers 受理, to the intake of the visit's item carrying the visit
    page = client.get(reverse("hall:home_visit", args=[visit.pk])).content.decode()
    intake_url = reverse("cases:intake", args=[version.item.pk]) + f"?home_visit={visit.pk}"
    assert f'href="{intake_url}" data-intake' in page

    # the intake comes prefilled with the applicant's name and phone; showing the phone is a logged reveal
    form = client.get(intake_url).content.decode()
    assert 'value="刘德福"' in form
    assert f'value="{PHONE}"' in form
    assert PersonalDataReveal.objects.filter(actor=world.clerk.user, object_id=str(visit.pk), field="phone").exists()

    done = client.post(intake_url, {**intake_post(version), "step": "confirm", "decision": Decision.ACCEPT})

    assert done.status_code == 302
    case = Case.objects.get()
    visit.refresh_from_db()
    assert visit.case == case
    assert visit.status == HomeVisit.Status.SCHEDULED  # the outcome is still recorded by those sent
    assert case.received_at_home is True
    assert CaseEvent.objects.get(case=case, verb="received_at_home").note == visit.number
    assert HomeVisitEvent.objects.filter(visit=visit, verb="link_case").exists()
    detail = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert f'href="{reverse("hall:home_visit", args=[visit.pk])}" data-origin' in detail
    assert f"上门服务 {visit.number}" in detail
    # recording the outcome needs no case number typed: the linked case is proposed
    after = client.get(reverse("hall:home_visit", args=[visit.pk])).content.decode()
    assert "data-intake" not in after
    assert f'value="{case.number}"' in after


def test_the_item_picker_carries_the_visit_into_each_items_link(client):
    world = make_world()
    version = item_for(world)
    client.force_login(world.clerk.user)

    page = client.get(reverse("cases:intake_start") + "?home_visit=42").content.decode()

    assert reverse("cases:intake", args=[version.item.pk]) + "?home_visit=42" in page


def test_a_visit_out_of_scope_or_not_scheduled_prefills_nothing_and_the_case_still_stands(client):
    world = make_world()
    version = item_for(world)
    visit = scheduled_visit(world, version.item)
    services.home_visit_cancel(visit=visit, reason="申请人已自行到大厅办理", actor=world.director.user)
    client.force_login(world.clerk.user)
    intake_url = reverse("cases:intake", args=[version.item.pk]) + f"?home_visit={visit.pk}"

    form = client.get(intake_url).content.decode()
    done = client.post(intake_url, {**intake_post(version), "step": "confirm", "decision": Decision.ACCEPT})

    assert PHONE not in form
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.case is None
    assert Case.objects.get().received_at_home is False
    outsider = client.get(reverse("cases:intake", args=[version.item.pk]) + "?home_visit=x")
    assert outsider.status_code == 200
