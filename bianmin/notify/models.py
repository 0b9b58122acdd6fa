from __future__ import annotations

import datetime as dt

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
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")
        ordering = ["-scheduled_for", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "period_key"], name="periodic_run_once_per_period")]

    def __str__(self) -> str:
        return f"{self.job} {self.period_key} {self.get_status_display()}"


class AssignedTask(models.Model):
    """交办事项 (§8(2)3, §8(2)6): a report or material a superior asks for by document or phone, or work a leader
    assigns, with its deadline, progress, completion and confirmation."""

    class Source(models.TextChoices):
        DOCUMENT = "document", _("上级文件")
        PHONE = "phone", _("电话通知")
        LEADER = "leader", _("领导交办")

    class DeadlineKind(models.TextChoices):
        WORKING_DAYS = "working", _("工作日")
        CALENDAR_DAYS = "calendar", _("自然日")
        DATE = "date", _("指定日期")

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        SUBMITTED = "submitted", _("已报办结，待确认")
        CONFIRMED = "confirmed", _("已确认办结")
        CANCELLED = "cancelled", _("已撤销")

    center = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("所属中心"), on_delete=models.PROTECT, related_name="assigned_tasks"
    )
    number = models.CharField(_("交办编号"), max_length=40, unique=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    source_reference = models.CharField(_("文号"), max_length=100, blank=True)
    source_issuer = models.CharField(_("交办单位或领导"), max_length=100)
    title = models.CharField(_("事项名称"), max_length=200)
    content = models.TextField(_("内容和要求"))
    responsible_staff = models.ForeignKey(
        "org.Staff",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
    )
    responsible_window = models.ForeignKey(
        "org.Window",
        verbose_name=_("责任窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
    )
    assigned_at = models.DateTimeField(_("交办时间"))
    deadline_kind = models.CharField(_("时限方式"), max_length=16, choices=DeadlineKind.choices)
    deadline_days = models.PositiveSmallIntegerField(_("时限天数"), null=True, blank=True)
    deadline_date = models.DateField(_("截止日期"), null=True, blank=True)
    due_at = models.DateTimeField(_("办理时限"), db_index=True)
    deadline_explain = models.JSONField(_("时限计算说明"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    completed_at = models.DateTimeField(_("报办结时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted = models.TextField(_("报送内容"), blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("交办事项")
        verbose_name_plural = _("交办事项")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["center", "status", "due_at"], name="assigned_task_board_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.status == self.Status.OPEN and self.due_at < (now or timezone.now())

    @property
    def finished_late(self) -> bool:
        return self.completed_at is not None and self.completed_at > self.due_at

    @property
    def responsible_display(self) -> str:
        parts = []
        if self.responsible_window_id:
            parts.append(str(self.responsible_window))
        if self.responsible_staff_id:
            parts.append(str(self.responsible_staff))
        return "，".join(parts)


class AssignedTaskEvent(EventBase):
    task = models.ForeignKey(AssignedTask, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("交办事项记录")
        verbose_name_plural = _("交办事项记录")
