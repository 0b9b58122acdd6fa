"""Dual assessment (考核, §6(4)): the scores a center and a staff member's home department give each period,
with the weights and pass mark the center sets. The figures beside the scores are computed, never stored."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.core.models import EventBase

DEFAULT_CENTER_WEIGHT = 60  # percent; the home department's weight is the rest
DEFAULT_PASS_MARK = 60
SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class AssessmentSettings(models.Model):
    """A center's assessment rules: the weights of its own and the departments' scores, and the pass mark."""

    center = models.OneToOneField(
        "org.OrgUnit", verbose_name=_("服务中心"), on_delete=models.CASCADE, related_name="assessment_settings"
    )
    center_weight = models.PositiveSmallIntegerField(
        _("中心考核权重（%）"),
        default=DEFAULT_CENTER_WEIGHT,
        validators=[MaxValueValidator(100)],
        help_text=_("派出部门考核权重为 100 减去此数。"),
    )
    pass_mark = models.DecimalField(
        _("合格分数线"), max_digits=4, decimal_places=1, default=DEFAULT_PASS_MARK, validators=SCORE_VALIDATORS
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(_("设置时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核设置")
        verbose_name_plural = _("考核设置")

    def __str__(self) -> str:
        return f"{self.center_id}: {self.center_weight}/{self.department_weight}"

    @property
    def department_weight(self) -> int:
        return 100 - self.center_weight


class AssessmentScore(models.Model):
    """One staff member's scores for one period: quarter 1–4, or 0 for the whole year."""

    center = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("服务中心"), on_delete=models.PROTECT, related_name="assessment_scores"
    )
    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("工作人员"), on_delete=models.PROTECT, related_name="assessment_scores"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), default=0, help_text=_("0 表示年度考核。"))
    center_score = models.DecimalField(
        _("中心考核得分"), max_digits=4, decimal_places=1, null=True, blank=True, validators=SCORE_VALIDATORS
    )
    department_score = models.DecimalField(
        _("派出部门考核得分"), max_digits=4, decimal_places=1, null=True, blank=True, validators=SCORE_VALIDATORS
    )
    remarks = models.TextField(_("主任评语"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("登记时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        ordering = ["center", "year", "quarter", "staff"]
        constraints = [
            models.UniqueConstraint(fields=["center", "staff", "year", "quarter"], name="assessment_score_once"),
            models.CheckConstraint(condition=models.Q(quarter__lte=4), name="assessment_quarter_range"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.year}Q{self.quarter}"


class AssessmentEvent(EventBase):
    """Trace of score entries and settings changes (every write leaves an event)."""

    center = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="+")
    score = models.ForeignKey(AssessmentScore, null=True, blank=True, on_delete=models.CASCADE, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("考核记录")
        verbose_name_plural = _("考核记录")


class MonthRollup(models.Model):
    """One unit's figures for one closed month, as the district dashboard shows them (§6(3)): kept by the periodic
    job `reports.rollups` and rebuilt with `manage.py reports_rollup --rebuild`. A late write into a closed month
    marks its row dirty (`reports.listeners`); a dashboard reads a month from its rows only when every unit of the
    district has a clean one, and counts live otherwise, so the figures are always today's."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"), help_text=_("该月 1 日。"))
    received = models.PositiveIntegerField(_("收件"), default=0)
    completed = models.PositiveIntegerField(_("办结"), default=0)
    on_time = models.PositiveIntegerField(_("按时办结"), default=0)
    # By day, item, mode; ratings, inquiries, petitions, attendance: see bianmin.reports.rollups.compute_month.
    data = models.JSONField(_("明细"), default=dict, blank=True)
    dirty = models.BooleanField(_("待重算"), default=False)
    dirty_at = models.DateTimeField(_("标记待重算时间"), null=True, blank=True)
    built_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("月度统计汇总")
        verbose_name_plural = _("月度统计汇总")
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="month_rollup_once")]
        indexes = [
            models.Index(fields=["month", "dirty"], name="month_rollup_dirty"),
            # Which months a district's units have rolled up, and the trend's sums, read from the index alone
            # (PostgreSQL; elsewhere a plain index on the two columns).
            models.Index(
                fields=["unit", "month"],
                include=["dirty", "built_at", "completed", "on_time"],
                name="month_rollup_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"
