from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ComplaintForm(forms.Form):
    content = forms.CharField(label=_("投诉内容"), widget=forms.Textarea, max_length=2000)
    window_number = forms.IntegerField(label=_("窗口号（可不填）"), required=False, min_value=1)
    name = forms.CharField(label=_("姓名（可不填）"), required=False, max_length=60)
    phone = forms.CharField(label=_("联系电话（可不填）"), required=False, max_length=32)
