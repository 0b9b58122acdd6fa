from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from bianmin.catalog.models import Material, ServiceItem, Step, Theme
from bianmin.catalog.services import ITEM_FIELDS
from bianmin.core.documents import check_document_content
from bianmin.org.models import Department, OrgUnit, Window

LIMIT_MESSAGES = {
    "statutory_limit": _("法定时限不能为负数。"),
    "promised_limit": _("承诺时限不能为负数。"),
    "visits": _("到现场次数不能为负数。"),
}


class ServiceItemForm(forms.ModelForm):  # type: ignore[type-arg]
    owner = forms.ModelChoiceField(
        label=_("目录所属单位"),
        queryset=OrgUnit.objects.none(),
        help_text=_("事项在该单位及其下级单位公开和受理。"),
        error_messages={"required": _("请选择目录所属单位。"), "invalid_choice": _("所选单位不在您的管理范围内。")},
    )

    class Meta:
        model = ServiceItem
        fields = [*ITEM_FIELDS, "joint_departments", "windows", "themes"]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "fee_standard": forms.Textarea(attrs={"rows": 2}),
            "fee_basis": forms.Textarea(attrs={"rows": 2}),
            "joint_departments": forms.CheckboxSelectMultiple,
            "windows": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "name": {"required": _("请填写事项名称。")},
            "code": {"required": _("请填写实施编码。"), "unique": _("该实施编码已被其他事项使用。")},
            "item_type": {"required": _("请选择事项类型。")},
            "department": {"required": _("请选择主管部门。")},
            **{
                name: {"min_value": message, "invalid": _("请填写整数。"), "max_value": _("数值过大。")}
                for name, message in LIMIT_MESSAGES.items()
            },
        }

    def __init__(self, *args: Any, user_departments: Any, owners: Any, windows: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queryset("owner", owners)
        if self.instance.pk:
            self.fields["owner"].initial = self.instance.owner_id
            self.fields["owner"].disabled = True
        self._queryset("department", user_departments)
        self._queryset("joint_departments", user_departments)
        self._queryset("windows", windows)
        self._queryset("themes", Theme.objects.all())
        self._queryset("forward_to", OrgUnit.objects.filter(level=OrgUnit.Level.DISTRICT, is_active=True))
        self.fields["department"].label_from_instance = _department_label  # type: ignore[attr-defined]
        self.fields["joint_departments"].label_from_instance = _department_label  # type: ignore[attr-defined]
        self.fields["windows"].label_from_instance = _window_label  # type: ignore[attr-defined]
        for name in LIMIT_MESSAGES:
            self.fields[name].widget.attrs["min"] = 0

    def _queryset(self, name: str, queryset: Any) -> None:
        cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset  # type: ignore[type-arg]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        statutory, promised = data.get("statutory_limit"), data.get("promised_limit")
        if statutory and promised and promised > statutory:
            self.add_error("promised_limit", _("承诺时限不能超过法定时限。"))
        if data.get("default_mode") == "forwarded" and not data.get("forward_to"):
            self.add_error("forward_to", _("上报件须指定上报单位。"))
        owner, forward_to = data.get("owner") or self.instance.owner_id, data.get("forward_to")
        if forward_to is not None and owner is not None and forward_to == owner:
            self.add_error("forward_to", _("上报单位不能是事项所属单位本身。"))
        return data

    def item_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in [*ITEM_FIELDS, "joint_departments", "windows", "themes"]}


def _department_label(department: Department) -> str:
    return f"{department.name}（{department.org_unit.name}）"


def _window_label(window: Window) -> str:
    return f"{window.center.name} {window.number}号窗口 {window.name}"


ATTACHMENT_TYPES = ["pdf", "doc", "docx", "xls", "xlsx", "wps", "jpg", "jpeg", "png"]
ATTACHMENT_MAX = 10 * 1024 * 1024


def check_attachment(file: Any) -> None:
    if file and getattr(file, "size", 0) > ATTACHMENT_MAX:
        raise ValidationError(_("文件不能超过 10MB。"))


class DefaultedChoiceField(forms.ChoiceField):
    """A choice that falls back to its default when not posted, and does not by itself make a blank row "changed"."""

    def __init__(self, *, default: str, **kwargs: Any) -> None:
        self.default = default
        super().__init__(required=False, initial=default, **kwargs)

    def clean(self, value: Any) -> Any:
        return super().clean(value) or self.default

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(data) and super().has_changed(initial, data)


class MaterialForm(forms.ModelForm):  # type: ignore[type-arg]
    """A material row; the blank form and the sample are documents the public downloads, so only document types."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("blank_form", "sample"):
            field = self.fields[name]
            field.validators += [
                FileExtensionValidator(ATTACHMENT_TYPES, message=_("只能上传 PDF、Word、Excel 或图片文件。")),
                check_attachment,
                check_document_content,
            ]
            field.widget.attrs["accept"] = ",".join(f".{t}" for t in ATTACHMENT_TYPES)
        # Left out of a post (a client from before the choice existed): the original stays with the case, as before.
        self.fields["original"] = DefaultedChoiceField(
            label=Material._meta.get_field("original").verbose_name,
            choices=Material.Original.choices,
            default=Material.Original.KEPT,
        )


class RowsFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def rows(self) -> list[dict[str, Any]]:
        """The kept rows, in order, as plain dicts for the services (existing rows carry their id)."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            row = {k: v for k, v in data.items() if k not in ("DELETE", "item", "id")}
            row["id"] = data["id"].pk if data.get("id") else None
            rows.append(row)
        return rows


MATERIAL_ERRORS: dict[str, Any] = {
    "name": {"required": _("请填写材料名称。")},
    "copies": {"min_value": _("份数不能为负数。"), "invalid": _("请填写整数。")},
}
STEP_ERRORS: dict[str, Any] = {
    "name": {"required": _("请填写环节名称。")},
    "duration_days": {"min_value": _("办理时长不能为负数。"), "invalid": _("请填写整数。")},
}

MaterialFormSet = cast(
    type[RowsFormSet],
    inlineformset_factory(
        ServiceItem,
        Material,
        form=MaterialForm,
        formset=RowsFormSet,
        fields=["name", "kind", "form", "copies", "source", "conditional", "original", "notes", "blank_form", "sample"],
        extra=2,
        can_delete=True,
        widgets={"notes": forms.TextInput()},
        error_messages=MATERIAL_ERRORS,
    ),
)

StepFormSet = cast(
    type[RowsFormSet],
    inlineformset_factory(
        ServiceItem,
        Step,
        formset=RowsFormSet,
        fields=["name", "description", "duration_days", "counts_toward_limit"],
        extra=2,
        can_delete=True,
        widgets={"description": forms.TextInput()},
        error_messages=STEP_ERRORS,
    ),
)


class CompareForm(forms.Form):
    left = forms.TypedChoiceField(label=_("比较"), coerce=int)
    right = forms.TypedChoiceField(label=_("与"), coerce=int)

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, _("第 %(n)s 版") % {"n": n}) for n in numbers]
        for name in ("left", "right"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
            field.choices = choices
            field.error_messages["invalid_choice"] = _("该事项没有这个版本，请从列表中选择。")
            field.error_messages["required"] = _("请选择要比较的两个版本。")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("left") is not None and data.get("left") == data.get("right"):
            raise ValidationError(_("请选择两个不同的版本进行比较。"))
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=200, widget=forms.TextInput())


class ReasonForm(forms.Form):
    note = forms.CharField(
        label=_("理由"),
        max_length=200,
        widget=forms.TextInput(),
        error_messages={"required": _("请填写理由。")},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("事项目录文件（.xlsx）"),
        error_messages={"required": _("请选择要导入的文件。"), "empty": _("上传的文件是空的。")},
    )


def windows_for(owners: Any) -> Any:
    return (
        Window.objects.filter(center__in=owners, is_active=True).select_related("center").order_by("center", "number")
    )


class SynonymSetForm(forms.Form):
    words = forms.CharField(
        label=_("同义词"),
        max_length=300,
        help_text=_("第一个为规范名称，其余为群众常用的俗称、简称，用空格分隔，如：最低生活保障 低保 低保金"),
        error_messages={"required": _("请填写同义词。"), "max_length": _("同义词不能超过300个字符。")},
    )
