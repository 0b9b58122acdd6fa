"""Attendance, leave, duty roster, unmanned windows and discipline inspections (§6(1)–(3), §7, §8(3)(6))."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bianmin.core.models import EventBase
from bianmin.org.models import OrgUnit, Staff, Window


class AttendanceDay(models.Model):
    """One staff member's day: the first check-in and the last check-out, server time (§6(3), §7(3))."""

    staff = models.ForeignKey(Staff, verbose_name=_("工作人员"), on_delete=models.PROTECT, related_name="attendance")
    center = models.ForeignKey(
        OrgUnit, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="attendance_days"
    )
    date = models.DateField(_("日期"))
    check_in = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_out = models.DateTimeField(_("签退时间"), null=True, blank=True)
    corrected = models.BooleanField(_("经更正"), default=False)

    class Meta:
        verbose_name = _("考勤记录")
        verbose_name_plural = _("考勤记录")
        ordering = ["-date", "staff"]
        constraints = [models.UniqueConstraint(fields=["staff", "date"], name="attendance_one_row_per_day")]
        indexes = [models.Index(fields=["center", "date"], name="attendance_center_date_idx")]

    def __str__(self) -> str:
        return f"{self.staff} {self.date:%Y-%m-%d}"

    def present_at(self, moment: dt.datetime) -> bool:
        return (
            self.check_in is not None
            and self.check_in <= moment
            and (self.check_out is None or self.check_out > moment)
        )


class AttendanceEvent(EventBase):
    attendance = models.ForeignKey(AttendanceDay, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("考勤操作记录")
        verbose_name_plural = _("考勤操作记录")


class LeaveQuerySet(models.QuerySet["Leave"]):
    def effective(self) -> LeaveQuerySet:
        """Leave that excuses absence: approved (planned period) or returned (actual period)."""
        return self.filter(status__in=[Leave.Status.APPROVED, Leave.Status.RETURNED])

    def covering(self, moment: dt.datetime) -> LeaveQuerySet:
        return self.filter(
            Q(status=Leave.Status.APPROVED, start__lte=moment, end__gt=moment)
            | Q(status=Leave.Status.RETURNED, actual_start__lte=moment, actual_end__gt=moment)
        )

    def effective_during(self, start: dt.datetime, end: dt.datetime) -> LeaveQuerySet:
        return self.filter(
            Q(status=Leave.Status.APPROVED, start__lt=end, end__gt=start)
            | Q(status=Leave.Status.RETURNED, actual_start__lt=end, actual_end__gt=start)
        )

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> LeaveQuerySet:
        return self.filter(
            Q(status__in=[Leave.Status.REQUESTED, Leave.Status.APPROVED], start__lt=end, end__gt=start)
            | Q(status=Leave.Status.RETURNED, actual_start__lt=end, actual_end__gt=start)
        )


class Leave(models.Model):
    """请销假 (§7(3)): requested, approved or refused by the director, cancelled on return with the actual period."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("事假")
        SICK = "sick", _("病假")
        ANNUAL = "annual", _("年休假")
        OFFICIAL = "official", _("公出")
        TRAINING = "training", _("培训学习")
        COMPENSATORY = "compensatory", _("调休")
        MARRIAGE = "marriage", _("婚假")
        MATERNITY = "maternity", _("产假（陪产假）")
        BEREAVEMENT = "bereavement", _("丧假")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")
        WITHDRAWN = "withdrawn", _("已撤回")
        RETURNED = "returned", _("已销假")

    staff = models.ForeignKey(Staff, verbose_name=_("请假人"), on_delete=models.PROTECT, related_name="leaves")
    center = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="leaves")
    kind = models.CharField(_("请假类别"), max_length=16, choices=Kind.choices)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"))
    reason = models.TextField(_("请假事由"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    actual_start = models.DateTimeField(_("实际开始"), null=True, blank=True)
    actual_end = models.DateTimeField(_("实际结束"), null=True, blank=True)
    returned_at = models.DateTimeField(_("销假时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    objects = LeaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("请销假")
        verbose_name_plural = _("请销假")
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(fields=["staff", "start"], name="leave_staff_start_idx"),
            models.Index(fields=["center", "status"], name="leave_center_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.start:%Y-%m-%d}"

    @property
    def period(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The period that counts: the actual one once returned, the planned one while approved."""
        if self.status == self.Status.RETURNED and self.actual_start and self.actual_end:
            return self.actual_start, self.actual_end
        if self.status == self.Status.APPROVED:
            return self.start, self.end
        return None


class LeaveEvent(EventBase):
    leave = models.ForeignKey(Leave, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("请销假记录")
        verbose_name_plural = _("请销假记录")


class DutyShift(models.Model):
    """A roster entry (§6(2)): who serves which window on an extended-hours day, a weekend or a notified day."""

    class Kind(models.TextChoices):
        EXTENDED = "extended", _("延时服务")
        WEEKEND = "weekend", _("周末值班")
        SPECIAL = "special", _("特殊安排")

    center = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="duty_shifts")
    date = models.DateField(_("日期"))
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    window = models.ForeignKey(
        Window,
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_shifts",
        help_text=_("留空表示大厅值班（不固定窗口）。"),
    )
    staff = models.ForeignKey(Staff, verbose_name=_("值班人员"), on_delete=models.PROTECT, related_name="duty_shifts")
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("排班人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("值班排班")
        verbose_name_plural = _("值班排班")
        ordering = ["date", "start", "window__number"]
        indexes = [models.Index(fields=["center", "date"], name="dutyshift_center_date_idx")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.start:%H:%M}–{self.end:%H:%M} {self.staff}"


class UnmannedWindow(models.Model):
    """A spell during which a window that should be open had nobody on duty (§6(1), raw material for §8(3)(6))."""

    window = models.ForeignKey(Window, verbose_name=_("窗口"), on_delete=models.PROTECT, related_name="unmanned")
    center = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="unmanned")
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    detected_at = models.DateTimeField(_("发现时间"))
    situation = models.JSONField(_("当时岗位情况"), default=dict, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    note = models.CharField(_("处置说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("无人值守记录")
        verbose_name_plural = _("无人值守记录")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["window"], condition=Q(ended_at__isnull=True), name="unmanned_one_open_per_window"
            )
        ]
        indexes = [models.Index(fields=["center", "started_at"], name="unmanned_center_start_idx")]

    def __str__(self) -> str:
        return f"{self.window} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class UnmannedEvent(EventBase):
    record = models.ForeignKey(UnmannedWindow, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("无人值守处置记录")
        verbose_name_plural = _("无人值守处置记录")


class Inspection(models.Model):
    """A discipline spot check (§6(3)) against one of the ten rules of §7."""

    class Rule(models.TextChoices):
        STUDY = "r1_study", _("（一）加强政治、业务学习")
        MANNER = "r2_manner", _("（二）服务热情，使用文明用语和标准口音")
        HOURS = "r3_hours", _("（三）遵守作息制度，执行请销假制度")
        DRESS = "r4_dress", _("（四）统一服装，佩戴胸卡，不穿拖鞋")
        CONDUCT = "r5_conduct", _("（五）不串岗聊天、网上聊天、看视频、炒股、吃零食、抽烟、睡觉等")
        SOFTWARE = "r6_software", _("（六）不擅自安装软件、游戏，不在电脑上玩游戏")
        SHUTDOWN = "r7_shutdown", _("（七）下班按程序关闭计算机并切断电源")
        COMPUTER = "r8_computer", _("（八）执行计算机操作规程，不擅自修改设置")
        TIDY = "r9_tidy", _("（九）大厅整洁，纸屑入篓，资料摆放整齐")
        ONCE = "r10_once", _("（十）不因工作人员原因让群众跑第二遍")

    class Finding(models.TextChoices):
        COMPLIANT = "compliant", _("符合要求")
        VIOLATION = "violation", _("违反规定")

    center = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="inspections")
    inspected_at = models.DateTimeField(_("检查时间"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人"), on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        Window, verbose_name=_("窗口"), null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    place = models.CharField(_("地点"), max_length=100, blank=True, help_text=_("不涉及具体窗口时填写，如“办事大厅”。"))
    staff = models.ForeignKey(
        Staff, verbose_name=_("被检查人"), null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    rule = models.CharField(_("检查事项"), max_length=16, choices=Rule.choices)
    finding = models.CharField(_("检查结果"), max_length=16, choices=Finding.choices)
    note = models.TextField(_("情况记录"), blank=True)
    photo = models.ImageField(_("现场照片"), upload_to="inspections/%Y/%m/", blank=True)
    voided = models.BooleanField(_("已作废"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("纪律督查")
        verbose_name_plural = _("纪律督查")
        ordering = ["-inspected_at", "-id"]
        indexes = [models.Index(fields=["center", "inspected_at"], name="inspection_center_time_idx")]

    def __str__(self) -> str:
        return f"{self.inspected_at:%Y-%m-%d %H:%M} {self.get_rule_display()}"

    @property
    def where(self) -> str:
        return str(self.window) if self.window_id else self.place


class InspectionEvent(EventBase):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("督查操作记录")
        verbose_name_plural = _("督查操作记录")
