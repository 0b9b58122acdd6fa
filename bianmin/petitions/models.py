"""Letters and visits (来信来访, §8(2)4–5): a register with calendar-day deadlines, replies and outcomes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core.models import EventBase
from bianmin.core.personal_data import EncryptedCharField, mask_phone
from bianmin.org.models import OrgUnit, Staff

# §8(2)4: "一般事件 7——10 天办理，重大事项一个月内办理".
ORDINARY_DAYS_MIN, ORDINARY_DAYS_MAX, ORDINARY_DAYS_DEFAULT = 7, 10, 10
MAJOR_DAYS_MAX, MAJOR_DAYS_DEFAULT = 30, 30


class PetitionSettings(models.Model):
    """A center's time limits for letters and visits, in calendar days."""

    center = models.OneToOneField(
        OrgUnit, verbose_name=_("服务中心（站）"), on_delete=models.CASCADE, related_name="petition_settings"
    )
    ordinary_days = models.PositiveSmallIntegerField(
        _("一般事项办理时限（自然日）"),
        default=ORDINARY_DAYS_DEFAULT,
        validators=[MinValueValidator(ORDINARY_DAYS_MIN), MaxValueValidator(ORDINARY_DAYS_MAX)],
        help_text=_("按规定为 7 至 10 日。"),
    )
    major_days = models.PositiveSmallIntegerField(
        _("重大事项办理时限（自然日）"),
        default=MAJOR_DAYS_DEFAULT,
        validators=[MinValueValidator(ORDINARY_DAYS_MIN), MaxValueValidator(MAJOR_DAYS_MAX)],
        help_text=_("按规定一个月内，最长 30 日。"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(_("设置时间"), auto_now=True)

    class Meta:
        verbose_name = _("来信来访办理时限")
        verbose_name_plural = _("来信来访办理时限")

    def __str__(self) -> str:
        return f"{self.center}：{self.ordinary_days}/{self.major_days}"


class PetitionQuerySet(models.QuerySet["Petition"]):
    def open(self) -> PetitionQuerySet:
        return self.exclude(status=Petition.Status.CLOSED)

    def overdue(self, now: dt.datetime | None = None) -> PetitionQuerySet:
        """Open past the deadline, or closed after it: what accountability (§8(3)(3)) looks at."""
        now = now or timezone.now()
        return self.filter(
            (~Q(status=Petition.Status.CLOSED) & Q(due_at__lt=now))
            | Q(status=Petition.Status.CLOSED, closed_at__gt=F("due_at"))
        )


class Petition(models.Model):
    class Channel(models.TextChoices):
        LETTER = "letter", _("来信")
        VISIT = "visit", _("来访")
        ONLINE = "online", _("网上留言")
        PHONE = "phone", _("来电")

    class Category(models.TextChoices):
        ORDINARY = "ordinary", _("一般事项")
        MAJOR = "major", _("重大事项")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("待分办")
        ASSIGNED = "assigned", _("办理中")
        CLOSED = "closed", _("已办结")

    class Closure(models.TextChoices):
        HANDLED = "handled", _("办理完毕，已答复")
        OUTSIDE_REMIT = "outside_remit", _("不属于办理范围，已说明情况")

    center = models.ForeignKey(
        OrgUnit, verbose_name=_("服务中心（站）"), on_delete=models.PROTECT, related_name="petitions"
    )
    number = models.CharField(_("登记号"), max_length=40)
    channel = models.CharField(_("来信来访方式"), max_length=16, choices=Channel.choices)
    person_name = models.CharField(_("姓名"), max_length=50)
    person_org = models.CharField(_("单位"), max_length=100, blank=True)
    phone = EncryptedCharField(_("联系电话"), blank=True, default="", blind_index=("phone_index", "petition-phone"))
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    received_on = models.DateField(_("收到日期"))
    content = models.TextField(_("反映内容"))
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    time_limit_days = models.PositiveSmallIntegerField(_("办理时限（自然日）"))
    due_at = models.DateTimeField(_("办理期限"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    handler = models.ForeignKey(
        Staff,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions_handled",
    )
    assigned_at = models.DateTimeField(_("分办时间"), null=True, blank=True)
    closure = models.CharField(_("办结方式"), max_length=16, choices=Closure.choices, blank=True)
    outcome = models.TextField(_("办理结果"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        Staff, verbose_name=_("办结人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(
        Staff, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="petitions_registered"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("来信来访")
        verbose_name_plural = _("来信来访")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "number"], name="petition_number_unique"),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(outcome="") & ~Q(closure="")),
                name="petition_closed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["center", "status", "due_at"], name="petition_board_idx"),
            models.Index(fields=["center", "received_on"], name="petition_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.person_name}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        if self.status == self.Status.CLOSED:
            return self.closed_at is not None and self.closed_at > self.due_at
        return (now or timezone.now()) > self.due_at

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    @property
    def due_on(self) -> dt.date:
        """The last day of the time limit (the deadline is the end of that day)."""
        return timezone.localtime(self.due_at).date()

    def days_left(self, today: dt.date | None = None) -> int:
        """Calendar days until the last day (0 = due today, negative = overdue by that many days)."""
        return (self.due_on - (today or timezone.localdate())).days


class PetitionReply(models.Model):
    """A reply to the person (答复): interim or final; a final one is required to close (件件有着落)."""

    class Method(models.TextChoices):
        LETTER = "letter", _("书面答复")
        PHONE = "phone", _("电话答复")
        IN_PERSON = "in_person", _("当面答复")
        ONLINE = "online", _("网上答复")

    petition = models.ForeignKey(Petition, verbose_name=_("来信来访"), on_delete=models.CASCADE, related_name="replies")
    method = models.CharField(_("答复方式"), max_length=16, choices=Method.choices)
    text = models.TextField(_("答复内容"))
    is_final = models.BooleanField(_("办结答复"), default=False)
    replied_at = models.DateTimeField(_("答复时间"))
    replied_by = models.ForeignKey(Staff, verbose_name=_("答复人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["replied_at", "id"]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.get_method_display()} {self.replied_at:%Y-%m-%d}"


class PetitionEvent(EventBase):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("来信来访记录")
        verbose_name_plural = _("来信来访记录")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.verb}"
