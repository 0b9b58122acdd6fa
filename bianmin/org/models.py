from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from bianmin.core.personal_data import EncryptedCharField
from bianmin.core.workcalendar import DEFAULT_OFFICE_HOURS, OfficeHours

PATH_STEP = 7  # "000123/": six digits of the id and a slash per level


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def subtree(self, unit: OrgUnit) -> OrgUnitQuerySet:
        """The unit and everything under it: one indexed prefix query on the materialized path."""
        return self.filter(path__startswith=unit.path)

    def centers(self) -> OrgUnitQuerySet:
        return self.exclude(hall_kind="")


class OrgUnit(models.Model):
    """A node of the three-tier service system (§1): district → subdistrict/township → community/village."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("区（县）")
        SUBDISTRICT = "subdistrict", _("街道（乡镇）")
        COMMUNITY = "community", _("社区（村）")

    class HallKind(models.TextChoices):
        NONE = "", _("无服务大厅")
        DISTRICT_CENTER = "district_center", _("区行政服务中心")
        CENTER = "center", _("便民服务中心")
        POINT = "point", _("便民服务站")

    LEVEL_DEPTH = {Level.DISTRICT: 1, Level.SUBDISTRICT: 2, Level.COMMUNITY: 3}

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=20, blank=True, help_text=_("用于编号前缀等，如“长兴”。"))
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=1)
    hall_kind = models.CharField(_("服务大厅"), max_length=16, choices=HallKind.choices, blank=True, default="")
    hall_name = models.CharField(_("大厅名称"), max_length=100, blank=True, help_text=_("留空时按单位名称自动生成。"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=40, blank=True)
    morning_start = models.TimeField(_("上午上班"), default=dt.time(9, 0))
    morning_end = models.TimeField(_("上午下班"), default=dt.time(12, 0))
    afternoon_start = models.TimeField(_("下午上班"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("下午下班"), default=dt.time(17, 30))
    is_active = models.BooleanField(_("启用"), default=True)
    # Four-eyes publishing of the catalog (a second person approves what one edited) is the rule; a unit with a
    # single catalog manager may relax it, and each approval made under the relaxation is written to the audit trail.
    catalog_self_approval = models.BooleanField(
        _("允许编辑人本人审核发布事项"),
        default=False,
        help_text=_("仅适用于只有一名事项管理人员的单位；每次本人审核发布均记入审计日志。"),
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="orgunit_path_like_idx", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        # The path is an invariant of the tree, kept here so admin edits and services alike keep it right.
        old_path = self.path
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
        self.path = (self.parent.path if self.parent else "") + f"{self.pk:06d}/"
        self.depth = self.parent.depth + 1 if self.parent else 1
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        if old_path and old_path != self.path:
            OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1))
            )
            # Depth of moved descendants follows their new path length.
            for unit in OrgUnit.objects.filter(path__startswith=self.path).exclude(pk=self.pk).only("path"):
                OrgUnit.objects.filter(pk=unit.pk).update(depth=len(unit.path) // PATH_STEP)

    @property
    def display_hall_name(self) -> str:
        if self.hall_name:
            return self.hall_name
        if self.hall_kind == self.HallKind.DISTRICT_CENTER:
            return f"{self.name}行政服务中心"
        if self.hall_kind == self.HallKind.POINT:
            return f"{self.name}便民服务站"
        return f"{self.name}便民服务中心"

    @property
    def office_hours(self) -> OfficeHours:
        try:
            return OfficeHours.of((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))
        except ValueError:
            return DEFAULT_OFFICE_HOURS

    def is_within(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)

    def ancestors_paths(self) -> list[str]:
        return [self.path[: PATH_STEP * i] for i in range(1, self.depth)]


class LeadingGroupMember(models.Model):
    """The center's leading group and its office (§3)."""

    class Body(models.TextChoices):
        GROUP = "group", _("领导小组")
        OFFICE = "office", _("领导小组办公室")

    class Position(models.TextChoices):
        LEADER = "leader", _("组长/主任")
        DEPUTY = "deputy", _("副组长/副主任")
        MEMBER = "member", _("成员")

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="leading_group"
    )
    body = models.CharField(_("机构"), max_length=16, choices=Body.choices)
    position = models.CharField(_("职务"), max_length=16, choices=Position.choices)
    name = models.CharField(_("姓名"), max_length=50)
    job_title = models.CharField(_("本职职务"), max_length=100, blank=True)
    staff = models.ForeignKey("Staff", verbose_name=_("对应工作人员"), null=True, blank=True, on_delete=models.SET_NULL)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("领导小组成员")
        verbose_name_plural = _("领导小组成员")
        ordering = ["org_unit", "body", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.position_label} {self.name}"

    @property
    def position_label(self) -> str:
        labels: dict[tuple[str, str], str] = {
            (self.Body.GROUP, self.Position.LEADER): "组长",
            (self.Body.GROUP, self.Position.DEPUTY): "副组长",
            (self.Body.OFFICE, self.Position.LEADER): "主任",
            (self.Body.OFFICE, self.Position.DEPUTY): "副主任",
        }
        return labels.get((self.body, self.position), "成员")


class Department(models.Model):
    """A department that staffs windows or handles its part of joint cases."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="departments"
    )
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["org_unit", "code"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "code"], name="department_code_unique")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    WINDOW = "window", _("窗口工作人员")
    HANDLER = "handler", _("部门经办人")
    DIRECTOR = "director", _("中心主任")
    INSPECTOR = "inspector", _("纪检督查")
    DISTRICT = "district", _("区行政服务中心")
    ADMIN = "admin", _("系统管理员")


class Staff(models.Model):
    """A user's profile as a member of staff (挂牌上岗: name, job title, post, scope)."""

    class Employment(models.TextChoices):
        FORMAL = "formal", _("正式人员")
        TEMPORARY = "temporary", _("临时人员")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="staff"
    )
    name = models.CharField(_("姓名"), max_length=50)
    job_title = models.CharField(_("职务"), max_length=100, blank=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="staff")
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.WINDOW)
    employment = models.CharField(
        _("人员类别"),
        max_length=16,
        choices=Employment.choices,
        default=Employment.FORMAL,
        help_text=_("决定可适用的处理方式：辞退只适用于临时人员。"),
    )
    badge_number = models.CharField(_("工号"), max_length=20, blank=True)
    photo = models.ImageField(_("照片"), upload_to="staff/", blank=True)
    phone = EncryptedCharField(_("手机号码"), blank=True, default="")
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["org_unit", "name"]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A service window in a center's hall (§6(1))."""

    center = models.ForeignKey(OrgUnit, verbose_name=_("所在中心"), on_delete=models.PROTECT, related_name="windows")
    number = models.PositiveSmallIntegerField(_("窗口号"))
    name = models.CharField(_("窗口名称"), max_length=100)
    business_scope = models.TextField(_("业务范围"), blank=True)
    departments = models.ManyToManyField(Department, verbose_name=_("派驻部门"), blank=True, related_name="windows")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["center", "number"]
        constraints = [models.UniqueConstraint(fields=["center", "number"], name="window_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}号窗口 {self.name}"


class PostQuerySet(models.QuerySet["Post"]):
    def active_on(self, day: dt.date) -> PostQuerySet:
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Post(models.Model):
    """A staff member on a window: A (resident) or B (covers when A is away), for a period (§6(1), §6(5))."""

    class Kind(models.TextChoices):
        A = "A", _("A岗")
        B = "B", _("B岗")

    window = models.ForeignKey(Window, verbose_name=_("窗口"), on_delete=models.CASCADE, related_name="posts")
    staff = models.ForeignKey(Staff, verbose_name=_("工作人员"), on_delete=models.PROTECT, related_name="posts")
    kind = models.CharField(_("岗位"), max_length=1, choices=Kind.choices)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True, help_text=_("留空表示长期有效。"))
    replaces = models.OneToOneField(
        "self", verbose_name=_("接替"), null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位（A/B岗）")
        ordering = ["window", "kind", "valid_from"]
        indexes = [models.Index(fields=["window", "valid_from"], name="post_window_idx")]

    def __str__(self) -> str:
        return f"{self.window} {self.get_kind_display()} {self.staff}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class ExtendedHours(models.Model):
    """Extended-hours sessions (延时服务) on set days, §4(7)."""

    center = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.CASCADE, related_name="extended_hours")
    date = models.DateField(_("日期"))
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("延时服务时段")
        verbose_name_plural = _("延时服务时段")
        ordering = ["center", "date", "start"]

    def __str__(self) -> str:
        return f"{self.date} {self.start:%H:%M}–{self.end:%H:%M}"
