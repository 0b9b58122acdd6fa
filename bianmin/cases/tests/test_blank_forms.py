"""The case pages' empty forms (`core.forms.blank_form_html`): their fields rendered once per process and language
are what rendering them afresh gives."""

from __future__ import annotations

from django import forms
from django.template import engines
from django.utils import translation
from django.utils.translation import gettext_lazy

from bianmin.core.forms import blank_form_html


class _Lookup(forms.Form):
    number = forms.CharField(label="办件编号", max_length=40)
    secret = forms.CharField(label=gettext_lazy("Password"))  # Django's own catalog: 密码 in Chinese
    kind = forms.ChoiceField(label="类别", choices=[("", "---------"), ("a", "个人"), ("b", "法人")])


def test_the_remembered_fields_are_a_fresh_rendering_per_language():
    template = "cases/_form_fields.html"
    fresh = engines["django"].get_template(template)
    with translation.override("zh-hans"):
        chinese = blank_form_html(_Lookup, template)
        assert chinese == fresh.render({"form": _Lookup()})
        assert blank_form_html(_Lookup, template) is chinese  # remembered, not rendered again
        assert 'name="number"' in chinese
        assert "请选择…" in chinese
        assert "密码" in chinese
    with translation.override("en"):
        english = blank_form_html(_Lookup, template)
        assert english != chinese  # the labels follow the language
        assert "Password" in english
        assert english == fresh.render({"form": _Lookup()})


def test_the_case_pages_static_forms_take_nothing_from_a_case_or_a_person():
    """`cases.forms.STATIC_FORMS` are rendered once for everyone: no constructor of their own (which could set
    choices or initial values per case), no database choices, no initial value worked out when rendered."""
    from bianmin.cases.forms import STATIC_FORMS

    assert STATIC_FORMS
    for form_class in STATIC_FORMS:
        assert form_class.__init__ is forms.Form.__init__, form_class
        for name, field in form_class.base_fields.items():
            assert not isinstance(field, forms.ModelChoiceField), (form_class, name)
            assert not callable(field.initial), (form_class, name)
            assert not callable(getattr(field, "_choices", None)), (form_class, name)


def test_the_case_pages_leading_card_shows_the_remembered_fields_and_a_bound_form_its_own(world, clock, client):
    """The 办结 card of an open case: its fields as rendered once; a form sent back with errors shows what was typed."""
    import re

    from django.urls import reverse

    from bianmin.cases.forms import CompleteForm
    from bianmin.cases.services import case_start
    from bianmin.cases.tests.factories import intake, item_for

    case = intake(world, item_for(world, promised_limit=5))
    case_start(case=case, actor=world.clerk.user)
    client.force_login(world.clerk.user)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    fields = blank_form_html(CompleteForm, "cases/_form_fields.html")
    assert 'name="outcome"' in fields
    assert fields in page
    # a 办结 without its result comes back with the typed outcome kept and the error shown
    back = client.post(reverse("cases:action", args=[case.number, "complete"]), {"outcome": "denied", "result": ""})
    body = back.content.decode()
    assert back.status_code == 400
    assert re.search(r'<input type="radio" name="outcome" value="denied"[^>]* checked', body)
    assert "这是必填项" in body or "必填" in body
    assert fields not in body
