"""Every date field renders ISO values: `<input type="date">` discards anything else (issue 15 §6)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from django import forms
from django.utils import translation

import bianmin

DAY = dt.date(2026, 12, 7)


def _project_forms() -> list[type[forms.Form] | type[forms.ModelForm[Any]]]:
    found = []
    for module_info in pkgutil.walk_packages(bianmin.__path__, "bianmin."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, (forms.Form, forms.ModelForm)) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


def _date_fields() -> list[tuple[str, forms.Field]]:
    return [
        (f"{form.__module__}.{form.__name__}.{name}", field)
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField)
    ]


def test_the_project_has_date_fields_to_check():
    names = [name for name, _field in _date_fields()]
    assert "bianmin.cases.forms.DecisionForm.supplement_due" in names
    assert "bianmin.web.forms.CalendarDayForm.day" in names


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_form_with_a_date_field_renders_iso_values(language):
    wrong = []
    with translation.override(language):
        for name, field in _date_fields():
            html = field.widget.render("d", DAY)
            if 'value="2026-12-07"' not in html:
                wrong.append(f"{name}: {html}")
    assert not wrong


def test_a_date_typed_the_chinese_way_is_still_understood():
    with translation.override("zh-hans"):
        assert forms.DateField().clean("2026/12/07") == DAY
        assert forms.DateField().clean("2026-12-07") == DAY


def test_the_split_forms_dates_render_iso():
    # Built per department in __init__, so not among the declared fields above.
    from bianmin.cases.forms import SplitForm
    from bianmin.cases.services import TaskDueRange
    from bianmin.org.models import Department

    dept = Department(pk=1, name="民政办")
    form = SplitForm(departments=[dept], suggested={1}, handlers=[], due_range=TaskDueRange(DAY, DAY, DAY))
    with translation.override("zh-hans"):
        html = str(form["due_1"])
    assert 'type="date"' in html
    assert 'value="2026-12-07"' in html
    assert 'min="2026-12-07"' in html
