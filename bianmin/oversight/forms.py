from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core.forms import PhoneTailField
from bianmin.org.models import Staff, Window
from bianmin.oversight.models import Accountability, Complaint, Rating
from bianmin.oversight.selectors import ComplaintFilters


class ComplaintForm(forms.Form):
    content = forms.CharField(label=_("投诉内容"), widget=forms.Textarea, max_length=2000)
    window_number = forms.IntegerField(label=_("窗口号（可不填）"), required=False, min_value=1)
    staff_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("姓名（可不填）"), required=False, max_length=60)
    phone = forms.CharField(label=_("联系电话（可不填）"), required=False, max_length=32)


class ComplaintLookupForm(forms.Form):
    number = forms.CharField(
        label=_("投诉编号"), max_length=20, widget=forms.TextInput(attrs={"placeholder": "TS2026000001"})
    )
    phone_tail = PhoneTailField(label=_("联系电话后四位"))


class StaffComplaintForm(forms.Form):
    """A complaint received by phone or at the staff board, entered by staff."""

    channel = forms.ChoiceField(
        label=_("渠道"),
        choices=[(Complaint.Channel.PHONE, _("电话投诉")), (Complaint.Channel.BOARD, _("公示栏投诉"))],
    )
    content = forms.CharField(label=_("投诉内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    window = forms.ModelChoiceField(label=_("被投诉窗口"), queryset=Window.objects.none(), required=False)
    staff = forms.ModelChoiceField(label=_("被投诉人"), queryset=Staff.objects.none(), required=False)
    name = forms.CharField(label=_("投诉人姓名（可不填）"), required=False, max_length=60)
    phone = forms.CharField(label=_("联系电话（可不填）"), required=False, max_length=32)

    def __init__(self, *args: Any, windows: QuerySet[Window], staff: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


class ComplaintFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Complaint.Status.choices])
    finding = forms.ChoiceField(
        label=_("认定结果"),
        required=False,
        choices=[("", _("全部")), (Complaint.Finding.FOUNDED, _("属实")), (Complaint.Finding.UNFOUNDED, _("不属实"))],
    )
    overdue = forms.BooleanField(label=_("只看超期未答复"), required=False)

    def filters(self) -> ComplaintFilters:
        if not self.is_bound or not self.is_valid():
            return ComplaintFilters()
        d = self.cleaned_data
        return ComplaintFilters(status=d["status"], finding=d["finding"], overdue=d["overdue"])


class AssignForm(forms.Form):
    inspector = forms.ModelChoiceField(label=_("调查人"), queryset=Staff.objects.none())

    def __init__(self, *args: Any, investigators: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = investigators  # type: ignore[attr-defined]


class ResponsibleChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    proposed: set[int] = set()

    def label_from_instance(self, obj: Any) -> str:
        label = f"{obj.name}（{obj.job_title}）" if obj.job_title else obj.name
        return f"{label} · {_('系统建议')}" if obj.pk in self.proposed else label


class DecideForm(forms.Form):
    evidence = forms.CharField(label=_("调查情况和证据"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    finding = forms.ChoiceField(
        label=_("认定结果"),
        choices=[(Complaint.Finding.FOUNDED, _("属实")), (Complaint.Finding.UNFOUNDED, _("不属实"))],
        widget=forms.RadioSelect,
    )
    responsible = ResponsibleChoiceField(
        label=_("责任人（属实时）"),
        queryset=Staff.objects.none(),
        required=False,
        empty_label=_("暂不确定，由中心主任认定"),
        help_text=_("系统按投诉时的岗位、值班和考勤情况提出建议；投诉时正在休假（已批准）的人员不列入。"),
    )
    violation = forms.ChoiceField(
        label=_("违规情形（属实时）"), choices=Accountability.Violation.choices, required=False
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Staff] | None = None,
        proposed: list[Staff] | None = None,
        **kwargs: Any,
    ) -> None:
        """`people`: whom the inspector may name; `proposed`: the system's proposal, best first."""
        super().__init__(*args, **kwargs)
        field = self.fields["responsible"]
        field.queryset = people if people is not None else Staff.objects.none()  # type: ignore[attr-defined]
        field.proposed = {s.pk for s in proposed or []}  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class SanctionForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("责任人"), queryset=Staff.objects.none(), required=False)
    sanction = forms.ChoiceField(
        label=_("处理方式"), choices=[c for c in Accountability.Sanction.choices if c[0]], widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("决定理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, staff: QuerySet[Staff] | None = None, **kwargs: Any) -> None:
        """`staff`: the people to choose the responsible one from, when the record names nobody yet."""
        super().__init__(*args, **kwargs)
        if staff is None:
            del self.fields["staff"]
        else:
            self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


class RecordForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("责任人"), queryset=Staff.objects.none(), required=False)
    violation = forms.ChoiceField(label=_("违规情形"), choices=Accountability.Violation.choices)
    summary = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=300)
    case_number = forms.CharField(label=_("相关办件编号（可不填）"), required=False, max_length=40)

    def __init__(self, *args: Any, staff: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


LEVELS = Rating.Level.choices


class RatingForm(forms.Form):
    overall = forms.TypedChoiceField(label=_("总体评价"), choices=LEVELS, coerce=int, widget=forms.RadioSelect)
    efficiency = forms.TypedChoiceField(label=_("办事效率"), choices=LEVELS, coerce=int, widget=forms.RadioSelect)
    service = forms.TypedChoiceField(label=_("服务水平"), choices=LEVELS, coerce=int, widget=forms.RadioSelect)
    attitude = forms.TypedChoiceField(label=_("服务态度"), choices=LEVELS, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("意见建议（可不填）"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class RectifyForm(forms.Form):
    action = forms.CharField(label=_("整改措施和完成情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class CallbackForm(forms.Form):
    called_on = forms.DateField(label=_("回访日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    outcome = forms.ChoiceField(label=_("回访结果"), choices=Rating.CallbackOutcome.choices)
    note = forms.CharField(
        label=_("回访情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean_called_on(self) -> Any:
        value = self.cleaned_data["called_on"]
        if value > timezone.localdate():
            raise ValidationError(_("回访日期不能晚于今天。"))
        return value


class AppealDecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("复核结论"),
        choices=[("1", _("申诉成立，该评价不计入统计")), ("0", _("申诉不成立"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class SettingsForm(forms.Form):
    complaint_reply_days = forms.IntegerField(label=_("投诉答复期限（工作日）"), min_value=1, max_value=30)
    rectification_days = forms.IntegerField(label=_("差评整改期限（工作日）"), min_value=1, max_value=20)


class BulkDecisionForm(forms.Form):
    """One decision (a sanction, or dismissal) with one reason for the records ticked on the list."""

    DECIDE, DISMISS = "decide", "dismiss"
    action = forms.ChoiceField(label=_("批量操作"), choices=[(DECIDE, _("确认并作出处理决定")), (DISMISS, _("排除"))])
    sanction = forms.ChoiceField(
        label=_("处理方式"), choices=[("", "—")] + [c for c in Accountability.Sanction.choices if c[0]], required=False
    )
    reason = forms.CharField(label=_("理由"), max_length=2000)
    ids = forms.TypedMultipleChoiceField(label=_("记录"), coerce=int, choices=[])

    def __init__(self, *args: Any, ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(pk, pk) for pk in ids]  # type: ignore[attr-defined]
        self.fields["ids"].error_messages["required"] = _("请至少选择一条记录。")
        self.fields["ids"].error_messages["invalid_choice"] = _("所选记录不存在或无权处理。")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == self.DECIDE and not data.get("sanction"):
            self.add_error("sanction", _("请选择处理方式。"))
        return data
