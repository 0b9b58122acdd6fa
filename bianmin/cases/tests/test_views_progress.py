"""The public progress query: plain words, masked names, one answer for every wrong combination, throttled."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case, Outcome
from bianmin.cases.services import case_forward, forwarding_result
from bianmin.cases.tests.factories import intake, item_for, presented_except, resident_id
from bianmin.catalog.models import Mode

pytestmark = pytest.mark.django_db


# --- public progress ----------------------------------------------------------------------------------------


def test_progress_query_shows_plain_words_and_a_masked_name(world, clock, client):
    version = item_for(world)
    case = intake(
        world,
        version,
        presented=presented_except(version, "户口簿"),
        decision=Decision.ACCEPT_WITH_SUPPLEMENT,
        name="张三丰",
        phone="13903715678",
    )

    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("cases:progress"), {"number": case.number, "phone_tail": "5678"})
    body = response.content.decode()

    assert response.status_code == 200
    # the applicant's ID number and phone are neither shown nor read (nor decrypted) for the public page
    assert not any("applicant_id_number" in q["sql"] for q in ctx.captured_queries)
    assert "张**" in body
    assert "张三丰" not in body
    assert resident_id(1) not in body
    assert "户口簿" in body  # what is awaited
    assert "已受理；请按补报材料通知单补齐材料" in body
    assert world.clerk.name not in body  # no staff names in the public timeline


def test_wrong_combinations_answer_the_same_not_found_and_are_throttled(world, clock, client):
    case = intake(world, item_for(world), phone="13903715678")
    url = reverse("cases:progress")

    wrong_tail = client.post(url, {"number": case.number, "phone_tail": "0000"})
    wrong_number = client.post(url, {"number": "410108901-2026-99999", "phone_tail": "5678"})
    malformed = client.post(url, {"number": "", "phone_tail": "12"})

    assert wrong_tail.status_code == wrong_number.status_code == malformed.status_code == 404
    assert wrong_tail.context["error"] == wrong_number.context["error"] == malformed.context["error"]
    for _ in range(7):
        client.post(url, {"number": case.number, "phone_tail": "0001"})
    throttled = client.post(url, {"number": case.number, "phone_tail": "5678"})
    assert throttled.status_code == 429
    assert "查询过于频繁" in throttled.content.decode()


def test_progress_by_qr_token(world, clock, client):
    case = intake(world, item_for(world))

    found = client.get(reverse("cases:progress_token", args=[case.public_token]))
    missing = client.get(reverse("cases:progress_token", args=["x" * 22]))

    assert found.status_code == 200
    assert case.number in found.content.decode()
    assert missing.status_code == 404
    # The citizen typed nothing: the page says the link is not valid and offers the number-and-phone form, with no
    # empty footer bar for a center it cannot name.
    page = missing.content.decode()
    assert "该查询链接无效或已失效" in page
    assert "核对办件编号和联系电话后四位" not in page
    assert 'name="phone_tail"' in page
    assert 'class="footer"' not in page
    assert 'class="footer"' in found.content.decode()
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("cases:progress_token", args=[case.public_token]))
    assert len(ctx.captured_queries) <= 4
    # the public page never reads the applicant's ID number or phone (nor decrypts them): the case's own query
    # selects what the page shows, and nothing is loaded afterwards
    case_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert case_reads
    assert not any("applicant_id_number" in sql or '"applicant_phone"' in sql for sql in case_reads)


def test_behind_the_proxy_one_client_failing_does_not_lock_out_another(world, clock, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    case = intake(world, item_for(world), phone="13903715678")
    url = reverse("cases:progress")
    # Every request comes from the reverse proxy (10.0.0.1), which appends the citizen's address.
    guesser = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    citizen = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    for n in range(12):
        guesser.post(url, {"number": "410108901-2026-99999", "phone_tail": f"{n:04d}"})

    assert guesser.post(url, {"number": case.number, "phone_tail": "5678"}).status_code == 429
    assert citizen.post(url, {"number": case.number, "phone_tail": "5678"}).status_code == 200


def test_a_spoofed_forwarded_address_does_not_escape_the_throttle(world, clock, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    case = intake(world, item_for(world), phone="13903715678")
    url = reverse("cases:progress")
    for n in range(12):
        # The client writes its own X-Forwarded-For; the proxy appends the address it saw.
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7").post(
            url, {"number": case.number, "phone_tail": f"{n:04d}"}
        )

    again = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7")
    assert again.post(url, {"number": case.number, "phone_tail": "5678"}).status_code == 429


def test_a_case_number_guessed_from_many_addresses_still_answers_its_applicant(world, clock, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    case = intake(world, item_for(world), phone="13903715678")
    url = reverse("cases:progress")
    for n in range(25):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").post(
            url, {"number": case.number, "phone_tail": f"{n:04d}"}
        )

    # A guesser that has failed once more is refused; the applicant from a clean address gets the answer.
    assert (
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.3")
        .post(url, {"number": case.number, "phone_tail": "5678"})
        .status_code
        == 429
    )
    assert (
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
        .post(url, {"number": case.number, "phone_tail": "5678"})
        .status_code
        == 200
    )


# --- the outcome and the promised date -----------------------------------------------------------------------


def _progress(client, case):
    return client.get(reverse("cases:progress_token", args=[case.public_token])).content.decode()


def test_an_open_case_shows_the_promised_limit_and_date_and_no_outcome(world, clock, client):
    case = intake(world, item_for(world, promised_limit=5))

    body = _progress(client, case)

    assert "承诺时限" in body
    assert "5个工作日" in body
    assert case.due_at is not None
    assert f"{case.due_at.astimezone(clock().tzinfo):%Y年%-m月%-d日}" in body
    assert "data-outcome" not in body


def test_a_found_case_leaves_the_form_empty_for_the_next_query(world, clock, client):
    case = intake(world, item_for(world))

    url = reverse("cases:progress")
    body = client.post(url, {"number": case.number, "phone_tail": case.phone_tail}).content.decode()
    wrong = "0000" if case.phone_tail != "0000" else "1111"
    missed = client.post(url, {"number": case.number, "phone_tail": wrong}).content.decode()

    assert 'id="progress"' in body  # found
    assert f'value="{case.phone_tail}"' not in body
    assert f'value="{case.number}"' not in body
    assert 'name="phone_tail"' in body
    # not found: what was typed stays, to be corrected
    assert f'value="{case.number}"' in missed


def test_a_case_done_on_the_spot_promises_on_the_spot_and_no_moment(world, clock, client):
    case = intake(world, item_for(world, mode=Mode.DIRECT, promised_limit=0))

    body = _progress(client, case)

    assert case.due_at is not None  # it has a deadline (the end of the working day) ...
    assert "当场办结" in body
    assert "data-promised" not in body  # ... which the applicant is not promised as a moment
    assert f"{case.due_at.astimezone(clock().tzinfo):%H:%M} 前" not in body


def test_a_case_not_granted_shows_the_decision_and_the_reason(world, clock, client):
    case = intake(world, item_for(world))
    client.force_login(world.clerk.user)
    url = reverse("cases:action", args=[case.number, "complete"])

    missing = client.post(url, {"result": "办结", "dispose_by_form": "on"})
    done = client.post(
        url,
        {"outcome": "denied", "result": "申请人家庭人均收入高于当地最低生活保障标准。", "dispose_by_form": "on"},
    )
    client.logout()
    body = _progress(client, case)

    assert missing.status_code == 400  # the decision must be chosen
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).outcome == Outcome.DENIED
    assert '<strong class="outcome outcome-denied" data-outcome>不予</strong>' in body
    assert "不予的理由" in body
    assert "申请人家庭人均收入高于当地最低生活保障标准。" in body
    assert "办结时间" in body
    assert "按期办结" in body


def test_a_granted_case_shows_granted(world, clock, client):
    case = intake(world, item_for(world))
    client.force_login(world.clerk.user)
    client.post(
        reverse("cases:action", args=[case.number, "complete"]),
        {"outcome": "granted", "result": "已发放低保证。", "dispose_by_form": "on"},
    )
    client.logout()

    body = _progress(client, case)

    assert '<strong class="outcome outcome-granted" data-outcome>准予</strong>' in body
    assert "已发放低保证。" in body


def test_a_refusal_at_intake_shows_not_accepted_and_its_reason(world, clock, client):
    version = item_for(world)
    case = intake(
        world,
        version,
        presented=presented_except(version, "申请表"),
        decision=Decision.REFUSE,
        refusal_reason="缺少申请表。",
    )

    body = _progress(client, case)

    assert '<strong class="outcome outcome-denied" data-outcome>不予受理</strong>' in body
    assert "不予受理原因" in body
    assert "缺少申请表。" in body


def test_the_districts_refusal_reaches_the_progress_page_as_not_granted(world, clock, client):
    case = intake(world, item_for(world, mode=Mode.FORWARDED))
    case_forward(case=case, actor=world.clerk.user)

    forwarding_result(case=case, actor=world.district_user.user, approved=False, result="不符合申请条件。")

    assert Case.objects.get(pk=case.pk).outcome == Outcome.DENIED
    assert "不予批准：不符合申请条件。" in _progress(client, case)


def test_the_compiled_public_lookups_build_the_case_the_orm_reads(world, clock, django_assert_num_queries):
    from bianmin.cases import progress_query

    case = intake(world, item_for(world), name="李桂兰", phone="13903715678")
    orm = Case.objects.select_related("center").get(pk=case.pk)
    for _ in range(2):  # compiled on the first call, reused on the second
        with django_assert_num_queries(2):
            by_token = progress_query.progress_by_token(token=case.public_token, public=True)
            by_number = progress_query.progress_lookup(number=f" {case.number} ", phone_tail="5678")
        for found in (by_token, by_number):
            assert found is not None
            assert found.pk == case.pk
            for name in progress_query.PUBLIC_FIELDS:
                assert getattr(found, name) == getattr(orm, name), name
            assert found.center.display_hall_name == orm.center.display_hall_name
            assert (found.center.phone, found.center.code) == (orm.center.phone, orm.center.code)
            # what the page does not show is not read: deferred, as `only()` leaves it
            assert {"applicant_id_number", "applicant_phone"} <= found.get_deferred_fields()
    assert progress_query.progress_lookup(number=case.number, phone_tail="5679") is None
    assert progress_query.progress_by_token(token=case.public_token[:-1] + "x", public=True) is None
    # the public page's steps are the case's public events, oldest first
    assert by_token is not None
    steps = progress_query.public_progress(case=by_token).steps
    assert [s.at for s in steps] == sorted(s.at for s in steps)
    assert steps
