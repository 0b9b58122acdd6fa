"""The bench's EXPLAIN check of keyed reads looks at the plan made once for all values, on the keyed connection."""

from __future__ import annotations

import pytest
from django.db import connections

from bianmin.bench.scans import generic_full_scans
from bianmin.core.compiled import KEYED
from bianmin.core.tests.keyed import needs_keyed, on_both

pytestmark = [pytest.mark.postgres, needs_keyed, on_both]


def test_a_keyed_read_no_index_serves_is_reported_and_one_by_its_key_is_not():
    # no index holds the applicant's name (a condition on the status could be served by a partial index)
    unserved = ("SELECT id FROM cases_case WHERE applicant_name LIKE %s", ["张%"])
    by_key = ("SELECT id FROM cases_case WHERE number = %s", ["410108901-2026-00001"])
    by_percent = ("SELECT id FROM cases_caseevent WHERE case_id = %s AND note LIKE '%%补正%%'", [1])
    [found] = generic_full_scans([unserved, by_key, by_percent])
    # a sequential scan, or an index scan with no condition (a full read in disguise)
    kind, sql = found.split(": ", 1)
    assert sql == unserved[0]
    assert kind in ("Seq Scan on cases_case", "Index Scan on cases_case")
    # the statements were prepared and put away: the connection holds none of them
    with connections[KEYED].cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'bench_generic'")
        assert cur.fetchone()[0] == 0
