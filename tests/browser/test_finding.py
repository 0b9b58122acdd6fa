"""Finding things: a clerk searches cases by phone tail, status and the overdue shortcut and exports the result; a
director compares two versions of a catalog item. Screenshots at 1366 px go to var/screenshots/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from bianmin.cases.models import Case, Status
from bianmin.cases.tests.factories import intake, item_for, make_world
from bianmin.catalog import services
from bianmin.catalog.models import Material

from .session import log_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDE = {"width": 1366, "height": 768}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_clerk_finds_cases_by_phone_tail_and_overdue_and_exports_them(live_server, page):
    world = make_world()
    world.clerk.user.username = "clerk"
    world.clerk.user.save()
    version = item_for(world)
    names = ["张秀英", "李建国", "王淑芬", "赵志强", "刘桂兰"]
    cases = [intake(world, version, name=name, n=n, phone=f"139037{n:01d}5678") for n, name in enumerate(names)]
    intake(world, version, name="陈明", n=7, phone="13903711111")
    late = cases[1]
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=2), status=Status.IN_PROGRESS)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(WIDE)

    log_in(page, live_server.url, "clerk")
    page.goto(live_server.url + "/staff/cases/search/")
    page.fill("#id_q", "5678")
    page.click("form.case-search button[type=submit]")
    page.wait_for_selector("table.case-results")
    rows = page.locator("#result-rows tr")
    assert rows.count() == 5
    assert "陈明" not in page.inner_text("#result-rows")
    page.screenshot(path=str(SHOTS / "case_search_1366.png"), full_page=True)

    page.click("text=逾期办件")
    page.wait_for_selector("#result-rows .mark-overdue")
    assert page.locator("#result-rows tr").count() == 1
    assert late.number in page.inner_text("#result-rows")

    # A status filter together with the box; then the export of what is shown.
    page.fill("#id_q", "张")
    page.uncheck("#id_overdue")  # the shortcut left it ticked, as the form shows what was searched
    page.select_option("#id_status", Status.ACCEPTED)
    page.click("form.case-search button[type=submit]")
    page.wait_for_selector("table.case-results")
    assert cases[0].number in page.inner_text("#result-rows")
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")

    # A bad date in the address bar: a message in Chinese, no error page.
    page.goto(live_server.url + "/staff/cases/search/?received_from=2026-02-30")
    assert "请输入正确的日期" in page.inner_text("form.case-search")
    page.screenshot(path=str(SHOTS / "case_search_error_1366.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_director_compares_two_versions_and_cannot_approve_their_own_change(live_server, page):
    world = make_world()
    world.director.user.username = "director"
    world.director.user.save()
    version = item_for(world, promised_limit=10)
    item = version.item
    kept = item.materials.get(name="居民身份证")
    services.item_update(
        item=item,
        actor=world.director.user,
        data={
            "promised_limit": 5,
            "is_free": False,
            "fee_standard": "工本费10元",
            "fee_basis": "豫发改收费〔2020〕1号",
            "conditions": "本辖区户籍居民",
        },
        materials=[
            {"id": kept.pk, "name": kept.name, "kind": Material.Kind.MAIN, "form": Material.Form.BOTH, "copies": 2},
            {"name": "申请表", "kind": Material.Kind.MAIN},
            {"name": "银行卡", "kind": Material.Kind.GENERAL},
        ],
        steps=[{"name": "受理", "duration_days": 0}, {"name": "审核", "duration_days": 3}],
    )
    services.item_publish(item=item, actor=world.district_user.user, note="压缩承诺时限")
    services.item_update(item=item, actor=world.director.user, data={"promised_limit": 3})
    services.item_submit(item=item, actor=world.director.user)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(WIDE)

    log_in(page, live_server.url, "director")
    page.goto(f"{live_server.url}/staff/catalog/{item.pk}/")
    # Four-eyes: the director edited the pending change, so no approve button, a note instead.
    assert "须由其他事项管理人员审核发布" in page.inner_text("#workflow")
    assert page.locator("#workflow button:has-text('审核通过并发布')").count() == 0
    page.click("text=比较版本的变化")
    page.wait_for_selector("#field-changes")
    assert "10个工作日" in page.inner_text("#field-changes")
    assert "5个工作日" in page.inner_text("#field-changes")
    assert "银行卡" in page.inner_text("#material-changes")
    assert "户口簿" in page.inner_text("#material-changes")
    assert "份数" in page.inner_text("#material-changes")
    page.screenshot(path=str(SHOTS / "catalog_compare_1366.png"), full_page=True)
