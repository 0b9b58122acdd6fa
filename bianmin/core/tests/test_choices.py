"""Every model's `get_FOO_display()` (`core.choices`) says what Django's own says, for every choice and for a value
that is not one."""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.db.models import Model

from bianmin.core import choices


def test_every_field_with_fixed_choices_gets_the_table_and_says_what_django_says():
    replaced = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            method = model.__dict__.get(f"get_{field.name}_display")
            if not isinstance(method, partialmethod) or method.func is not choices._display:
                continue
            replaced += 1
            obj = model()
            for value in [*(v for v, _ in field.flatchoices), "not-a-choice"]:
                setattr(obj, field.attname, value)
                shown = getattr(obj, f"get_{field.name}_display")()
                assert shown == Model._get_FIELD_display(obj, field), (model, field.name, value)  # type: ignore[attr-defined]
    assert replaced > 50  # the cases', staff's, catalog's, … statuses and kinds
