"""The hall's staff pages: the counter, appointments, slots and settings, home visits, proxies, personal data."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from bianmin.hall import services
from bianmin.hall.intake import intake_url_for
from bianmin.hall.models import Appointment, HomeVisit, ProxyCase, Ticket
from bianmin.hall.tests.factories import case_at, future_slot, hall, login, slot, today_slot
from bianmin.org.models import Role
from bianmin.org.tests.factories import community, staff_user

BELL_QUERIES = 0  # the bell's unread count is read with the signed-in user (notify.Inbox): no query of its own


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def h(db):
    return hall()


# --- Staff: the counter -------------------------------------------------------------------------------------


def test_staff_pages_need_a_login_and_a_hall_role(h):
    assert Client().get("/staff/hall/counter/").status_code == 302
    handler = staff_user(Role.HANDLER, h.center)
    assert login(handler).get("/staff/hall/counter/").status_code == 403
    assert login(h.clerks[1]).get("/staff/hall/slots/").status_code == 403
    assert login(h.director).get("/staff/hall/slots/").status_code == 200


def test_a_clerk_calls_at_their_window_and_sees_the_intake_seam(h):
    services.ticket_issue(center=h.center, category=h.a)
    client = login(h.clerks[1])

    page = client.get("/staff/hall/counter/")
    assert "叫下一位" in page.content.decode()
    response = client.post(f"/staff/hall/counter/{h.windows[1].pk}/call/")

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.status == Ticket.Status.CALLED
    assert ticket.window == h.windows[1]
    page = client.get(response["Location"]).content.decode()
    assert "A001" in page
    assert 'href="/staff/cases/intake/" data-intake' in page  # a walk-in without an item: the item picker


def test_a_clerk_cannot_call_at_a_window_they_are_not_posted_on(h):
    services.ticket_issue(center=h.center, category=h.a)

    response = login(h.clerks[1]).post(f"/staff/hall/counter/{h.windows[2].pk}/call/")

    assert response.status_code == 403
    assert Ticket.objects.get().status == Ticket.Status.WAITING


def test_another_centers_staff_get_404_for_this_centers_windows_and_tickets(h):
    other = hall(code="C2")
    ticket = services.ticket_issue(center=h.center, category=h.a)
    services.ticket_call_next(window=h.windows[1], actor=h.clerks[1].user)
    client = login(other.director)

    assert client.post(f"/staff/hall/counter/{h.windows[1].pk}/call/").status_code == 404
    assert client.post(f"/staff/hall/tickets/{ticket.pk}/finish/").status_code == 404
    assert client.get(f"/staff/hall/counter/?center={h.center.code}").status_code == 404


def test_the_counter_actions_run_the_ticket_through_its_day(h):
    services.ticket_issue(center=h.center, category=h.a)
    client = login(h.clerks[1])
    client.post(f"/staff/hall/counter/{h.windows[1].pk}/call/")
    ticket = Ticket.objects.get()

    for action in ("recall", "start", "finish"):
        assert client.post(f"/staff/hall/tickets/{ticket.pk}/{action}/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DONE
    assert ticket.recall_count == 1
    # an action that no longer applies is refused with a message, not a 500
    response = client.post(f"/staff/hall/tickets/{ticket.pk}/no_show/", follow=True)
    assert response.status_code == 200
    assert "不在任何窗口" in response.content.decode() or "不能进行此操作" in response.content.decode()


def test_transfer_from_the_counter(h):
    services.ticket_issue(center=h.center, category=h.a)
    client = login(h.clerks[1])
    client.post(f"/staff/hall/counter/{h.windows[1].pk}/call/")
    ticket = Ticket.objects.get()

    bad = client.post(f"/staff/hall/tickets/{ticket.pk}/transfer/", {"to_window": "nope"}, follow=True)
    assert "请选择要转至的窗口" in bad.content.decode()
    client.post(f"/staff/hall/tickets/{ticket.pk}/transfer/", {"to_window": h.windows[3].pk, "note": "民政"})

    ticket.refresh_from_db()
    assert ticket.target_window == h.windows[3]
    assert ticket.status == Ticket.Status.WAITING


def test_the_queue_partial_refreshes_without_the_page(h):
    services.ticket_issue(center=h.center, category=h.a)

    response = login(h.clerks[1]).get(f"/staff/hall/counter/{h.windows[1].pk}/queue/", HTTP_HX_REQUEST="true")

    text = response.content.decode()
    assert "A001" in text
    assert "<html" not in text


def test_a_clerk_without_a_post_is_told_so(h):
    loose = staff_user(Role.WINDOW, h.center)

    page = login(loose).get("/staff/hall/counter/").content.decode()

    assert "您今天没有窗口岗位" in page


# --- intake seam --------------------------------------------------------------------------------------------


def test_intake_url_for_opens_the_items_intake_with_the_applicants_name(h):
    from bianmin.catalog.tests.factories import published_item

    item = published_item(owner=h.center).item
    ticket = services.ticket_issue(center=h.center, category=h.a, item=item, applicant_name="张 三")
    walk_in = services.ticket_issue(center=h.center, category=h.a)

    assert intake_url_for(ticket) == f"/staff/cases/intake/{item.pk}/?applicant_name=%E5%BC%A0+%E4%B8%89"
    assert intake_url_for(walk_in) == "/staff/cases/intake/"


def test_the_called_tickets_intake_link_opens_a_prefilled_intake(h):
    from bianmin.catalog.tests.factories import published_item

    item = published_item(owner=h.center).item
    ticket = services.ticket_issue(center=h.center, category=h.a, item=item, applicant_name="张三")
    client = login(h.director)

    html = client.get(intake_url_for(ticket)).content.decode()

    assert 'value="张三"' in html


# --- Staff lists: query counts ----------------------------------------------------------------------------


def test_list_pages_do_not_grow_queries_with_rows(h, django_assert_max_num_queries):
    client = login(h.director)
    for i in range(5):
        s = future_slot(h) if i == 0 else slot(h.b, future_slot_start(h, i))
        services.appointment_book(slot=s, name=f"人{i}", phone=f"1390371000{i}", item_name="x")
        services.ticket_issue(center=h.center, category=h.a)
        services.home_visit_request(
            center=h.center,
            channel="phone",
            name="刘",
            phone="13903716001",
            address="某地",
            reason="ill",
            item_name="x",
        )
        services.proxy_register(
            center=h.center,
            applicant_name="陈",
            applicant_phone="13903717001",
            agent_kind="staff",
            agent_staff=h.clerks[1],
            authorization="poa",
            authorized_on=timezone.localdate(),
            authorization_note="代办",
            item_name="x",
            actor=None,
        )
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    # Measured with 2 and with 10 rows of each kind: the same counts.
    bounds = {
        f"/staff/hall/appointments/?date={tomorrow}": 4 + 1,  # + the access-log insert (who saw the bookings)
        "/staff/hall/tickets/": 7,
        "/staff/hall/home-visits/": 5,
        "/staff/hall/proxy/": 4,
        f"/staff/hall/slots/?date={tomorrow}": 9,
        "/staff/hall/": 11,
        "/staff/hall/counter/": 9,
    }
    for url, bound in bounds.items():
        client.get(url)  # warm the session and per-request caches
        with django_assert_max_num_queries(bound + BELL_QUERIES):
            assert client.get(url).status_code == 200, url


def future_slot_start(h, i):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(10 + i), tzinfo=timezone.get_current_timezone())


# --- Appointments at the front desk -------------------------------------------------------------------------


@pytest.mark.clock
def test_staff_check_in_a_booking_from_the_list(working_morning, h):
    s = today_slot(h)
    appointment = services.appointment_book(slot=s, name="赵桂兰", phone="13903715003", item_name="临时救助")
    client = login(h.clerks[2])

    page = client.get("/staff/hall/appointments/").content.decode()
    assert "赵桂兰" in page
    response = client.post(
        f"/staff/hall/appointments/{appointment.pk}/check-in/", {"next": "/staff/hall/appointments/"}
    )

    assert response.status_code == 302
    assert Ticket.objects.get(appointment=appointment).is_priority


def test_staff_of_another_center_cannot_touch_this_centers_bookings(h):
    appointment = services.appointment_book(slot=future_slot(h), name="甲", phone="13903710001", item_name="x")
    other = hall(code="C2")

    assert login(other.clerks[1]).post(f"/staff/hall/appointments/{appointment.pk}/check-in/").status_code == 404


# --- Director: slots, extended hours, settings ------------------------------------------------------------


def test_the_director_generates_and_blocks_slots_and_bad_input_is_answered_in_chinese(h):
    client = login(h.director)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    bad = client.post(
        "/staff/hall/slots/",
        {
            "action": "generate",
            "category": h.a.pk,
            "first": tomorrow,
            "last": tomorrow - dt.timedelta(days=1),
            "minutes": 30,
            "capacity": 3,
        },
    )
    assert bad.status_code == 400
    assert "结束日期不能早于开始日期" in bad.content.decode()
    good = client.post(
        "/staff/hall/slots/",
        {
            "action": "generate",
            "category": h.a.pk,
            "first": tomorrow,
            "last": tomorrow + dt.timedelta(days=6),
            "minutes": 30,
            "capacity": 3,
        },
    )
    assert good.status_code == 302
    blocked = client.post(
        "/staff/hall/slots/",
        {"action": "block", "day": tomorrow, "start": "09:00", "end": "23:00", "reason": "业务培训"},
    )
    assert blocked.status_code == 302


def test_the_director_adds_extended_hours_and_the_public_page_shows_them(h):
    client = login(h.director)
    day = timezone.localdate() + dt.timedelta(days=1)

    response = client.post(
        "/staff/hall/extended-hours/", {"date": day, "start": "18:00", "end": "20:00", "note": "夜间延时服务"}
    )
    overlap = client.post("/staff/hall/extended-hours/", {"date": day, "start": "18:30", "end": "19:00", "note": ""})

    assert response.status_code == 302
    assert overlap.status_code == 400
    assert "重叠" in overlap.content.decode()
    public = Client().get(f"/hall/{h.center.code}/").content.decode()
    assert "18:00–20:00" in public
    assert "夜间延时服务" in public


def test_the_director_sets_the_priority_cap(h):
    client = login(h.director)
    data = {
        "priority_cap": 3,
        "booking_daily_limit": 1,
        "booking_days_ahead": 14,
        "slot_minutes": 20,
        "slot_capacity": 2,
        "checkin_grace_minutes": 15,
    }

    assert client.post("/staff/hall/settings/", {**data, "priority_cap": 0}).status_code == 400
    assert client.post("/staff/hall/settings/", data).status_code == 302
    h.center.hall_settings.refresh_from_db()
    assert h.center.hall_settings.priority_cap == 3


# --- Home visits and proxy in the browser of a clerk or director ----------------------------------------------


def test_a_citizen_requests_a_home_visit_and_the_director_assigns_it(h):
    point = community(parent=h.center)
    response = Client().post(
        f"/hall/{h.center.code}/home-visit/",
        {
            "name": "刘德福",
            "phone": "13903716001",
            "community": point.pk,
            "address": "宏达小区 5 号楼",
            "item_name": "高龄津贴资格认证",
            "reason": "elderly",
        },
    )
    assert response.status_code == 200
    visit = HomeVisit.objects.get()
    assert visit.number in response.content.decode()
    assert visit.channel == HomeVisit.Channel.ONLINE

    when = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = login(h.clerks[1]).post(
        f"/staff/hall/home-visits/{visit.pk}/",
        {"action": "assign", "assignees": [h.clerks[1].pk], "scheduled_at": when},
    )
    assert refused.status_code == 403
    assigned = login(h.director).post(
        f"/staff/hall/home-visits/{visit.pk}/",
        {"action": "assign", "assignees": [h.clerks[1].pk], "scheduled_at": when},
    )
    assert assigned.status_code == 302
    recorded = login(h.clerks[1]).post(
        f"/staff/hall/home-visits/{visit.pk}/",
        {"action": "record", "outcome": "completed", "outcome_note": "当场办结", "visited_at": when[:11] + "00:00"},
    )
    assert recorded.status_code in (302, 400)  # the time may lie in the future near midnight
    detail = login(h.director).get(f"/staff/hall/home-visits/{visit.pk}/").content.decode()
    assert "139****6001" in detail
    assert "13903716001" not in detail


def test_a_case_started_on_a_home_visit_shows_it_was_received_at_home(h):
    # Given a scheduled visit and the case the clerk started at the applicant's home
    visit = services.home_visit_request(
        center=h.center,
        channel="phone",
        name="刘德福",
        phone="13903716001",
        address="宏达小区",
        reason="elderly",
        item_name="高龄津贴资格认证",
    )
    services.home_visit_assign(
        visit=visit, assignees=[h.clerks[1]], scheduled_at=timezone.now() + dt.timedelta(hours=1), actor=None
    )
    case = case_at(h.center, "C1-2026-00031")

    # When the clerk records the outcome with the case number
    recorded = login(h.clerks[1]).post(
        f"/staff/hall/home-visits/{visit.pk}/",
        {
            "action": "record",
            "outcome": "case_started",
            "outcome_note": "材料齐全，上门受理",
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "case_number": case.number,
        },
    )

    # Then the visit links the case, and the case's page, timeline and progress page say it was received at home
    assert recorded.status_code == 302
    visit_page = login(h.director).get(f"/staff/hall/home-visits/{visit.pk}/").content.decode()
    case_page = login(h.director).get(f"/staff/cases/c/{case.number}/").content.decode()
    progress = Client().get(f"/progress/t/{case.public_token}/").content.decode()
    assert f"/staff/cases/c/{case.number}/" in visit_page
    assert "上门受理" in case_page
    assert visit.number in case_page
    assert "工作人员上门受理了您的申请" in progress


def test_a_bad_home_visit_request_keeps_the_form_and_answers_in_chinese(h):
    response = Client().post(f"/hall/{h.center.code}/home-visit/", {"name": "刘", "phone": "1", "address": ""})

    assert response.status_code == 400
    text = response.content.decode()
    assert "这个字段是必填项" in text or "必填" in text
    assert HomeVisit.objects.count() == 0


def test_a_clerk_registers_a_proxy_case_and_links_the_case(h):
    client = login(h.clerks[1])
    response = client.post(
        "/staff/hall/proxy/new/",
        {
            "applicant_name": "陈玉珍",
            "applicant_phone": "13903717001",
            "agent_kind": "staff",
            "agent_staff": h.clerks[1].pk,
            "authorization": "poa",
            "authorized_on": timezone.localdate(),
            "authorization_note": "委托代办",
            "item_name": "养老保险资格认证",
        },
    )
    assert response.status_code == 302
    proxy = ProxyCase.objects.get()
    case = case_at(h.center, "C1-2026-00009")
    unknown = client.post(f"/staff/hall/proxy/{proxy.pk}/", {"action": "link", "case_number": "C1-2026-00010"})
    link = client.post(f"/staff/hall/proxy/{proxy.pk}/", {"action": "link", "case_number": "C1-2026-00009"})
    advance = client.post(f"/staff/hall/proxy/{proxy.pk}/", {"action": "advance", "to_status": "submitted"})
    page = client.get(f"/staff/hall/proxy/{proxy.pk}/").content.decode()

    assert unknown.status_code == 400
    assert "未找到本中心编号为“C1-2026-00010”的办件" in unknown.content.decode()
    assert link.status_code == 302
    assert advance.status_code == 302
    proxy.refresh_from_db()
    assert proxy.status == ProxyCase.Status.SUBMITTED
    assert proxy.case == case
    # the register shows the case and the progress page the applicant follows it on
    assert f"/staff/cases/c/{case.number}/" in page
    assert f"/progress/t/{case.public_token}/" in page
    progress = Client().get(f"/progress/t/{case.public_token}/")
    assert progress.status_code == 200
    bad = client.post(f"/staff/hall/proxy/{proxy.pk}/", {"action": "advance", "to_status": "open"})
    assert bad.status_code == 400


# --- Navigation ---------------------------------------------------------------------------------------------


# --- Personal data ------------------------------------------------------------------------------------------


def test_revealing_a_phone_needs_a_reason_is_logged_and_stays_in_scope(h):
    from bianmin.core.models import PersonalDataReveal

    visit = services.home_visit_request(
        center=h.center, channel="phone", name="刘", phone="13903716001", address="某地", reason="ill", item_name="x"
    )
    client = login(h.clerks[1])

    no_reason = client.post(f"/staff/hall/reveal/home-visit/{visit.pk}/", {"reason": ""})
    shown = client.post(f"/staff/hall/reveal/home-visit/{visit.pk}/", {"reason": "电话确认上门时间"})

    assert no_reason.status_code == 400
    assert "13903716001" not in no_reason.content.decode()
    assert shown.status_code == 200
    assert "13903716001" in shown.content.decode()
    log = PersonalDataReveal.objects.exclude(field="").get()
    assert (log.actor, log.field, log.reason) == (h.clerks[1].user, "phone", "电话确认上门时间")
    other = hall(code="C2")
    assert login(other.clerks[1]).post(f"/staff/hall/reveal/home-visit/{visit.pk}/", {"reason": "x"}).status_code == 404
    handler = staff_user(Role.HANDLER, h.center)
    assert login(handler).post(f"/staff/hall/reveal/home-visit/{visit.pk}/", {"reason": "x"}).status_code == 403
    assert client.post(f"/staff/hall/reveal/nope/{visit.pk}/", {"reason": "x"}).status_code == 404
    assert PersonalDataReveal.objects.exclude(field="").count() == 1


def test_hall_registers_are_closed_to_other_roles(h):
    handler = login(staff_user(Role.HANDLER, h.center))

    for url in ("/staff/hall/home-visits/", "/staff/hall/proxy/", "/staff/hall/appointments/", "/staff/hall/"):
        assert handler.get(url).status_code == 403, url


def test_a_booking_made_by_staff_is_recorded_as_a_phone_booking(h):
    s = future_slot(h)

    login(h.clerks[1]).post(
        f"/hall/{h.center.code}/book/?category={h.b.pk}",
        {"slot": s.pk, "name": "王", "phone": "13903715009", "item_name": "x"},
    )

    assert Appointment.objects.get().channel == Appointment.Channel.PHONE


def test_a_community_point_sees_the_home_visits_and_proxies_it_registered(h):
    point = community(parent=h.center)
    agent = staff_user(Role.WINDOW, point, name="阴华")
    client = login(agent)

    client.post(
        "/staff/hall/home-visits/new/",
        {
            "channel": "point",
            "name": "刘德福",
            "phone": "13903716001",
            "community": point.pk,
            "address": "5 号楼",
            "item_name": "高龄津贴资格认证",
            "reason": "elderly",
        },
    )
    client.post(
        "/staff/hall/proxy/new/",
        {
            "applicant_name": "黄志强",
            "applicant_phone": "13903717002",
            "agent_kind": "community",
            "agent_name": "阴华",
            "authorization": "register",
            "authorized_on": timezone.localdate(),
            "authorization_note": "委托代办",
            "item_name": "退役军人优待证申领",
        },
    )

    proxy = ProxyCase.objects.get()
    visit = HomeVisit.objects.get()
    assert proxy.community == point
    assert proxy.center == h.center
    assert "黄志强" in client.get("/staff/hall/proxy/").content.decode()
    assert "刘德福" in client.get("/staff/hall/home-visits/").content.decode()
    assert client.get(f"/staff/hall/proxy/{proxy.pk}/").status_code == 200
    assert client.get(f"/staff/hall/home-visits/{visit.pk}/").status_code == 200
    # another point of the same center sees neither
    neighbour = login(staff_user(Role.WINDOW, community(parent=h.center)))
    assert neighbour.get(f"/staff/hall/proxy/{proxy.pk}/").status_code == 404
    assert neighbour.get(f"/staff/hall/home-visits/{visit.pk}/").status_code == 404


def test_home_visit_requests_are_limited_per_phone_across_addresses(h, settings):
    settings.BIANMIN_PUBLIC_WRITE_LIMIT = 2
    point = community(parent=h.center)
    data = {
        "name": "刘德福",
        "phone": "13903716001",
        "community": point.pk,
        "address": "宏达小区 5 号楼",
        "item_name": "高龄津贴资格认证",
        "reason": "elderly",
    }
    url = f"/hall/{h.center.code}/home-visit/"
    answers = [Client(REMOTE_ADDR=f"203.0.113.{n}").post(url, data).status_code for n in range(4)]

    assert answers == [200, 200, 429, 429]
    assert HomeVisit.objects.count() == 2
