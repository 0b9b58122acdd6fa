import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from bianmin.core.models import PersonalDataReveal
from bianmin.petitions.models import Petition, PetitionSettings
from bianmin.petitions.services import petition_assign, petition_close, petition_reply
from bianmin.petitions.tests.factories import days_ago, register

pytestmark = pytest.mark.django_db


def login(client, staff):
    client.force_login(staff.user)
    return client


def assigned(org, **kwargs):
    petition = register(org.clerk, **kwargs)
    petition_assign(petition=petition, handler=org.handler, actor=org.director.user)
    return petition


def test_list_for_staff_with_bounded_queries(client, org, django_assert_max_num_queries):
    for n in range(25):
        register(org.clerk, received_on=days_ago(n % 15), content=f"反映事项{n}")
    client = login(client, org.clerk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("petitions:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('href="/staff/petitions/') >= 25
    assert "导出登记表" not in html  # export is for readers


def test_list_search_errors_are_chinese(client, org):
    response = login(client, org.clerk).get(reverse("petitions:list"), {"start": "2026-03-10", "end": "2026-03-01"})
    assert "起始日期不能晚于截止日期" in response.content.decode()
    response = client.get(reverse("petitions:list"), {"phone": "abc"})
    assert "请填写正确的手机号码或固定电话" in response.content.decode()


def test_register_from_the_form(client, org):
    data = {
        "channel": "visit",
        "received_on": timezone.localdate().isoformat(),
        "person_name": "李建国",
        "phone": "13903710009",
        "content": "反映小区化粪池堵塞外溢。",
        "category": "ordinary",
    }
    response = login(client, org.clerk).post(reverse("petitions:new"), data)
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:detail", args=[petition.pk])
    assert petition.channel == "visit"


def test_register_bad_input_gets_chinese_errors(client, org):
    response = login(client, org.clerk).post(
        reverse("petitions:new"),
        {"channel": "letter", "received_on": "2099-01-01", "person_name": "张三", "content": "x", "category": "major"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "收到日期不能晚于今天" in html
    assert "请至少填写联系电话或通讯地址之一" in html
    assert not Petition.objects.exists()
    response = client.post(reverse("petitions:new"), {"received_on": "昨天"})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()


def test_detail_scope(client, org):
    petition = register(org.clerk)
    url = reverse("petitions:detail", args=[petition.pk])
    page = login(client, org.clerk).get(url)
    assert page.status_code == 200
    assert "按自然日计算，节假日不顺延" in page.content.decode()
    assert login(client, org.point_clerk).get(url).status_code == 404
    assert login(client, org.other_director).get(url).status_code == 404
    assert login(client, org.other_director).post(reverse("petitions:assign", args=[petition.pk])).status_code == 404


def test_assign_is_for_managers(client, org):
    petition = register(org.clerk)
    url = reverse("petitions:assign", args=[petition.pk])
    assert login(client, org.clerk).post(url, {"handler": org.handler.pk}).status_code == 403
    bad = login(client, org.director).post(url, {"handler": org.other_director.pk})
    assert bad.status_code == 400
    assert "选择一个有效的选项" in bad.content.decode()
    response = client.post(url, {"handler": org.handler.pk, "note": "请核实"})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.handler == org.handler


def test_close_by_the_handler_needs_outcome_and_reply(client, org):
    petition = assigned(org)
    url = reverse("petitions:close", args=[petition.pk])
    data = {"outcome": "已修复", "reply_method": "phone", "reply_text": "路灯已修复。"}
    assert login(client, org.clerk).post(url, data).status_code == 403

    missing = login(client, org.handler).post(url, {"outcome": "已修复", "reply_method": "phone"})
    assert missing.status_code == 400
    assert "这个字段是必填项" in missing.content.decode()
    petition.refresh_from_db()
    assert petition.is_open

    assert client.post(url, data).status_code == 302
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED


def test_outside_remit_from_the_page(client, org):
    petition = register(org.clerk)
    response = login(client, org.director).post(
        reverse("petitions:outside_remit", args=[petition.pk]),
        {"explanation": "属于劳动争议。", "where_to_go": "区劳动人事争议仲裁院", "reply_method": "letter"},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.closure == Petition.Closure.OUTSIDE_REMIT


def test_reply_letter_pdf_carries_the_reply_in_chinese(client, org):
    petition = assigned(org, person_name="王秀兰", content="小区东门路灯损坏两周，夜间出行不便。")
    reply = petition_reply(
        petition=petition,
        method="letter",
        text="经城建办现场核实，东门路灯线路老化，已于本周更换灯具并恢复照明。",
        actor=org.handler.user,
    )
    response = login(client, org.handler).get(reverse("petitions:letter", args=[petition.pk, reply.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"\s+", "", text)
    assert "来信来访答复函" in flat
    assert "王秀兰：" in flat
    assert "东门路灯线路老化，已于本周更换灯具并恢复照明" in flat
    assert petition.number in flat
    assert "承办人：郑海波" in flat

    other = login(client, org.other_director).get(reverse("petitions:letter", args=[petition.pk, reply.pk]))
    assert other.status_code == 404
    wrong = login(client, org.handler).get(reverse("petitions:letter", args=[petition.pk, reply.pk + 999]))
    assert wrong.status_code == 404


def test_export_book_for_readers_with_columns_and_overdue_flag(client, org):
    late = assigned(org, received_on=days_ago(14), person_org="宏达小区业委会")
    petition_reply(petition=late, method="phone", text="正在协调物业。", actor=org.handler.user)
    done = assigned(org, received_on=days_ago(2), phone="", address="长兴路 120 号")
    petition_close(
        petition=done, outcome="已解决", reply_method="letter", reply_text="已解决，特此答复。", actor=org.handler.user
    )
    url = reverse("petitions:export")
    assert login(client, org.clerk).get(url).status_code == 403

    response = login(client, org.inspector).get(url)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert "来信来访登记表" in str(rows[0][0])
    header = list(rows[2])
    assert header == [
        "登记号",
        "收到日期",
        "来信来访方式",
        "姓名",
        "单位",
        "联系电话",
        "通讯地址",
        "反映内容",
        "类别",
        "办理时限（日）",
        "办理期限",
        "承办人",
        "答复情况",
        "办理结果",
        "办结日期",
        "状态",
        "是否超期",
    ]
    body = {r[0]: dict(zip(header, r, strict=True)) for r in rows[3:] if r and r[0] and "信访" in str(r[0])}
    assert body[late.number]["联系电话"] == "139****0001"
    assert "正在协调物业" in str(body[late.number]["答复情况"])
    assert body[late.number]["是否超期"] == "超期"
    assert body[done.number]["是否超期"] == "否"
    assert body[done.number]["状态"] == "已办结"
    assert body[done.number]["办理结果"] == "已解决"


def test_board_for_readers_overdue_first(client, org, django_assert_max_num_queries):
    later = register(org.clerk, received_on=days_ago(1), person_name="后到期")
    overdue = register(org.clerk, received_on=days_ago(13), person_name="已超期者")
    assert login(client, org.clerk).get(reverse("petitions:board")).status_code == 403
    client = login(client, org.director)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("petitions:board"))
    html = response.content.decode()
    assert html.index(overdue.number) < html.index(later.number)
    assert "超期 3 日" in html


def test_settings_page(client, org):
    url = reverse("petitions:settings")
    assert login(client, org.clerk).get(url).status_code == 403
    client = login(client, org.director)
    bad = client.post(url, {"ordinary_days": 12, "major_days": 30})
    assert bad.status_code == 400
    assert "10" in bad.content.decode()
    worse = client.post(url, {"ordinary_days": 10, "major_days": 8})
    assert worse.status_code == 400
    assert "重大事项办理时限应不少于一般事项时限" in worse.content.decode()
    assert client.post(url, {"ordinary_days": 7, "major_days": 30}).status_code == 302
    assert PetitionSettings.objects.get(center=org.center).ordinary_days == 7


def test_phone_reveal_is_logged_and_limited(client, org):
    petition = assigned(org)
    url = reverse("petitions:phone", args=[petition.pk])
    assert login(client, org.inspector).post(url, {"reason": "核查"}).status_code == 403
    response = login(client, org.handler).post(url, {"reason": "电话答复"}, HTTP_HX_REQUEST="true")
    assert "13903710001" in response.content.decode()
    assert PersonalDataReveal.objects.exclude(field="").get().field == "phone"


def test_new_form_prefills_today_in_the_date_inputs_format(client, org):
    html = login(client, org.clerk).get(reverse("petitions:new")).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert "一般事项 10 日，重大事项 30 日" in html


def test_the_book_exports_formula_text_as_text_and_the_export_is_audited(client, org):
    from bianmin.core.models import AuditEvent

    assigned(org, content='=HYPERLINK("http://example.com/x","点此查看")', person_org="@SUM(A1)")

    response = login(client, org.inspector).get(reverse("petitions:export"))

    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    content = next(c for c in ws[4] if "HYPERLINK" in str(c.value))
    assert content.data_type == "s"
    assert content.value == '\'=HYPERLINK("http://example.com/x","点此查看")'
    assert "'@SUM(A1)" in [c.value for c in ws[4]]
    assert AuditEvent.objects.filter(verb="export", actor=org.inspector.user).count() == 1
