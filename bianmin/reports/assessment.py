"""Assessment (考核, §6(4)): per staff member of a center, for a quarter or a year, the figures from the records —
cases handled by mode, on-time rate, ratings, inquiries, founded complaints, decided accountability, attendance and
inspection findings — beside the center's and the home department's scores, combined with the center's weights,
ranked, and held against the center's pass mark.

Every source is read with one aggregate query grouped by staff member (never one per person), so a center's year
costs a dozen queries however many staff and cases it has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, F, Min, Q
from django.db.models.functions import Coalesce, ExtractHour, ExtractMinute
from django.http import Http404
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.catalog.models import Mode
from bianmin.core.aggregates import Rows
from bianmin.core.replica import on_replica
from bianmin.core.selectors import work_calendar
from bianmin.frontdesk.models import Inquiry
from bianmin.org.access import in_scope
from bianmin.org.models import OrgUnit, Post, Role, Staff
from bianmin.oversight.models import Accountability, Complaint, Rating
from bianmin.reports.models import AssessmentScore, AssessmentSettings
from bianmin.reports.periods import Period
from bianmin.staffing.models import AttendanceDay, Inspection, Leave
from bianmin.staffing.timekeeping import leave_working_days

# Who is assessed: the staff the departments send to the windows, and the departments' handlers.
ASSESSED_ROLES = (Role.WINDOW, Role.HANDLER)
# Accountability that counts against a staff member: decided, under appeal (the decision stands until changed),
# and final. Candidates and dismissed ones do not.
COUNTED_ACCOUNTABILITY = (
    Accountability.Status.DECIDED,
    Accountability.Status.APPEALED,
    Accountability.Status.FINAL,
)
BAD_REVIEW_MAX = Rating.Level.DISSATISFIED
TENTH = Decimal("0.1")


@dataclass
class StaffRow:
    staff_id: int
    name: str
    department: str
    job_title: str
    employment: str
    cases_by_mode: dict[str, int] = field(default_factory=dict)
    cases: int = 0
    on_time: int = 0
    ratings: int = 0
    rating_avg: float | None = None
    bad_reviews: int = 0
    inquiries: int = 0
    founded_complaints: int = 0
    accountability: int = 0
    present_days: int = 0
    late_times: int = 0
    absent_days: float = 0.0
    leave_days: float = 0.0
    inspections: int = 0
    violations: int = 0
    center_score: Decimal | None = None
    department_score: Decimal | None = None
    remarks: str = ""
    combined: Decimal | None = None
    rank: int | None = None
    passed: bool | None = None
    posts: list[Post] = field(default_factory=list)  # current posts: where a failing member can be replaced

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.cases, 1) if self.cases else None

    @property
    def failed(self) -> bool:
        return self.passed is False


@dataclass
class AssessmentSheet:
    center: OrgUnit
    period: Period
    center_weight: int
    department_weight: int
    pass_mark: Decimal
    rows: list[StaffRow]
    modes: list[tuple[str, str]] = field(default_factory=lambda: [(m.value, str(m.label)) for m in Mode])

    @property
    def failing(self) -> list[StaffRow]:
        return [r for r in self.rows if r.failed]


def settings_of(center: OrgUnit) -> AssessmentSettings:
    """The center's settings, or the defaults (unsaved) when it has set none."""
    found = AssessmentSettings.objects.filter(center=center).first()
    return found if found is not None else AssessmentSettings(center=center)


def combine(center_score: Decimal | None, department_score: Decimal | None, center_weight: int) -> Decimal | None:
    """The weighted result, to one decimal; None while a score that carries weight is missing."""
    department_weight = 100 - center_weight
    if (center_weight and center_score is None) or (department_weight and department_score is None):
        return None
    total = Decimal(center_weight) * (center_score or 0) + Decimal(department_weight) * (department_score or 0)
    return (total / 100).quantize(TENTH, rounding=ROUND_HALF_UP)


def rank_rows(rows: list[StaffRow], pass_mark: Decimal) -> list[StaffRow]:
    """Order by combined result (best first; unscored last, by name); equal results share a rank (1, 1, 3)."""
    scored = sorted((r for r in rows if r.combined is not None), key=lambda r: (-(r.combined or 0), r.name))
    rank = 0
    previous: Decimal | None = None
    for position, row in enumerate(scored, start=1):
        if row.combined != previous:
            rank = position
            previous = row.combined
        row.rank = rank
        row.passed = row.combined is not None and row.combined >= pass_mark
    unscored = sorted((r for r in rows if r.combined is None), key=lambda r: r.name)
    for row in unscored:
        row.rank = None
        row.passed = None
    return scored + unscored


def assessed_staff(center: OrgUnit) -> list[Staff]:
    return list(
        Staff.objects.filter(org_unit=center, is_active=True, role__in=ASSESSED_ROLES)
        .select_related("department", "user")
        .order_by("department__code", "name")
    )


@on_replica
def assessment(*, user: Any, center: OrgUnit, period: Period, now: dt.datetime | None = None) -> AssessmentSheet:
    """The assessment sheet of `center` for `period`; Http404 when the center is not in the user's scope."""
    if not in_scope(user, center):
        raise Http404
    now = now or timezone.now()
    cal = work_calendar()
    tz = cal.tz
    start, end = period.bounds(tz)
    rules = settings_of(center)
    staff = assessed_staff(center)
    rows = {
        s.pk: StaffRow(
            s.pk,
            s.name,
            s.department.name if s.department else "",
            s.job_title,
            s.get_employment_display(),
            cases_by_mode={m.value: 0 for m in Mode},
        )
        for s in staff
    }

    # Cases completed in the period, by the one who handled them (the assignee, else the receiver).
    handled = (
        Case.objects.filter(center=center, completed_at__gte=start, completed_at__lt=end)
        .annotate(handler_id=Coalesce("assignee_id", "received_by_id"))
        .values("handler_id", "mode")
        .annotate(n=Rows(), on_time=Rows(Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at"))))
        .order_by()
    )
    for r in handled:
        row = rows.get(r["handler_id"])
        if row is not None:
            row.cases_by_mode[r["mode"]] = row.cases_by_mode.get(r["mode"], 0) + r["n"]
            row.cases += r["n"]
            row.on_time += r["on_time"]

    ratings = (
        Rating.objects.filter(center=center, created_at__gte=start, created_at__lt=end, excluded=False)
        # The rated staff member as recorded with the rating, else the case's handler.
        .annotate(handler_id=Coalesce("staff_id", "case__assignee_id", "case__received_by_id"))
        .values("handler_id")
        .annotate(n=Rows(), avg=Avg("overall"), bad=Rows(Q(overall__lte=BAD_REVIEW_MAX)))
        .order_by()
    )
    for r in ratings:
        row = rows.get(r["handler_id"])
        if row is not None:
            row.ratings, row.bad_reviews = r["n"], r["bad"]
            row.rating_avg = round(float(r["avg"]), 2) if r["avg"] is not None else None

    inquiries = (
        Inquiry.objects.filter(center=center, received_at__gte=start, received_at__lt=end)
        .values("first_contact_id")
        .annotate(n=Rows())
        .order_by()
    )
    for r in inquiries:
        if (row := rows.get(r["first_contact_id"])) is not None:
            row.inquiries = r["n"]

    complaints = (
        Complaint.objects.filter(
            center=center, finding=Complaint.Finding.FOUNDED, created_at__gte=start, created_at__lt=end
        )
        .values("staff_id")
        .annotate(n=Rows())
        .order_by()
    )
    for r in complaints:
        if (row := rows.get(r["staff_id"])) is not None:
            row.founded_complaints = r["n"]

    records = (
        Accountability.objects.filter(
            center=center, status__in=COUNTED_ACCOUNTABILITY, created_at__gte=start, created_at__lt=end
        )
        .values("staff_id")
        .annotate(n=Rows())
        .order_by()
    )
    for r in records:
        if (row := rows.get(r["staff_id"])) is not None:
            row.accountability = r["n"]

    _attendance(center, period, rows, {s.pk: s for s in staff}, now)

    inspections = (
        Inspection.objects.filter(
            center=center, voided=False, staff__isnull=False, inspected_at__gte=start, inspected_at__lt=end
        )
        .values("staff_id")
        .annotate(n=Rows(), violations=Rows(Q(finding=Inspection.Finding.VIOLATION)))
        .order_by()
    )
    for r in inspections:
        if (row := rows.get(r["staff_id"])) is not None:
            row.inspections, row.violations = r["n"], r["violations"]

    for score in AssessmentScore.objects.filter(center=center, year=period.year, quarter=period.quarter):
        if (row := rows.get(score.staff_id)) is not None:
            row.center_score, row.department_score, row.remarks = (
                score.center_score,
                score.department_score,
                score.remarks,
            )
            row.combined = combine(score.center_score, score.department_score, rules.center_weight)

    ranked = rank_rows(list(rows.values()), rules.pass_mark)
    if any(r.failed for r in ranked):
        failing = {r.staff_id for r in ranked if r.failed}
        today = now.astimezone(tz).date()
        for post in (
            Post.objects.active_on(today)
            .filter(staff_id__in=failing, window__center=center)
            .select_related("window")
            .order_by("window__number", "kind")
        ):
            rows[post.staff_id].posts.append(post)
    return AssessmentSheet(center, period, rules.center_weight, rules.department_weight, rules.pass_mark, ranked)


def _attendance(
    center: OrgUnit, period: Period, rows: dict[int, StaffRow], staff: dict[int, Staff], now: dt.datetime
) -> None:
    """Attendance in two queries: days present and late arrivals (check-in during the morning session, after its
    start) grouped in SQL; approved leave read as rows and counted in working days. Absence is what remains of
    the working days expected (from the period's start, or the member's first day, to yesterday)."""
    cal = work_calendar()
    tz = cal.tz
    start, end = period.bounds(tz)
    morning_start = center.morning_start.hour * 60 + center.morning_start.minute
    morning_end = center.morning_end.hour * 60 + center.morning_end.minute
    minute = ExtractHour("check_in", tzinfo=tz) * 60 + ExtractMinute("check_in", tzinfo=tz)
    days = (
        AttendanceDay.objects.filter(center=center, date__gte=period.start, date__lt=period.end, check_in__isnull=False)
        .annotate(minute=minute)
        .values("staff_id")
        .annotate(
            present=Rows(),
            late=Rows(Q(minute__gt=morning_start, minute__lt=morning_end)),
            first=Min("date"),
        )
        .order_by()
    )
    first_day: dict[int, dt.date] = {}
    for r in days:
        if (row := rows.get(r["staff_id"])) is not None:
            row.present_days, row.late_times = r["present"], r["late"]
            first_day[r["staff_id"]] = r["first"]

    hours = center.office_hours
    leaves = (
        Leave.objects.effective()
        .filter(center=center, staff_id__in=list(rows))
        .filter(
            Q(status=Leave.Status.APPROVED, start__lt=end, end__gt=start)
            | Q(status=Leave.Status.RETURNED, actual_start__lt=end, actual_end__gt=start)
        )
    )
    for leave in leaves.only("staff_id", "status", "start", "end", "actual_start", "actual_end"):
        span = leave.period
        if span is not None:
            rows[leave.staff_id].leave_days += leave_working_days(max(span[0], start), min(span[1], end), cal, hours)

    today = now.astimezone(tz).date()
    until = min(period.end, today)
    expected_from: dict[dt.date, int] = {}
    for staff_id, row in rows.items():
        joined = staff[staff_id].user.date_joined.astimezone(tz).date()
        if staff_id in first_day:
            joined = min(joined, first_day[staff_id])
        since = max(period.start, joined)
        if since not in expected_from:
            expected_from[since] = sum(1 for _ in cal.workdays(since, until)) if since < until else 0
        row.absent_days = max(0.0, expected_from[since] - row.present_days - row.leave_days)


def annual_assessment(*, user: Any, center: OrgUnit, year: int, now: dt.datetime | None = None) -> AssessmentSheet:
    """A center's annual assessment (§6(4)); the bench measures this one."""
    return assessment(user=user, center=center, period=Period(year), now=now)


def quarterly_assessment(
    *, user: Any, center: OrgUnit, year: int, quarter: int, now: dt.datetime | None = None
) -> AssessmentSheet:
    return assessment(user=user, center=center, period=Period(year, quarter), now=now)


def score_of(*, center: OrgUnit, staff: Staff, period: Period) -> AssessmentScore | None:
    return AssessmentScore.objects.filter(center=center, staff=staff, year=period.year, quarter=period.quarter).first()


def assessed_member(*, user: Any, center: OrgUnit, staff_id: int) -> Staff:
    """One assessed staff member of the center, else Http404."""
    if not in_scope(user, center):
        raise Http404
    found = (
        Staff.objects.filter(org_unit=center, role__in=ASSESSED_ROLES, pk=staff_id).select_related("department").first()
    )
    if found is None:
        raise Http404
    return found


__all__ = ["AssessmentSheet", "StaffRow", "annual_assessment", "assessment", "quarterly_assessment"]
