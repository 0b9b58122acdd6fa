"""The public service catalog (§4(6) 六公开): items, their materials, procedure, time limits and fees.

An item is drafted, reviewed and published; each publication freezes an `ItemVersion` snapshot, and every case
keeps the version it was accepted under.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.core.models import EventBase
from bianmin.org.models import Department, OrgUnit, Window


class Theme(models.Model):
    """A life event or business theme (生育、就业、养老……) the public browses by."""

    class Audience(models.TextChoices):
        PERSON = "person", _("个人")
        BUSINESS = "business", _("法人")

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    audience = models.CharField(_("服务对象"), max_length=16, choices=Audience.choices, default=Audience.PERSON)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主题")
        verbose_name_plural = _("主题")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ItemType(models.TextChoices):
    LICENSE = "license", _("行政许可")
    PAYMENT = "payment", _("行政给付")
    CONFIRMATION = "confirmation", _("行政确认")
    AWARD = "award", _("行政奖励")
    RULING = "ruling", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class Mode(models.TextChoices):
    DIRECT = "direct", _("即办件")
    PROMISED = "promised", _("承诺件")
    JOINT = "joint", _("联办件")
    FORWARDED = "forwarded", _("上报件")


class LimitUnit(models.TextChoices):
    WORKING = "working", _("工作日")
    CALENDAR = "calendar", _("自然日")


class ServiceItem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("待审核")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已停用")

    class Level(models.TextChoices):
        DISTRICT = "district", _("区级")
        SUBDISTRICT = "subdistrict", _("街道（乡镇）级")
        COMMUNITY = "community", _("社区（村）级")

    owner = models.ForeignKey(
        OrgUnit,
        verbose_name=_("目录所属单位"),
        on_delete=models.PROTECT,
        related_name="catalog_items",
        help_text=_("事项在该单位及其下级单位公开和受理。"),
    )
    name = models.CharField(_("事项名称"), max_length=200)
    basic_code = models.CharField(_("基本编码"), max_length=64, blank=True)
    code = models.CharField(_("实施编码"), max_length=100, unique=True)
    item_type = models.CharField(_("事项类型"), max_length=20, choices=ItemType.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("主管部门"), on_delete=models.PROTECT, related_name="catalog_items"
    )
    implementing_level = models.CharField(
        _("实施层级"), max_length=16, choices=Level.choices, default=Level.SUBDISTRICT
    )
    implementing_body = models.CharField(_("实施主体"), max_length=100, blank=True)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    description = models.TextField(_("事项说明"), blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)

    default_mode = models.CharField(_("办理方式"), max_length=16, choices=Mode.choices, default=Mode.PROMISED)
    joint_departments = models.ManyToManyField(
        Department, verbose_name=_("联办部门"), blank=True, related_name="joint_items"
    )
    forward_to = models.ForeignKey(
        OrgUnit,
        verbose_name=_("上报单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    statutory_limit = models.PositiveSmallIntegerField(_("法定时限"), default=0)
    promised_limit = models.PositiveSmallIntegerField(_("承诺时限"), default=0)
    limit_unit = models.CharField(_("时限单位"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING)
    visits = models.PositiveSmallIntegerField(_("到现场次数"), default=1)

    is_free = models.BooleanField(_("不收费"), default=True)
    fee_standard = models.TextField(_("收费标准"), blank=True)
    fee_basis = models.TextField(_("收费依据"), blank=True)

    windows = models.ManyToManyField(Window, verbose_name=_("受理窗口"), blank=True, related_name="items")
    themes = models.ManyToManyField(Theme, verbose_name=_("主题"), blank=True, related_name="items")
    consultation_phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    complaint_channel = models.CharField(_("投诉渠道"), max_length=200, blank=True)
    offers_appointment = models.BooleanField(_("可预约"), default=True)
    offers_proxy = models.BooleanField(_("可代办"), default=False)
    offers_home_visit = models.BooleanField(_("可上门服务"), default=False)

    class ChangeStatus(models.TextChoices):
        NONE = "", _("无")
        EDITING = "editing", _("修改中")
        REVIEW = "review", _("变更待审核")

    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # A published item stays public under its last version while its changes are drafted and reviewed.
    change_status = models.CharField(
        _("变更状态"), max_length=16, choices=ChangeStatus.choices, blank=True, default=ChangeStatus.NONE
    )
    version = models.PositiveIntegerField(_("当前版本"), default=0)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Search: the item name, its materials and their pinyin (full and initials), kept by the catalog services.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["department", "name"]
        indexes = [models.Index(fields=["status", "owner"], name="item_status_owner_idx")]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    class Kind(models.TextChoices):
        MAIN = "main", _("主要材料")
        GENERAL = "general", _("一般材料")

    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        BOTH = "both", _("原件及复印件")
        ELECTRONIC = "electronic", _("电子件")

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("申请人自备")
        GOVERNMENT = "government", _("政府部门核发")
        OTHER_DEPARTMENT = "other_department", _("其他部门提供")
        INTERMEDIARY = "intermediary", _("中介机构出具")
        OTHER = "other", _("其他")

    class Original(models.TextChoices):
        KEPT = "kept", _("留存")
        RETURNED = "returned", _("核验后退还")

    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("材料名称"), max_length=200)
    kind = models.CharField(_("材料类别"), max_length=16, choices=Kind.choices, default=Kind.MAIN)
    form = models.CharField(_("材料形式"), max_length=16, choices=Form.choices, default=Form.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    source = models.CharField(_("来源渠道"), max_length=20, choices=Source.choices, default=Source.APPLICANT)
    # Needed only in some cases (e.g. proof of a special situation): at intake it may be marked not applicable.
    conditional = models.BooleanField(
        _("视情况提交"), default=False, help_text=_("仅部分申请人需要提交；受理时可标记为“不适用”。")
    )
    # An original inspected and handed back at once is never in the center's custody.
    original = models.CharField(_("原件处理"), max_length=16, choices=Original.choices, default=Original.KEPT)
    notes = models.TextField(_("填报须知"), blank=True)
    blank_form = models.FileField(_("空白表格"), upload_to="catalog/forms/", blank=True)
    sample = models.FileField(_("示范文本"), upload_to="catalog/samples/", blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["item", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("环节名称"), max_length=100)
    description = models.TextField(_("办理内容"), blank=True)
    duration_days = models.PositiveSmallIntegerField(_("办理时长（日）"), default=0)
    counts_toward_limit = models.BooleanField(_("计入办理时限"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["item", "sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class ItemVersion(models.Model):
    """A published item frozen as it was: cases refer to the version they were accepted under."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("内容"))
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("变更说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="item_version_unique")]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    @property
    def materials(self) -> list[dict[str, Any]]:
        return list(self.snapshot.get("materials", []))

    @property
    def main_materials(self) -> list[dict[str, Any]]:
        return [m for m in self.materials if m["kind"] == Material.Kind.MAIN]

    @property
    def general_materials(self) -> list[dict[str, Any]]:
        return [m for m in self.materials if m["kind"] == Material.Kind.GENERAL]


class SearchTerm(models.Model):
    """The search index: one row per word an item can be found by (its `search_text`, split and weighted).

    Exact words and prefixes are looked up on `term` through an index, so search stays one indexed query.
    """

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="search_terms")
    term = models.CharField(max_length=100)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("检索词")
        verbose_name_plural = _("检索词")
        constraints = [models.UniqueConstraint(fields=["term", "item"], name="search_term_unique")]
        # A term's rows strongest first, with the item: search reads the best rows of each typed word from the index
        # alone and stops. PostgreSQL needs the pattern operator class for prefix (LIKE 'x%') lookups under a non-C
        # collation; the plain classes of the other columns come with it.
        indexes = [
            models.Index(
                fields=["term", "-weight", "item"],
                name="search_term_rank_idx",
                opclasses=["varchar_pattern_ops", "int2_ops", "int8_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.term


class TermFrequency(models.Model):
    """How many items have each term (its document frequency): the rarity search weighs typed words by, read by key
    instead of counted over the term table on every search. Rebuilt whole from `SearchTerm` after a reindex, an
    import and periodically; a term not in it yet is counted when searched (see `selectors.search_in`)."""

    term = models.CharField(max_length=100, primary_key=True)  # PostgreSQL adds a pattern (LIKE 'x%') index itself
    items = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("检索词频")
        verbose_name_plural = _("检索词频")

    def __str__(self) -> str:
        return f"{self.term} ({self.items})"


class SynonymSet(models.Model):
    """Words people use for the same thing (official wording first, then 俗称), as catalog managers keep them.

    Shipped from `data/synonyms.txt`; search reads the current sets, and the index is rebuilt after a change.
    """

    words = models.CharField(
        _("同义词"), max_length=300, help_text=_("第一个为规范名称，其余为俗称、简称，用空格分隔。")
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.words

    @property
    def word_list(self) -> list[str]:
        return self.words.split()


class SearchMiss(models.Model):
    """A query that found nothing good, counted: what citizens look for that the catalog does not say (no personal
    data, only the folded text)."""

    text = models.CharField(_("查询内容"), max_length=50, unique=True)
    count = models.PositiveIntegerField(_("次数"), default=1)
    first_seen = models.DateTimeField(_("首次查询"), auto_now_add=True)
    last_seen = models.DateTimeField(_("最近查询"), auto_now=True)

    class Meta:
        verbose_name = _("未找到的查询")
        verbose_name_plural = _("未找到的查询")

    def __str__(self) -> str:
        return self.text


class ItemEvent(EventBase):
    """Trace of the item's drafting, review and publication."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("事项操作记录")
        verbose_name_plural = _("事项操作记录")

    def __str__(self) -> str:
        return f"{self.item_id} {self.verb}"


class CatalogImportRun(models.Model):
    """A large catalog workbook imported by the background worker: the stored upload, how far reading has got, and
    the outcome. Queue-like: its status changes by one conditional UPDATE (queued → running → done or failed)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT)
    # Under MEDIA_ROOT but outside the public prefixes: never served at /media/.
    file = models.FileField(_("文件"), upload_to="imports/catalog/")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_read = models.PositiveIntegerField(_("已读行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事项目录导入")
        verbose_name_plural = _("事项目录导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
