from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A date whose status differs from the plain weekday/weekend rule, or is annotated (§6(2))."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("国家法定（节假日安排）")
        ADMIN = "admin", _("特殊情况通知")

    date = models.DateField(_("日期"))
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=100)
    reason = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date", "source"]
        constraints = [models.UniqueConstraint(fields=["date", "source"], name="calendar_day_unique_per_source")]

    def __str__(self) -> str:
        status = _("上班") if self.is_workday else _("休息")
        return f"{self.date:%Y-%m-%d} {self.name}（{status}）"


class SerialCounter(models.Model):
    """The last number issued in a sequence; locked by the transaction that issues the next one."""

    scope = models.CharField(max_length=64)
    kind = models.CharField(max_length=32)
    year = models.PositiveIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("编号计数器")
        verbose_name_plural = _("编号计数器")
        constraints = [models.UniqueConstraint(fields=["scope", "kind", "year"], name="serial_counter_unique")]

    def __str__(self) -> str:
        return f"{self.scope}/{self.kind}/{self.year}: {self.value}"


class EventBase(models.Model):
    """A state change or action: who, when, from, to, note. Apps subclass it with a foreign key to their object."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verb = models.CharField(_("动作"), max_length=48)
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class AuditEvent(EventBase):
    """Trace of configuration changes (calendar, organization, posts) on any object."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")

    class Meta(EventBase.Meta):
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb}"


class PersonalDataReveal(models.Model):
    """Every time a staff member sees an unmasked ID number or phone, one row here."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("字段"), max_length=64)
    reason = models.CharField(_("事由"), max_length=200)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="reveal_target_idx")]

    def __str__(self) -> str:
        return f"{self.actor} {self.field} {self.created_at:%Y-%m-%d %H:%M}"
