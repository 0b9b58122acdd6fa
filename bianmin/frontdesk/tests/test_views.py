import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bianmin.core.models import PersonalDataReveal
from bianmin.frontdesk.models import Handover, Inquiry
from bianmin.frontdesk.tests.factories import answered

pytestmark = pytest.mark.django_db

DESK = reverse("frontdesk:desk")


def login(client, staff):
    client.force_login(staff.user)
    return client


def visit(**kwargs):
    data = {"channel": "in_person", "visitor_name": "张三", "matter": "咨询低保申请条件", "result": "answered"}
    data.update(kwargs)
    return data


def test_desk_needs_login(client, desk):
    response = client.get(DESK)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_desk_shows_form_recent_visitors_and_pending_handovers(client, desk):
    answered(desk.clerk, visitor_name="赵大妈", visitor_org="宏达小区")
    answered(
        desk.colleague,
        result="referred",
        referred_staff=desk.clerk,
        referral_contact="handover",
        materials="身份证复印件",
    )
    response = login(client, desk.clerk).get(DESK)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="recent-visitors"' in html
    assert 'value="赵大妈"' in html
    assert 'data-org="宏达小区"' in html
    assert "待我接收" in html
    assert 'name="visitor_name"' in html
    assert "autofocus" in html


def test_plain_post_registers_and_redirects(client, desk):
    response = login(client, desk.clerk).post(DESK, visit())
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.first_contact == desk.clerk
    assert inquiry.matter == "咨询低保申请条件"


def test_htmx_post_answers_a_fresh_form_and_updates_today_list(client, desk):
    response = login(client, desk.clerk).post(DESK, visit(channel="phone", visitor_name=""), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    number = Inquiry.objects.get().number
    assert f"已登记 {number}" in html
    assert 'id="today-list" class="card" hx-swap-oob="true"' in html
    assert "咨询低保申请条件" in html  # in today's list
    assert 'value="咨询低保申请条件"' not in html  # the form itself starts empty
    assert re.search(r'name="channel" value="phone"[^>]*checked', html)  # the next caller is likely a caller too


def test_bad_input_gets_chinese_errors_and_saves_nothing(client, desk):
    client = login(client, desk.clerk)
    response = client.post(DESK, visit(visitor_name="", matter="", visitor_phone="abc"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "登记未保存" in html
    assert "这个字段是必填项" in html or "请填写咨询或办理事项" in html
    assert not Inquiry.objects.exists()

    response = client.post(DESK, visit(result="outside_remit"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps only 2xx: the form comes back with its errors
    assert "请填写所作的解释和指导" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_desk_refers_and_hands_over_across_two_staff(client, desk):
    response = login(client, desk.clerk).post(
        DESK,
        visit(
            result="referred",
            referred_window=desk.window2.pk,
            referred_staff=desk.colleague.pk,
            referral_contact="handover",
            materials="户口簿复印件1份",
        ),
    )
    assert response.status_code == 302
    handover = Handover.objects.get()

    client.force_login(desk.colleague.user)
    page = client.get(reverse("frontdesk:handovers")).content.decode()
    assert "户口簿复印件1份" in page
    assert "待我接收" in page
    response = client.post(reverse("frontdesk:handover_ack", args=[handover.pk]), {"note": "已收到"})
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.acknowledged_at is not None
    assert handover.acknowledge_note == "已收到"


def test_someone_else_cannot_acknowledge(client, desk):
    answered(desk.clerk, result="referred", referred_staff=desk.colleague, referral_contact="handover", materials="x")
    handover = Handover.objects.get()
    response = login(client, desk.director).post(reverse("frontdesk:handover_ack", args=[handover.pk]), follow=True)
    assert "只有接收人本人可以确认接收材料" in response.content.decode()
    handover.refresh_from_db()
    assert handover.acknowledged_at is None
    other = login(client, desk.other_director).post(reverse("frontdesk:handover_ack", args=[handover.pk]))
    assert other.status_code == 404


def test_referral_staff_options_put_the_window_posts_first(client, desk):
    response = login(client, desk.clerk).get(reverse("frontdesk:referral_staff"), {"referred_window": desk.window2.pk})
    html = response.content.decode()
    assert html.index("王建军") < html.index("毛丽华")
    assert "陈静" not in html


def test_register_lists_with_bounded_queries_and_filters(client, desk, django_assert_max_num_queries):
    for n in range(30):
        answered(desk.clerk if n % 2 else desk.colleague, matter=f"事项{n}")
    answered(desk.clerk, matter="特殊事项：老年人优待证")
    client = login(client, desk.director)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("frontdesk:register"))
    assert response.status_code == 200
    assert response.content.decode().count("/staff/frontdesk/") >= 31

    response = client.get(reverse("frontdesk:register"), {"q": "优待证"})
    assert "特殊事项" in response.content.decode()
    assert "事项12" not in response.content.decode()


def test_register_period_error_is_chinese(client, desk):
    response = login(client, desk.clerk).get(
        reverse("frontdesk:register"), {"start": "2026-03-10", "end": "2026-03-01"}
    )
    assert "起始日期不能晚于截止日期" in response.content.decode()
    response = client.get(reverse("frontdesk:register"), {"start": "not-a-date"})
    assert response.status_code == 200
    assert "有效的日期" in response.content.decode()


def test_export_is_for_register_readers_and_has_the_book_columns(client, desk):
    answered(desk.clerk, visitor_org="华联超市", visitor_phone="13903710001")
    answered(
        desk.colleague,
        channel="phone",
        result="outside_remit",
        result_note="请到区不动产登记中心办理。",
        phone_given="0371-63300000",
    )
    url = reverse("frontdesk:register_export")
    assert login(client, desk.clerk).get(url).status_code == 403

    response = login(client, desk.director).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert "首问责任登记册" in str(rows[0][0])
    assert list(rows[2]) == [
        "登记号",
        "日期",
        "时间",
        "方式",
        "姓名",
        "单位",
        "联系电话",
        "咨询或办理事项",
        "办理结果",
        "结果说明",
        "首问责任人",
        "接待窗口",
    ]
    body = [r for r in rows[3:] if r and r[0] and "首问" in str(r[0])]
    assert len(body) == 2
    call = next(r for r in body if r[3] == "来电")
    assert "告知电话 0371-63300000" in str(call[9])
    visit_row = next(r for r in body if r[3] == "来访")
    assert visit_row[6] == "139****0001"  # personal data stays masked in the book
    assert visit_row[11] == "1号窗口 综合受理窗口"

    filtered = login(client, desk.director).get(url, {"channel": "phone"})
    rows = list(load_workbook(io.BytesIO(filtered.content)).worksheets[0].iter_rows(values_only=True))
    assert len([r for r in rows[3:] if r and r[0] and "首问" in str(r[0])]) == 1


def test_stats_for_readers_only(client, desk, django_assert_max_num_queries):
    answered(desk.clerk)
    answered(desk.colleague, result="handled")
    assert login(client, desk.clerk).get(reverse("frontdesk:stats")).status_code == 403
    client = login(client, desk.director)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("frontdesk:stats"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "何春燕" in html
    assert "1号窗口" in html
    assert "2号窗口" in html
    bad = client.get(reverse("frontdesk:stats"), {"start": "2026-03-10", "end": "2026-03-01"})
    assert bad.status_code == 400
    assert "起始日期不能晚于截止日期" in bad.content.decode()


def test_detail_scope_point_and_other_center_get_404(client, desk):
    inquiry = answered(desk.clerk)
    url = reverse("frontdesk:inquiry_detail", args=[inquiry.pk])
    assert login(client, desk.director).get(url).status_code == 200
    assert login(client, desk.point_clerk).get(url).status_code == 404
    assert login(client, desk.other_director).get(url).status_code == 404
    assert login(client, desk.director).get(reverse("frontdesk:inquiry_detail", args=[999999])).status_code == 404


def test_link_case_from_the_detail_page(client, desk):
    inquiry = answered(desk.clerk, result="handled")
    url = reverse("frontdesk:inquiry_case", args=[inquiry.pk])
    assert login(client, desk.colleague).post(url, {"case_number": "长兴2026-00001"}).status_code == 403
    bad = login(client, desk.clerk).post(url, {"case_number": ""})
    assert bad.status_code == 400
    response = client.post(url, {"case_number": "长兴2026-00001"})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.case_number == "长兴2026-00001"


def test_phone_reveal_is_logged_and_limited(client, desk):
    inquiry = answered(desk.clerk, visitor_phone="13903710001")
    url = reverse("frontdesk:inquiry_phone", args=[inquiry.pk])
    page = login(client, desk.clerk).get(reverse("frontdesk:inquiry_detail", args=[inquiry.pk])).content.decode()
    assert "139****0001" in page
    assert "13903710001" not in page

    assert login(client, desk.colleague).post(url, {"reason": "回访"}).status_code == 403
    no_reason = login(client, desk.clerk).post(url, {"reason": ""})
    assert no_reason.status_code == 400
    assert not PersonalDataReveal.objects.exclude(field="").exists()

    response = client.post(url, {"reason": "回访"}, HTTP_HX_REQUEST="true")
    assert "13903710001" in response.content.decode()
    reveal = PersonalDataReveal.objects.exclude(field="").get()
    assert (reveal.actor, reveal.field, reveal.reason) == (desk.clerk.user, "visitor_phone", "回访")


def test_desk_and_handover_pages_keep_their_query_count(client, desk, django_assert_max_num_queries):
    for n in range(12):
        answered(desk.clerk, visitor_name=f"来访人{n}", visitor_org=f"单位{n}")
        answered(
            desk.colleague,
            result="referred",
            referred_staff=desk.clerk,
            referral_contact="handover",
            materials=f"材料{n}",
        )
    client = login(client, desk.clerk)
    with django_assert_max_num_queries(16):
        assert client.get(DESK).status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(reverse("frontdesk:handovers"))
    assert response.content.decode().count("确认接收</button>") == 12


def test_a_point_refers_up_to_its_center(client, desk):
    response = login(client, desk.point_clerk).get(
        reverse("frontdesk:referral_staff"), {"referred_window": desk.window2.pk}
    )
    html = response.content.decode()
    assert html.index("王建军") < html.index("何春燕")
    assert "阴华" not in html  # not oneself
    page = client.get(DESK).content.decode()
    assert "2号窗口 民政窗口" in page


def test_a_user_without_a_staff_record_is_refused_the_desk(client, db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("guest", password="pw-123456")
    client.force_login(user)
    assert client.get(DESK).status_code == 403


def test_referral_staff_options_keep_a_person_already_chosen(client, desk):
    response = login(client, desk.clerk).get(
        reverse("frontdesk:referral_staff"), {"referred_window": desk.window2.pk, "referred_staff": desk.director.pk}
    )
    assert f'value="{desk.director.pk}" selected' in response.content.decode()


def test_start_intake_from_an_inquiry_prefills_the_visitors_name_on_the_intake(db):
    from django.test import Client

    from bianmin.catalog.tests.factories import published_item
    from bianmin.frontdesk.services import inquiry_register
    from bianmin.org.models import Role
    from bianmin.org.tests.factories import center, staff_user

    c = center()
    clerk = staff_user(Role.WINDOW, c)
    item = published_item(owner=c).item
    inquiry = inquiry_register(
        actor=clerk.user, channel="in_person", visitor_name="王秀英", matter="咨询高龄津贴", result="handled"
    )
    client = Client()
    client.force_login(clerk.user)

    picker = client.get(f"/staff/cases/intake/?inquiry={inquiry.pk}").content.decode()
    assert f"/staff/cases/intake/{item.pk}/?inquiry={inquiry.pk}" in picker
    html = client.get(f"/staff/cases/intake/{item.pk}/?inquiry={inquiry.pk}").content.decode()
    assert 'value="王秀英"' in html


def test_the_register_exports_formula_text_as_text(client, desk):
    answered(desk.clerk, matter='=HYPERLINK("http://example.com","点此")', visitor_name="+张三")

    response = login(client, desk.director).get(reverse("frontdesk:register_export"))

    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [c.value for c in ws[4]]
    assert '\'=HYPERLINK("http://example.com","点此")' in values
    assert "'+张三" in values
    assert all(c.data_type != "f" for c in ws[4])
