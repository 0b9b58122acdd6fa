from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bianmin.cases.forms import material_key, split_by_key
from bianmin.cases.models import CaseMaterial
from bianmin.org.models import OrgUnit, Window


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100, help_text=_("对接的系统或脚本名称，便于日后识别和吊销。"))


class Open311ClientForm(forms.Form):
    name = forms.CharField(label=_("应用名称"), max_length=100)
    contact = forms.CharField(label=_("联系人及联系方式"), max_length=200, required=False)


class PrereviewForm(forms.Form):
    window = forms.ModelChoiceField(label=_("到哪个窗口办理"), queryset=Window.objects.none())
    supplement = forms.CharField(
        label=_("需补充的材料"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项；留空表示材料齐全。申请人将一次性看到全部内容。"),
    )
    note = forms.CharField(
        label=_("预审说明"),
        required=False,
        max_length=500,
        help_text=_("公开给申请人，请勿填写姓名、证件号码等个人信息。"),
    )

    def __init__(self, *args: Any, center: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        window_field = self.fields["window"]
        assert isinstance(window_field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        window_field.queryset = Window.objects.filter(center=center, is_active=True).order_by("number")

    def supplement_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["supplement"].splitlines() if line.strip()]


class MaterialsPresentForm(forms.Form):
    materials = forms.MultipleChoiceField(
        label=_("已核验收取的材料"), widget=forms.CheckboxSelectMultiple, required=True
    )
    form = forms.ChoiceField(label=_("提交形式"), choices=CaseMaterial.Form.choices, initial="both")

    def __init__(self, *args: Any, materials: list[CaseMaterial], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_field = self.fields["materials"]
        assert isinstance(choices_field, forms.MultipleChoiceField)  # noqa: S101 - narrows the type
        # The case's whole checklist: the catalog's materials and what the pre-review told the applicant to bring.
        choices_field.choices = [
            (
                material_key(m),
                f"{m.name}（{'主要材料' if m.kind == 'main' else '一般材料'}"
                f"{'，预审增列' if m.material_id is None else ''}）",
            )
            for m in materials
            if not m.presented and not m.not_applicable
        ]

    def _chosen(self) -> tuple[dict[int, str], dict[int, str]]:
        return split_by_key(dict.fromkeys(self.cleaned_data["materials"], self.cleaned_data["form"]))

    def presented(self) -> dict[int, str]:
        return self._chosen()[0]

    def extras(self) -> dict[int, str]:
        return self._chosen()[1]
