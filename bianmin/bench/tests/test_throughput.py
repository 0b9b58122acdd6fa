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


def test_each_share_is_taken_against_the_hello_view_in_the_same_round(monkeypatch):
    # a machine whose speed drifts from round to round, as a shared one does; each target keeps its share of hello
    speed = iter([1.0] * 3 + [1.0] * 3 + [0.5] * 3 + [2.0] * 3)  # the warm-up, then three rounds
    share = {"/hello": 1.0, "/progress": 0.3, "/bench": 0.15}
    calls = []

    def fake(wrk, url, duration, header=None):
        calls.append((url, duration, header))
        rate = 1000 * share[url.removeprefix("http://x")] * next(speed)
        return WRK_REPORT.replace("1200.50", f"{rate:.2f}")

    monkeypatch.setattr(throughput, "_wrk_run", fake)
    targets = {"hello": ("/hello", None), "progress_query": ("/progress", None), "workbench": ("/bench", "Cookie: a")}
    out = throughput._rounds("wrk", "http://x", targets, 9, rounds=3)

    assert out["progress_vs_hello"] == 0.3
    assert out["workbench_vs_hello"] == 0.15
    assert out["hello"]["per_round"] == [1000.0, 500.0, 2000.0]
    assert out["hello"]["requests_per_s"] == round(3500 / 3, 2)
    assert out["workbench"]["non_2xx"] == 9  # three per round
    # the targets in turn within each round, three seconds each, the session cookie with the staff page
    assert [c[0] for c in calls[3:6]] == ["http://x/hello", "http://x/progress", "http://x/bench"]
    assert {c[1] for c in calls[3:]} == {3}
    assert {c[2] for c in calls if c[0].endswith("/bench")} == {"Cookie: a"}
