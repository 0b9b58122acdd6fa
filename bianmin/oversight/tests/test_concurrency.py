"""Parallel sweeps and parallel ratings on PostgreSQL: every candidate raised once, every case rated once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from bianmin.org.models import Role
from bianmin.org.tests.factories import center, staff_user
from bianmin.oversight import services
from bianmin.oversight.models import Accountability, Rating
from bianmin.oversight.services import accountability


def _parallel(n: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_raise_each_candidate_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers itself, so there is no race to test")
    unit = center()
    inspector = staff_user(Role.INSPECTOR, unit)
    worker = staff_user(Role.WINDOW, unit)
    for n in range(6):
        c = services.complaint_file(center=unit, content=f"刁难{n}", staff=worker)
        services.complaint_assign(complaint=c, inspector=inspector, actor=inspector.user)
        services.complaint_decide(complaint=c, finding="founded", evidence="属实", actor=inspector.user)
    Accountability.objects.all().delete()  # raised at the finding; let the sweeps race for them instead
    raised: list[int] = []
    lock = threading.Lock()

    def sweep(_i: int) -> None:
        n = accountability.accountability_sweep()
        with lock:
            raised.append(n)

    assert _parallel(4, sweep) == []
    assert sum(raised) == 6
    assert Accountability.objects.count() == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_ratings_of_one_case_keep_one() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers itself, so there is no race to test")
    from bianmin.cases.services import case_complete
    from bianmin.cases.tests.factories import intake, item_for, make_world

    world = make_world()
    case = intake(world, item_for(world))
    case_complete(case=case, actor=world.clerk.user, result="准予", dispose_by_form=True)
    refused: list[str] = []
    lock = threading.Lock()

    def rate(i: int) -> None:
        try:
            services.rating_submit(case=case, overall=5 - (i % 5), efficiency=5, service=5, attitude=5)
        except ValidationError as exc:
            with lock:
                refused.append(exc.messages[0])

    assert _parallel(5, rate) == []
    assert Rating.objects.filter(case=case).count() == 1
    assert len(refused) == 4
    assert all("只能评价一次" in m for m in refused)
