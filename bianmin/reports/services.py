"""Writes of the reports app: the center's assessment rules and the scores of each period (§6(4))."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bianmin.org.models import OrgUnit, Staff
from bianmin.reports.assessment import ASSESSED_ROLES
from bianmin.reports.models import AssessmentEvent, AssessmentScore, AssessmentSettings
from bianmin.reports.periods import Period

HUNDRED = Decimal(100)


def _check_score(value: Decimal | None, field: str) -> None:
    if value is not None and not Decimal(0) <= value <= HUNDRED:
        raise ValidationError({field: _("得分应在 0 至 100 之间。")})


@transaction.atomic
def assessment_settings_update(
    *, center: OrgUnit, center_weight: int, pass_mark: Decimal, actor: Any
) -> AssessmentSettings:
    if not 0 <= center_weight <= 100:
        raise ValidationError({"center_weight": _("权重应在 0 至 100 之间。")})
    _check_score(pass_mark, "pass_mark")
    settings, _created = AssessmentSettings.objects.select_for_update().get_or_create(center=center)
    before = {"center_weight": settings.center_weight, "pass_mark": str(settings.pass_mark)}
    settings.center_weight = center_weight
    settings.pass_mark = pass_mark
    settings.updated_by = actor
    settings.save()
    AssessmentEvent.objects.create(
        center=center,
        actor=actor,
        verb="settings",
        note=_("中心权重 %(c)s%%，部门权重 %(d)s%%，合格线 %(p)s 分")
        % {"c": center_weight, "d": 100 - center_weight, "p": pass_mark},
        data={"before": before, "after": {"center_weight": center_weight, "pass_mark": str(pass_mark)}},
    )
    return settings


@transaction.atomic
def assessment_score_record(
    *,
    center: OrgUnit,
    staff: Staff,
    period: Period,
    center_score: Decimal | None,
    department_score: Decimal | None,
    remarks: str,
    actor: Any,
) -> AssessmentScore:
    """Record (or correct) a staff member's center and department scores and the director's remarks."""
    if staff.org_unit_id != center.pk or staff.role not in ASSESSED_ROLES:
        raise ValidationError(_("只能为本中心窗口工作人员和部门经办人登记考核得分。"))
    _check_score(center_score, "center_score")
    _check_score(department_score, "department_score")
    score, created = AssessmentScore.objects.select_for_update().get_or_create(
        center=center, staff=staff, year=period.year, quarter=period.quarter
    )
    before = {
        "center_score": None if created or score.center_score is None else str(score.center_score),
        "department_score": None if created or score.department_score is None else str(score.department_score),
    }
    score.center_score = center_score
    score.department_score = department_score
    score.remarks = remarks.strip()
    score.updated_by = actor
    score.save()
    AssessmentEvent.objects.create(
        center=center,
        score=score,
        actor=actor,
        verb="score",
        note=_("%(period)s %(name)s：中心 %(c)s，部门 %(d)s")
        % {
            "period": period.label,
            "name": staff.name,
            "c": center_score if center_score is not None else "—",
            "d": department_score if department_score is not None else "—",
        },
        data={
            "before": before,
            "after": {
                "center_score": None if center_score is None else str(center_score),
                "department_score": None if department_score is None else str(department_score),
            },
        },
    )
    return score
