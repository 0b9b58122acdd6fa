"""Smoke of `manage.py bench`: it runs at a micro scale and writes the JSON (no timing asserted)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_bench_runs_at_micro_scale_and_writes_json(tmp_path: Path) -> None:
    # given the demo data
    call_command("seed_calendar", stdout=StringIO())
    call_command("load_demo", "--force", stdout=StringIO())
    out = tmp_path / "latest.json"
    # when the bench runs with few repetitions
    call_command("bench", "--scale", "micro", "--repeat", "2", "--out", str(out), stdout=StringIO())
    # then the JSON has the shape and the cases operations were measured
    data = json.loads(out.read_text())
    assert data["scale"] == "micro"
    for name in ("workbench", "director_board", "case_detail", "progress_query", "open311_requests"):
        assert set(data["operations"][name]) >= {"p50_ms", "p95_ms", "floor_p50_ms", "ratio", "queries"}, name
    assert (
        "not_measured" in data["operations"]["district_dashboard"]
        or "p50_ms" in data["operations"]["district_dashboard"]
    )
