"""The REST API follows the cases app's one rule of who may act on a case now (cases/access.py)."""

from __future__ import annotations

import pytest

from bianmin.api.tests.conftest import ApiClient
from bianmin.api.tests.factories import token_for
from bianmin.cases import access
from bianmin.cases.tests.conftest import clock  # noqa: F401  (the cases tests' clock)
from bianmin.cases.tests.factories import make_world
from bianmin.cases.tests.test_access import handed_to_handler

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_world(db):
    return make_world()


def test_the_rest_api_follows_the_same_rule(case_world, clock):  # noqa: F811
    world = case_world
    case = handed_to_handler(world)
    clerk = ApiClient(token_for(world.clerk.user)[1])
    handler = ApiClient(token_for(world.handler.user)[1])

    refused = clerk.post(f"/api/v1/cases/{case.number}/start", {})
    assert refused.status_code == 403
    assert "只能查看" in refused.json()["message"]
    assert handler.post(f"/api/v1/cases/{case.number}/start", {}).json()["status"] == "in_progress"


def test_the_role_lists_are_one():
    from bianmin.api.routes import cases as api_cases
    from bianmin.cases import views

    assert vars(api_cases)["HANDLING_ROLES"] is access.HANDLING_ROLES
    assert vars(views)["HANDLING_ROLES"] is access.HANDLING_ROLES
