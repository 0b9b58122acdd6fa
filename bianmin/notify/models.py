from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core.models import EventBase
from bianmin.core.personal_data import EncryptedCharField


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class Notification(models.Model):
    """One message to one recipient on one channel. `(key, channel)` is unique: the same event is never sent twice,
    whoever retries it and however many workers run."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("发送失败")
        SKIPPED = "skipped", _("未发送")

    key = models.CharField(_("事件标识"), max_length=200)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    template = models.CharField(_("消息模板"), max_length=48)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # A citizen's number, kept encrypted and read only when the message goes out; staff numbers are read from
    # their staff record at that moment instead.
    phone = EncryptedCharField(_("手机号码"), blank=True, default="")
    to_display = models.CharField(_("接收方"), max_length=100, help_text=_("已脱敏。"))
    center = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("所属中心"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知消息")
        verbose_name_plural = _("通知消息")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key", "channel"], name="notification_once_per_event")]
        indexes = [
            models.Index(fields=["recipient_user", "channel", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.to_display} {self.title}"

    @property
    def is_unread(self) -> bool:
        return self.channel == Channel.IN_APP and self.read_at is None


class NotificationEvent(EventBase):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("通知记录")
        verbose_name_plural = _("通知记录")


class Inbox(models.Model):
    """How many in-app messages a user has not read yet: the bell on every staff page. Kept by the services that
    send and mark messages (`notify.services`), in the same transaction, by increments under the row's lock, so it
    stays exact with any number of workers; the sign-in reads it with the user (no query of its own). A user with
    no row has no unread message. `manage.py notify_recount_inboxes` recounts every row from the messages."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notify_inbox"
    )
    unread = models.PositiveIntegerField(_("未读消息"), default=0)

    class Meta:
        verbose_name = _("站内消息计数")
        verbose_name_plural = _("站内消息计数")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.unread}"
