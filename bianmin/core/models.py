from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
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
    """The audit trail: configuration changes (calendar, organization, posts, roles), logins, exports, seals of the
    personal-data access log. Append-only and hash-chained: each row carries the hash of the previous one (see
    `bianmin.core.audit`); the admin cannot change or delete a row, and on PostgreSQL a trigger refuses it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    # Set before the insert (not auto_now_add) so that the row's hash covers it.
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True, editable=False)
    prev_hash = models.CharField(_("前一条的校验值"), max_length=64, editable=False, default="")
    hash = models.CharField(_("校验值"), max_length=64, editable=False, default="")

    class Meta(EventBase.Meta):
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb}"


class PersonalDataReveal(models.Model):
    """The personal-data access log: every time a staff member sees an unmasked ID number or phone (a reason is
    given), and every view of a page that shows a citizen's name or masked identifiers (`field` is empty), one
    row here: one insert, nothing else on the page's path. Append-only like the audit trail; its rows are sealed
    into the audit hash chain in ranges by the periodic job `core.seal_access_log`."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("字段"), max_length=64)
    reason = models.CharField(_("事由"), max_length=200)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True, editable=False)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="reveal_target_idx")]

    def __str__(self) -> str:
        return f"{self.actor} {self.field} {self.created_at:%Y-%m-%d %H:%M}"


class AuditChainHead(models.Model):
    """The single row (pk=1) every audit append locks: appends queue up here, so two writers never fork the chain.
    It also remembers how far the personal-data access log has been sealed."""

    last_hash = models.CharField(max_length=64, default="")
    sealed_access_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return self.last_hash[:12]


class PeriodicRun(models.Model):
    """One run of a periodic job for one period. The unique (job, period) row is claimed by INSERT: the scheduler
    that inserts it enqueues the job, every other scheduler of the deployment gets an integrity error and moves on."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("已排队")
        RUNNING = "running", _("运行中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")

    job = models.CharField(_("任务"), max_length=100)
    period_key = models.CharField(_("周期"), max_length=40)
    func_path = models.CharField(max_length=200)
    scheduled_for = models.DateTimeField(_("计划时间"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    created_at = models.DateTimeField(_("排队时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=500, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        db_table = "notify_periodicrun"  # moved from notify; the table keeps its name
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")
        ordering = ["-scheduled_for", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "period_key"], name="periodic_run_once_per_period")]

    def __str__(self) -> str:
        return f"{self.job} {self.period_key} {self.get_status_display()}"


class Heartbeat(models.Model):
    """The last sign of life of one background process (a worker, a scheduler) or of the last successful backup.
    One row per (kind, instance), overwritten in place: several workers and schedulers each keep their own row, and
    the health check reads the newest of each kind."""

    class Kind(models.TextChoices):
        WORKER = "worker", _("后台任务进程")
        SCHEDULER = "scheduler", _("定时任务调度")
        BACKUP = "backup", _("备份")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    instance = models.CharField(_("实例"), max_length=200)
    seen_at = models.DateTimeField(_("最近时间"))
    detail = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("运行心跳")
        verbose_name_plural = _("运行心跳")
        ordering = ["kind", "-seen_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "instance"], name="heartbeat_once_per_instance")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.instance} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class PublicWrite(models.Model):
    """One anonymous write from the public (a complaint, a booking, a home-visit request, an Open311 request), by
    its keys (client address, phone number, API key; hashed): the rate limit counts these rows, in the database, so
    every app server process sees the same count."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("公众提交记录")
        verbose_name_plural = _("公众提交记录")
        indexes = [models.Index(fields=["scope", "key", "at"], name="public_write_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.at:%Y-%m-%d %H:%M:%S}"
