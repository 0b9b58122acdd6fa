"""The throughput leg's pieces that do not need a server: a logged-in session for wrk, and reading wrk's report."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

from bianmin.bench import throughput
from bianmin.org.models import Role
from bianmin.org.tests.factories import center, staff_user

WRK_REPORT = """Running 10s test @ http://127.0.0.1:8000/
  2 threads and 16 connections
  Latency Distribution
     50%    4.20ms
     99%   31.50ms
  12000 requests in 10.00s, 30.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1200.50
"""


@pytest.mark.django_db
def test_the_workbench_is_fetched_with_a_real_session_of_the_window_clerk():
    clerk = staff_user(Role.WINDOW, center(code="C1"))
    key = throughput._session_of(clerk.user.username)
    store: SessionBase = import_string(settings.SESSION_ENGINE + ".SessionStore")(key)
    assert store.get("_auth_user_id") == str(clerk.user.pk)


def test_wrks_report_is_read_into_rate_latency_and_errors(monkeypatch):
    monkeypatch.setattr(throughput, "_wrk_run", lambda *args: WRK_REPORT)
    assert throughput._wrk("wrk", "http://x/", 1, "Cookie: a=b") == {
        "requests_per_s": 1200.5,
        "p99_ms": 31.5,
        "non_2xx": 3,
        "timeouts": 0,
    }
