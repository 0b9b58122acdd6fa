"""On PostgreSQL a statement a connection runs often is prepared: planned once per connection, not per request."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_lookup_run_often_is_planned_once_per_connection():
    user_model = get_user_model()
    user_model.objects.create_user("prepared-probe", password="pw-123456-probe")

    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    for name in ("a", "b", "c", "d", "e", "f", "prepared-probe"):  # different values, one statement text
        user_model.objects.filter(username=name).first()

    statements = [s for s in prepared() if '"auth_user"."username" = $1' in s]
    assert len(statements) == 1  # parameters bound by the server: one text whatever the value
    assert user_model.objects.filter(username="prepared-probe").get().check_password("pw-123456-probe")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plan caching is PostgreSQL's")
def test_prepared_statements_are_still_planned_for_their_own_values(settings):
    # A plan made once for all values is chosen on estimates alone: for a LIMIT over a join to a small table it
    # walked the whole cases key index (the district board: 720 ms at city scale instead of 1 ms).
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_custom_plan"
    assert "plan_cache_mode=force_custom_plan" in settings.DATABASES["default"]["OPTIONS"]["options"]
