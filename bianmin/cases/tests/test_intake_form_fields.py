"""The intake form shares its declared fields (`core.forms.share_fields`): each form's window choices and pickers
are its own, its checklist fields are made once per checklist and language."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from bianmin.cases.forms import IntakeForm


def _intake(materials: list[dict[str, Any]], windows: tuple[Any, ...] = ()) -> IntakeForm:
    return IntakeForm(None, materials=materials, windows=list(windows), staff=lambda: None)  # type: ignore[arg-type,return-value]


def test_intake_forms_share_their_checklist_but_not_their_window_or_pickers():
    materials = [{"id": 11, "name": "居民身份证", "form": "copy"}, {"id": 12, "name": "户口簿", "conditional": True}]
    one, two = _intake(materials), _intake(materials)

    assert one.fields["p_11"] is two.fields["p_11"]
    assert one.fields["f_12"] is two.fields["f_12"]
    assert one.fields["applicant_name"] is two.fields["applicant_name"]
    for name in ("window", "handover_to", "proxy_agent"):
        assert one.fields[name] is not two.fields[name]
        assert one.fields[name].widget.choices.field is one.fields[name]  # lists its own form's choices
    assert one.fields["f_11"].initial == "copy"
    assert "na_12" in one.fields
    assert "na_11" not in one.fields
    other = _intake([{"id": 11, "name": "居民身份证", "form": "original"}])  # another checklist: its own fields
    assert other.fields["f_11"] is not one.fields["f_11"]
    assert other.fields["f_11"].initial == "original"


def test_the_checklists_words_are_in_each_forms_language():
    materials = [{"id": 21, "name": "营业执照"}]
    with translation.override("zh-hans"):
        chinese = _intake(materials)
    with translation.override("en"):
        english = _intake(materials)

    assert chinese.fields["f_21"] is not english.fields["f_21"]
    assert chinese.fields["f_21"].widget.attrs["aria-label"] == "营业执照的提交形式"
