from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bianmin.catalog.models import ServiceItem
from bianmin.core.forms import PhoneTailField
from bianmin.hall.models import AppointmentSlot, HallSettings, HomeVisit, ProxyCase, QueueCategory, Ticket
from bianmin.org.models import OrgUnit, Staff, Window

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _time(label: Any) -> forms.TimeField:
    return forms.TimeField(label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


def _datetime(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_LOCAL,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class SlotChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        from django.utils import timezone

        start, end = timezone.localtime(obj.starts_at), timezone.localtime(obj.ends_at)
        where = f"{obj.window.number}号窗口" if obj.window else ""
        extended = "（延时服务）" if obj.is_extended else ""
        return f"{start:%m月%d日} {start:%H:%M}–{end:%H:%M} {where}{extended} 余{obj.remaining}个"


def _slot_queryset(slots: list[AppointmentSlot]) -> QuerySet[AppointmentSlot]:
    return (
        AppointmentSlot.objects.filter(pk__in=[s.pk for s in slots])
        .select_related("window")
        .order_by("starts_at", "window__number")
    )


class ItemChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


# --- Public: kiosk, booking -----------------------------------------------------------------------------------


class KioskForm(forms.Form):
    category = forms.ModelChoiceField(queryset=QueueCategory.objects.none(), label=_("业务类别"))
    priority = forms.ChoiceField(
        label=_("优先服务"),
        required=False,
        choices=[("", _("普通"))]
        + [
            (value, label)
            for value, label in Ticket.Priority.choices
            if value in (Ticket.Priority.ELDERLY, Ticket.Priority.DISABLED, Ticket.Priority.PREGNANT)
        ],
    )

    def __init__(self, *args: Any, categories: QuerySet[QueueCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class BookingForm(forms.Form):
    item = ItemChoiceField(queryset=ServiceItem.objects.none(), label=_("办理事项"), required=False)
    item_name = forms.CharField(label=_("办理事项"), max_length=200, required=False)
    slot = SlotChoiceField(
        queryset=AppointmentSlot.objects.none(), label=_("预约时段"), widget=forms.RadioSelect, empty_label=None
    )
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    id_number = forms.CharField(label=_("公民身份号码（选填）"), max_length=20, required=False)

    def __init__(self, *args: Any, items: QuerySet[ServiceItem], slots: list[AppointmentSlot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["slot"].queryset = _slot_queryset(slots)  # type: ignore[attr-defined]
        self.has_items = items.exists()
        if self.has_items:
            del self.fields["item_name"]
            self.fields["item"].required = True
        else:
            del self.fields["item"]
            self.fields["item_name"].required = True


class LookupForm(forms.Form):
    number = forms.CharField(label=_("预约号"), max_length=24)
    phone_tail = PhoneTailField(label=_("预约手机号码后四位"))


class ChangeForm(forms.Form):
    slot = SlotChoiceField(
        queryset=AppointmentSlot.objects.none(), label=_("新的预约时段"), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args: Any, slots: list[AppointmentSlot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = _slot_queryset(slots)  # type: ignore[attr-defined]


class HomeVisitRequestForm(forms.Form):
    name = forms.CharField(label=_("服务对象姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    community = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("所在社区（村）"), required=False)
    address = forms.CharField(label=_("上门地址"), max_length=200)
    item = ItemChoiceField(queryset=ServiceItem.objects.none(), label=_("办理事项"), required=False)
    item_name = forms.CharField(label=_("其他事项"), max_length=200, required=False)
    reason = forms.ChoiceField(label=_("申请原因"), choices=HomeVisit.Reason.choices)
    reason_detail = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, communities: QuerySet[OrgUnit], items: QuerySet[ServiceItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        self.fields["item"].queryset = items  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("item") and not (data.get("item_name") or "").strip():
            self.add_error("item_name", _("请选择或填写需要办理的事项。"))
        return data


class HomeVisitForm(HomeVisitRequestForm):
    channel = forms.ChoiceField(label=_("申请方式"), choices=HomeVisit.Channel.choices)


# --- Staff: counter ------------------------------------------------------------------------------------------


class TransferForm(forms.Form):
    to_window = forms.ModelChoiceField(
        queryset=Window.objects.none(), label=_("转至窗口"), empty_label=_("选择转至的窗口")
    )
    note = forms.CharField(
        label=_("转窗说明"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("转窗说明（选填）")}),
    )

    def __init__(self, *args: Any, windows: QuerySet[Window], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_window"].queryset = windows  # type: ignore[attr-defined]


# --- Staff: hall management ----------------------------------------------------------------------------------


class GenerateSlotsForm(forms.Form):
    category = forms.ModelChoiceField(queryset=QueueCategory.objects.none(), label=_("业务类别"))
    window = forms.ModelChoiceField(
        queryset=Window.objects.none(), label=_("窗口"), required=False, empty_label=_("该类别的任一窗口")
    )
    first = _date(_("开始日期"))
    last = _date(_("结束日期"))
    minutes = forms.IntegerField(label=_("时段长度（分钟）"), min_value=10, max_value=240)
    capacity = forms.IntegerField(label=_("每时段名额"), min_value=1, max_value=100)

    def __init__(
        self, *args: Any, categories: QuerySet[QueueCategory], windows: QuerySet[Window], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]


class BlockRangeForm(forms.Form):
    day = _date(_("日期"))
    start = _time(_("开始时间"))
    end = _time(_("结束时间"))
    reason = forms.CharField(label=_("停约原因"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class ExtendedHoursForm(forms.Form):
    date = _date(_("日期"))
    start = _time(_("开始时间"))
    end = _time(_("结束时间"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False, help_text=_("例如“午间延时服务”。"))


class HallSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = HallSettings
        fields = [
            "priority_cap",
            "booking_daily_limit",
            "booking_days_ahead",
            "slot_minutes",
            "slot_capacity",
            "checkin_grace_minutes",
        ]


class AssignForm(forms.Form):
    assignees = forms.ModelMultipleChoiceField(
        queryset=Staff.objects.none(), label=_("上门人员"), widget=forms.CheckboxSelectMultiple
    )
    scheduled_at = _datetime(_("上门时间"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, staff: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = staff  # type: ignore[attr-defined]


class RecordForm(forms.Form):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=HomeVisit.Outcome.choices)
    outcome_note = forms.CharField(label=_("结果说明"), widget=forms.Textarea(attrs={"rows": 3}))
    visited_at = _datetime(_("实际上门时间"))
    case_number = forms.CharField(label=_("办件编号"), max_length=40, required=False)


class ProxyForm(forms.Form):
    applicant_name = forms.CharField(label=_("委托人（申请人）姓名"), max_length=100)
    applicant_phone = forms.CharField(label=_("委托人联系电话"), max_length=20)
    applicant_id_number = forms.CharField(label=_("委托人公民身份号码（选填）"), max_length=20, required=False)
    agent_kind = forms.ChoiceField(label=_("代办人类别"), choices=ProxyCase.AgentKind.choices)
    agent_staff = forms.ModelChoiceField(queryset=Staff.objects.none(), label=_("代办人员"), required=False)
    agent_name = forms.CharField(label=_("代办人姓名（社区代办员）"), max_length=50, required=False)
    item = ItemChoiceField(queryset=ServiceItem.objects.none(), label=_("代办事项"), required=False)
    item_name = forms.CharField(label=_("其他事项"), max_length=200, required=False)
    authorization = forms.ChoiceField(label=_("授权方式"), choices=ProxyCase.Authorization.choices)
    authorized_on = _date(_("授权日期"))
    authorization_note = forms.CharField(label=_("授权内容"), widget=forms.Textarea(attrs={"rows": 3}))
    case_number = forms.CharField(label=_("办件编号（已受理的）"), max_length=40, required=False)

    def __init__(self, *args: Any, staff: QuerySet[Staff], items: QuerySet[ServiceItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent_staff"].queryset = staff  # type: ignore[attr-defined]
        self.fields["item"].queryset = items  # type: ignore[attr-defined]


class LinkCaseForm(forms.Form):
    case_number = forms.CharField(label=_("办件编号"), max_length=40)


class AdvanceForm(forms.Form):
    to_status = forms.ChoiceField(label=_("新状态"), choices=ProxyCase.Status.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
