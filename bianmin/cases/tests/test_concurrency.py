"""Correctness under load, with real parallel connections (PostgreSQL; SQLite serializes writers anyway)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case, Notice, Status
from bianmin.cases.services import ApplicantInput, case_accept, case_complete, case_intake
from bianmin.cases.tests.factories import all_presented, intake, item_for, make_world, presented_except, resident_id
from bianmin.cases.workflow import CaseStateError

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks and truly parallel connections (SQLite allows one writer at a time)",
    ),
]


def run_parallel(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run each job in its own thread (so its own database connection), released together by a barrier."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def tworld(transactional_db: None):
    return make_world()


def test_two_staff_accepting_the_same_case_at_once_exactly_one_succeeds(tworld, clock):
    version = item_for(tworld)
    case = intake(
        tworld,
        version,
        by=tworld.colleague,
        decision=Decision.RECEIVE_ONLY,
        handover_to=tworld.clerk,
    )
    assert case.status == Status.RECEIVED

    results = run_parallel(
        [
            # The holder and the director (who keeps an override): both may act, one wins.
            lambda: case_accept(case=case, actor=tworld.director.user),
            lambda: case_accept(case=case, actor=tworld.colleague.user),
        ]
    )

    successes = [r for r in results if isinstance(r, Case)]
    failures = [r for r in results if isinstance(r, CaseStateError)]
    assert len(successes) == 1, results
    assert len(failures) == 1, results
    assert "当前状态为“已受理”" in failures[0].messages[0]
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    assert Notice.objects.filter(case=case, kind="acceptance").count() == 1
    assert case.events.filter(verb="accept").count() == 1


def test_two_staff_completing_the_same_case_at_once_exactly_one_succeeds(tworld, clock):
    case = intake(tworld, item_for(tworld))

    def complete(staff):
        return lambda: case_complete(case=case, actor=staff.user, result="办结", dispose_by_form=True)

    results = run_parallel([complete(tworld.clerk), complete(tworld.director)])

    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert sum(isinstance(r, CaseStateError) for r in results) == 1, results
    assert case.events.filter(verb="complete").count() == 1


def test_fifty_parallel_intakes_get_unique_gap_free_case_and_notice_numbers(tworld, clock):
    version = item_for(tworld)
    booklet_missing = presented_except(version, "户口簿")

    def job(n: int) -> Callable[[], Case]:
        supplement = n % 3 == 0
        return lambda: case_intake(
            actor=(tworld.clerk if n % 2 else tworld.colleague).user,
            center=tworld.center,
            window=tworld.window,
            item=version.item,
            applicant=ApplicantInput(kind="person", name=f"申请人{n}", id_number=resident_id(n), phone="13903711234"),
            presented=booklet_missing if supplement else all_presented(version),
            decision=Decision.ACCEPT_WITH_SUPPLEMENT if supplement else Decision.ACCEPT,
        )

    results = run_parallel([job(n) for n in range(50)])

    errors = [r for r in results if not isinstance(r, Case)]
    assert errors == []
    serials = sorted(Case.objects.filter(center=tworld.center).values_list("serial", flat=True))
    assert serials == list(range(1, 51))
    assert Case.objects.values("number").distinct().count() == 50
    for kind, expected in (("acceptance", 50), ("supplement", 17)):
        numbers = sorted(Notice.objects.filter(kind=kind).values_list("serial", flat=True))
        assert numbers == list(range(1, expected + 1)), kind
