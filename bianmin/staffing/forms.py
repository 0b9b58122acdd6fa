from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core.workcalendar import OfficeHours
from bianmin.org.models import Department, Staff, Window
from bianmin.staffing.models import DutyShift, Inspection, Leave
from bianmin.staffing.timekeeping import half_day_end, half_day_start

HALF_CHOICES = [("am", _("上午")), ("pm", _("下午"))]
MAX_PHOTO_BYTES = 5 * 1024 * 1024

DateInput = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TimeInput = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class AttendanceCorrectionForm(forms.Form):
    check_in = forms.TimeField(label=_("签到时间"), required=False, widget=TimeInput)
    check_out = forms.TimeField(label=_("签退时间"), required=False, widget=TimeInput)
    reason = forms.CharField(label=_("更正原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class HalfDayPeriodForm(forms.Form):
    """A period given by half days (上午/下午), turned into moments by the center's office hours."""

    start_date = forms.DateField(label=_("开始日期"), widget=DateInput)
    start_half = forms.ChoiceField(label=_("开始"), choices=HALF_CHOICES, initial="am")
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput)
    end_half = forms.ChoiceField(label=_("结束"), choices=HALF_CHOICES, initial="pm")

    def __init__(self, *args: Any, hours: OfficeHours, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hours = hours

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        tz = timezone.get_default_timezone()
        start = half_day_start(data["start_date"], data["start_half"], self.hours, tz)
        end = half_day_end(data["end_date"], data["end_half"], self.hours, tz)
        if end <= start:
            raise ValidationError(_("结束时间须晚于开始时间。"))
        data["start"], data["end"] = start, end
        return data


class LeaveRequestForm(HalfDayPeriodForm):
    kind = forms.ChoiceField(label=_("请假类别"), choices=Leave.Kind.choices)
    reason = forms.CharField(label=_("请假事由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["kind", "start_date", "start_half", "end_date", "end_half", "reason"]


class LeaveReturnForm(HalfDayPeriodForm):
    start_date = forms.DateField(label=_("实际开始日期"), widget=DateInput)
    end_date = forms.DateField(label=_("实际结束日期"), widget=DateInput)


class LeaveDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审批"), choices=[("approve", _("批准")), ("refuse", _("不予批准"))])
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False)


class DutyShiftForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput)
    start = forms.TimeField(label=_("开始"), widget=TimeInput)
    end = forms.TimeField(label=_("结束"), widget=TimeInput)
    kind = forms.ChoiceField(label=_("类别"), choices=DutyShift.Kind.choices)
    window = forms.ModelChoiceField(
        label=_("窗口"), queryset=Window.objects.none(), required=False, empty_label=_("大厅值班（不固定窗口）")
    )
    staff = forms.ModelChoiceField(label=_("值班人员"), queryset=Staff.objects.none())
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, windows: QuerySet[Window], staff: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("处置说明"), max_length=200)


class InspectionForm(forms.Form):
    inspected_at = forms.DateTimeField(
        label=_("检查时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    window = forms.ModelChoiceField(
        label=_("窗口"), queryset=Window.objects.none(), required=False, empty_label=_("不涉及具体窗口")
    )
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    staff = forms.ModelChoiceField(
        label=_("被检查人"), queryset=Staff.objects.none(), required=False, empty_label=_("不涉及具体人员")
    )
    rule = forms.ChoiceField(label=_("检查事项（§7 内部管理制度）"), choices=Inspection.Rule.choices)
    finding = forms.ChoiceField(label=_("检查结果"), choices=Inspection.Finding.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("情况记录"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.ImageField(label=_("现场照片"), required=False)

    def __init__(self, *args: Any, windows: QuerySet[Window], staff: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise ValidationError(_("照片不能超过 5 MB。"))
        return photo


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("情况说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("对检查结果有不同意见或需要说明情况的，可以提交一次情况说明，随检查记录保存。"),
    )


class SheetFilterForm(forms.Form):
    month = forms.CharField(required=False)
    department = forms.ModelChoiceField(
        label=_("部门"), queryset=Department.objects.none(), required=False, empty_label=_("全部部门")
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


def default_period(day: dt.date) -> dict[str, Any]:
    return {"start_date": day, "start_half": "am", "end_date": day, "end_half": "pm"}
