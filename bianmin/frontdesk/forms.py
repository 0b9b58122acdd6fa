from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bianmin.core.forms import add_service_errors
from bianmin.frontdesk.models import Inquiry
from bianmin.frontdesk.selectors import InquiryFilters
from bianmin.org.models import Staff, Window


class WindowChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Window) -> str:
        return f"{obj.number}号窗口 {obj.name}（{obj.center.short_name or obj.center.name}）"


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name}（{obj.job_title}）" if obj.job_title else obj.name


class InquiryForm(forms.Form):
    """The one short entry form at the desk: the order of the fields is the order of the conversation."""

    channel = forms.ChoiceField(
        label=_("方式"), choices=Inquiry.Channel.choices, initial=Inquiry.Channel.IN_PERSON, widget=forms.RadioSelect
    )
    visitor_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    visitor_org = forms.CharField(label=_("单位"), max_length=100, required=False)
    visitor_phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    matter = forms.CharField(label=_("咨询或办理事项"), max_length=300)
    result = forms.ChoiceField(
        label=_("办理结果"), choices=Inquiry.Result.choices, initial=Inquiry.Result.ANSWERED, widget=forms.RadioSelect
    )
    result_note = forms.CharField(
        label=_("结果说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    referred_window = WindowChoiceField(label=_("引荐窗口"), queryset=Window.objects.none(), required=False)
    referred_staff = StaffChoiceField(label=_("引荐经办人"), queryset=Staff.objects.none(), required=False)
    referral_contact = forms.ChoiceField(
        label=_("经办人情况"),
        choices=Inquiry.ReferralContact.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    materials = forms.CharField(
        label=_("收下的材料"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    phone_given = forms.CharField(label=_("告知的联系电话"), max_length=40, required=False)
    window = WindowChoiceField(label=_("接待窗口"), queryset=Window.objects.none(), required=False)

    def __init__(
        self,
        *args: Any,
        referral_windows: QuerySet[Window],
        referral_staff: QuerySet[Staff],
        own_windows: list[Window],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referred_window"].queryset = referral_windows  # type: ignore[attr-defined]
        self.fields["referred_staff"].queryset = referral_staff  # type: ignore[attr-defined]
        if len(own_windows) > 1:
            self.fields["window"].queryset = Window.objects.filter(  # type: ignore[attr-defined]
                pk__in=[w.pk for w in own_windows]
            ).select_related("center")
            self.fields["window"].empty_label = None  # type: ignore[attr-defined]
        else:
            del self.fields["window"]
        self.fields["visitor_name"].widget.attrs.update(
            {"autofocus": True, "list": "recent-visitors", "autocomplete": "off"}
        )
        self.fields["visitor_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["phone_given"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["matter"].widget.attrs.update({"autocomplete": "off"})
        # Choosing a window brings its A and B posts to the top of the person list (htmx; plain select without).
        self.fields["referred_window"].widget.attrs.update(
            {
                "hx-get": reverse("frontdesk:referral_staff"),
                "hx-target": "#id_referred_staff",
                "hx-swap": "innerHTML",
                "hx-trigger": "change",
                # Keep a person already chosen, and let nobody choose while the list is being reordered.
                "hx-include": "#id_referred_staff",
                "hx-disabled-elt": "#id_referred_staff",
            }
        )

    def apply_errors(self, exc: ValidationError) -> None:
        add_service_errors(self, exc)


class InquirySearchForm(forms.Form):
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    staff = StaffChoiceField(label=_("首问责任人"), queryset=Staff.objects.none(), required=False)
    result = forms.ChoiceField(label=_("办理结果"), choices=[("", _("全部")), *Inquiry.Result.choices], required=False)
    channel = forms.ChoiceField(label=_("方式"), choices=[("", _("全部")), *Inquiry.Channel.choices], required=False)
    q = forms.CharField(label=_("事项或姓名"), max_length=100, required=False)

    def __init__(self, *args: Any, staff: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def filters(self) -> InquiryFilters:
        if not self.is_valid():
            return InquiryFilters()
        d = self.cleaned_data
        return InquiryFilters(
            start=d.get("start"),
            end=d.get("end"),
            staff_id=d["staff"].pk if d.get("staff") else None,
            result=d.get("result") or "",
            channel=d.get("channel") or "",
            q=(d.get("q") or "").strip(),
        )


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError(_("起始日期不能晚于截止日期。"))
        return data


class CaseLinkForm(forms.Form):
    case_number = forms.CharField(label=_("办件编号"), max_length=40)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("接收说明"), max_length=500, required=False)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看事由"), max_length=200)
