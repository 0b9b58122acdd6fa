from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("当日安排"),
        choices=[("0", _("休息（不计工作日）")), ("1", _("上班（计为工作日）"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class CalendarRemoveForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class AuditSearchForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("记录类别"),
        choices=[("audit", _("操作记录")), ("access", _("个人信息查看记录"))],
        required=False,
    )
    username = forms.CharField(label=_("账号"), max_length=150, required=False)
    verb = forms.CharField(label=_("动作"), max_length=48, required=False)
    start = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data


class LoginForm(AuthenticationForm):
    remember = forms.BooleanField(label=_("在本机保持登录（关闭浏览器后不退出）"), required=False)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("身份验证器上的 6 位数字，或一个 8 位恢复码。"),
    )
