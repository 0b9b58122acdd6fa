"""Smoke of `manage.py bench`: it runs at a micro scale and writes the JSON (no timing asserted); on PostgreSQL, the
plan of every query it runs reads no big table whole."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

MEASURED = (
    "workbench",
    "director_board",
    "case_detail",
    "progress_query",
    "intake",
    "catalog_search",
    "api_cases",
    "api_cases_district",
)


def _run_bench(tmp_path: Path) -> dict:
    call_command("seed_calendar", stdout=StringIO())
    call_command("load_demo", "--force", stdout=StringIO())
    out = tmp_path / "latest.json"
    call_command("bench", "--scale", "micro", "--repeat", "2", "--out", str(out), stdout=StringIO())
    return json.loads(out.read_text())


@pytest.mark.django_db
def test_bench_runs_at_micro_scale_and_writes_json(tmp_path: Path) -> None:
    # given the demo data, when the bench builds the micro data set and runs with few repetitions
    data = _run_bench(tmp_path)
    # then the JSON has the shape and the operations whose features exist were measured
    assert data["scale"] == "micro"
    assert data["shape"]["cases"] == 500
    for name in (*MEASURED, "open311_requests"):
        assert set(data["operations"][name]) >= {"p50_ms", "p95_ms", "floor_p50_ms", "ratio", "queries"}, (
            name,
            data["operations"][name],
        )
    with_floor = ["workbench", "director_board", "case_detail", "progress_query", "open311_requests", "api_cases"]
    if connection.vendor == "postgresql":  # the intake's floor replays its writes between BEGIN and ROLLBACK
        with_floor.append("intake")
    for name in with_floor:
        assert data["operations"][name]["floor_p50_ms"] is not None, name
    for name in ("district_dashboard", "annual_assessment"):
        assert "not_measured" in data["operations"][name] or "p50_ms" in data["operations"][name]
    # the annual assessment is a report's function, not a page: set against its own statements, not the page floor
    assessment = data["operations"]["annual_assessment"]
    if "p50_ms" in assessment:
        assert assessment["page"] is False
        assert "page_ratio" not in assessment
        assert "framework_p50_ms" not in assessment
        assert assessment["floor_p50_ms"] is not None
        assert assessment["ratio"] == pytest.approx(assessment["p50_ms"] / assessment["floor_p50_ms"], rel=0.02)
    # and every page is set against the framework floor (a staff page with no domain data) plus its SQL floor,
    # the framework floor's samples taken in the page's own rounds (beside it, not minutes apart)
    floor = data["operations"]["framework_floor"]
    assert floor["queries"] >= 1  # the session at least
    assert "framework_p50_ms" not in floor
    for name in ("workbench", "case_detail", "api_cases", "intake"):
        r = data["operations"][name]
        assert r["framework_p50_ms"] > 0, name
        assert r["page_floor_ms"] == pytest.approx(r["framework_p50_ms"] + (r["floor_p50_ms"] or 0), abs=0.01)
        assert r["page_ratio"] == pytest.approx(r["p50_ms"] / r["page_floor_ms"], rel=0.02)
    # the district dashboard of the last full month reads the rollups the bench built as the job would have
    assert data["generation"]["rollups"]["job"].endswith("条月度汇总已计算")
    assert (
        data["operations"]["district_dashboard"]["queries"]
        < data["operations"]["district_dashboard_current"]["queries"]
    )
    # and when it runs again on the same database, it reuses the data set instead of building it again
    again = tmp_path / "again.json"
    call_command("bench", "--scale", "micro", "--repeat", "1", "--out", str(again), stdout=StringIO())
    assert json.loads(again.read_text())["generation"]["reused"] is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
@pytest.mark.django_db
def test_no_bench_query_reads_the_cases_tables_whole(tmp_path: Path) -> None:
    # given the micro data set; the bench plans every query it runs with enable_seqscan off, so a sequential scan
    # (or an index scan with no condition) remains only where no index can narrow the rows — whatever the size
    data = _run_bench(tmp_path)
    # then no operation reads cases, their events, materials or notices, inquiries, ratings or attendance whole
    tables = (
        "on cases_case:",
        "on cases_caseevent:",
        "on cases_casematerial:",
        "on cases_notice:",
        "on frontdesk_inquiry:",
        "on oversight_rating:",
        "on staffing_attendanceday:",
    )
    scans = {
        name: [s for s in r.get("full_scans", []) if any(t in s for t in tables)]
        for name, r in data["operations"].items()
    }
    assert {name: found for name, found in scans.items() if found} == {}
    assert all("full_scans" in data["operations"][name] for name in (*MEASURED, "open311_requests"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a write's floor is replayed on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_writes_floor_commits_its_wal_and_leaves_no_row() -> None:
    from django.contrib.contenttypes.models import ContentType

    from bianmin.bench.management.commands.bench import Command, _written_floor

    # given a write (one row), its floor captured outside any transaction, as `manage.py bench` runs
    def write() -> None:
        ContentType.objects.create(app_label="bench", model="probe")

    before = ContentType.objects.count()
    statements = _written_floor(write)
    # then the floor is the write's own statement in a savepoint rolled back, and a commit that has WAL to flush
    sqls = [sql for sql, _ in statements]
    assert sqls[:2] == ["BEGIN", "SAVEPOINT bench_floor"]
    assert any(sql.startswith('INSERT INTO "django_content_type"') for sql in sqls)
    assert sqls[-3:] == [
        "ROLLBACK TO SAVEPOINT bench_floor",
        "SELECT pg_logical_emit_message(true, 'bianmin-bench', 'floor')",
        "COMMIT",
    ]
    # and replayed (again and again: the same row each time), it commits and leaves nothing behind
    with connection.cursor() as cur:
        cur.execute("SELECT pg_current_wal_flush_lsn()")
        flushed = cur.fetchone()[0]
    Command()._replay(statements)
    Command()._replay(statements)
    assert ContentType.objects.count() == before
    with connection.cursor() as cur:
        cur.execute("SELECT pg_current_wal_flush_lsn() > %s::pg_lsn", [flushed])
        assert cur.fetchone()[0]
