import datetime as dt
import io

import pytest
from django.db import connection
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from bianmin.cases.models import Status
from bianmin.cases.tests.factories import item_for
from bianmin.catalog.models import Mode
from bianmin.frontdesk.models import Inquiry
from bianmin.org.models import Role
from bianmin.org.tests.factories import community, staff_user
from bianmin.petitions.models import Petition
from bianmin.reports.periods import PeriodError, parse_month
from bianmin.reports.selectors import center_dashboard, district_dashboard
from bianmin.reports.tests import factories as f
from bianmin.reports.tests.factories import at
from bianmin.reports.views import default_month
from bianmin.staffing.models import Leave

BELL_QUERIES = 0  # the bell's unread count is read with the signed-in user (notify.Inbox): no query of its own
MARCH = dt.date(2026, 3, 1)
SELECTOR_QUERIES = 13  # units, then one aggregate per figure
# A district's: and which months its units' rollups hold (none here: counted live); on PostgreSQL the month's counts
# per unit, item, mode and day come from one statement (GROUPING SETS) instead of five.
DISTRICT_QUERIES = SELECTOR_QUERIES + 1 - (4 if connection.vendor == "postgresql" else 0)


@pytest.fixture
def march(world, clock):
    """March 2026 at the test center (now is 15 April), with records just outside the month as well."""
    version = item_for(world)
    c, w2, w3 = world.center, world.window, world.other_window
    point = community(c, code="410108901001")
    clerk, colleague = world.clerk, world.colleague

    def case(**kw):
        kw.setdefault("center", c)
        kw.setdefault("staff", clerk)
        return f.case(version, **kw)

    on_time = case(window=w2, received=at(2026, 3, 2, 10), due=at(2026, 3, 9, 17, 30), completed=at(2026, 3, 5))
    late = case(window=w2, received=at(2026, 3, 2, 15), due=at(2026, 3, 9, 17, 30), completed=at(2026, 3, 11))
    case(window=w3, received=at(2026, 3, 3, 10), completed=at(2026, 3, 3, 11), mode=Mode.DIRECT)
    case(window=w2, received=at(2026, 2, 27), due=at(2026, 3, 6, 17, 30), completed=at(2026, 3, 2, 16))
    case(window=w2, received=at(2026, 3, 31, 23, 30), due=at(2026, 4, 7, 17, 30))  # open and overdue now
    case(window=w2, received=at(2026, 4, 1, 0, 10), due=at(2026, 4, 8, 17, 30))  # April
    case(window=w2, received=at(2026, 3, 20), due=at(2026, 3, 27, 17, 30), status=Status.WAITING)  # clock paused
    case(center=point, staff=None, received=at(2026, 3, 4), due=at(2026, 4, 30))  # at a community point
    f.case(version, center=world.other_center, staff=world.outsider, received=at(2026, 3, 2), completed=at(2026, 3, 3))

    done = case(window=w2, received=at(2026, 1, 5), due=at(2026, 1, 12), completed=at(2026, 1, 6))
    f.rating(on_time, 5, at(2026, 3, 6))
    f.rating(late, 2, at(2026, 3, 12))
    f.rating(done, 5, at(2026, 3, 1, 9))
    appealed = case(window=w2, received=at(2026, 1, 7), due=at(2026, 1, 14), completed=at(2026, 1, 8))
    f.rating(appealed, 1, at(2026, 3, 2), excluded=True)  # taken out on appeal: not counted
    f.rating(
        f.case(version, center=c, staff=clerk, received=at(2026, 2, 2), completed=at(2026, 2, 3)), 1, at(2026, 2, 4)
    )

    f.inquiry(c, clerk, at(2026, 3, 2))
    f.inquiry(c, clerk, at(2026, 3, 3))
    f.inquiry(c, colleague, at(2026, 3, 4), result=Inquiry.Result.REFERRED)
    f.inquiry(world.other_center, world.outsider, at(2026, 3, 4))

    f.petition(c, clerk, dt.date(2026, 3, 5), closed=at(2026, 3, 10), closure=Petition.Closure.HANDLED)
    f.petition(c, clerk, dt.date(2026, 3, 20))  # open past its deadline (31 March)
    f.petition(c, clerk, dt.date(2026, 3, 10), closed=at(2026, 3, 28), closure=Petition.Closure.HANDLED)  # late
    f.petition(c, clerk, dt.date(2026, 2, 10), closed=at(2026, 2, 12), closure=Petition.Closure.HANDLED)

    f.attendance(clerk, dt.date(2026, 3, 2), "08:55")
    f.attendance(clerk, dt.date(2026, 3, 3), "09:10")
    f.attendance(colleague, dt.date(2026, 3, 2), "09:05", check_out=None)
    f.attendance(clerk, dt.date(2026, 4, 1), "09:30")
    f.leave(clerk, at(2026, 3, 10, 9), at(2026, 3, 10, 17, 30))
    f.leave(colleague, at(2026, 3, 11, 9), at(2026, 3, 11, 17, 30), status=Leave.Status.REFUSED)
    return world


def _day(board, day: int) -> tuple[int, int, int]:
    i = day - 1
    return board.received_by_day[i], board.completed_by_day[i], board.on_time_by_day[i]


def test_center_dashboard_counts_the_month(march):
    # given March's records (fixture); when the director reads March
    board = center_dashboard(user=march.director.user, center=march.center, month=MARCH)

    # then cases by day: received by local date (23:30 on the 31st is March), completed with on-time
    assert len(board.days) == 31
    assert _day(board, 2) == (2, 1, 1)
    assert _day(board, 3) == (1, 1, 1)
    assert _day(board, 4) == (1, 0, 0)  # the community point's case counts with its center
    assert _day(board, 11) == (0, 1, 0)
    assert _day(board, 31) == (1, 0, 0)
    assert (board.received, board.completed, board.on_time, board.on_time_rate) == (6, 4, 3, 75.0)
    assert board.on_time_trend[10] == 0.0
    assert board.on_time_trend[0] is None
    # the twelve months up to March: January's and February's completions, and March's
    assert [f"{m:%Y-%m}" for m in board.months][-3:] == ["2026-01", "2026-02", "2026-03"]
    assert len(board.months) == 12
    assert board.completed_by_month[-3:] == [2, 1, 4]
    assert board.on_time_by_month[-3:] == [2, 1, 3]
    assert board.monthly_trend[-1] == 75.0
    assert board.monthly_trend[0] is None

    modes = {r["mode"]: (r["received"], r["completed"], r["on_time"]) for r in board.by_mode}
    assert modes == {"promised": (5, 3, 2), "direct": (1, 1, 1), "joint": (0, 0, 0), "forwarded": (0, 0, 0)}
    places = {r["key"]: (r["received"], r["completed"], r["on_time"]) for r in board.by_place}
    assert places == {march.window.pk: (4, 3, 2), march.other_window.pk: (1, 1, 1), None: (1, 0, 0)}
    assert [(r["key"], r["n"]) for r in board.overdue_now] == [
        (march.window.pk, 2)
    ]  # the April one too: "now" has no month
    assert sum(r["received"] for r in board.by_item) == 6

    assert {r["level"]: r["n"] for r in board.ratings} == {5: 2, 4: 0, 3: 0, 2: 1, 1: 0}
    assert board.satisfaction_rate == 66.7
    assert {r["key"]: r["n"] for r in board.inquiries} == {
        "answered": 2,
        "handled": 0,
        "referred": 1,
        "outside_remit": 0,
    }
    petitions = {r["key"]: (r["n"], r["overdue"]) for r in board.petitions}
    assert petitions == {
        "registered:": (0, 0),
        "assigned:": (1, 1),
        "closed:handled": (2, 1),
        "closed:outside_remit": (0, 0),
    }
    assert board.attendance == [{"label": march.dept_a.name, "staff": 2, "present": 3, "late": 2, "missing_out": 1}]
    assert [(r["key"], r["n"]) for r in board.leave] == [("personal", 1)]


def test_district_dashboard_rolls_centers_up(march):
    board = district_dashboard(user=march.district_user.user, unit=march.district, month=MARCH)

    places = {r["key"]: (r["received"], r["completed"]) for r in board.by_place}
    assert places[march.center.pk] == (6, 4)
    assert places[march.other_center.pk] == (1, 1)
    assert places[march.district.pk] == (0, 0)  # the district's own hall
    assert board.received == 7
    assert [(r["key"], r["n"]) for r in board.overdue_now] == [(march.center.pk, 2)]
    assert {r["key"]: r["n"] for r in board.inquiries}["answered"] == 3
    assert {c.pk for c in board.centers} == {march.center.pk, march.other_center.pk}


def test_each_figure_is_one_query_however_much_data(march, django_assert_num_queries):
    user = march.district_user.user
    district_dashboard(user=user, unit=march.district, month=MARCH)  # warm: the user's staff row, the calendar

    with django_assert_num_queries(DISTRICT_QUERIES):
        district_dashboard(user=user, unit=march.district, month=MARCH)
    with django_assert_num_queries(SELECTOR_QUERIES):
        center_dashboard(user=user, center=march.center, month=MARCH)

    version = item_for(march)
    for day in range(1, 29):
        f.case(
            version,
            center=march.other_center,
            staff=march.outsider,
            received=at(2026, 3, day),
            completed=at(2026, 3, day, 11),
        )
    with django_assert_num_queries(DISTRICT_QUERIES):
        board = district_dashboard(user=user, unit=march.district, month=MARCH)
    assert board.received == 7 + 28


def test_dashboard_pages_in_a_bounded_number_of_queries(march, client, django_assert_num_queries):
    client.force_login(march.district_user.user)
    url = reverse("reports:district_dashboard", kwargs={"code": march.district.code}) + "?month=2026-03"
    client.get(url)

    # the user with its staff record (the session comes from the cache), the district, the selector's figures,
    # the bell
    with django_assert_num_queries(2 + DISTRICT_QUERIES + BELL_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in page
    assert 'id="chart-data"' in page
    assert march.center.display_hall_name in page


def test_scope_of_the_dashboards(march, client):
    center_url = reverse("reports:center_dashboard", kwargs={"code": march.center.code})
    district_url = reverse("reports:district_dashboard", kwargs={"code": march.district.code})

    stranger = staff_user(Role.DIRECTOR, march.other_center)
    client.force_login(stranger.user)
    assert client.get(center_url).status_code == 404
    assert client.get(district_url).status_code == 404  # a center's director does not see the district
    with pytest.raises(Http404):
        center_dashboard(user=stranger.user, center=march.center, month=MARCH)

    client.force_login(march.director.user)
    assert client.get(center_url).status_code == 200
    assert client.get(reverse("reports:home")).url == center_url

    client.force_login(march.district_user.user)
    assert client.get(center_url).status_code == 200
    assert client.get(district_url).status_code == 200
    assert client.get(reverse("reports:home")).url == district_url

    client.force_login(march.clerk.user)
    assert client.get(center_url).status_code == 403


def test_every_table_exports_to_xlsx_with_its_figures(march, client):
    client.force_login(march.director.user)
    url = reverse("reports:center_dashboard_export", kwargs={"code": march.center.code})

    whole = load_workbook(io.BytesIO(client.get(url + "?month=2026-03").content))
    modes = load_workbook(io.BytesIO(client.get(url + "?month=2026-03&table=modes").content))

    assert len(whole.sheetnames) == 11
    ws = modes.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == ("办理方式", "收件", "办结", "按时办结", "按时办结率")
    assert ("承诺件", 5, 3, 2, "66.7%") in rows
    daily = list(whole["每日收件与办结"].iter_rows(values_only=True))
    assert ("2026-03-02", 2, 1, 1, "100.0%") in daily
    assert client.get(url + "?month=2026-03&table=nonsense").status_code == 404


def test_a_bad_month_gets_a_message_not_an_error(march, client):
    client.force_login(march.director.user)
    url = reverse("reports:center_dashboard", kwargs={"code": march.center.code})

    response = client.get(url + "?month=2026-13")

    assert response.status_code == 400
    assert "月份格式应为" in response.content.decode()
    export = reverse("reports:center_dashboard_export", kwargs={"code": march.center.code})
    assert client.get(export + "?month=abc").status_code == 400


def test_months():
    assert parse_month("2026-03", dt.date(2020, 1, 5)) == MARCH
    assert parse_month("", dt.date(2026, 3, 9)) == MARCH
    for bad in ("2026-13", "march", "2026", "1800-01"):
        with pytest.raises(PeriodError):
            parse_month(bad, MARCH)
    # in a month's first week the dashboards open on the month just closed
    assert default_month(dt.date(2026, 4, 3)) == MARCH
    assert default_month(dt.date(2026, 1, 2)) == dt.date(2025, 12, 1)
    assert default_month(dt.date(2026, 3, 20)) == MARCH


def test_the_menu_offers_statistics_and_assessment_to_those_who_may_use_them(world, clock, client):
    links = (reverse("reports:home"), reverse("reports:assessment_home"))

    client.force_login(world.director.user)
    page = client.get(reverse("org:staff_home")).content.decode()
    assert all(f'href="{link}"' in page for link in links)

    client.force_login(world.clerk.user)
    page = client.get(reverse("org:staff_home")).content.decode()
    assert not any(f'href="{link}"' in page for link in links)
