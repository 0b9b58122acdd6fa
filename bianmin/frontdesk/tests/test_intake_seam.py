"""The seam to cases: an intake started from a first-inquiry record links the record to the new case."""

from __future__ import annotations

from django.urls import reverse

from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case
from bianmin.cases.tests.conftest import clock, world  # noqa: F401  (the cases tests' fixtures)
from bianmin.cases.tests.factories import item_for, resident_id
from bianmin.frontdesk.models import Inquiry
from bianmin.frontdesk.tests.factories import answered


def _intake_post(version, **extra):
    data = {
        "window": "",
        "applicant_kind": "person",
        "applicant_name": "张三",
        "id_number": resident_id(1),
        "phone": "13903711234",
    }
    for m in version.materials:
        data[f"p_{m['id']}"] = "on"
        data[f"f_{m['id']}"] = "copy"
    data.update(extra)
    return data


def test_intake_started_from_an_inquiry_links_the_inquiry_to_the_new_case(world, clock, client):  # noqa: F811
    version = item_for(world)
    inquiry = answered(world.clerk, result="handled")
    Inquiry.objects.filter(pk=inquiry.pk).update(center=world.center)
    client.force_login(world.clerk.user)
    url = reverse("cases:intake", args=[version.item.pk]) + f"?inquiry={inquiry.pk}"

    done = client.post(url, {**_intake_post(version), "step": "confirm", "decision": Decision.ACCEPT})

    assert done.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.case == Case.objects.get()


def test_intake_started_from_an_inquiry_is_prefilled_with_the_visitors_name(world, clock, client):  # noqa: F811
    version = item_for(world)
    inquiry = answered(world.clerk, result="handled")
    Inquiry.objects.filter(pk=inquiry.pk).update(center=world.center, visitor_name="李四")
    client.force_login(world.clerk.user)

    page = client.get(reverse("cases:intake", args=[version.item.pk]) + f"?inquiry={inquiry.pk}").content.decode()

    assert 'value="李四"' in page
