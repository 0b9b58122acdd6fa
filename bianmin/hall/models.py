"""The service hall (§4(7) 特色服务, §4(6) 电子屏幕): appointments, queue tickets and calls, home visits, proxy cases.

A center's hall issues queue tickets per category (A001, B001 … per day), windows call them, and the hall screen
shows the calls. Appointments book capacity in slots generated from the working calendar, office hours and
extended-hours sessions; on arrival a booking becomes a priority ticket.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bianmin.cases.models import Case
from bianmin.catalog.models import Mode, ServiceItem
from bianmin.core.models import EventBase
from bianmin.core.personal_data import EncryptedCharField
from bianmin.org.models import OrgUnit, Staff, Window


class HallSettings(models.Model):
    """A center's hall rules; a center without a row uses the defaults below."""

    center = models.OneToOneField(
        OrgUnit, verbose_name=_("中心"), on_delete=models.CASCADE, related_name="hall_settings"
    )
    priority_cap = models.PositiveSmallIntegerField(
        _("优先号连续叫号上限"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("同一窗口连续叫优先号（预约、老年人、残疾人、孕妇、转窗）达到此数后，须先叫一个普通号。"),
    )
    booking_daily_limit = models.PositiveSmallIntegerField(
        _("同一手机号每日预约上限"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    booking_days_ahead = models.PositiveSmallIntegerField(
        _("可提前预约天数"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("预约时段长度（分钟）"), default=30, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    slot_capacity = models.PositiveSmallIntegerField(
        _("每时段预约名额"), default=3, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    checkin_grace_minutes = models.PositiveSmallIntegerField(
        _("预约签到宽限（分钟）"),
        default=30,
        validators=[MaxValueValidator(240)],
        help_text=_("预约时段结束后仍可签到的分钟数；超过后按普通号取号。"),
    )

    class Meta:
        verbose_name = _("大厅设置")
        verbose_name_plural = _("大厅设置")

    def __str__(self) -> str:
        return str(self.center)


class QueueCategory(models.Model):
    """A queue with its own number prefix (A, B …), called at the windows that serve it."""

    center = models.ForeignKey(
        OrgUnit, verbose_name=_("中心"), on_delete=models.CASCADE, related_name="queue_categories"
    )
    prefix = models.CharField(
        _("号码字头"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("号码字头须为一至两个大写英文字母。"))],
    )
    name = models.CharField(_("业务类别"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    windows = models.ManyToManyField(Window, verbose_name=_("叫号窗口"), related_name="queue_categories")
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("取号类别")
        verbose_name_plural = _("取号类别")
        ordering = ["center", "sort_order", "prefix"]
        constraints = [models.UniqueConstraint(fields=["center", "prefix"], name="queue_category_prefix_unique")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class AppointmentSlot(models.Model):
    """Bookable capacity for a category (and optionally one window of it) in one interval of a session."""

    center = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        QueueCategory, verbose_name=_("业务类别"), on_delete=models.CASCADE, related_name="slots"
    )
    window = models.ForeignKey(
        Window,
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空表示该类别的任一窗口。"),
    )
    date = models.DateField(_("日期"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("名额"))
    booked = models.PositiveSmallIntegerField(_("已约"), default=0)
    is_extended = models.BooleanField(_("延时服务时段"), default=False)
    is_blocked = models.BooleanField(_("已停约"), default=False)
    block_reason = models.CharField(_("停约原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["date", "starts_at", "id"]
        indexes = [models.Index(fields=["center", "date"], name="slot_center_date_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_booked_within_capacity"),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="slot_starts_before_end"),
            models.UniqueConstraint(
                fields=["category", "starts_at"], condition=Q(window__isnull=True), name="slot_unique_group"
            ),
            models.UniqueConstraint(
                fields=["category", "window", "starts_at"],
                condition=Q(window__isnull=False),
                name="slot_unique_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CHECKED_IN = "checked_in", _("已签到取号")
        CANCELLED = "cancelled", _("已取消")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上预约")
        PHONE = "phone", _("电话预约")
        WINDOW = "window", _("现场预约")

    ACTIVE = (Status.BOOKED, Status.CHECKED_IN)

    center = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("预约号"), max_length=24)
    slot = models.ForeignKey(
        AppointmentSlot, verbose_name=_("预约时段"), on_delete=models.PROTECT, related_name="appointments"
    )
    date = models.DateField(_("预约日期"))
    category = models.ForeignKey(
        QueueCategory, verbose_name=_("业务类别"), on_delete=models.PROTECT, related_name="appointments"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("办理事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item_name = models.CharField(_("办理事项"), max_length=200)
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedCharField(_("手机号码"), blind_index=("phone_index", "phone"))
    phone_index = models.CharField(max_length=64, editable=False, db_index=True)
    phone_tail = models.CharField(_("手机尾号"), max_length=4, editable=False)
    id_number = EncryptedCharField(_("公民身份号码"), blank=True, default="", blind_index=("id_index", "id"))
    id_index = models.CharField(max_length=64, editable=False, blank=True, default="")
    channel = models.CharField(_("预约渠道"), max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    # The booking day a reminder went out for: a booking moved to another day is reminded again.
    reminded_for = models.DateField(_("已提醒的预约日期"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["date", "slot__starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["center", "number"], name="appointment_number_unique")]
        indexes = [models.Index(fields=["center", "phone_index", "date"], name="appointment_phone_day_idx")]

    def __str__(self) -> str:
        return self.number


class PhoneDay(models.Model):
    """One row per center, phone and day, locked while a booking for that phone and day is decided: concurrent
    requests from one phone queue up here, so the per-phone daily limit holds on several app servers."""

    center = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    phone_index = models.CharField(max_length=64)
    date = models.DateField()

    class Meta:
        verbose_name = _("预约手机号日锁")
        verbose_name_plural = _("预约手机号日锁")
        constraints = [
            models.UniqueConstraint(fields=["center", "phone_index", "date"], name="phone_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.phone_index[:8]}"


class AppointmentEvent(EventBase):
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("预约记录")
        verbose_name_plural = _("预约记录")

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.verb}"


class Ticket(models.Model):
    """A queue number (取号) for one day in one category of a center's hall."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("等候中")
        CALLED = "called", _("已叫号")
        SERVING = "serving", _("办理中")
        DONE = "done", _("已办结")
        NO_SHOW = "no_show", _("过号未到")

    class Priority(models.TextChoices):
        NONE = "", _("普通")
        APPOINTMENT = "appointment", _("预约")
        ELDERLY = "elderly", _("老年人")
        DISABLED = "disabled", _("残疾人")
        PREGNANT = "pregnant", _("孕妇")

    ACTIVE = (Status.CALLED, Status.SERVING)

    center = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        QueueCategory, verbose_name=_("业务类别"), on_delete=models.PROTECT, related_name="tickets"
    )
    day = models.DateField(_("日期"))
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("号码"), max_length=12)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    priority = models.CharField(_("优先类别"), max_length=16, choices=Priority.choices, blank=True, default="")
    transferred = models.BooleanField(_("转窗"), default=False)
    appointment = models.OneToOneField(
        Appointment, verbose_name=_("预约"), null=True, blank=True, on_delete=models.PROTECT, related_name="ticket"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("办理事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applicant_name = models.CharField(_("申请人姓名"), max_length=50, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.WAITING)
    target_window = models.ForeignKey(
        Window,
        verbose_name=_("指定窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("预约指定的窗口或转入的窗口；留空表示该类别的任一窗口。"),
    )
    window = models.ForeignKey(
        Window, verbose_name=_("叫号窗口"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("办理人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("取号时间"))
    called_at = models.DateTimeField(_("首次叫号时间"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("最近叫号时间"), null=True, blank=True)
    served_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField(_("重呼次数"), default=0)

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        ordering = ["day", "issued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["center", "day", "number"], name="ticket_number_unique")]
        indexes = [models.Index(fields=["center", "day", "status"], name="ticket_queue_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_priority(self) -> bool:
        return bool(self.priority) or self.transferred

    @property
    def wait_seconds(self) -> int | None:
        if self.called_at is None:
            return None
        return int((self.called_at - self.issued_at).total_seconds())

    @property
    def service_seconds(self) -> int | None:
        if self.finished_at is None or self.served_at is None:
            return None
        return int((self.finished_at - self.served_at).total_seconds())


class TicketEvent(EventBase):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("排队号记录")
        verbose_name_plural = _("排队号记录")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.verb}"


class QueueVersion(models.Model):
    """A counter per center, bumped in the transaction of every change the hall screen shows. Screens on any app
    server compare it (one indexed read) before recomputing what they show."""

    center = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("叫号屏版本")
        verbose_name_plural = _("叫号屏版本")

    def __str__(self) -> str:
        return f"{self.center_id}: {self.value}"


class Call(models.Model):
    """One call or recall of a ticket to a window: what the hall screen shows and the priority cap counts."""

    class Kind(models.TextChoices):
        CALL = "call", _("叫号")
        RECALL = "recall", _("重呼")

    center = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="calls")
    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    is_priority = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("叫号记录")
        verbose_name_plural = _("叫号记录")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["center", "-id"], name="call_center_recent_idx"),
            models.Index(fields=["window", "-id"], name="call_window_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.window_id}"


class HomeVisit(models.Model):
    """上门服务 (§4(7)) for those who cannot come to the hall: who, where, what, why; assigned, done, outcome."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("电话申请")
        POINT = "point", _("社区（村）便民服务站代为申请")
        ONLINE = "online", _("网上申请")
        WINDOW = "window", _("窗口登记")

    class Reason(models.TextChoices):
        ELDERLY = "elderly", _("高龄或行动不便的老年人")
        DISABLED = "disabled", _("残疾人")
        ILL = "ill", _("重病患者")
        OTHER = "other", _("其他特殊困难")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待安排")
        SCHEDULED = "scheduled", _("已安排")
        DONE = "done", _("已上门")
        CANCELLED = "cancelled", _("已取消")

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("当场办结")
        CASE_STARTED = "case_started", _("已受理，转入办件")
        ADVISED = "advised", _("已一次性告知，待补齐材料")
        NOT_MET = "not_met", _("未见到申请人")
        NOT_ELIGIBLE = "not_eligible", _("不符合办理条件，已说明理由")

    center = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所在社区（村）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField(_("登记号"), max_length=24)
    channel = models.CharField(_("申请方式"), max_length=16, choices=Channel.choices)
    name = models.CharField(_("服务对象姓名"), max_length=50)
    phone = EncryptedCharField(_("联系电话"), blind_index=("phone_index", "phone"))
    phone_index = models.CharField(max_length=64, editable=False, db_index=True)
    phone_tail = models.CharField(max_length=4, editable=False)
    address = models.CharField(_("上门地址"), max_length=200)
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("办理事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item_name = models.CharField(_("办理事项"), max_length=200)
    reason = models.CharField(_("申请原因"), max_length=16, choices=Reason.choices)
    reason_detail = models.TextField(_("情况说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    assignees = models.ManyToManyField(Staff, verbose_name=_("上门人员"), blank=True, related_name="home_visits")
    scheduled_at = models.DateTimeField(_("上门时间"), null=True, blank=True)
    visited_at = models.DateTimeField(_("实际上门时间"), null=True, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="home_visits",
        help_text=_("上门受理后转入的办件。"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("上门服务")
        verbose_name_plural = _("上门服务")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["center", "number"], name="home_visit_number_unique")]

    def __str__(self) -> str:
        return self.number


class HomeVisitEvent(EventBase):
    visit = models.ForeignKey(HomeVisit, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("上门服务记录")
        verbose_name_plural = _("上门服务记录")

    def __str__(self) -> str:
        return f"{self.visit_id} {self.verb}"


class ProxyCase(models.Model):
    """代办服务 (§4(7), §4(5) 全程代理): who acts for whom, on what authorization, for which item and case."""

    class AgentKind(models.TextChoices):
        STAFF = "staff", _("中心工作人员")
        COMMUNITY = "community", _("社区（村）代办员")

    class Authorization(models.TextChoices):
        POWER_OF_ATTORNEY = "poa", _("书面授权委托书")
        REGISTER_SIGNED = "register", _("代办登记表本人签字确认")
        GUARDIAN = "guardian", _("监护人委托（附关系证明）")

    class Status(models.TextChoices):
        OPEN = "open", _("代办中")
        SUBMITTED = "submitted", _("已递交受理")
        COMPLETED = "completed", _("已办结")
        DELIVERED = "delivered", _("结果已交付申请人")
        WITHDRAWN = "withdrawn", _("已撤回")

    center = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("登记的社区（村）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("由社区（村）便民服务站登记的代办。"),
    )
    number = models.CharField(_("代办登记号"), max_length=24)
    applicant_name = models.CharField(_("委托人（申请人）"), max_length=100)
    applicant_phone = EncryptedCharField(_("委托人联系电话"), blind_index=("applicant_phone_index", "phone"))
    applicant_phone_index = models.CharField(max_length=64, editable=False, db_index=True)
    applicant_id_number = EncryptedCharField(
        _("委托人公民身份号码"), blank=True, default="", blind_index=("applicant_id_index", "id")
    )
    applicant_id_index = models.CharField(max_length=64, editable=False, blank=True, default="")
    agent_kind = models.CharField(_("代办人类别"), max_length=16, choices=AgentKind.choices)
    agent_staff = models.ForeignKey(
        Staff, verbose_name=_("代办人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="proxy_cases"
    )
    agent_name = models.CharField(_("代办人姓名"), max_length=50)
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("代办事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item_name = models.CharField(_("代办事项"), max_length=200)
    mode = models.CharField(_("办理方式"), max_length=16, choices=Mode.choices, blank=True)
    authorization = models.CharField(_("授权方式"), max_length=16, choices=Authorization.choices)
    authorized_on = models.DateField(_("授权日期"))
    authorization_note = models.TextField(_("授权内容"), help_text=_("委托代办的具体事项、权限和期限。"))
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proxy_registrations",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("代办登记")
        verbose_name_plural = _("代办登记")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["center", "number"], name="proxy_case_number_unique")]

    def __str__(self) -> str:
        return self.number


class ProxyEvent(EventBase):
    proxy = models.ForeignKey(ProxyCase, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("代办记录")
        verbose_name_plural = _("代办记录")

    def __str__(self) -> str:
        return f"{self.proxy_id} {self.verb}"
