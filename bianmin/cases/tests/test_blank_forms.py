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
