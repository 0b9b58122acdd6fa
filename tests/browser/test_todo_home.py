"""Issue #20: each role starts at the staff home and reaches every item of its to-do list in one click; the menu
shows the counts. Screenshots of the director's home at 1366 px and 390 px."""

from pathlib import Path

import pytest

from bianmin.cases.tests.factories import make_world
from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user
from bianmin.web.tests.todo_world import add_director_items

from .session import log_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def reach_every_item(page, base: str) -> list[str]:
    """Click each row of the to-do list from the home, one at a time; every one opens a page (200) at once."""
    rows = page.locator("#todo .todo-row td a")
    count = rows.count()
    assert count > 0
    reached = []
    for index in range(count):
        page.goto(base + "/staff/")
        link = page.locator("#todo .todo-row td a").nth(index)
        href = link.get_attribute("href")
        # The page's own answer is what is checked (status, address): its scripts and charts need not have loaded.
        with page.expect_navigation(wait_until="domcontentloaded") as nav:
            link.click()
        assert nav.value is not None, href
        assert nav.value.status == 200, href
        assert "/staff/" in page.url
        reached.append(href)
    return reached


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("who", "kinds"),
    [
        ("director", {"cases_due", "case_handovers", "joint_tasks", "signoffs", "online_prereview",
                      "frontdesk_handovers", "assigned_tasks", "leave_to_approve", "unmanned_windows",
                      "accountability", "ratings", "complaints"}),
        # The clerk's own bad review is theirs to rectify.
        ("clerk", {"cases_due", "case_handovers", "joint_tasks", "online_prereview", "frontdesk_handovers",
                   "assigned_tasks", "ratings"}),
        ("handler", {"cases_due", "case_handovers", "joint_tasks", "frontdesk_handovers", "assigned_tasks"}),
        ("inspector", {"complaints", "frontdesk_handovers", "assigned_tasks"}),
    ],
)  # fmt: skip
def test_each_role_reaches_its_to_do_items_in_one_click_from_the_home(live_server, page, who, kinds):
    world = make_world()
    staff = staff_user(Role.INSPECTOR, world.center, name="纪检员") if who == "inspector" else getattr(world, who)
    add_director_items(world, 1, staff=staff)
    log_in(page, live_server.url, staff.user.username)

    shown = set(page.locator("#todo .todo-row").evaluate_all("rows => rows.map(r => r.dataset.todoKind)"))
    assert shown == kinds
    # The menu badges arrive after the page: the home link carries the same total as the list.
    page.wait_for_selector("nav [data-todo-total] .todo-count")
    total = page.inner_text("#todo-title .badge")
    assert page.inner_text("nav [data-todo-total] .todo-count") == total
    # Fewer than five of each kind here: every item is on the home, and each opens in one click.
    reached = reach_every_item(page, live_server.url)
    assert len(reached) == int(total)

    if who == "director":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.goto(live_server.url + "/staff/")
        page.wait_for_selector("nav [data-todo-total] .todo-count")
        page.set_viewport_size({"width": 1366, "height": 768})
        page.screenshot(path=str(SHOTS / "todo_home_director_1366.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / "todo_home_director_390.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
