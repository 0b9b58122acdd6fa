from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.assignments.models import AssignedTask
from bianmin.org.models import OrgUnit, Staff, Window


class AssignedTaskForm(forms.Form):
    center = forms.ModelChoiceField(label=_("所属中心"), queryset=OrgUnit.objects.none(), empty_label=None)
    source = forms.ChoiceField(label=_("交办来源"), choices=AssignedTask.Source.choices)
    source_reference = forms.CharField(
        label=_("文号"), max_length=100, required=False, help_text=_("上级文件交办时必填，如“惠政办〔2026〕12号”。")
    )
    source_issuer = forms.CharField(label=_("交办单位或领导"), max_length=100)
    title = forms.CharField(label=_("事项名称"), max_length=200)
    content = forms.CharField(label=_("内容和要求"), widget=forms.Textarea(attrs={"rows": 4}))
    responsible_staff = forms.ModelChoiceField(
        label=_("责任人"), queryset=Staff.objects.none(), required=False, empty_label=_("（不指定个人）")
    )
    responsible_window = forms.ModelChoiceField(
        label=_("责任窗口"), queryset=Window.objects.none(), required=False, empty_label=_("（不指定窗口）")
    )
    assigned_at = forms.DateTimeField(
        label=_("交办时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("留空为现在；补登此前收到的文件或电话时填写实际交办时间。"),
    )
    deadline_kind = forms.ChoiceField(label=_("时限方式"), choices=AssignedTask.DeadlineKind.choices)
    deadline_days = forms.IntegerField(label=_("时限天数"), required=False, min_value=0, max_value=365)
    deadline_date = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self,
        *args: Any,
        centers: QuerySet[OrgUnit],
        staff: QuerySet[Staff],
        windows: QuerySet[Window],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers  # type: ignore[attr-defined]
        self.fields["responsible_staff"].queryset = staff  # type: ignore[attr-defined]
        self.fields["responsible_window"].queryset = windows  # type: ignore[attr-defined]
        self.fields["responsible_window"].label_from_instance = (  # type: ignore[attr-defined]
            lambda w: f"{w.center.short_name or w.center.name} {w}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("deadline_kind")
        if kind in (AssignedTask.DeadlineKind.WORKING_DAYS, AssignedTask.DeadlineKind.CALENDAR_DAYS):
            if data.get("deadline_days") is None and "deadline_days" not in self.errors:
                self.add_error("deadline_days", _("请填写时限天数。"))
        elif (
            kind == AssignedTask.DeadlineKind.DATE
            and data.get("deadline_date") is None
            and "deadline_date" not in self.errors
        ):
            self.add_error("deadline_date", _("请填写截止日期。"))
        if data.get("assigned_at") and data["assigned_at"] > timezone.now():
            self.add_error("assigned_at", _("交办时间不能晚于现在。"))
        return data


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("办理进展"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class CompleteForm(forms.Form):
    submitted = forms.CharField(
        label=_("报送内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("报送了什么材料、报给谁、以何种方式。"),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=2000)


class ConfirmForm(forms.Form):
    note = forms.CharField(label=_("确认意见"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class TaskBoardFilter(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *AssignedTask.Status.choices])
    overdue = forms.BooleanField(label=_("只看超期"), required=False)
