"""The workbench, the case page and the public progress page read by a key on the keyed connection where there is one
(`bianmin.core.compiled`): what they read there is what they read on the default connection."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from bianmin.cases import progress_query, selectors
from bianmin.cases.checklists import Decision
from bianmin.cases.services import handover_acknowledge
from bianmin.cases.tests.factories import intake, item_for, make_world, presented_except
from bianmin.core.compiled import KEYED
from bianmin.core.tests.keyed import needs_keyed, on_both

pytestmark = [pytest.mark.postgres, needs_keyed, on_both]


def _pages(world: Any, number: str, token: str) -> dict[str, Any]:
    user = world.clerk.user
    case, rows = selectors.case_page_for_user(user=user, number=number)
    detail = selectors.case_detail(case=case, staff_rows=rows)
    found = progress_query.progress_by_token(token=token, public=True)
    assert found is not None
    by_number = progress_query.progress_lookup(number=number, phone_tail="1234")
    return {
        "my_cases": selectors.my_cases(user=user).rows,
        "panels": selectors.workbench_panels(user=user),
        "received": selectors.my_received(user=user),
        "case": (case.pk, case.status, case.center.code, case.window.number if case.window else None, case.item_id),
        "materials": [(m.pk, m.name, m.presented_form, m.received_at) for m in detail.materials],
        "notices": [(n.pk, n.kind, n.number) for n in detail.notices],
        "timeline": [(t.event.pk, t.wording) for t in detail.timeline],
        "progress": progress_query.public_progress(case=found),
        "by_number": by_number.pk if by_number else None,
    }


def test_the_clerks_pages_read_the_same_on_the_keyed_connection(settings):
    world = make_world()
    version = item_for(world)
    accepted = [intake(world, version, n=i) for i in range(1, 4)]
    # received by the colleague for the clerk, who acknowledged it: on the clerk's list to decide on
    received = intake(
        world, version, by=world.colleague, n=7, decision=Decision.RECEIVE_ONLY, handover_to=world.clerk,
        presented=presented_except(version, "申请表"),
    )  # fmt: skip
    handover_acknowledge(handover=received.handovers.get(), actor=world.clerk.user)
    sample = accepted[1]

    settings.BIANMIN_KEYED_READS = False
    with CaptureQueriesContext(connections[KEYED]) as unused:
        on_default = _pages(world, sample.number, sample.public_token)
    assert unused.captured_queries == []

    settings.BIANMIN_KEYED_READS = True
    with CaptureQueriesContext(connections[KEYED]) as keyed:
        on_keyed = _pages(world, sample.number, sample.public_token)
    assert on_keyed == on_default
    # every read above but the center's staff list (cached) ran on the keyed connection
    assert len(keyed.captured_queries) >= 9
    # the lists are not empty: the comparison compares something
    assert on_keyed["my_cases"]
    assert [r.number for r in on_keyed["received"]] == [received.number]
    assert on_keyed["panels"].received
    assert on_keyed["materials"]
    assert on_keyed["timeline"]
    assert on_keyed["progress"].steps
    assert on_keyed["by_number"] == sample.pk
