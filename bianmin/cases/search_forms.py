"""The staff case search's filters, as a GET form: every bad value gets a message in Chinese, never an error page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bianmin.cases.models import Status
from bianmin.cases.search import CaseFilters, applicant_condition
from bianmin.catalog.models import Mode
from bianmin.core.forms import DateInput

# A range longer than this is refused: an export or a "whole history" page is what the date range narrows.
MAX_RANGE_DAYS = 3 * 366
DATE_ERRORS = {"invalid": _("请输入正确的日期，如 2026-03-09。")}


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("办件编号、申请人、证件号码或电话"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：张三、电话后四位 5678"), "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *Status.choices],
        error_messages={"invalid_choice": _("请从列表中选择状态。")},
    )
    mode = forms.ChoiceField(
        label=_("办理方式"),
        required=False,
        choices=[("", _("全部方式")), *Mode.choices],
        error_messages={"invalid_choice": _("请从列表中选择办理方式。")},
    )
    item = forms.TypedChoiceField(label=_("事项"), coerce=int, required=False, empty_value=None)
    window = forms.TypedChoiceField(label=_("受理窗口"), coerce=int, required=False, empty_value=None)
    assignee = forms.TypedChoiceField(label=_("经办人"), coerce=int, required=False, empty_value=None)
    received_from = forms.DateField(
        label=_("接收日期自"), required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )
    received_to = forms.DateField(label=_("至"), required=False, widget=DateInput(), error_messages=DATE_ERRORS)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    mine = forms.BooleanField(label=_("只看我经办的"), required=False)

    def __init__(
        self,
        *args: Any,
        items: Sequence[Any],
        windows: Sequence[Any],
        handlers: Sequence[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choices("item", _("全部事项"), [(i.pk, i.name) for i in items])
        self._choices("window", _("全部窗口"), [(w.pk, f"{w.number}号窗口 {w.name}") for w in windows])
        self._choices("assignee", _("全部经办人"), [(s.pk, s.name) for s in handlers])

    def _choices(self, name: str, everyone: Any, choices: list[tuple[int, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
        field.choices = [("", everyone), *choices]
        field.error_messages["invalid_choice"] = _("所选%(field)s不在您的查询范围内，请重新选择。") % {
            "field": field.label
        }

    def clean_q(self) -> str:
        text: str = self.cleaned_data.get("q") or ""
        applicant_condition(text)  # raises the message for digits that fit nothing
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end:
            if start > end:
                raise ValidationError(_("接收日期的起始日期不能晚于截止日期。"))
            if (end - start).days > MAX_RANGE_DAYS:
                raise ValidationError(_("接收日期范围不能超过三年，请缩小范围。"))
        return data

    def filters(self, *, my_staff_id: int | None) -> CaseFilters:
        """The filters of a valid form; "mine" is the user's own staff record (none: nothing is theirs)."""
        d = self.cleaned_data
        assignee = d.get("assignee")
        if d.get("mine"):
            assignee = my_staff_id if my_staff_id is not None else 0
        return CaseFilters(
            text=d.get("q") or "",
            status=d.get("status") or "",
            mode=d.get("mode") or "",
            item_id=d.get("item"),
            window_id=d.get("window"),
            assignee_id=assignee,
            received_from=d.get("received_from"),
            received_to=d.get("received_to"),
            overdue=bool(d.get("overdue")),
        )
