from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bianmin.org.models import Post, Staff


class PostReplaceForm(forms.Form):
    post = forms.ModelChoiceField(queryset=Post.objects.none(), label=_("岗位"))
    new_staff = forms.ModelChoiceField(queryset=Staff.objects.none(), label=_("接替人员"))
    on = forms.DateField(label=_("调换日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("调换原因"), max_length=200)

    def __init__(self, *args: Any, posts: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]
        self.fields["new_staff"].queryset = staff  # type: ignore[attr-defined]
