"""Staff case search: each filter, the scope, the blind indexes, keyset pages, query counts, the masked export."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from bianmin.cases import search
from bianmin.cases.models import Case, Status, applicant_phone_index
from bianmin.cases.search import CaseFilters, export_cases, search_cases
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import intake, item_for, resident_id
from bianmin.catalog.models import Mode
from bianmin.core import personal_data
from bianmin.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def numbers(page: search.SearchPage) -> list[str]:
    return [row.number for row in page.rows]


def found(client, **params) -> list[str]:
    response = client.get(reverse("cases:search"), params)
    assert response.status_code == 200, response.content.decode()
    page = response.context["page"]
    return numbers(page) if page is not None else []


def errors(client, **params) -> str:
    response = client.get(reverse("cases:search"), params)
    assert response.status_code == 400
    assert response.context["page"] is None
    return response.content.decode()


def test_by_number_name_prefix_and_full_id_number(world, clock, client):
    version = item_for(world)
    case = intake(world, version, name="张三丰", n=4)
    intake(world, version, name="李四", n=5)
    client.force_login(world.colleague.user)

    assert found(client, q=case.number) == [case.number]
    assert found(client, q="张三") == [case.number]
    assert found(client, q=f" {resident_id(4)} ") == [case.number]
    assert found(client, q=resident_id(9)) == []
    assert "无法识别" in errors(client, q=resident_id(4)[:10])


def test_by_full_phone_through_the_blind_index_without_decrypting_the_table(world, clock, client, monkeypatch):
    version = item_for(world)
    wanted = intake(world, version, n=1, phone="13903717001")
    for n in range(2, 7):
        intake(world, version, n=n, phone=f"1390371{n:04d}")
    assert wanted.applicant_phone_index == applicant_phone_index("13903717001") != ""
    calls: list[str] = []
    real = personal_data.decrypt

    def counting(token: str) -> str:
        calls.append(token)
        return real(token)

    monkeypatch.setattr(personal_data, "decrypt", counting)

    page = search_cases(user=world.clerk.user, filters=CaseFilters(text="139 0371 7001"))

    assert numbers(page) == [wanted.number]
    # The rows are found by the blind index and the list shows neither the ID number nor the phone: nothing is
    # decrypted, not even for the row found.
    assert calls == []
    # the spreadsheet masks them, so it reads (and decrypts) them for the rows it holds: the one found
    assert [
        c.applicant_phone for c in export_cases(user=world.clerk.user, filters=CaseFilters(text="13903717001"))
    ] == ["13903717001"]
    assert len(calls) == 2


def test_by_phone_tail_within_the_scope_only(world, clock, client):
    version = item_for(world)
    first = intake(world, version, n=1, phone="13903715678")
    second = intake(world, version, n=2, phone="13700005678")
    intake(world, version, n=3, phone="13903711111")
    elsewhere = intake(world, version, n=4, phone="13900005678")
    Case.objects.filter(pk=elsewhere.pk).update(center=world.other_center)
    client.force_login(world.clerk.user)

    assert found(client, q="5678") == [second.number, first.number]
    client.force_login(world.outsider.user)
    assert found(client, q="5678") == [elsewhere.number]


def test_another_centers_cases_are_never_found(world, clock, client):
    version = item_for(world)
    case = intake(world, version, name="张三", n=4, phone="13903714444")
    client.force_login(world.outsider.user)

    for q in (case.number, "张三", resident_id(4), "13903714444", "4444"):
        assert found(client, q=q) == []
    assert found(client, status=Status.ACCEPTED) == []
    # A window or staff member of another center is not even offered.
    assert "不在您的查询范围内" in errors(client, window=world.window.pk)
    assert "不在您的查询范围内" in errors(client, assignee=world.clerk.pk)


def test_by_status_mode_item_window_and_handler(world, clock, client):
    promised = item_for(world)
    immediate = item_for(world, mode=Mode.DIRECT, windows=(world.other_window,))
    a = intake(world, promised, n=1)
    b = intake(world, immediate, n=2, by=world.colleague)
    Case.objects.filter(pk=b.pk).update(window=world.other_window, status=Status.COMPLETED)
    client.force_login(world.director.user)

    assert found(client, status=Status.COMPLETED) == [b.number]
    assert found(client, status=Status.ACCEPTED) == [a.number]
    assert found(client, mode=Mode.DIRECT) == [b.number]
    assert found(client, item=promised.item.pk) == [a.number]
    assert found(client, window=world.other_window.pk) == [b.number]
    assert found(client, assignee=world.colleague.pk) == [b.number]
    assert found(client, assignee=world.clerk.pk, status=Status.COMPLETED) == []
    assert "请从列表中选择状态。" in errors(client, status="lost")


def test_by_received_date_range_whole_days(world, clock, client):
    version = item_for(world)
    clock.set(at(2026, 3, 9, 9))
    monday = intake(world, version, n=1)
    clock.set(at(2026, 3, 10, 23, 50))
    tuesday_night = intake(world, version, n=2)
    clock.set(at(2026, 3, 11, 0, 5))
    wednesday = intake(world, version, n=3)
    client.force_login(world.clerk.user)

    assert found(client, received_from="2026-03-10", received_to="2026-03-10") == [tuesday_night.number]
    assert found(client, received_from="2026-03-10") == [wednesday.number, tuesday_night.number]
    assert found(client, received_to="2026-03-09") == [monday.number]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"received_from": "2026-13-40"}, "请输入正确的日期"),
        ({"received_to": "昨天"}, "请输入正确的日期"),
        ({"received_from": "2026-03-10", "received_to": "2026-03-01"}, "起始日期不能晚于截止日期"),
        ({"received_from": "2020-01-01", "received_to": "2026-03-01"}, "不能超过三年"),
        ({"item": "abc"}, "不在您的查询范围内"),
        ({"q": "12345"}, "无法识别"),
    ],
)
def test_bad_filters_get_a_chinese_message_not_a_500(world, clock, client, params, message):
    client.force_login(world.clerk.user)

    assert message in errors(client, **params)


def test_overdue_and_mine_shortcuts(world, clock, client):
    version = item_for(world, promised_limit=1)
    clock.set(at(2026, 3, 2, 10))
    late_mine = intake(world, version, n=1)
    late_theirs = intake(world, version, n=2, by=world.colleague)
    paused = intake(world, version, n=3)
    Case.objects.filter(pk=paused.pk).update(status=Status.WAITING)
    clock.set(at(2026, 3, 9, 10))
    fresh_mine = intake(world, version, n=4)
    client.force_login(world.clerk.user)

    assert found(client, overdue="on") == [late_theirs.number, late_mine.number]
    assert found(client, mine="on") == [fresh_mine.number, paused.number, late_mine.number]
    assert found(client, mine="on", overdue="on") == [late_mine.number]
    page = client.get(reverse("cases:search")).content.decode()
    assert "?overdue=on" in page
    assert "?mine=on" in page


def test_keyset_pages_cover_every_case_once(world, clock, client):
    version = item_for(world)
    made = []
    for n in range(5):
        clock.set(at(2026, 3, 9, 9, n))
        made.append(intake(world, version, n=n).number)
    filters = CaseFilters(status=Status.ACCEPTED)

    first = search_cases(user=world.clerk.user, filters=filters, limit=2)
    second = search_cases(user=world.clerk.user, filters=filters, cursor=first.next_cursor, limit=2)
    third = search_cases(user=world.clerk.user, filters=filters, cursor=second.next_cursor, limit=2)

    assert numbers(first) + numbers(second) + numbers(third) == made[::-1]
    assert third.next_cursor is None
    client.force_login(world.clerk.user)
    response = client.get(reverse("cases:search"), {"status": Status.ACCEPTED, "after": first.next_cursor})
    assert numbers(response.context["page"])[:2] == numbers(second)


def test_search_query_count_does_not_grow_with_results(world, clock, client, django_assert_num_queries):
    version = item_for(world)
    for n in range(3):
        intake(world, version, n=n)
    everything = CaseFilters(
        text="张", status=Status.ACCEPTED, mode=Mode.PROMISED, item_id=version.item.pk, window_id=world.window.pk,
        assignee_id=world.clerk.pk, received_from=at(2026, 3, 1).date(), received_to=at(2026, 3, 31).date(),
    )  # fmt: skip
    client.force_login(world.clerk.user)
    url = reverse("cases:search")
    client.get(url, {"q": "张"})  # the first page of a session also fills per-session caches (menu, calendar)
    with CaptureQueriesContext(connection) as small_page:
        client.get(url, {"q": "张"})

    # Scope ids, page ids, the page's rows; the work calendar for the deadline marks is cached.
    with django_assert_num_queries(3):
        assert len(search_cases(user=world.clerk.user, filters=everything).rows) == 3
    for n in range(3, 12):
        intake(world, version, n=n)
    with django_assert_num_queries(3):
        assert len(search_cases(user=world.clerk.user, filters=everything).rows) == 12
    with CaptureQueriesContext(connection) as big_page:
        response = client.get(url, {"q": "张"})
    assert len(response.context["page"].rows) == 12
    assert len(big_page.captured_queries) == len(small_page.captured_queries)


def test_export_is_masked_formula_safe_and_audited(world, clock, client):
    version = item_for(world)
    case = intake(world, version, name="=张三", n=4, phone="13903714444")
    client.force_login(world.clerk.user)

    response = client.get(reverse("cases:search_export"), {"q": "4444"})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in sheet[3]]
    row = dict(zip(header, [c.value for c in sheet[4]], strict=True))
    assert row["办件编号"] == case.number
    assert row["申请人"] == "'=**"  # masked, and text a spreadsheet never runs
    assert row["证件号码"] == resident_id(4)[:4] + "*" * 10 + resident_id(4)[-4:]
    assert row["联系电话"] == "139****4444"
    flat = " ".join(str(c.value) for line in sheet.iter_rows() for c in line if c.value is not None)
    assert resident_id(4) not in flat
    assert "13903714444" not in flat
    assert sheet.max_row == 4
    assert AuditEvent.objects.filter(verb="export", note="办件查询结果").exists()


def test_export_refuses_more_rows_than_the_bound_with_a_message(world, clock, client, monkeypatch):
    version = item_for(world)
    for n in range(3):
        intake(world, version, n=n)
    monkeypatch.setattr(search, "EXPORT_LIMIT", 2)
    client.force_login(world.clerk.user)

    response = client.get(reverse("cases:search_export"), {"status": Status.ACCEPTED}, follow=True)

    assert response.redirect_chain
    assert "查询结果超过 2 条，请缩小查询范围" in response.content.decode()
    bad = client.get(reverse("cases:search_export"), {"received_from": "x"}, follow=True)
    assert "请先修正查询条件" in bad.content.decode()


def test_the_migration_backfills_the_phone_index(world, clock):
    case = intake(world, item_for(world), n=1, phone="13903716666")
    Case.objects.filter(pk=case.pk).update(applicant_phone_index="")
    migration = importlib.import_module("bianmin.cases.migrations.0008_case_applicant_phone_index")

    migration.backfill_phone_index(apps, None)

    case.refresh_from_db()
    assert case.applicant_phone_index == applicant_phone_index("13903716666")
    assert numbers(search_cases(user=world.clerk.user, filters=CaseFilters(text="13903716666"))) == [case.number]


def test_key_rotation_rebuilds_the_phone_index(settings, world, clock):
    settings.PERSONAL_DATA_CIPHER = "fernet"
    settings.PERSONAL_DATA_KEYS = ["old-personal-data-key-0123456789abcdefghij"]
    case = intake(world, item_for(world), n=1, phone="13903718888")
    settings.PERSONAL_DATA_KEYS = ["new-personal-data-key-0123456789abcdefghij", *settings.PERSONAL_DATA_KEYS]
    by_phone = CaseFilters(text="13903718888")
    assert numbers(search_cases(user=world.clerk.user, filters=by_phone)) == []

    call_command("rotate_personal_data_key", stdout=io.StringIO())

    assert numbers(search_cases(user=world.clerk.user, filters=by_phone)) == [case.number]
