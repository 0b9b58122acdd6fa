"""Views: wiring, scope (404), roles (403), Chinese errors (400, never 500), query counts, notices, progress."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bianmin.cases.checklists import Decision
from bianmin.cases.models import Case, CaseHandover, Status
from bianmin.cases.services import case_complete, case_forward
from bianmin.cases.tests.conftest import at
from bianmin.cases.tests.factories import intake, item_for, presented_except, resident_id
from bianmin.catalog.models import Mode
from bianmin.org.models import Role

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- workbenches --------------------------------------------------------------------------------------------


def test_workbench_lists_my_cases_with_a_constant_number_of_queries(world, clock, client):
    version = item_for(world)
    for n in range(3):
        intake(world, version, n=n)
    client.force_login(world.clerk.user)
    url = reverse("cases:workbench")
    small = count_queries(client, url)
    for n in range(3, 15):
        intake(world, version, n=n)

    assert count_queries(client, url) == small
    assert small <= 14
    response = client.get(url)
    assert len(response.context["page"].rows) == 15
    assert response.content.decode().count('href="/staff/cases/c/410108901-2026-000') == 15


def test_workbench_reads_a_side_list_only_when_the_summary_says_it_holds_something(world, clock, client):
    from bianmin.cases.services import case_handover

    version = item_for(world)
    case = intake(world, version, n=1)
    client.force_login(world.colleague.user)
    url = reverse("cases:workbench")
    empty = count_queries(client, url)

    handover = case_handover(case=case, actor=world.clerk.user, to_staff=world.colleague, note="外出")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)

    assert len(ctx.captured_queries) == empty + 1  # the handovers waiting on the colleague, nothing else
    assert page.context["handovers_in"] == [handover]
    assert page.context["handovers_out"] == page.context["received"] == page.context["tasks"] == []
    assert case.number in page.content.decode()
    client.force_login(world.clerk.user)
    assert client.get(url).context["handovers_out"] == [handover]


def test_workbench_pages_by_keyset(world, clock, client):
    version = item_for(world)
    for n in range(33):
        intake(world, version, n=n)
    client.force_login(world.clerk.user)

    first = client.get(reverse("cases:workbench"))
    page = first.context["page"]
    second = client.get(reverse("cases:workbench"), {"after": page.next_cursor})
    broken = client.get(reverse("cases:workbench"), {"after": "not-a-cursor"})

    assert len(page.rows) == 30
    assert len(second.context["page"].rows) == 3
    assert second.context["page"].next_cursor is None
    seen = [r.pk for r in page.rows + second.context["page"].rows]
    assert len(set(seen)) == 33
    assert broken.status_code == 200


def test_director_board_shows_the_center_and_its_counts_with_constant_queries(world, clock, client):
    version = item_for(world)
    intake(world, version, n=1)
    client.force_login(world.director.user)
    url = reverse("cases:director")
    small = count_queries(client, url)
    for n in range(2, 12):
        intake(world, version, n=n, by=world.colleague)

    assert count_queries(client, url) == small
    response = client.get(url)
    body = response.content.decode()
    assert f'<a href="?staff={world.clerk.pk}">何春燕</a></td><td>1</td>' in body
    assert f'<a href="?staff={world.colleague.pk}">康梦婷</a></td><td>10</td>' in body
    assert client.get(url, {"overdue": "1", "window": "x"}).status_code == 200
    # an id no row could have (typed into the address bar) filters nothing rather than failing the page
    assert client.get(url, {"window": "9" * 30, "staff": "-5", "overdue": "1"}).status_code == 200


def test_director_board_reads_a_side_list_only_when_the_summary_says_it_holds_something(world, clock, client):
    from bianmin.cases.services import case_handover

    case = intake(world, item_for(world), n=1)
    client.force_login(world.director.user)
    url = reverse("cases:director")
    empty = count_queries(client, url)
    assert client.get(url).context["handovers"] == []

    handover = case_handover(case=case, actor=world.clerk.user, to_staff=world.colleague, note="外出")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)

    assert len(ctx.captured_queries) == empty + 1  # the handovers waiting for acknowledgement, nothing else
    assert page.context["handovers"] == [handover]
    assert page.context["signoffs"] == []
    assert "未确认接收的移交" in page.content.decode()


def test_director_pages_are_forbidden_to_window_staff(world, client):
    client.force_login(world.clerk.user)

    assert client.get(reverse("cases:director")).status_code == 403
    assert client.get(reverse("cases:joint_board")).status_code == 403
    assert client.get(reverse("cases:district")).status_code == 403
    assert client.get(reverse("cases:failures")).status_code == 403


def test_joint_board_and_district_board_render(world, clock, client):
    intake(world, item_for(world, mode=Mode.JOINT))
    forwarded = intake(world, item_for(world, mode=Mode.FORWARDED), n=2)
    case_forward(case=forwarded, actor=world.clerk.user)

    client.force_login(world.director.user)
    assert "尚未分派联办任务" in client.get(reverse("cases:joint_board")).content.decode()
    client.force_login(world.district_user.user)
    assert forwarded.number in client.get(reverse("cases:district")).content.decode()


# --- the case page ------------------------------------------------------------------------------------------


def test_case_detail_queries_do_not_grow_with_history(world, clock, client):
    version = item_for(world)
    case = intake(
        world, version, presented=presented_except(version, "户口簿"), decision=Decision.ACCEPT_WITH_SUPPLEMENT
    )
    client.force_login(world.clerk.user)
    url = reverse("cases:detail", args=[case.number])
    client.get(url)  # the first page of a session also fills per-session caches (menu, calendar)
    before = count_queries(client, url)
    booklet = case.materials.get(name="户口簿")
    client.post(reverse("cases:action", args=[case.number, "receive"]), {f"r_{booklet.material_id}": "copy"})
    client.post(reverse("cases:action", args=[case.number, "start"]))

    assert Case.objects.get(pk=case.pk).status == Status.IN_PROGRESS
    assert count_queries(client, url) == before
    body = client.get(url).content.decode()
    assert "计入 5 个工作日" in body
    assert "顺延" in body or "不顺延" in body


def test_case_detail_is_404_for_another_center_and_visible_to_the_district(world, clock, client):
    case = intake(world, item_for(world))
    url = reverse("cases:detail", args=[case.number])

    client.force_login(world.outsider.user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("cases:detail", args=["no-such-case"])).status_code == 404
    client.force_login(world.district_user.user)
    assert client.get(url).status_code == 200


def test_completing_twice_gives_a_clear_message_not_an_error(world, clock, client):
    case = intake(world, item_for(world))
    client.force_login(world.clerk.user)
    url = reverse("cases:action", args=[case.number, "complete"])

    blocked = client.post(url, {"outcome": "granted", "result": "办结"})
    assert blocked.status_code == 400
    assert "以下材料尚未退还申请人或归档" in blocked.content.decode()

    ok = client.post(url, {"outcome": "granted", "result": "办结", "dispose_by_form": "on"})
    again = client.post(url, {"outcome": "granted", "result": "办结", "dispose_by_form": "on"})

    assert ok.status_code == 302
    assert again.status_code == 400
    assert "当前状态为“已办结”" in again.content.decode()


def test_the_district_records_results_and_window_staff_may_not(world, clock, client):
    case = intake(world, item_for(world, mode=Mode.FORWARDED))
    case_forward(case=case, actor=world.clerk.user)

    client.force_login(world.clerk.user)
    assert client.post(reverse("cases:action", args=[case.number, "district_result"])).status_code == 403
    client.force_login(world.district_user.user)
    bad = client.post(reverse("cases:action", args=[case.number, "district_result"]), {"approved": "yes"})
    good = client.post(
        reverse("cases:action", args=[case.number, "district_result"]), {"approved": "yes", "result": "准予"}
    )

    assert bad.status_code == 400
    assert good.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.COMPLETED


def test_unknown_action_is_404(world, clock, client):
    case = intake(world, item_for(world))
    client.force_login(world.clerk.user)

    assert client.post(reverse("cases:action", args=[case.number, "explode"])).status_code == 404


# --- intake screen ------------------------------------------------------------------------------------------


def _intake_post(version, **extra):
    data = {
        "window": "",
        "applicant_kind": "person",
        "applicant_name": "张三",
        "id_number": resident_id(1),
        "phone": "13903711234",
    }
    for m in version.materials:
        data[f"p_{m['id']}"] = "on"
        data[f"f_{m['id']}"] = "copy"
    data.update(extra)
    return data


def test_intake_screen_checks_then_confirms(world, clock, client):
    version = item_for(world)
    client.force_login(world.clerk.user)
    url = reverse("cases:intake", args=[version.item.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "户口簿" in page.content.decode()

    data = _intake_post(version, window=world.window.pk)
    booklet = next(m for m in version.materials if m["name"] == "户口簿")
    del data[f"p_{booklet['id']}"]
    checked = client.post(url, {**data, "step": "check"})
    assert checked.status_code == 200
    assert checked.context["result"].proposal == Decision.ACCEPT_WITH_SUPPLEMENT
    assert "缺少一般材料" in checked.content.decode()

    done = client.post(url, {**data, "step": "confirm", "decision": Decision.ACCEPT_WITH_SUPPLEMENT})
    case = Case.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("cases:detail", args=[case.number])
    assert case.status == Status.WAITING
    assert case.window == world.window


def test_a_confirmed_intake_costs_at_most_twelve_statements_from_request_to_delivery_job(
    world, clock, client, django_capture_on_commit_callbacks
):
    """The whole POST as the window sends it: the user, the item's version, the clerk's posts (the session comes from
    the cache), then the one transaction (numbers, case, materials, notice, events, the text message's outbox row)
    and, after the commit, the delivery job."""
    version = item_for(world)
    client.force_login(world.clerk.user)
    url = reverse("cases:intake", args=[version.item.pk])
    data = {**_intake_post(version, window=world.window.pk), "step": "confirm", "decision": Decision.ACCEPT}
    assert client.post(url, {**data, "id_number": resident_id(2)}).status_code == 302  # the year's counters exist

    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, data)

    assert done.status_code == 302
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert len(sqls) <= 12, "\n".join(sqls)
    assert not any('FROM "django_session"' in sql for sql in sqls)
    case = Case.objects.order_by("-id")[0]
    assert case.status == Status.ACCEPTED
    assert done["Location"] == reverse("cases:detail", args=[case.number])


def test_the_intakes_pickers_take_only_this_centers_staff_and_the_clerks_own_windows(world, clock, client):
    """The pickers' choices are made only when a picker is used or the screen is shown; a choice is still checked."""
    version = item_for(world)
    client.force_login(world.clerk.user)
    url = reverse("cases:intake", args=[version.item.pk])
    receive = {**_intake_post(version), "step": "confirm", "decision": Decision.RECEIVE_ONLY}

    page = client.get(url)
    html = page.content.decode()
    assert f'<option value="{world.colleague.pk}">' in html  # the handover picker lists the center's staff
    assert f'<option value="{world.window.pk}" selected>' in html  # and the window picker the clerk's window
    foreign = client.post(url, {**receive, "handover_to": world.outsider.pk})
    others_window = client.post(url, {**receive, "handover_to": world.colleague.pk, "window": world.other_window.pk})
    assert foreign.status_code == others_window.status_code == 400
    assert "选择一个有效的选项" in foreign.content.decode()
    assert "选择一个有效的选项" in others_window.content.decode()
    assert not Case.objects.exists()

    handed = client.post(url, {**receive, "handover_to": world.colleague.pk, "window": world.window.pk})
    assert handed.status_code == 302
    case = Case.objects.get()
    assert (case.status, case.window) == (Status.RECEIVED, world.window)
    assert CaseHandover.objects.get(case=case).to_staff == world.colleague  # to acknowledge


def test_a_supplement_notice_for_a_complete_checklist_is_refused_with_its_reason_on_the_page(world, clock, client):
    # (What a stale proposal posts when 确认 is clicked before the last tick's check has come back.)
    version = item_for(world)
    client.force_login(world.clerk.user)
    url = reverse("cases:intake", args=[version.item.pk])
    data = {
        **_intake_post(version, window=world.window.pk),
        "step": "confirm",
        "decision": Decision.ACCEPT_WITH_SUPPLEMENT,
    }

    response = client.post(url, data)

    assert response.status_code == 400
    assert "材料齐全时出具补报材料通知单，须列明需要更正或说明的问题。" in response.content.decode()
    assert not Case.objects.exists()


def test_intake_with_bad_input_answers_400_in_chinese_and_saves_nothing(world, clock, client):
    version = item_for(world)
    client.force_login(world.clerk.user)
    url = reverse("cases:intake", args=[version.item.pk])

    bad_id = client.post(url, {**_intake_post(version, id_number="123"), "step": "confirm", "decision": "accept"})
    main_missing = _intake_post(version)
    del main_missing[f"p_{version.main_materials[0]['id']}"]
    refused_accept = client.post(url, {**main_missing, "step": "confirm", "decision": "accept_with_supplement"})
    no_decision = client.post(url, {**_intake_post(version), "step": "confirm"})

    assert bad_id.status_code == 400
    assert "公民身份号码应为 18 位" in bad_id.content.decode()
    assert refused_accept.status_code == 400
    assert "主要申报材料缺少" in refused_accept.content.decode()
    assert no_decision.status_code == 400
    assert "请确认处理决定" in no_decision.content.decode()
    assert not Case.objects.exists()


def test_intake_of_another_windows_item_offers_the_referral(world, clock, client):
    version = item_for(world, windows=(world.other_window,))
    client.force_login(world.clerk.user)

    page = client.get(reverse("cases:intake", args=[version.item.pk]))
    referred = client.post(reverse("cases:referral", args=[version.item.pk]), {"applicant_name": "李四"}, follow=True)

    assert "本事项不属于本窗口办理范围" in page.content.decode()
    assert "王建军（A岗）" in page.content.decode()
    assert "王建军（A岗）" in referred.content.decode()


def test_intake_is_for_window_staff_and_only_for_items_public_here(world, clock, client):
    version = item_for(world)
    client.force_login(world.handler.user)
    assert client.get(reverse("cases:intake", args=[version.item.pk])).status_code == 403
    client.force_login(world.outsider.user)
    assert client.get(reverse("cases:intake", args=[version.item.pk])).status_code == 404
    client.force_login(world.clerk.user)
    listing = client.get(reverse("cases:intake_start"), {"q": version.item.name[:3]})
    assert version.item.name in listing.content.decode()


def test_staff_menu_shows_case_pages_by_role(world, client):
    client.force_login(world.clerk.user)
    body = client.get(reverse("org:staff_home")).content.decode()
    assert reverse("cases:workbench") in body
    assert reverse("cases:director") not in body
    client.force_login(world.director.user)
    assert reverse("cases:director") in client.get(reverse("org:staff_home")).content.decode()


def test_revealing_the_full_id_needs_a_reason_and_is_logged(world, clock, client):
    from bianmin.core.models import PersonalDataReveal

    case = intake(world, item_for(world), n=9)
    client.force_login(world.clerk.user)
    url = reverse("cases:action", args=[case.number, "reveal"])
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert resident_id(9) not in page

    refused = client.post(url, {"field": "applicant_id_number", "reason": ""})
    shown = client.post(url, {"field": "applicant_id_number", "reason": "核对申请人身份"})

    assert refused.status_code == 400
    assert resident_id(9) not in refused.content.decode()
    assert shown.status_code == 200
    assert resident_id(9) in shown.content.decode()
    reveal = PersonalDataReveal.objects.exclude(field="").get()
    assert (reveal.actor, reveal.field, reveal.reason) == (world.clerk.user, "applicant_id_number", "核对申请人身份")
    client.force_login(world.district_user.user)
    assert client.post(url, {"field": "applicant_id_number", "reason": "x"}).status_code == 403


def test_intake_costs_a_bounded_number_of_queries(world, clock, client, django_capture_on_commit_callbacks):
    """The confirmed intake POST, everything counted: the session and the user with their staff record (2), the
    item's current version and the user's windows (2), then the service with its text message after commit (≤ 12,
    see test_intake)."""
    version = item_for(world, general=("户口簿", "近期照片", "结婚证", "收入证明", "房产证明"))
    client.force_login(world.clerk.user)
    url = reverse("cases:intake", args=[version.item.pk])
    for n in range(5):
        intake(world, version, n=n)

    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                **_intake_post(version, id_number=resident_id(77), window=world.window.pk),
                "step": "confirm",
                "decision": "accept",
            },
        )

    assert response.status_code == 302
    assert len(ctx.captured_queries) <= 16  # seven materials, one notice, two events: nothing per row


def test_handover_task_and_signoff_endpoints(world, clock, client):
    from bianmin.cases.services import TaskInput, case_handover, case_request_supplement, case_split

    case = intake(world, item_for(world))
    handover = case_handover(case=case, actor=world.clerk.user, to_staff=world.colleague)
    client.force_login(world.outsider.user)
    assert client.post(reverse("cases:handover_ack", args=[handover.pk])).status_code == 404
    client.force_login(world.colleague.user)
    assert client.get(reverse("cases:workbench")).context["handovers_in"] == [handover]
    response = client.post(reverse("cases:handover_ack", args=[handover.pk]), follow=True)
    assert "已确认接收" in response.content.decode()
    assert Case.objects.get(pk=case.pk).assignee == world.colleague

    request = case_request_supplement(
        case=case, actor=world.colleague.user, items=[{"name": "收入证明"}], due_date=None
    )
    client.force_login(world.clerk.user)
    assert client.post(reverse("cases:signoff", args=[request.pk]), {"approve": "yes", "note": "x"}).status_code == 403
    client.force_login(world.director.user)
    assert "收入证明" in client.get(reverse("cases:director")).content.decode()
    client.post(reverse("cases:signoff", args=[request.pk]), {"approve": "yes", "note": "同意"})
    assert client.get(reverse("cases:failures")).context["rows"][0].case == case

    joint = intake(world, item_for(world, mode=Mode.JOINT), n=2)
    (task,) = case_split(case=joint, actor=world.director.user, tasks=[TaskInput(world.dept_b, clock.now.date())])
    client.force_login(world.handler.user)
    assert [t.pk for t in client.get(reverse("cases:workbench")).context["tasks"]] == [task.pk]
    detail = client.get(reverse("cases:detail", args=[joint.number]))
    assert task.pk in detail.context["task_forms"]
    client.post(reverse("cases:task_complete", args=[task.pk]), {"result": "同意"})
    task.refresh_from_db()
    assert task.state == "done"


def test_live_check_returns_only_the_decision_panel_even_before_the_applicant_is_filled_in(world, clock, client):
    version = item_for(world)
    client.force_login(world.clerk.user)
    main_only = {f"p_{m['id']}": "on" for m in version.main_materials}

    response = client.post(
        reverse("cases:intake", args=[version.item.pk]), {**main_only, "step": "check"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="decision"' in body
    assert 'value="accept_with_supplement" id="id_decision_1" checked' in body
    assert "缺少一般材料" in body


def test_intake_start_carries_the_inquiry_into_each_items_link(world, clock, client):
    version = item_for(world)
    client.force_login(world.clerk.user)

    page = client.get(reverse("cases:intake_start") + "?inquiry=42")
    bad = client.get(reverse("cases:intake_start") + "?inquiry=x")

    assert reverse("cases:intake", args=[version.item.pk]) + "?inquiry=42" in page.content.decode()
    assert "?inquiry=x" not in bad.content.decode()


def test_intake_accepts_an_elderly_applicant_whose_number_names_a_younger_district(world, clock, client):
    # 惠济区 (410108) dates from 1987 as 邙山区; its numbers were issued to people born long before.
    version = item_for(world)
    client.force_login(world.clerk.user)
    url = reverse("cases:intake", args=[version.item.pk])

    done = client.post(
        url,
        {**_intake_post(version, id_number="410108193605170026"), "step": "confirm", "decision": Decision.ACCEPT},
    )

    assert done.status_code == 302
    assert Case.objects.get().applicant_id_number == "410108193605170026"


def test_a_completed_case_due_today_shows_awaiting_delivery_not_due_today(world, clock, client):
    case = intake(world, item_for(world, mode=Mode.DIRECT, promised_limit=0))  # due at today's close
    case_complete(case=case, actor=world.clerk.user, result="当场办结", dispose_by_form=True)
    client.force_login(world.clerk.user)

    response = client.get(reverse("cases:detail", args=[case.number]))

    assert response.context["d"].mark.code == "ready"
    assert "今日到期" not in response.content.decode()


def test_the_deadline_explanation_follows_a_later_calendar_change(
    world, clock, client, django_capture_on_commit_callbacks
):
    import datetime as dt

    from bianmin.core.services import calendar_day_set
    from bianmin.org.tests.factories import staff_user

    case = intake(world, item_for(world))  # Monday 9 March: Tue 10 .. Mon 16 count
    admin = staff_user(Role.ADMIN, world.district)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(
            day=dt.date(2026, 3, 11), is_workday=False, name="临时闭厅", reason="防汛应急", actor=admin.user
        )
    client.force_login(world.clerk.user)

    lines = client.get(reverse("cases:detail", args=[case.number])).context["d"].deadline.lines

    counted = next(line for line in lines if line.startswith("计入"))
    assert "03-11" not in counted
    assert "跳过 2026-03-11（临时闭厅：防汛应急）" in lines
    assert lines[-1] == "办理期限：2026-03-17 17:30"


# --- joint split (issue 15 §6) ---------------------------------------------------------------------------------


def _split_case(world):
    return intake(world, item_for(world, mode=Mode.JOINT, promised_limit=10))  # due 23 March 17:30


def test_split_form_offers_iso_dates_the_browser_keeps(world, clock, client):
    case = _split_case(world)
    client.force_login(world.director.user)
    body = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    # `<input type="date">` drops anything but YYYY-MM-DD: the default is the case's deadline, in ISO.
    assert f'name="due_{world.dept_a.pk}" value="2026-03-23"' in body
    assert "2026/03/23" not in body

    clock.set(at(2026, 3, 25, 9))  # overdue now: the default moves to today
    client.force_login(world.director.user)  # a new working day, a new session
    body = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert f'name="due_{world.dept_a.pk}" value="2026-03-25"' in body
    assert "本办件已超过办理期限（2026-03-23）" in body


def test_a_refused_split_shows_its_errors_in_the_split_form_with_the_input_kept(world, clock, client):
    case = _split_case(world)
    client.force_login(world.director.user)
    url = reverse("cases:action", args=[case.number, "split"])
    post = {f"d_{world.dept_a.pk}": "on", f"due_{world.dept_a.pk}": "2026-03-24", f"i_{world.dept_a.pk}": "核实情况"}

    response = client.post(url, post)

    assert response.status_code == 400
    body = response.content.decode()
    split = body[body.index('id="split"') :]
    split = split[: split.index("</form>")]
    assert "不能晚于办件的办理期限（2026-03-23）" in split
    assert f'name="due_{world.dept_a.pk}" value="2026-03-24"' in split
    assert 'value="核实情况"' in split
    assert f'name="d_{world.dept_a.pk}" id="id_d_{world.dept_a.pk}" checked' in split

    clock.set(at(2026, 3, 25, 9))  # once overdue, the same director can split with dates from today on
    client.force_login(world.director.user)
    post[f"due_{world.dept_a.pk}"] = "2026-03-26"
    assert client.post(url, post).status_code == 302
    assert case.tasks.get().department == world.dept_a


def test_intake_screen_lets_the_clerk_mark_a_conditional_material_not_applicable(world, clock, client):
    from bianmin.catalog.models import Material
    from bianmin.catalog.services import item_publish

    version = item_for(world)
    Material.objects.filter(item=version.item, name="近期照片").update(conditional=True)
    version = item_publish(item=version.item, actor=None)
    photo = next(m["id"] for m in version.materials if m["name"] == "近期照片")
    client.force_login(world.clerk.user)
    url = reverse("cases:intake", args=[version.item.pk])
    assert f'name="na_{photo}"' in client.get(url).content.decode()

    data = _intake_post(version, window=world.window.pk)
    del data[f"p_{photo}"]
    data[f"na_{photo}"] = "on"
    checked = client.post(url, {**data, "step": "check"})
    assert checked.context["result"].proposal == Decision.ACCEPT

    done = client.post(url, {**data, "step": "confirm", "decision": Decision.ACCEPT})
    assert done.status_code == 302
    case = Case.objects.get()
    assert case.status == Status.ACCEPTED
    assert case.materials.get(material_id=photo).not_applicable
    assert "不适用" in client.get(done["Location"]).content.decode()


def test_the_workload_rows_escape_names_and_mark_overdue_and_due_soon_counts():
    from bianmin.cases.selectors import Workload
    from bianmin.cases.templatetags.case_rows import workload_rows

    html = workload_rows(
        [
            Workload(7, 3, "综合窗口", 11, "<b>李</b>", 4, 2, 0, "3号窗口 综合窗口"),
            Workload(None, None, "", None, "", 1, 0, 1, ""),
        ]
    )
    first, second = html.split("\n")
    assert first == (
        '<tr><td><a href="?window=7">3号窗口 综合窗口</a></td><td><a href="?staff=11">&lt;b&gt;李&lt;/b&gt;</a></td>'
        '<td>4</td><td><span class="mark mark-overdue">2</span></td><td>0</td></tr>'
    )
    assert second == (
        '<tr><td><span class="muted">未分窗口（网上申报等）</span></td><td><span class="muted">未指定经办人</span></td>'
        '<td>1</td><td>0</td><td><span class="mark mark-today">1</span></td></tr>'
    )


def test_the_list_rows_are_written_escaped_with_their_badges_and_owner_cells():
    from bianmin.cases import deadlines
    from bianmin.cases.selectors import Row
    from bianmin.cases.templatetags.case_rows import case_rows

    row = Row(
        None,
        deadlines.DueMark("overdue", "已超期"),
        "/staff/cases/c/A-1/",
        1,
        "A-1",
        "<i>低保</i>",
        "张三",
        True,
        "accepted",
        "已受理",
        "承诺件",
        "03-09 17:30",
        "2号窗口",
        "何春燕",
    )
    plain = Row(None, deadlines.DueMark("", ""), "/staff/cases/c/A-2/", 2, "A-2", "事项", "李四", False, "refused")
    html = case_rows([row, plain], show_owner=True)
    assert html.count("<tr>") == 2
    assert '<a href="/staff/cases/c/A-1/">A-1</a> <span class="badge">代办</span>' in html
    assert "&lt;i&gt;低保&lt;/i&gt;" in html
    assert '<span class="status status-accepted">已受理</span>' in html
    assert '03-09 17:30 <span class="mark mark-overdue">已超期</span>' in html
    assert '<td data-label="窗口">2号窗口</td><td data-label="经办人">何春燕</td>' in html
    assert '<a href="/staff/cases/c/A-2/">A-2</a></td>' in html  # no badge, no mark
    # each cell names its column, for the cards a phone shows (`table.stack`)
    assert html.count("<td data-label=") == 2 * 7
    assert '<td data-label="办件编号"><a href="/staff/cases/c/A-1/">' in html
    assert '<td data-label="办理期限">03-09 17:30 ' in html
    own = case_rows([row])
    assert "2号窗口" not in own  # the workbench lists the clerk's own: no owner cells
    assert own.count("<td data-label=") == 5


def test_the_rows_escape_each_value_as_djangos_conditional_escape():
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from bianmin.core.escaping import fast_escape as _e

    values = ['<a href="x">&\'', "张三", 7, None, 2.5, mark_safe("<b>安全</b>"), gettext_lazy("代办"), "", "a&amp;b"]
    assert [_e(v) for v in values] == [str(conditional_escape(v)) for v in values]  # type: ignore[arg-type]
