from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core.models import EventBase


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
        db_table = "notify_assignedtask"  # moved from notify; the table keeps its name
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
        db_table = "notify_assignedtaskevent"
        verbose_name = _("交办事项记录")
        verbose_name_plural = _("交办事项记录")
