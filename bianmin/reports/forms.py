from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

SCORE = {"min_value": Decimal(0), "max_value": Decimal(100), "max_digits": 4, "decimal_places": 1}


class AssessmentSettingsForm(forms.Form):
    center_weight = forms.IntegerField(
        label=_("中心考核权重（%）"),
        min_value=0,
        max_value=100,
        help_text=_("派出部门考核权重为 100 减去此数。"),
    )
    pass_mark = forms.DecimalField(label=_("合格分数线"), **SCORE)  # type: ignore[arg-type]


class AssessmentScoreForm(forms.Form):
    center_score = forms.DecimalField(label=_("中心考核得分"), required=False, **SCORE)  # type: ignore[arg-type]
    department_score = forms.DecimalField(
        label=_("派出部门考核得分"),
        required=False,
        help_text=_("由工作人员所属部门评定后录入。"),
        **SCORE,  # type: ignore[arg-type]
    )
    remarks = forms.CharField(label=_("主任评语"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
