import time
from pathlib import Path

import pytest
from django.utils import timezone

from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user
from bianmin.staffing import services, views
from bianmin.staffing.models import AttendanceDay, UnmannedWindow
from bianmin.staffing.tests.factories import staffed_window

from .session import log_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_checks_in_from_the_workbench_and_the_director_sees_the_board(live_server, page):
    w = staffed_window()
    w.a.user.username = "a_post"
    w.a.user.save()
    director = staff_user(Role.DIRECTOR, w.center)
    director.user.username = "chief"
    director.user.save()

    # A checks in with one click; htmx swaps the card in place
    log_in(page, live_server.url, "a_post")
    page.click("#checkin-card button:has-text('签到')")
    page.wait_for_selector("#checkin-card .msg-success")
    assert "签到成功" in page.inner_text("#checkin-card")
    assert page.is_visible("#checkin-card button:has-text('签退')")
    assert AttendanceDay.objects.get(staff=w.a).check_in is not None
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "staffing_checkin.png"), full_page=True)

    # the director opens the live board from the menu: A is on duty at the window
    page.context.clear_cookies()
    log_in(page, live_server.url, "chief")
    page.click("nav >> summary:has-text('人员管理')")
    page.click("nav >> text=窗口在岗")
    page.wait_for_url("**/staff/staffing/board/")
    row = page.inner_text(f"#board-window-{w.window.number}")
    assert w.a.name in row
    page.screenshot(path=str(SHOTS / "staffing_board.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_board_refresh_keeps_what_the_director_is_typing(live_server, page, monkeypatch):
    # given an open unmanned record on the board (the sweep is held still so the record stays open at any hour)
    # and a board that refreshes every second
    monkeypatch.setattr(views, "BOARD_POLL_SECONDS", 1)
    monkeypatch.setattr(services, "unmanned_sweep", lambda *args, **kwargs: services.SweepResult())
    w = staffed_window()
    now = timezone.now()
    UnmannedWindow.objects.create(window=w.window, center=w.center, started_at=now, detected_at=now)
    director = staff_user(Role.DIRECTOR, w.center)
    director.user.username = "chief"
    director.user.save()
    log_in(page, live_server.url, "chief")
    page.goto(f"{live_server.url}/staff/staffing/board/?center={w.center.code}")
    note = f"#board-window-{w.window.number} input[name=note]"
    page.wait_for_selector(note)
    polls = "window.__polls"
    page.evaluate(
        "() => { window.__polls = 0; document.addEventListener('htmx:beforeRequest',"
        " (e) => { if (e.detail.elt.id === 'board') window.__polls++; }); }"
    )

    # when the director types a 处置说明 and refreshes fall due while the field has focus
    page.click(note)
    page.keyboard.type("已安排B岗李四顶岗")
    # (polled from here: a page-side predicate would need eval, which the Content-Security-Policy forbids)
    deadline = time.monotonic() + 30
    while page.evaluate(f"() => {polls}") < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert page.evaluate(f"() => {polls}") >= 2

    # then the text is still there, and the board says it is paused
    assert page.input_value(note) == "已安排B岗李四顶岗"
    assert page.is_visible("#board .poll-paused")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "staffing_board_typing.png"), full_page=True)

    # and with the focus elsewhere the unsent text still holds the refresh
    page.click("h1")
    seen = page.evaluate(f"() => {polls}")
    deadline = time.monotonic() + 30
    while page.evaluate(f"() => {polls}") < seen + 2 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert page.evaluate(f"() => {polls}") >= seen + 2
    assert page.input_value(note) == "已安排B岗李四顶岗"

    # once the field is emptied, refreshing resumes
    page.fill(note, "")
    page.click("h1")
    with page.expect_response(lambda r: "/staff/staffing/board/" in r.url and r.request.headers.get("hx-request")):
        pass
    page.wait_for_selector("#board:not([data-poll-paused])")
