from pathlib import Path

import pytest

from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user
from bianmin.staffing.models import AttendanceDay
from bianmin.staffing.tests.factories import staffed_window

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")


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
