"""`core.forms.share_fields`: a form class's declared fields shared by its forms, except those each form changes."""

from __future__ import annotations

import pytest
from django import forms

from bianmin.core.forms import share_fields


class _Sample(forms.Form):
    name = forms.CharField(max_length=5)
    kind = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙")])


share_fields(_Sample, copied=("kind",))


def test_forms_share_the_fields_they_do_not_change_and_copy_the_others():
    one, two = _Sample({"name": "张三", "kind": "a"}), _Sample({"name": "李四四四四四", "kind": "c"})

    assert one.fields["name"] is two.fields["name"] is _Sample.base_fields["name"]
    assert one.fields["kind"] is not two.fields["kind"]
    kind_one, kind_two = one.fields["kind"], two.fields["kind"]
    assert isinstance(kind_one, forms.ChoiceField)
    assert isinstance(kind_two, forms.ChoiceField)
    kind_one.choices = [("c", "丙")]  # one form's own change stays its own
    assert [v for v, _label in kind_two.widget.choices] == ["a", "b"]
    assert one.fields is not two.fields  # each form its own dict: fields added to one are not in the other
    one.fields["extra"] = forms.CharField()
    assert "extra" not in two.fields
    assert one.is_valid() is False  # "a" is not among this form's own choices any more
    assert two.is_valid() is False
    assert set(two.errors) == {"name", "kind"}  # each form cleaned and judged on its own data
    assert _Sample({"name": "王五", "kind": "b"}).is_valid()


def test_a_field_that_is_not_declared_is_refused():
    class Other(forms.Form):
        name = forms.CharField()

    with pytest.raises(ValueError, match="window"):
        share_fields(Other, copied=("window",))
