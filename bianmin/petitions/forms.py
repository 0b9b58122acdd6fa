from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bianmin.core import identifiers
from bianmin.org.models import Staff
from bianmin.petitions.models import (
    MAJOR_DAYS_MAX,
    ORDINARY_DAYS_MAX,
    ORDINARY_DAYS_MIN,
    Petition,
    PetitionReply,
)
from bianmin.petitions.selectors import PetitionFilters


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name}（{obj.job_title}）" if obj.job_title else obj.name


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PetitionForm(forms.Form):
    channel = forms.ChoiceField(label=_("来信来访方式"), choices=Petition.Channel.choices, widget=forms.RadioSelect)
    received_on = forms.DateField(label=_("收到日期"), widget=_date())
    person_name = forms.CharField(label=_("姓名"), max_length=50)
    person_org = forms.CharField(label=_("单位"), max_length=100, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    address = forms.CharField(label=_("通讯地址"), max_length=200, required=False)
    content = forms.CharField(label=_("反映内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    category = forms.ChoiceField(
        label=_("类别"),
        choices=Petition.Category.choices,
        initial=Petition.Category.ORDINARY,
        widget=forms.RadioSelect,
    )


class AssignForm(forms.Form):
    handler = StaffChoiceField(label=_("承办人"), queryset=Staff.objects.none())
    note = forms.CharField(label=_("分办意见"), max_length=500, required=False)

    def __init__(self, *args: Any, handlers: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers  # type: ignore[attr-defined]


class ClassifyForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=Petition.Category.choices)
    reason = forms.CharField(label=_("调整原因"), max_length=500)


class ReplyForm(forms.Form):
    method = forms.ChoiceField(label=_("答复方式"), choices=PetitionReply.Method.choices)
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)


class CloseForm(forms.Form):
    outcome = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    reply_method = forms.ChoiceField(label=_("答复方式"), choices=PetitionReply.Method.choices)
    reply_text = forms.CharField(
        label=_("给来信来访人的答复"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )


class OutsideRemitForm(forms.Form):
    explanation = forms.CharField(
        label=_("不属于办理范围的原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    where_to_go = forms.CharField(label=_("应向何处反映或办理"), max_length=300)
    reply_method = forms.ChoiceField(label=_("答复方式"), choices=PetitionReply.Method.choices)


class SettingsForm(forms.Form):
    ordinary_days = forms.IntegerField(
        label=_("一般事项办理时限（自然日）"), min_value=ORDINARY_DAYS_MIN, max_value=ORDINARY_DAYS_MAX
    )
    major_days = forms.IntegerField(
        label=_("重大事项办理时限（自然日）"), min_value=ORDINARY_DAYS_MIN, max_value=MAJOR_DAYS_MAX
    )


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看事由"), max_length=200)


class PetitionSearchForm(forms.Form):
    start = forms.DateField(label=_("收到日期自"), required=False, widget=_date())
    end = forms.DateField(label=_("至"), required=False, widget=_date())
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *Petition.Status.choices], required=False)
    category = forms.ChoiceField(label=_("类别"), choices=[("", _("全部")), *Petition.Category.choices], required=False)
    channel = forms.ChoiceField(label=_("方式"), choices=[("", _("全部")), *Petition.Channel.choices], required=False)
    handler = StaffChoiceField(label=_("承办人"), queryset=Staff.objects.none(), required=False)
    overdue = forms.BooleanField(label=_("仅看超期"), required=False)
    q = forms.CharField(label=_("姓名、内容或登记号"), max_length=100, required=False)
    phone = forms.CharField(label=_("联系电话（完整号码）"), max_length=40, required=False)

    def __init__(self, *args: Any, handlers: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers  # type: ignore[attr-defined]

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone") or ""
        return identifiers.clean_phone(value) if value.strip() else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def filters(self) -> PetitionFilters:
        if not self.is_valid():
            return PetitionFilters()
        d = self.cleaned_data
        return PetitionFilters(
            start=d.get("start"),
            end=d.get("end"),
            status=d.get("status") or "",
            category=d.get("category") or "",
            channel=d.get("channel") or "",
            handler_id=d["handler"].pk if d.get("handler") else None,
            overdue=bool(d.get("overdue")),
            q=(d.get("q") or "").strip(),
            phone=d.get("phone") or "",
        )
