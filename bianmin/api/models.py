"""Credentials of programs that use Bianmin: staff integration tokens (REST API) and Open311 client keys.

Secrets are shown once, when issued; only their SHA-256 digest is stored, with a short prefix that lets a
person tell their tokens apart.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.core.personal_data import EncryptedCharField


class CredentialBase(models.Model):
    prefix = models.CharField(_("前缀"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiToken(CredentialBase):
    """A bearer token that lets a program act as one staff account, with that account's role and scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("所属账号"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class Open311Client(CredentialBase):
    """A client application allowed to submit online applications through Open311 (its `api_key`)."""

    name = models.CharField(_("应用名称"), max_length=100)
    contact = models.CharField(_("联系人及联系方式"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Open311 应用")
        verbose_name_plural = _("Open311 应用")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class OnlineApplication(models.Model):
    """An application submitted through Open311 (网上申报): the channel's own data beside the case it created.

    Nothing here is published as it is: the public request record is built from the case's progress, and the
    applicant's description, e-mail and location stay internal."""

    case = models.OneToOneField("cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="online")
    client = models.ForeignKey(
        Open311Client, verbose_name=_("提交应用"), on_delete=models.PROTECT, related_name="applications"
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    address_string = models.CharField(_("地址"), max_length=300, blank=True)
    address_id = models.CharField(_("地址编码"), max_length=100, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    long = models.FloatField(_("经度"), null=True, blank=True)
    description = models.TextField(_("申请说明"), blank=True)
    email = EncryptedCharField(_("电子邮箱"), blank=True, default="")
    device_id = models.CharField(_("设备标识"), max_length=100, blank=True)
    account_id = models.CharField(_("应用账号"), max_length=100, blank=True)
    has_materials = models.JSONField(_("申请人已备齐的材料"), default=list)
    service_notice = models.TextField(_("一次性告知内容"))
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("网上申报")
        verbose_name_plural = _("网上申报")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.case_id)
