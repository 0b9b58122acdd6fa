from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.renderers import DjangoTemplates
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """`<input type="date">`, whose value must be ISO (`YYYY-MM-DD`) whatever the locale shows elsewhere."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or ISO_DATE)


DJANGO_EMPTY_LABEL = "---------"
EMPTY_LABEL = _("请选择…")
SENTENCE_ENDS = ":?.!：？。！"


_BLANK_FORMS: dict[tuple[type[forms.BaseForm], str, str], SafeString] = {}


class SharedFields(dict[str, forms.Field]):
    """A form class's declared fields, shared by its forms rather than copied into each (`share_fields`): Django
    deep-copies every declared field, its widget and its choices into each new form so that one form may change its
    own, ~30 µs a field; a form that changes only some of them names those (`copied`) and shares the rest, which it
    must then never change (nor its widgets' attributes). Fields are only read while a form cleans or renders."""

    def __init__(self, fields: dict[str, forms.Field], copied: frozenset[str]) -> None:
        super().__init__(fields)
        self.copied = copied

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {name: copy.deepcopy(field, memo) if name in self.copied else field for name, field in self.items()}


def share_fields(form_class: type[forms.BaseForm], *, copied: tuple[str, ...] = ()) -> None:
    """Make the forms of `form_class` share its declared fields but `copied` (`SharedFields`)."""
    declared: dict[str, forms.Field] = form_class.base_fields  # type: ignore[attr-defined]  # set by Django's metaclass
    unknown = set(copied) - set(declared)
    if unknown:
        raise ValueError(f"{form_class.__name__} has no fields {sorted(unknown)}")
    form_class.base_fields = SharedFields(declared, frozenset(copied))  # type: ignore[attr-defined]


class PhoneTailField(forms.CharField):
    """The last four digits of a phone number, as the public lookups ask for them: said plainly when missing or not
    four digits (Django's own message for a short text reads "确保该变量至少包含 4 字符")."""

    def __init__(self, *, label: Any, **kwargs: Any) -> None:
        wrong = format_lazy(_("{label}应为 4 位数字。"), label=label)
        super().__init__(
            label=label,
            # One check, one message (a length check beside it would say the same thing twice); ASCII digits only,
            # as the case holds them.
            validators=[RegexValidator(r"^[0-9]{4}$", wrong)],
            error_messages={"required": format_lazy(_("请填写{label}。"), label=label)},
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}),
            **kwargs,
        )


def blank_form_html(form_class: type[forms.BaseForm], template_name: str) -> SafeString:
    """The fields of an empty `form_class` form as `template_name` renders them (given `form`), once per process
    and language: on a small public page the form's widget templates are most of the rendering, and an unbound
    form without initial values renders the same for everyone. Only for forms whose fields, choices and initial
    values depend on nothing but the code (not on the request, the user or the database)."""
    key = (form_class, template_name, get_language() or "")
    html = _BLANK_FORMS.get(key)
    if html is None:
        html = _BLANK_FORMS[key] = render_to_string(template_name, {"form": form_class()})
    return html


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class BoundField(forms.BoundField):
    """Every form's fields, whatever app defines them (FORM_RENDERER below): a select offers "请选择…" instead
    of Django's "---------", and a label ends in a full-width colon in Chinese ("投诉内容：", not "投诉内容:")."""

    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        super().__init__(form, field, name)
        if getattr(field, "empty_label", None) == DJANGO_EMPTY_LABEL:
            field.empty_label = EMPTY_LABEL  # type: ignore[attr-defined]
        choices = getattr(field.widget, "choices", None)
        if isinstance(choices, list) and any(label == DJANGO_EMPTY_LABEL for _value, label in choices):
            field.widget.choices = [
                (value, EMPTY_LABEL if label == DJANGO_EMPTY_LABEL else label) for value, label in choices
            ]

    def label_tag(self, contents: Any = None, attrs: Any = None, label_suffix: Any = None, tag: Any = None) -> Any:
        own = self.field.label_suffix if self.field.label_suffix is not None else self.form.label_suffix
        text = str(contents if contents is not None else self.label or "")
        if text and text[-1] in SENTENCE_ENDS:
            label_suffix = ""
        elif label_suffix is None and str(own) == ":" and _is_chinese(text[-1:]):
            # By the label's own words, not the request's language: the labels are Chinese whatever the browser.
            label_suffix = "："
        return super().label_tag(contents, attrs, label_suffix, tag)


def _is_chinese(char: str) -> bool:
    return bool(char) and ("\u4e00" <= char <= "\u9fff" or char in "）】》”")


class FormRenderer(DjangoTemplates):
    bound_field_class = BoundField


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("当日安排"),
        choices=[("0", _("休息（不计工作日）")), ("1", _("上班（计为工作日）"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class CalendarRemoveForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)
