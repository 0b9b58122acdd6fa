"""Event verbs are typed: the services write only `Verb`s, and the timeline has words for every one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bianmin.cases import services
from bianmin.cases.services._common import _event
from bianmin.cases.tests.factories import intake, item_for
from bianmin.cases.timeline import PUBLIC_VERBS, VERBS, Verb, public_wording, staff_wording

SERVICES = Path(services.__file__).parent


def test_every_verb_has_its_wording_and_every_wording_a_verb():
    assert set(VERBS) == set(Verb)
    for verb in Verb:
        assert staff_wording(verb) != verb.value
    assert Verb.ACCEPT in PUBLIC_VERBS
    assert public_wording(Verb.HANDOVER) is None
    # An old row whose verb is no longer known still reads (as its raw text).
    assert staff_wording("retired_verb") == "retired_verb"


def _written_verbs(tree: ast.AST) -> list[ast.expr]:
    out: list[ast.expr] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name == "_event" and len(node.args) >= 3:
            out.append(node.args[2])
        out += [kw.value for kw in node.keywords if kw.arg == "verb"]
    return out


def test_the_services_name_every_verb_they_write_or_read_by_its_verb_member():
    literal = []
    for path in sorted(SERVICES.glob("*.py")):
        for expr in _written_verbs(ast.parse(path.read_text())):
            for node in ast.walk(expr):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    literal.append(f"{path.name}:{node.lineno} {node.value!r}")
    assert literal == []
    assert services.DELAY_REASON_VERB is Verb.DELAY_REASON
    assert services.REFUSAL_OVERTURNED_VERB is Verb.REFUSAL_OVERTURNED
    assert services.PREREVIEW_VERB is Verb.PREREVIEW


@pytest.mark.django_db
def test_an_event_with_a_verb_the_timeline_cannot_word_is_refused(world, clock):
    case = intake(world, item_for(world))
    with pytest.raises(ValueError, match="made_up"):
        _event(case, world.clerk.user, "made_up")  # type: ignore[arg-type]
    assert _event(case, world.clerk.user, Verb.PROXY).verb == "proxy"
