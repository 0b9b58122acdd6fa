import threading

import pytest
from django.db import connection

from bianmin.staffing.models import UnmannedEvent, UnmannedWindow
from bianmin.staffing.services import unmanned_sweep
from bianmin.staffing.tests.factories import DAY, at, staffed_window


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_on_postgresql_open_one_record_per_window():
    # given: three unmanned windows and eight sweeps at once (board views, the command, a worker)
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers itself")
    windows = [staffed_window().window for _ in range(3)]
    errors: list[BaseException] = []
    opened: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            result = unmanned_sweep(at(DAY, "10:00"))
            with lock:
                opened.extend(r.window_id for r in result.opened)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # then: each window has exactly one open record and one "open" event, and the sweeps agree on who opened it
    assert errors == []
    assert sorted(opened) == sorted(w.pk for w in windows)
    for window in windows:
        assert UnmannedWindow.objects.filter(window=window, ended_at__isnull=True).count() == 1
    assert UnmannedEvent.objects.filter(verb="open").count() == 3
