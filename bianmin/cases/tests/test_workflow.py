"""Only the services assign a case's status; everything else reads it."""

from __future__ import annotations

import re
from pathlib import Path

import bianmin.cases

ASSIGNS_STATUS = re.compile(r"\.status\s*=(?!=)")


def test_only_the_state_machine_assigns_case_status():
    package = Path(bianmin.cases.__file__).parent
    offenders = []
    for path in package.rglob("*.py"):
        if path.name == "workflow.py" or "tests" in path.parts or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if ASSIGNS_STATUS.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")

    assert offenders == []


def test_the_state_machine_assigns_status_in_one_place_after_the_check():
    source = (Path(bianmin.cases.__file__).parent / "workflow.py").read_text(encoding="utf-8")
    lines = source.splitlines()
    assignments = [n for n, line in enumerate(lines) if ASSIGNS_STATUS.search(line)]

    assert len(assignments) == 1
    assert "check_transition(" in lines[assignments[0] - 1]
