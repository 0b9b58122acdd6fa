"""The public lookups' phone-digits field says what is wrong in plain words."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from bianmin.core.forms import PhoneTailField


class Lookup(forms.Form):
    phone_tail = PhoneTailField(label="联系电话后四位")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请填写联系电话后四位。"),
        ("12", "联系电话后四位应为 4 位数字。"),
        ("12a4", "联系电话后四位应为 4 位数字。"),
        ("１２３４", "联系电话后四位应为 4 位数字。"),  # full-width digits are not what the case holds
    ],
)
def test_a_missing_or_wrong_tail_is_said_plainly(typed, message):
    with translation.override("zh-hans"):
        form = Lookup({"phone_tail": typed})
        assert not form.is_valid()
        assert form.errors["phone_tail"] == [message]


def test_four_digits_pass_and_the_browser_is_told_to_offer_digits():
    form = Lookup({"phone_tail": " 0371 "})
    assert form.is_valid()
    assert form.cleaned_data["phone_tail"] == "0371"
    html = str(form["phone_tail"])
    assert 'inputmode="numeric"' in html
    assert 'maxlength="4"' in html
