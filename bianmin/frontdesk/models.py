"""First-inquiry register (首问登记, §8(1)) and handovers of materials (§8(1)4)."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bianmin.core.models import EventBase
from bianmin.core.personal_data import EncryptedCharField, mask_phone
from bianmin.org.models import OrgUnit, Staff, Window


class Inquiry(models.Model):
    """One visitor or caller received by a first contact (首问责任人): who, when, what, and the result."""

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("来访")
        PHONE = "phone", _("来电")

    class Result(models.TextChoices):
        ANSWERED = "answered", _("当场解答")
        HANDLED = "handled", _("受理办理")
        REFERRED = "referred", _("引荐至中心相关岗位")
        OUTSIDE_REMIT = "outside_remit", _("不属于中心职能，已解释指导")

    class ReferralContact(models.TextChoices):
        PRESENT = "present", _("经办人在岗，已当面引荐或转接")
        CONTACTED = "contacted", _("经办人不在岗，已主动联系")
        HANDOVER = "handover", _("经办人联系不上，已收下材料待移交")

    center = models.ForeignKey(
        OrgUnit, verbose_name=_("服务中心（站）"), on_delete=models.PROTECT, related_name="inquiries"
    )
    number = models.CharField(_("登记号"), max_length=40)
    channel = models.CharField(_("方式"), max_length=16, choices=Channel.choices)
    visitor_name = models.CharField(_("姓名"), max_length=50, blank=True)
    visitor_org = models.CharField(_("单位"), max_length=100, blank=True)
    visitor_phone = EncryptedCharField(_("联系电话"), blank=True, default="")
    received_at = models.DateTimeField(_("时间"), default=timezone.now)
    matter = models.CharField(_("咨询或办理事项"), max_length=300)
    result = models.CharField(_("办理结果"), max_length=16, choices=Result.choices)
    result_note = models.TextField(
        _("结果说明"), blank=True, help_text=_("解答要点；不属于中心职能的，须写明所作解释和指导。")
    )
    phone_given = models.CharField(_("告知的联系电话"), max_length=40, blank=True)
    referred_window = models.ForeignKey(
        Window, verbose_name=_("引荐窗口"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_staff = models.ForeignKey(
        Staff,
        verbose_name=_("引荐经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inquiries_referred",
    )
    referral_contact = models.CharField(_("经办人情况"), max_length=16, choices=ReferralContact.choices, blank=True)
    # The number as written at the desk (kept for history); `case` is the real link when the number is a case of
    # the cases app. Both are set by `services.inquiry_link_case`.
    case_number = models.CharField(_("办件编号"), max_length=40, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("关联办件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inquiries",
    )
    first_contact = models.ForeignKey(
        Staff, verbose_name=_("首问责任人"), on_delete=models.PROTECT, related_name="first_inquiries"
    )
    window = models.ForeignKey(
        Window,
        verbose_name=_("接待窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inquiries",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("首问登记")
        verbose_name_plural = _("首问登记")
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["center", "number"], name="inquiry_number_unique")]
        indexes = [
            models.Index(fields=["center", "received_at"], name="inquiry_center_time_idx"),
            models.Index(fields=["first_contact", "received_at"], name="inquiry_staff_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.matter}"

    @property
    def visitor_display(self) -> str:
        return self.visitor_name or str(_("（未留姓名）"))

    @property
    def visitor_phone_masked(self) -> str:
        return mask_phone(self.visitor_phone) if self.visitor_phone else ""

    def result_detail(self) -> str:
        """The result as one line, the way the register book records it."""
        parts: list[str] = []
        if self.result == self.Result.REFERRED:
            target = []
            if self.referred_window is not None:
                target.append(gettext("%(number)s号窗口") % {"number": self.referred_window.number})
            if self.referred_staff is not None:
                target.append(self.referred_staff.name)
            parts.append(gettext("引荐至%(target)s") % {"target": " ".join(target)})
            if self.referral_contact:
                parts.append(self.get_referral_contact_display())
        if self.case_number:
            parts.append(gettext("办件编号 %(number)s") % {"number": self.case_number})
        if self.result_note:
            parts.append(self.result_note)
        if self.phone_given:
            parts.append(gettext("告知电话 %(phone)s") % {"phone": self.phone_given})
        return "；".join(parts)


class InquiryEvent(EventBase):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("首问登记记录")
        verbose_name_plural = _("首问登记记录")

    def __str__(self) -> str:
        return f"{self.inquiry_id} {self.verb}"


class HandoverQuerySet(models.QuerySet["Handover"]):
    def pending(self) -> HandoverQuerySet:
        return self.filter(acknowledged_at__isnull=True)

    def involving(self, staff: Staff) -> HandoverQuerySet:
        return self.filter(models.Q(from_staff=staff) | models.Q(to_staff=staff))


class Handover(models.Model):
    """Materials received on someone else's behalf and passed on to them (§8(1)4; §8(3)(5)–(6)).

    Generic on purpose: `subject` says what it is about in plain words, and `target` optionally points at the
    record it came from (an inquiry now, a case later).
    """

    center = models.ForeignKey(OrgUnit, verbose_name=_("服务中心（站）"), on_delete=models.PROTECT, related_name="+")
    from_staff = models.ForeignKey(
        Staff, verbose_name=_("移交人"), on_delete=models.PROTECT, related_name="handovers_given"
    )
    to_staff = models.ForeignKey(
        Staff, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="handovers_received"
    )
    subject = models.CharField(_("事由"), max_length=300)
    materials = models.TextField(_("材料清单"))
    received_at = models.DateTimeField(_("收下材料时间"))
    acknowledged_at = models.DateTimeField(_("确认接收时间"), null=True, blank=True)
    note = models.TextField(_("移交说明"), blank=True)
    acknowledge_note = models.TextField(_("接收说明"), blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("材料移交")
        verbose_name_plural = _("材料移交")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["to_staff", "acknowledged_at"], name="handover_to_idx"),
            models.Index(fields=["from_staff", "acknowledged_at"], name="handover_from_idx"),
            models.Index(fields=["content_type", "object_id"], name="handover_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_staff} → {self.to_staff}：{self.subject}"

    @property
    def is_pending(self) -> bool:
        return self.acknowledged_at is None


class HandoverEvent(EventBase):
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("材料移交记录")
        verbose_name_plural = _("材料移交记录")

    def __str__(self) -> str:
        return f"{self.handover_id} {self.verb}"
