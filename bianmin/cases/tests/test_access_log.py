"""Opening a case page that shows the applicant leaves one row in the personal-data access log."""

from __future__ import annotations

import pytest

from bianmin.cases.tests.factories import intake, item_for, make_world
from bianmin.core.models import PersonalDataReveal

pytestmark = pytest.mark.django_db


def test_opening_a_case_page_logs_who_saw_which_case(client):
    world = make_world()
    case = intake(world, item_for(world))
    client.force_login(world.director.user)

    assert client.get(f"/staff/cases/c/{case.number}/").status_code == 200

    row = PersonalDataReveal.objects.get()
    assert (row.actor, row.target, row.field) == (world.director.user, case, "")
