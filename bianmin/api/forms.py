from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100, help_text=_("对接的系统或脚本名称，便于日后识别和吊销。"))


class Open311ClientForm(forms.Form):
    name = forms.CharField(label=_("应用名称"), max_length=100)
    contact = forms.CharField(label=_("联系人及联系方式"), max_length=200, required=False)
