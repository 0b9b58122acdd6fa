from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core.models import EventBase
from bianmin.core.personal_data import EncryptedCharField


class Complaint(models.Model):
    """A complaint (投诉) about a window or a staff member; anonymous allowed."""

    class Channel(models.TextChoices):
        WEB = "web", _("网上投诉")
        PHONE = "phone", _("电话投诉")
        BOARD = "board", _("公示栏投诉")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        ASSIGNED = "assigned", _("调查中")
        DECIDED = "decided", _("已认定")
        REPLIED = "replied", _("已答复")

    class Finding(models.TextChoices):
        NONE = "", _("未认定")
        FOUNDED = "founded", _("属实")
        UNFOUNDED = "unfounded", _("不属实")

    center = models.ForeignKey("org.OrgUnit", verbose_name=_("服务中心"), on_delete=models.PROTECT)
    window = models.ForeignKey("org.Window", verbose_name=_("窗口"), null=True, blank=True, on_delete=models.PROTECT)
    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("被投诉人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    name = models.CharField(_("投诉人姓名"), max_length=60, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=32, blank=True)
    content = models.TextField(_("投诉内容"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    inspector = models.ForeignKey(
        "org.Staff", verbose_name=_("调查人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finding = models.CharField(_("认定结果"), max_length=10, choices=Finding.choices, blank=True, default="")
    evidence = models.TextField(_("调查情况"), blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    due_at = models.DateTimeField(_("答复期限"))
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("投诉时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["center", "status", "due_at"])]

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def format_number(created_at: dt.datetime, pk: int) -> str:
        return f"TS{timezone.localtime(created_at):%Y}{pk:06d}"

    @property
    def number(self) -> str:
        """The number told to the complainant and used in messages: TS, the year filed and the id."""
        return self.format_number(self.created_at, self.pk) if self.pk and self.created_at else ""

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.replied_at is None and self.due_at < (now or timezone.now())


class ComplaintEvent(EventBase):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["created_at", "id"]


class OversightSettings(models.Model):
    """Per-center deadlines set by the center."""

    center = models.OneToOneField("org.OrgUnit", on_delete=models.CASCADE, related_name="oversight_settings")
    complaint_reply_days = models.PositiveSmallIntegerField(_("投诉答复期限（工作日）"), default=10)
    rectification_days = models.PositiveSmallIntegerField(_("差评整改期限（工作日）"), default=5)

    class Meta:
        verbose_name = _("监督设置")
        verbose_name_plural = _("监督设置")

    def __str__(self) -> str:
        return str(self.center_id)


class Accountability(models.Model):
    """An accountability record (责任追究, §8(3)); raised by hand or as a candidate from the data."""

    class Violation(models.TextChoices):
        FIRST_INQUIRY = "first_inquiry", _("未落实首问负责或一次性告知")
        BUCK_PASSING = "buck_passing", _("推诿扯皮、刁难群众")
        OVERDUE = "overdue", _("无特殊原因超过承诺时限")
        REFUSAL = "refusal", _("对符合条件的事项不予办理")
        LOST_MATERIALS = "lost_materials", _("遗失申请材料")
        NO_COVER = "no_cover", _("未落实AB岗、窗口无人")
        STAFF_RULES = "staff_rules", _("违反工作人员管理规定")
        CRITICISM = "criticism", _("被上级通报或媒体曝光")

    class Sanction(models.TextChoices):
        NONE = "", _("未定")
        CRITICISM = "criticism", _("通报批评")
        ADMONITION = "admonition", _("诫勉谈话")
        WRITTEN = "written", _("书面检查")
        DISCIPLINE = "discipline", _("党政纪处理")
        TRANSFER = "transfer", _("调换")
        DISMISSAL = "dismissal", _("辞退")

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("待确认")
        DISMISSED = "dismissed", _("已排除")
        DECIDED = "decided", _("已决定")
        APPEALED = "appealed", _("申诉中")
        FINAL = "final", _("已终结")

    center = models.ForeignKey("org.OrgUnit", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    violation = models.CharField(_("违规情形"), max_length=16, choices=Violation.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    sanction = models.CharField(_("处理方式"), max_length=12, choices=Sanction.choices, blank=True, default="")
    source_kind = models.CharField(_("来源"), max_length=24, blank=True)
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    evidence = models.JSONField(_("证据链接"), default=list, blank=True)
    summary = models.CharField(_("事由"), max_length=300)
    reason = models.TextField(_("决定或排除理由"), blank=True)
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("责任追究")
        verbose_name_plural = _("责任追究")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id"],
                condition=models.Q(source_id__isnull=False),
                name="accountability_source_once",
            )
        ]
        indexes = [models.Index(fields=["center", "status"])]

    def __str__(self) -> str:
        return f"{self.violation}-{self.pk}"


class AccountabilityEvent(EventBase):
    record = models.ForeignKey(Accountability, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["created_at", "id"]


class Rating(models.Model):
    """An applicant's rating (好差评) of a completed case; one per case. A bad review opens a rectification
    (整改) for the staff member and the director, with a call-back to the applicant."""

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("非常满意")
        SATISFIED = 4, _("满意")
        FAIRLY = 3, _("基本满意")
        DISSATISFIED = 2, _("不满意")
        VERY_DISSATISFIED = 1, _("非常不满意")

    class Source(models.TextChoices):
        PROGRESS = "progress", _("网上评价")
        WINDOW = "window", _("窗口评价器")

    class CallbackOutcome(models.TextChoices):
        SATISFIED = "satisfied", _("申请人认可整改")
        UNSATISFIED = "unsatisfied", _("申请人仍不满意")
        UNREACHABLE = "unreachable", _("未能联系上申请人")

    class Appeal(models.TextChoices):
        NONE = "", _("未申诉")
        PENDING = "pending", _("申诉待复核")
        UPHELD = "upheld", _("申诉成立")
        REJECTED = "rejected", _("申诉不成立")

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="rating")
    center = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("被评价人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("评价渠道"), max_length=10, choices=Source.choices, default=Source.PROGRESS)
    overall = models.PositiveSmallIntegerField(_("总体评价"), choices=Level.choices)
    efficiency = models.PositiveSmallIntegerField(_("办事效率"), choices=Level.choices)
    service = models.PositiveSmallIntegerField(_("服务水平"), choices=Level.choices)
    attitude = models.PositiveSmallIntegerField(_("服务态度"), choices=Level.choices)
    comment = models.TextField(_("评价内容"), blank=True)
    rectify_due_at = models.DateTimeField(_("整改期限"), null=True, blank=True)
    rectification = models.TextField(_("整改情况"), blank=True)
    rectified_at = models.DateTimeField(_("整改登记时间"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        "org.Staff", verbose_name=_("整改登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    callback_on = models.DateField(_("回访日期"), null=True, blank=True)
    callback_by = models.ForeignKey(
        "org.Staff", verbose_name=_("回访人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    callback_outcome = models.CharField(
        _("回访结果"), max_length=12, choices=CallbackOutcome.choices, blank=True, default=""
    )
    callback_note = models.TextField(_("回访记录"), blank=True)
    appeal = models.CharField(_("申诉"), max_length=10, choices=Appeal.choices, blank=True, default="")
    appeal_reason = models.TextField(_("申诉理由"), blank=True)
    appeal_decision = models.TextField(_("复核意见"), blank=True)
    # An upheld appeal (malicious or mistaken rating) takes the rating out of statistics and assessment.
    excluded = models.BooleanField(_("不计入统计"), default=False)
    created_at = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        indexes = [
            models.Index(fields=["center", "created_at"]),
            models.Index(fields=["center", "overall", "rectify_due_at"], name="rating_bad_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.overall}"

    @property
    def is_bad(self) -> bool:
        return self.overall <= self.Level.DISSATISFIED

    @property
    def rectification_done(self) -> bool:
        return bool(self.rectified_at and self.callback_on)

    @property
    def needs_rectification(self) -> bool:
        return self.is_bad and not self.excluded and not self.rectification_done


class RatingInvitation(models.Model):
    """The one invitation to rate sent for an unrated completed case."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="rating_invitation")
    center = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("邀请时间"))

    class Meta:
        verbose_name = _("评价邀请")
        verbose_name_plural = _("评价邀请")

    def __str__(self) -> str:
        return str(self.case_id)


class RatingEvent(EventBase):
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["created_at", "id"]
