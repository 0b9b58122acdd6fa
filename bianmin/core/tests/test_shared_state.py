"""What several processes must agree on, with the default configuration (no REDIS_URL): `make run` serves with two
gunicorn workers beside the background worker and the scheduler. Two real processes on one database file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

# A long-lived process that answers questions line by line, as a web worker serves request after request.
READER = textwrap.dedent(
    """
    import datetime as dt, sys, django
    django.setup()
    from bianmin.core.selectors import work_calendar
    from bianmin.hall.views.public import _lookup_blocked
    from bianmin.org.models import OrgUnit
    for line in sys.stdin:
        what, arg = line.split()
        if what == "workday":
            answer = work_calendar().is_workday(dt.date.fromisoformat(arg))
        else:
            answer = _lookup_blocked(OrgUnit(pk=1), arg)
        print(answer, flush=True)
    """
)

WRITER = textwrap.dedent(
    """
    import datetime as dt
    from bianmin.core.services import calendar_day_set
    from bianmin.hall.views.public import LOOKUP_LIMIT, _lookup_failed
    from bianmin.org.models import OrgUnit
    calendar_day_set(day=dt.date(2030, 3, 4), is_workday=False, name="临时闭厅", reason="停电检修", actor=None)
    for _ in range(LOOKUP_LIMIT):
        _lookup_failed(OrgUnit(pk=1), "YY2030-00001")
    """
)


def _database_url(tmp_path: Path) -> str:
    if connection.vendor == "sqlite":
        # The test database lives in memory: copy it (schema and all) to a file both processes open.
        path = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    # PostgreSQL: the test database itself (this test commits, transaction=True).
    db = connection.settings_dict
    login = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    return f"postgres://{login}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_special_day_and_a_lookup_counter_reach_a_process_already_serving(tmp_path):
    # Given: the served configuration (no REDIS_URL), two processes on one database
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_DIR", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="bianmin.settings",
        DATABASE_URL=_database_url(tmp_path),
        BIANMIN_VAR_DIR=str(tmp_path / "var"),
    )
    reader = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", READER],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    stdin, stdout = reader.stdin, reader.stdout
    assert stdin is not None
    assert stdout is not None

    def ask(question: str) -> str:
        stdin.write(question + "\n")
        stdin.flush()
        return stdout.readline().strip()

    try:
        assert ask("workday 2030-03-04") == "True"  # a Monday; the reader now holds the calendar
        assert ask("lookup YY2030-00001") == "False"

        # When: another process (the administrator's request in the other web worker) closes the day
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", WRITER], cwd=settings.BASE_DIR, env=env, check=True
        )

        # Then: the serving process sees the closed day and the failed lookups without a restart
        assert ask("workday 2030-03-04") == "False"
        assert ask("workday 2030-03-05") == "True"
        assert ask("lookup YY2030-00001") == "True"
    finally:
        stdin.close()
        reader.wait(timeout=30)
