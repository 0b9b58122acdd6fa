from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bianmin.notify.models import Channel, Notification


class MessageLogFilter(forms.Form):
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部")), *Channel.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Notification.Status.choices])
