import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from bianmin.cases.tests.factories import item_for
from bianmin.catalog.models import Mode
from bianmin.org.models import Post, Role, Staff
from bianmin.org.tests.factories import PostFactory, WindowFactory, staff_user
from bianmin.oversight.models import Accountability, Complaint
from bianmin.reports import services
from bianmin.reports.assessment import (
    StaffRow,
    annual_assessment,
    combine,
    quarterly_assessment,
    rank_rows,
)
from bianmin.reports.models import AssessmentEvent, AssessmentScore
from bianmin.reports.periods import Period, PeriodError
from bianmin.reports.tests import factories as f
from bianmin.reports.tests.factories import at
from bianmin.staffing.models import Inspection, Leave

BELL_QUERIES = 0  # the bell's unread count is read with the signed-in user (notify.Inbox): no query of its own


def _sb_clerk(world) -> Staff:
    return Staff.objects.get(name="王建军")


def _row(sheet, staff: Staff) -> StaffRow:
    return next(r for r in sheet.rows if r.staff_id == staff.pk)


@pytest.fixture
def year_of_records(world, clock):
    """The first quarter of 2026 at the test center, with records on both sides of every boundary."""
    version = item_for(world)
    c, clerk, colleague = world.center, world.clerk, world.colleague
    on_time = f.case(
        version, center=c, staff=clerk, received=at(2026, 2, 2), due=at(2026, 2, 9, 17), completed=at(2026, 2, 5)
    )
    late = f.case(
        version, center=c, staff=clerk, received=at(2026, 2, 3), due=at(2026, 2, 10, 17), completed=at(2026, 2, 12)
    )
    f.case(version, center=c, staff=clerk, received=at(2026, 3, 2), completed=at(2026, 3, 2, 11), mode=Mode.DIRECT)
    f.case(version, center=c, staff=clerk, received=at(2025, 12, 1), due=at(2025, 12, 8), completed=at(2025, 12, 5))
    f.case(version, center=c, staff=clerk, received=at(2026, 3, 10), due=at(2026, 3, 17, 17))  # still open
    joint = f.case(
        version,
        center=c,
        staff=colleague,
        received=at(2026, 3, 2),
        due=at(2026, 3, 20),
        completed=at(2026, 3, 5),
        mode=Mode.JOINT,
    )
    f.case(version, center=world.other_center, staff=world.outsider, received=at(2026, 2, 2), completed=at(2026, 2, 3))

    f.rating(on_time, 5, at(2026, 2, 6))
    f.rating(late, 2, at(2026, 2, 13))
    f.rating(joint, 4, at(2026, 3, 6))

    f.inquiry(c, clerk, at(2026, 1, 5))
    f.inquiry(c, clerk, at(2026, 3, 31, 16))
    f.inquiry(c, clerk, at(2025, 12, 31, 16))
    f.inquiry(c, colleague, at(2026, 2, 2))

    f.complaint(c, clerk, at(2026, 3, 1), Complaint.Finding.FOUNDED)
    f.complaint(c, clerk, at(2026, 3, 2), Complaint.Finding.UNFOUNDED)
    f.complaint(c, colleague, at(2025, 11, 2), Complaint.Finding.FOUNDED)

    for status in (
        Accountability.Status.DECIDED,
        Accountability.Status.FINAL,
        Accountability.Status.CANDIDATE,
        Accountability.Status.DISMISSED,
    ):
        f.accountability(c, clerk, at(2026, 2, 20), status)
    f.accountability(c, colleague, at(2026, 2, 20), Accountability.Status.APPEALED)

    f.attendance(clerk, dt.date(2026, 3, 2), "08:55")
    f.attendance(clerk, dt.date(2026, 3, 3), "09:10")  # late
    f.attendance(clerk, dt.date(2026, 3, 4), "14:00")  # came for the afternoon only: not a late morning

    f.inspection(clerk, world.director, at(2026, 3, 3), Inspection.Finding.VIOLATION)
    f.inspection(clerk, world.director, at(2026, 3, 4), Inspection.Finding.COMPLIANT)
    f.inspection(clerk, world.director, at(2026, 3, 5), Inspection.Finding.VIOLATION, voided=True)
    return world


def test_annual_assessment_counts_each_source_per_staff_member(year_of_records):
    # given a year of records (fixture) ...
    world = year_of_records

    # when the director reads the 2026 assessment
    sheet = annual_assessment(user=world.director.user, center=world.center, year=2026)

    # then each figure counts only 2026, this center, and what the rule says counts
    clerk = _row(sheet, world.clerk)
    assert clerk.cases_by_mode == {"direct": 1, "promised": 2, "joint": 0, "forwarded": 0}
    assert (clerk.cases, clerk.on_time, clerk.on_time_rate) == (3, 2, 66.7)
    assert (clerk.ratings, clerk.rating_avg, clerk.bad_reviews) == (2, 3.5, 1)
    assert clerk.inquiries == 2
    assert clerk.founded_complaints == 1
    assert clerk.accountability == 2  # decided and final; not the candidate nor the dismissed one
    assert (clerk.present_days, clerk.late_times) == (3, 1)
    assert (clerk.inspections, clerk.violations) == (2, 1)

    colleague = _row(sheet, world.colleague)
    assert colleague.cases_by_mode["joint"] == 1
    assert (colleague.on_time_rate, colleague.rating_avg, colleague.bad_reviews) == (100.0, 4.0, 0)
    assert (colleague.inquiries, colleague.founded_complaints, colleague.accountability) == (1, 0, 1)

    # window staff and department handlers are assessed; the director is not
    names = {r.name for r in sheet.rows}
    assert names == {world.clerk.name, world.colleague.name, _sb_clerk(world).name, world.handler.name}


def test_quarterly_assessment_keeps_to_the_quarter(year_of_records):
    world = year_of_records

    first = quarterly_assessment(user=world.director.user, center=world.center, year=2026, quarter=1)
    second = quarterly_assessment(user=world.director.user, center=world.center, year=2026, quarter=2)

    assert _row(first, world.clerk).cases == 3
    assert _row(second, world.clerk).cases == 0
    assert first.period.label == "2026年第1季度"


def test_assessment_reads_each_source_once_however_many_staff(year_of_records, django_assert_num_queries):
    world = year_of_records
    user = world.director.user
    annual_assessment(user=user, center=world.center, year=2026)  # warm: the user's staff row, the calendar

    with django_assert_num_queries(11):
        annual_assessment(user=user, center=world.center, year=2026)

    # given ten more staff members with cases, ratings and attendance of their own
    version = item_for(world)
    for n in range(10):
        extra = staff_user(Role.WINDOW, world.center, name=f"新人{n}")
        done = f.case(version, center=world.center, staff=extra, received=at(2026, 3, 2), completed=at(2026, 3, 3))
        f.rating(done, 3, at(2026, 3, 4))
        f.attendance(extra, dt.date(2026, 3, 2), "09:20")

    # then the assessment still costs the same
    with django_assert_num_queries(11):
        sheet = annual_assessment(user=user, center=world.center, year=2026)
    assert len(sheet.rows) == 14


def test_absence_is_expected_working_days_less_presence_and_leave(world, clock):
    # given a member who joined on Monday 23 March 2026: 7 working days to the end of the quarter
    clerk = world.clerk
    clerk.user.date_joined = at(2026, 3, 23, 8)
    clerk.user.save()
    for day in (23, 24, 25, 26):
        f.attendance(clerk, dt.date(2026, 3, day), "08:50")
    f.leave(clerk, at(2026, 3, 27, 9), at(2026, 3, 27, 17, 30))  # one full day of approved leave
    f.leave(clerk, at(2026, 3, 30, 9), at(2026, 3, 30, 17, 30), status=Leave.Status.REFUSED)  # does not excuse

    sheet = quarterly_assessment(user=world.director.user, center=world.center, year=2026, quarter=1)

    row = _row(sheet, clerk)
    assert (row.present_days, row.leave_days, row.absent_days) == (4, 1.0, 2.0)


def test_combined_result_needs_every_weighted_score():
    assert combine(Decimal(80), Decimal(90), 60) == Decimal("84.0")
    assert combine(Decimal("77.5"), Decimal("66.5"), 70) == Decimal("74.2")  # 74.2 exactly: 54.25 + 19.95
    assert combine(Decimal(80), None, 60) is None
    assert combine(None, Decimal(90), 60) is None
    assert combine(Decimal(80), None, 100) == Decimal("80.0")  # the department carries no weight
    assert combine(None, Decimal(70), 0) == Decimal("70.0")


def test_ranking_shares_places_on_ties_and_leaves_the_unscored_unranked():
    def row(name: str, combined: str | None) -> StaffRow:
        r = StaffRow(0, name, "", "", "")
        r.combined = Decimal(combined) if combined else None
        return r

    ranked = rank_rows(
        [row("丙", "80"), row("甲", "90"), row("乙", "80"), row("丁", None), row("戊", "59.9")], Decimal(60)
    )

    assert [(r.name, r.rank, r.passed) for r in ranked] == [
        ("甲", 1, True),
        ("丙", 2, True),
        ("乙", 2, True),
        ("戊", 4, False),
        ("丁", None, None),
    ]


def test_weights_and_pass_mark_set_by_the_center_decide_who_fails_and_where_to_replace_them(world, clock):
    # given the center weights its own score 70% and passes from 75
    director = world.director.user
    services.assessment_settings_update(center=world.center, center_weight=70, pass_mark=Decimal(75), actor=director)
    year = Period(2026)
    # clerk: 80*0.7 + 60*0.3 = 74.0 → fails; colleague: 70*0.7 + 90*0.3 = 76.0 → passes
    services.assessment_score_record(
        center=world.center,
        staff=world.clerk,
        period=year,
        center_score=Decimal(80),
        department_score=Decimal(60),
        remarks="  迟到较多，建议调换。 ",
        actor=director,
    )
    services.assessment_score_record(
        center=world.center,
        staff=world.colleague,
        period=year,
        center_score=Decimal(70),
        department_score=Decimal(90),
        remarks="",
        actor=director,
    )

    sheet = annual_assessment(user=director, center=world.center, year=2026)

    assert (sheet.center_weight, sheet.department_weight, sheet.pass_mark) == (70, 30, Decimal(75))
    clerk, colleague = _row(sheet, world.clerk), _row(sheet, world.colleague)
    assert (colleague.combined, colleague.rank, colleague.passed) == (Decimal("76.0"), 1, True)
    assert (clerk.combined, clerk.rank, clerk.passed) == (Decimal("74.0"), 2, False)
    assert clerk.remarks == "迟到较多，建议调换。"
    assert sheet.failing == [clerk]
    # the failing member's current post, where the director can put someone else (§6(5))
    assert [(p.window_id, p.kind) for p in clerk.posts] == [(world.window.pk, Post.Kind.A)]
    assert colleague.posts == []
    assert AssessmentEvent.objects.filter(center=world.center).count() == 3


def test_default_settings_are_sixty_forty_with_sixty_to_pass(world, clock):
    sheet = annual_assessment(user=world.director.user, center=world.center, year=2026)
    assert (sheet.center_weight, sheet.department_weight, sheet.pass_mark) == (60, 40, Decimal(60))


def test_scores_are_checked_and_kept_to_the_centers_assessed_staff(world, clock):
    director = world.director.user
    year = Period(2026)
    with pytest.raises(ValidationError):
        services.assessment_score_record(
            center=world.center,
            staff=world.clerk,
            period=year,
            center_score=Decimal(101),
            department_score=None,
            remarks="",
            actor=director,
        )
    with pytest.raises(ValidationError):
        services.assessment_score_record(
            center=world.center,
            staff=world.outsider,
            period=year,
            center_score=Decimal(80),
            department_score=None,
            remarks="",
            actor=director,
        )
    with pytest.raises(ValidationError):
        services.assessment_settings_update(
            center=world.center, center_weight=120, pass_mark=Decimal(60), actor=director
        )
    assert not AssessmentScore.objects.exists()

    # a second entry for the same period corrects the first, it does not add a row
    for score in (Decimal(70), Decimal(85)):
        services.assessment_score_record(
            center=world.center,
            staff=world.clerk,
            period=year,
            center_score=score,
            department_score=None,
            remarks="",
            actor=director,
        )
    assert AssessmentScore.objects.get().center_score == Decimal(85)


def test_periods_and_their_bad_input():
    assert (Period(2026, 2).start, Period(2026, 2).end) == (dt.date(2026, 4, 1), dt.date(2026, 7, 1))
    assert (Period(2026, 4).end, Period(2026).end) == (dt.date(2027, 1, 1), dt.date(2027, 1, 1))
    with pytest.raises(PeriodError):
        Period(2026, 5)
    with pytest.raises(PeriodError):
        Period(1999)


# --- scope and pages ------------------------------------------------------------------------------------------


def test_a_director_of_another_center_gets_404(world, clock, client):
    stranger = staff_user(Role.DIRECTOR, world.other_center)

    with pytest.raises(Http404):
        annual_assessment(user=stranger.user, center=world.center, year=2026)
    client.force_login(stranger.user)
    assert client.get(reverse("reports:assessment", args=[world.center.code])).status_code == 404
    assert client.get(reverse("reports:assessment_export", args=[world.center.code])).status_code == 404
    url = reverse("reports:assessment_score", args=[world.center.code, world.clerk.pk])
    assert client.get(url).status_code == 404


def test_window_staff_may_not_see_the_assessment(world, clock, client):
    client.force_login(world.clerk.user)
    assert client.get(reverse("reports:assessment", args=[world.center.code])).status_code == 403


def test_the_assessment_page_shows_the_sheet_in_a_bounded_number_of_queries(
    year_of_records, client, django_assert_num_queries
):
    world = year_of_records
    client.force_login(world.director.user)
    url = reverse("reports:assessment", args=[world.center.code]) + "?year=2026"
    client.get(url)

    # the user with its staff record (the session comes from the cache), center, centers picker, the sheet's 11,
    # the bell
    with django_assert_num_queries(14 + BELL_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert world.clerk.name in response.content.decode()


def test_bad_year_gets_a_message_not_an_error(world, clock, client):
    client.force_login(world.director.user)
    response = client.get(reverse("reports:assessment", args=[world.center.code]) + "?year=abc")
    assert response.status_code == 200
    assert "年度和季度须为数字" in response.content.decode()
    export = client.get(reverse("reports:assessment_export", args=[world.center.code]) + "?quarter=7")
    assert export.status_code == 400
    assert "季度" in export.content.decode()


def test_director_sets_weights_and_scores_through_the_pages(world, clock, client):
    client.force_login(world.director.user)
    sheet_url = reverse("reports:assessment", args=[world.center.code])

    bad = client.post(sheet_url, {"year": "2026", "center_weight": "150", "pass_mark": "60"})
    assert bad.status_code == 400
    assert client.post(sheet_url, {"year": "2026", "center_weight": "50", "pass_mark": "70"}).status_code == 302

    score_url = reverse("reports:assessment_score", args=[world.center.code, world.clerk.pk]) + "?year=2026&quarter=1"
    assert client.get(score_url).status_code == 200
    response = client.post(score_url, {"center_score": "66", "department_score": "70", "remarks": "需改进"})
    assert response.status_code == 302
    score = AssessmentScore.objects.get()
    assert (score.year, score.quarter) == (2026, 1)
    assert (score.center_score, score.department_score) == (Decimal(66), Decimal(70))

    sheet = quarterly_assessment(user=world.director.user, center=world.center, year=2026, quarter=1)
    assert _row(sheet, world.clerk).combined == Decimal("68.0")
    assert _row(sheet, world.clerk).failed


def test_inspectors_see_but_do_not_score(world, clock, client):
    inspector = staff_user(Role.INSPECTOR, world.center)
    client.force_login(inspector.user)
    sheet_url = reverse("reports:assessment", args=[world.center.code])

    assert client.get(sheet_url).status_code == 200
    assert client.post(sheet_url, {"year": "2026", "center_weight": "50", "pass_mark": "70"}).status_code == 403
    assert client.get(reverse("reports:assessment_score", args=[world.center.code, world.clerk.pk])).status_code == 403


def test_the_xlsx_export_holds_the_figures_and_marks_who_failed(year_of_records, client):
    world = year_of_records
    services.assessment_score_record(
        center=world.center,
        staff=world.clerk,
        period=Period(2026),
        center_score=Decimal(50),
        department_score=Decimal(50),
        remarks="不合格",
        actor=world.director.user,
    )
    client.force_login(world.director.user)

    response = client.get(reverse("reports:assessment_export", args=[world.center.code]) + "?year=2026")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    headers = rows[1]
    clerk = next(r for r in rows[2:] if r[1] == world.clerk.name)
    record = dict(zip(headers, clerk, strict=True))
    assert record["承诺件"] == 2
    assert record["办件合计"] == 3
    assert record["按时办结率"] == "66.7%"
    assert record["差评"] == 1
    assert record["综合得分"] == 50.0
    assert record["结果"] == "不合格"
    assert record["主任评语"] == "不合格"


def test_a_district_user_sees_the_assessment_of_centers_below(world, clock, client):
    client.force_login(world.district_user.user)
    assert client.get(reverse("reports:assessment_home")).status_code == 302
    assert client.get(reverse("reports:assessment", args=[world.other_center.code])).status_code == 200


def test_window_posts_of_another_center_are_not_offered_for_replacement(world, clock):
    # a failing clerk who also holds a post at another center's window: only this center's post is offered
    other_window = WindowFactory.create(center=world.other_center, number=9)
    PostFactory.create(window=other_window, staff=world.clerk, kind=Post.Kind.B, valid_from=dt.date(2020, 1, 1))
    services.assessment_score_record(
        center=world.center,
        staff=world.clerk,
        period=Period(2026),
        center_score=Decimal(10),
        department_score=Decimal(10),
        remarks="",
        actor=world.director.user,
    )

    sheet = annual_assessment(user=world.director.user, center=world.center, year=2026)

    assert [p.window_id for p in _row(sheet, world.clerk).posts] == [world.window.pk]


def test_a_rating_counts_for_the_rated_member_and_not_once_taken_out_on_appeal(world, clock):
    version = item_for(world)
    c, clerk, colleague = world.center, world.clerk, world.colleague
    first = f.case(version, center=c, staff=clerk, received=at(2026, 2, 2), completed=at(2026, 2, 3))
    second = f.case(version, center=c, staff=clerk, received=at(2026, 2, 2), completed=at(2026, 2, 3))
    third = f.case(version, center=c, staff=clerk, received=at(2026, 2, 2), completed=at(2026, 2, 3))
    f.rating(first, 5, at(2026, 2, 4))
    f.rating(second, 1, at(2026, 2, 4), staff=colleague)  # the window's screen recorded who served
    f.rating(third, 1, at(2026, 2, 4), excluded=True)  # shown to be malicious on appeal

    sheet = annual_assessment(user=world.director.user, center=c, year=2026)

    assert (_row(sheet, clerk).ratings, _row(sheet, clerk).bad_reviews) == (1, 0)
    assert (_row(sheet, colleague).ratings, _row(sheet, colleague).bad_reviews) == (1, 1)
