from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bianmin.org.models import Post, Staff


class PostReplaceForm(forms.Form):
    post = forms.ModelChoiceField(queryset=Post.objects.none(), label=_("岗位"), widget=forms.HiddenInput)
    new_staff = forms.ModelChoiceField(
        queryset=Staff.objects.none(),
        label=_("接替人员"),
        help_text=_("只列出可以担任该岗位的本中心在岗人员：一人只能担任一个A岗，同一窗口的A岗和B岗不能由同一人担任。"),
    )
    on = forms.DateField(label=_("调换日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("调换原因"), max_length=200)

    def __init__(self, *args: Any, posts: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]
        self.fields["new_staff"].queryset = staff  # type: ignore[attr-defined]
