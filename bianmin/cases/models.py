"""Cases (办件): intake with one-time notification (§4(1)), the four handling modes (§4(2)–(5)), deadlines,
custody of materials (§8(3)(5)), handover (§8(1)4) and the public progress query.

Only `bianmin.cases.services` assigns `Case.status`; every change writes a `CaseEvent` in the same transaction.
The allowed transitions are in `bianmin.cases.workflow`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bianmin.catalog.models import ItemVersion, LimitUnit, Mode, ServiceItem
from bianmin.core.models import EventBase
from bianmin.core.personal_data import EncryptedCharField, Undecryptable, blind_index
from bianmin.org.models import Department, OrgUnit, Staff, Window


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("网上申报待预审")
    RECEIVED = "received", _("已接收待受理")
    ACCEPTED = "accepted", _("已受理")
    IN_PROGRESS = "in_progress", _("办理中")
    WAITING = "waiting", _("等待申请人补正")
    FORWARDED = "forwarded", _("已上报")
    COMPLETED = "completed", _("已办结")
    DELIVERED = "delivered", _("已送达")
    REFUSED = "refused", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


# A case is "open" while someone at the center still owes the applicant something.
OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.WAITING,
    Status.FORWARDED,
    Status.COMPLETED,
)
# The deadline clock runs in these (WAITING: paused; COMPLETED: the result is ready, only delivery is left).
CLOCK_RUNNING = (Status.ACCEPTED, Status.IN_PROGRESS, Status.FORWARDED)
FINAL_STATUSES = (Status.DELIVERED, Status.REFUSED, Status.WITHDRAWN)


# The keyed hash of the applicant's phone (as `clean_phone` leaves it) that staff search finds a case by.
PHONE_INDEX_PURPOSE = "case-applicant-phone"


def applicant_phone_index(phone: str) -> str:
    return blind_index(phone, purpose=PHONE_INDEX_PURPOSE) if phone else ""


class Outcome(models.TextChoices):
    """The decision a completed case carries (办理结论): granted, or not granted with its reason in `result`."""

    GRANTED = "granted", _("准予")
    DENIED = "denied", _("不予")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANIZATION = "organization", _("法人或其他组织")


class Case(models.Model):
    """One application (办件), from receipt of materials to delivery of the result."""

    number = models.CharField(_("办件编号"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("流水号"))
    center = models.ForeignKey(OrgUnit, verbose_name=_("受理中心"), on_delete=models.PROTECT, related_name="cases")
    window = models.ForeignKey(
        Window, verbose_name=_("受理窗口"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="cases")
    item_version = models.ForeignKey(
        ItemVersion, verbose_name=_("事项版本"), on_delete=models.PROTECT, related_name="cases"
    )
    item_name = models.CharField(_("事项名称"), max_length=200)
    mode = models.CharField(_("办理方式"), max_length=16, choices=Mode.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    # Where a paused case goes back to when the applicant's supplement arrives.
    resume_status = models.CharField(_("恢复后状态"), max_length=16, choices=Status.choices, blank=True)
    supplement_pending = models.BooleanField(_("待补报材料"), default=False)

    applicant_kind = models.CharField(
        _("申请人类型"), max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("申请人"), max_length=100)
    applicant_id_number = EncryptedCharField(
        _("公民身份号码"), blank=True, default="", blind_index=("applicant_id_index", "case-applicant-id")
    )
    applicant_id_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    applicant_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, default="")
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    applicant_phone = EncryptedCharField(
        _("联系电话"), blank=True, default="", blind_index=("applicant_phone_index", PHONE_INDEX_PURPOSE)
    )
    applicant_phone_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    phone_tail = models.CharField(_("电话后四位"), max_length=4, blank=True, default="", editable=False)
    is_proxy = models.BooleanField(_("代办"), default=False)
    # §4(7) 上门服务: staff received the application at the applicant's home (set by the hall's visit record).
    received_at_home = models.BooleanField(_("上门受理"), default=False)

    # Empty while an online application (网上申报) waits for pre-review: nobody has received it in person yet.
    received_by = models.ForeignKey(
        Staff,
        verbose_name=_("首问接待人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_received",
    )
    assignee = models.ForeignKey(
        Staff, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases_assigned"
    )

    received_at = models.DateTimeField(_("接收时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        Staff, verbose_name=_("受理人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    limit_days = models.PositiveSmallIntegerField(_("承诺时限"), default=0)
    limit_unit = models.CharField(_("时限单位"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    paused_at = models.DateTimeField(_("暂停计时时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("终结时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    outcome = models.CharField(_("办理结论"), max_length=8, choices=Outcome.choices, blank=True, default="")
    refusal_reason = models.TextField(_("不予受理原因"), blank=True)

    public_token = models.CharField(max_length=32, unique=True, editable=False)
    # 网上申报: submitted by the applicant through an online channel (the pre-review queue reads it).
    submitted_online = models.BooleanField(_("网上申报"), default=False, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["center", "year", "serial"], name="case_serial_unique")]
        indexes = [
            models.Index(fields=["center", "status", "due_at"], name="case_center_status_due_idx"),
            models.Index(fields=["assignee", "due_at"], name="case_assignee_due_idx"),
            # The workbenches read only open cases; partial indexes stay small when millions are closed.
            models.Index(
                fields=["assignee", "due_at", "id"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="case_open_assignee_idx",
            ),
            models.Index(
                fields=["center", "due_at", "id"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="case_open_center_idx",
            ),
            # The workbench's "received, not yet decided" list and its summary: a few rows per clerk, found without
            # reading every open case the clerk holds.
            models.Index(
                fields=["assignee", "received_at", "id"],
                condition=Q(status="received"),
                name="case_received_assignee_idx",
            ),
            models.Index(fields=["applicant_id_index"], name="case_applicant_idx"),
            models.Index(fields=["applicant_credit_code"], name="case_credit_code_idx"),
            models.Index(fields=["applicant_phone_index"], name="case_applicant_phone_idx"),
            # Staff search by the phone's last four digits, within a center (about one case in 10,000 matches).
            models.Index(fields=["center", "phone_tail", "received_at"], name="case_center_phone_tail_idx"),
            models.Index(
                fields=["center", "applicant_name"],
                name="case_applicant_name_idx",
                opclasses=["", "varchar_pattern_ops"],
            ),
            models.Index(fields=["center", "item", "received_at"], name="case_center_item_idx"),
            models.Index(fields=["center", "received_at"], name="case_center_received_idx"),
            # Statistics and assessments count cases completed in a period (reports).
            models.Index(fields=["center", "completed_at"], name="case_center_completed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The phone's blind index follows the phone wherever a case is written (intake, online, the hall, imports),
        # as an org unit's path follows its parent. A phone not loaded, not being saved, or that no key decrypts
        # keeps its index.
        fields = kwargs.get("update_fields")
        saves_phone = "applicant_phone" in fields if fields is not None else True
        if saves_phone and self._index_phone() and fields is not None:
            kwargs["update_fields"] = {*fields, "applicant_phone_index"}
        super().save(*args, **kwargs)

    def prepare_insert(self) -> None:
        """What `save` derives before writing, for a case inserted by `core.inserts.insert_rows`."""
        self._index_phone()

    def _index_phone(self) -> bool:
        if "applicant_phone" in self.get_deferred_fields() or isinstance(self.applicant_phone, Undecryptable):
            return False
        self.applicant_phone_index = applicant_phone_index(self.applicant_phone)
        return True

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def clock_running(self) -> bool:
        return self.status in CLOCK_RUNNING


class CaseEvent(EventBase):
    """The case timeline: every state change and every recorded action."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.verb}"


class Custody(models.TextChoices):
    NOT_RECEIVED = "not_received", _("未提交")
    HELD = "held", _("在中心保管")
    RETURNED = "returned", _("已退还申请人")
    ARCHIVED = "archived", _("已归档")
    TRANSFERRED = "transferred", _("已随件报送")


class CaseMaterial(models.Model):
    """A material of the item's checklist on this case: presented or not, in which form, and its custody.

    Rows without `material_id` are items the online pre-review told the applicant to bring beyond the catalog."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        BOTH = "both", _("原件及复印件")
        ELECTRONIC = "electronic", _("电子件")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material_id = models.PositiveBigIntegerField(_("材料标识"), null=True, blank=True)
    name = models.CharField(_("材料名称"), max_length=200)
    kind = models.CharField(_("材料类别"), max_length=16)
    required_form = models.CharField(_("要求形式"), max_length=16, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    presented = models.BooleanField(_("已提交"), default=False)
    # A conditional material (视情况提交) the clerk found does not apply to this applicant: neither asked nor missing.
    not_applicable = models.BooleanField(_("不适用"), default=False)
    presented_form = models.CharField(_("提交形式"), max_length=16, choices=Form.choices, blank=True)
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        Staff, verbose_name=_("接收人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    custodian = models.ForeignKey(
        Staff, verbose_name=_("保管人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(_("存放位置"), max_length=100, blank=True)
    custody = models.CharField(_("保管状态"), max_length=16, choices=Custody.choices, default=Custody.NOT_RECEIVED)
    disposed_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        Staff, verbose_name=_("处置人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disposal_note = models.CharField(_("处置说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["case_id", "sort_order", "id"]
        # The daily sweep for materials unaccounted for (§8(3)(5)) reads only what the center still holds: a few
        # rows among millions, kept in a partial index.
        indexes = [models.Index(fields=["case"], condition=Q(custody="held"), name="casematerial_held_idx")]

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    """A numbered written notice given to the applicant (§4(1)); its content is frozen when issued."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("受理告知单")
        SUPPLEMENT = "supplement", _("补报材料通知单")
        REFUSAL = "refusal", _("不予受理情况说明单")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    center = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("流水号"))
    number = models.CharField(_("编号"), max_length=48, unique=True)
    issued_at = models.DateTimeField(_("出具时间"))
    issued_by = models.ForeignKey(Staff, verbose_name=_("出具人"), on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(_("内容"), default=dict)

    class Meta:
        verbose_name = _("告知单")
        verbose_name_plural = _("告知单")
        ordering = ["case_id", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "kind", "year", "serial"], name="notice_serial_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class CasePause(models.Model):
    """A span during which the clock stood still because the case waited for the applicant (§4(3))."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("暂停时间"))
    ended_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")
        ordering = ["case_id", "started_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.started_at:%Y-%m-%d}"


class SupplementRequest(models.Model):
    """A request to the applicant for materials, corrections or explanations after acceptance.

    The first supplement notice is the one-time notification; a later request may only repeat what it listed.
    Anything beyond needs the director's sign-off and is recorded as a one-time-notification failure."""

    class State(models.TextChoices):
        PENDING = "pending", _("待主任签批")
        ISSUED = "issued", _("已出具通知")
        REJECTED = "rejected", _("未获签批")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supplement_requests")
    items = models.JSONField(_("补报事项"), default=list)
    extra_items = models.JSONField(_("超出首次告知的事项"), default=list)
    due_date = models.DateField(_("补报期限"))
    reason = models.TextField(_("理由"), blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    requested_by = models.ForeignKey(Staff, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("提出时间"))
    decided_by = models.ForeignKey(
        Staff, verbose_name=_("签批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("签批时间"), null=True, blank=True)
    decision_note = models.TextField(_("签批意见"), blank=True)
    notice = models.OneToOneField(
        Notice, verbose_name=_("通知单"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("补报材料要求")
        verbose_name_plural = _("补报材料要求")
        ordering = ["case_id", "requested_at", "id"]
        indexes = [models.Index(fields=["state", "requested_at"], name="supplement_request_state_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.state}"


class OneTimeNotificationFailure(models.Model):
    """§8(3)(1): the applicant was not told everything at once and must come back for something new.

    Kept for accountability; raised when a director signs off a supplement beyond the first notice."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notification_failures")
    center = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    responsible = models.ForeignKey(
        Staff, verbose_name=_("首次告知人"), on_delete=models.PROTECT, related_name="notification_failures"
    )
    request = models.OneToOneField(SupplementRequest, on_delete=models.PROTECT, related_name="failure")
    items = models.JSONField(_("未一次性告知的事项"), default=list)
    approved_by = models.ForeignKey(Staff, verbose_name=_("签批人"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("一次性告知未落实记录")
        verbose_name_plural = _("一次性告知未落实记录")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["center", "created_at"], name="otn_failure_center_idx"),
            models.Index(fields=["responsible", "created_at"], name="otn_failure_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.created_at:%Y-%m-%d}"


class JointTask(models.Model):
    """A department's part of a joint case (联办, §4(4)), with its own deadline inside the case's."""

    class State(models.TextChoices):
        OPEN = "open", _("办理中")
        DONE = "done", _("已完成")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    department = models.ForeignKey(Department, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        Staff, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.PROTECT, related_name="joint_tasks"
    )
    instructions = models.TextField(_("办理要求"), blank=True)
    due_at = models.DateTimeField(_("完成期限"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.OPEN)
    result = models.TextField(_("办理意见"), blank=True)
    completed_by = models.ForeignKey(
        Staff, verbose_name=_("完成人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("分派时间"))

    class Meta:
        verbose_name = _("联办任务")
        verbose_name_plural = _("联办任务")
        ordering = ["case_id", "due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "department"], name="joint_task_department_unique")]
        indexes = [models.Index(fields=["department", "state", "due_at"], name="joint_task_dept_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.department_id}"


class CaseForwarding(models.Model):
    """The forwarding record of a case sent to the district service center (上报, §4(5))."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="forwarding")
    district = models.ForeignKey(OrgUnit, verbose_name=_("上报单位"), on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField(_("上报时间"))
    forwarded_by = models.ForeignKey(Staff, verbose_name=_("上报人"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("上报说明"), blank=True)
    district_reference = models.CharField(_("区级受理编号"), max_length=64, blank=True)
    progress = models.TextField(_("最新进展"), blank=True)
    progress_at = models.DateTimeField(_("进展更新时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    approved = models.BooleanField(_("准予办理"), null=True, blank=True)
    result_at = models.DateTimeField(_("结果时间"), null=True, blank=True)
    result_by = models.ForeignKey(
        Staff, verbose_name=_("结果登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("上报记录")
        verbose_name_plural = _("上报记录")
        indexes = [models.Index(fields=["district", "forwarded_at"], name="forwarding_district_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.district_id}"


class ProxyAuthorization(models.Model):
    """代办 (§4(7)): a staff member acts as the applicant's agent, on a recorded authorization."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="proxy")
    agent = models.ForeignKey(Staff, verbose_name=_("代办人"), on_delete=models.PROTECT, related_name="+")
    authorized_on = models.DateField(_("委托日期"))
    scope = models.CharField(_("委托事项范围"), max_length=200)
    document = models.CharField(_("委托书"), max_length=100, help_text=_("委托书编号或存放位置。"))
    recorded_by = models.ForeignKey(Staff, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("代办委托")
        verbose_name_plural = _("代办委托")

    def __str__(self) -> str:
        return f"{self.case_id} {self.agent_id}"


class CaseHandover(models.Model):
    """§8(1)4: the handler was away; the first contact received the case and hands it over."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_staff = models.ForeignKey(Staff, verbose_name=_("移交人"), on_delete=models.PROTECT, related_name="+")
    to_staff = models.ForeignKey(
        Staff, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="case_handovers_in"
    )
    note = models.TextField(_("移交说明"), blank=True)
    created_at = models.DateTimeField(_("移交时间"))
    acknowledged_at = models.DateTimeField(_("确认接收时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("办件移交")
        verbose_name_plural = _("办件移交")
        ordering = ["case_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(acknowledged_at__isnull=True), name="case_handover_one_pending"
            )
        ]
        indexes = [
            models.Index(
                fields=["to_staff", "created_at"], condition=Q(acknowledged_at__isnull=True), name="handover_in_idx"
            ),
            models.Index(
                fields=["from_staff", "created_at"], condition=Q(acknowledged_at__isnull=True), name="handover_out_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.from_staff_id}→{self.to_staff_id}"


class WindowReferral(models.Model):
    """§4(1): not this window's item — the applicant was told which window and who handles it."""

    center = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    from_window = models.ForeignKey(
        Window, verbose_name=_("接待窗口"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    to_window = models.ForeignKey(
        Window, verbose_name=_("承办窗口"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_staff_names = models.CharField(_("承办责任人"), max_length=200, blank=True)
    applicant_name = models.CharField(_("群众姓名"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    referred_by = models.ForeignKey(Staff, verbose_name=_("告知人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("窗口引导记录")
        verbose_name_plural = _("窗口引导记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["center", "created_at"], name="referral_center_idx")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.to_window_id}"
