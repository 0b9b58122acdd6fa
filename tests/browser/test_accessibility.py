"""axe-core (from the npm package) on every public page and the main staff pages: no serious or critical
violation (issue 20: 无障碍, GB/T 37668, WCAG 2.1 AA)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bianmin.cases.models import Case, Status
from bianmin.cases.tests.factories import intake, item_for, make_world
from bianmin.hall.tests.factories import QueueCategoryFactory, slot

from .axe import assert_accessible, axe_violations, describe
from .session import log_in


def assert_pages_accessible(page, base: str, pages: dict[str, str]) -> None:
    """Visit each page and report every page's serious or critical violations together."""
    found: dict[str, str] = {}
    for what, path in pages.items():
        response = page.goto(base + path)
        assert response is not None, (what, path)
        assert response.ok, (what, path, response.status)
        page.wait_for_load_state("networkidle")
        violations = axe_violations(page)
        if violations:
            found[f"{what} {path}"] = describe(violations)
    assert not found, "\n".join(f"axe-core on {what}:\n{text}" for what, text in found.items())


@pytest.fixture
def world(db):
    w = make_world()
    version = item_for(w, name="城乡居民最低生活保障申请")
    category = QueueCategoryFactory.create(center=w.center, prefix="A", name="综合受理")
    category.windows.set([w.window])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    slot(category, dt.datetime.combine(tomorrow, dt.time(10), tzinfo=timezone.get_current_timezone()))
    open_case = intake(w, version, name="张三", n=1)
    done = intake(w, version, name="李四", n=2)
    Case.objects.filter(pk=done.pk).update(status=Status.COMPLETED, completed_at=timezone.now())
    w.version = version  # type: ignore[attr-defined]
    w.open_case = open_case  # type: ignore[attr-defined]
    w.done_case = done  # type: ignore[attr-defined]
    return w


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_have_no_serious_accessibility_violation(live_server, page, world):
    base, code = live_server.url, world.center.code
    item_id = world.version.item_id
    pages = {
        "首页": "/",
        "办事指南目录": f"/centers/{code}/guide/",
        "事项办事指南": f"/centers/{code}/guide/{item_id}/",
        "事项搜索": f"/centers/{code}/search/?q=低保",
        "网上预约": f"/hall/{code}/book/",
        "办件进度查询": "/progress/",
        "办件进度结果": f"/progress/t/{world.open_case.public_token}/",
        "办结评价": f"/progress/t/{world.done_case.public_token}/",
        "投诉": f"/centers/{code}/complaint/",
        "大厅显示屏": f"/hall/{code}/screen/",
        "取号机": f"/hall/{code}/kiosk/",
    }
    assert_pages_accessible(page, base, pages)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_progress_query_result_after_a_wrong_number_is_accessible(live_server, page, world):
    # the error state of the query form: the message is announced and the fields keep their labels
    page.goto(live_server.url + "/progress/")
    page.fill("#id_number", "410108901-2026-09999")
    page.fill("#id_phone_tail", "1234")
    page.locator("form[action='/progress/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[role=alert]").count() >= 1
    assert_accessible(page, "办件进度查询（查无结果）")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_staff_pages_have_no_serious_accessibility_violation(live_server, page, world):
    base = live_server.url
    log_in(page, base, world.clerk.user.username)
    pages = {
        "工作台首页": "/staff/",
        "办件工作台": "/staff/cases/",
        "办件详情": f"/staff/cases/c/{world.open_case.number}/",
        "受理选择事项": "/staff/cases/intake/",
        "受理登记": f"/staff/cases/intake/{world.version.item_id}/",
    }
    assert_pages_accessible(page, base, pages)
    # the director's home carries more panels than the clerk's
    page.context.clear_cookies()
    log_in(page, base, world.director.user.username)
    assert_accessible(page, "主任工作台首页")
