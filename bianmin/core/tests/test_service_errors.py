"""A service's ValidationError reaches a form one way everywhere (`core.forms.add_service_errors`): field errors on
their fields, the rest on top. No view keeps its own copy of that rule."""

from __future__ import annotations

import ast
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

import bianmin
from bianmin.core.forms import add_service_errors

PACKAGE = Path(bianmin.__file__).parent


class NameForm(forms.Form):
    name = forms.CharField(required=False)


def test_field_errors_go_on_their_field_and_the_rest_on_top():
    form = NameForm({"name": ""})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"name": "请填写名称。", "elsewhere": "期限已过。"}))
    assert form.errors["name"] == ["请填写名称。"]
    assert form.non_field_errors() == ["期限已过。"]

    plain = NameForm({"name": ""})
    assert plain.is_valid()
    add_service_errors(plain, ValidationError(["其一。", "其二。"]))
    assert plain.non_field_errors() == ["其一。", "其二。"]


def _copies(tree: ast.AST) -> list[int]:
    """Lines where a view reads a ValidationError's messages into a form by hand."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "message_dict":
            found.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_error"
            and any(isinstance(a, ast.Attribute) and a.attr in {"messages", "message"} for a in node.args)
        ):
            found.append(node.lineno)
    return found


def test_no_view_keeps_its_own_copy_of_putting_a_service_error_on_a_form():
    views = [
        p
        for p in PACKAGE.rglob("*.py")
        if "tests" not in p.parts and (p.name == "views.py" or p.name.endswith("_views.py") or "views" in p.parts)
    ]
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(views)
        for line in _copies(ast.parse(path.read_text(encoding="utf-8")))
    ]

    assert views
    assert offenders == []
