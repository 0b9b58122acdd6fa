"""One way to write a state machine, everywhere: each app's statuses change only through the `move` of a
`core.workflow.StateMachine` declared in that app's `workflow.py`, after the transition check."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps

import bianmin
from bianmin.core.workflow import StateMachine

PACKAGE = Path(bianmin.__file__).parent
# The fields that carry a workflow's state. Queue-like records (a message's delivery, a periodic run) change state
# with one conditional UPDATE claimed by a worker, not by assignment, and are not listed.
STATE_FIELDS = {"status", "appeal", "state", "change_status"}
# The city-scale data generator writes rows in bulk; it is not the application.
NOT_APPLICATION = {"tests", "migrations", "bench"}


def _assigned_state_fields(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                if (
                    isinstance(element, ast.Attribute)
                    and element.attr in STATE_FIELDS
                    and not (isinstance(element.value, ast.Name) and element.value.id == "self")
                ):
                    found.append((element.lineno, ast.unparse(element)))
    return found


def test_no_code_but_a_state_machine_assigns_a_status():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if NOT_APPLICATION & set(relative.parts) or relative.name == "workflow.py":
            continue
        for line, target in _assigned_state_fields(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{relative}:{line}: {target} = …")

    assert offenders == []


def _machines() -> dict[type, StateMachine]:
    machines = {}
    for config in apps.get_app_configs():
        if config.name.startswith("bianmin.") and (Path(config.path) / "workflow.py").exists():
            module = importlib.import_module(f"{config.name}.workflow")
            for value in vars(module).values():
                if isinstance(value, StateMachine):
                    machines[value.states] = value
    return machines


WORKFLOW_MODELS = [
    ("cases.Case", "status"),
    ("catalog.ServiceItem", "status"),
    ("catalog.ServiceItem", "change_status"),
    ("cases.JointTask", "state"),
    ("cases.SupplementRequest", "state"),
    ("petitions.Petition", "status"),
    ("staffing.Leave", "status"),
    ("assignments.AssignedTask", "status"),
    ("oversight.Complaint", "status"),
    ("oversight.Accountability", "status"),
    ("oversight.Rating", "appeal"),
    ("hall.Appointment", "status"),
    ("hall.Ticket", "status"),
    ("hall.HomeVisit", "status"),
    ("hall.ProxyCase", "status"),
]


@pytest.mark.parametrize(("label", "field"), WORKFLOW_MODELS)
def test_each_workflow_has_its_machine_over_every_state(label, field):
    model = apps.get_model(label)
    choices = model._meta.get_field(field).choices
    machines = _machines()
    machine = next(
        (m for m in machines.values() if m.field == field and set(m.states.values) == {c for c, _ in choices}), None
    )

    assert machine is not None, f"{label}.{field} has no StateMachine in its app's workflow.py"
    assert set(machine.transitions) == {c for c, _ in choices}


def test_every_state_field_of_the_application_is_covered():
    covered = set(WORKFLOW_MODELS)
    fields = {
        (model._meta.label, f.name)
        for model in apps.get_models()
        if model.__module__.startswith("bianmin.")
        for f in model._meta.fields
        if f.name in STATE_FIELDS and f.choices
    }
    # Queue records: their state is claimed by conditional UPDATEs of the workers (see STATE_FIELDS above).
    queues = {("core.PeriodicRun", "status"), ("notify.Notification", "status"), ("catalog.CatalogImportRun", "status")}

    assert fields - queues == covered
