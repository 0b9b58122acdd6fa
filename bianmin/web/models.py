from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountSecurity(models.Model):
    """What the login asks of an account beyond its password: a password set by an administrator must be replaced
    by the user's own at the next login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="account_security"
    )
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("本人修改密码时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号安全")
        verbose_name_plural = _("账号安全")

    def __str__(self) -> str:
        return str(self.user)
