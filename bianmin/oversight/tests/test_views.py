"""Staff pages of complaints and accountability: wiring, who may do what, Chinese errors, bounded queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from bianmin.cases.tests.conftest import at
from bianmin.org.models import Role, Staff
from bianmin.org.tests.factories import staff_user
from bianmin.oversight import services
from bianmin.oversight.models import Accountability, Complaint
from bianmin.oversight.services import accountability

pytestmark = pytest.mark.django_db

BELL_QUERIES = 0  # the bell's unread count is read with the signed-in user (notify.Inbox): no query of its own


@pytest.fixture
def inspector(world) -> Staff:
    return staff_user(Role.INSPECTOR, world.center, name="纪检员")


def test_complaint_list_for_readers_only_overdue_marked_bounded_queries(
    login, world, inspector, clock, django_assert_max_num_queries
) -> None:
    # given 12 complaints, one filed long ago and unanswered
    for n in range(11):
        services.complaint_file(center=world.center, content=f"投诉{n}", window=world.window, staff=world.clerk)
    services.complaint_file(center=world.center, content="很久以前", now=at(2026, 2, 2))
    # window staff may not open the list
    assert login(world.clerk).get(reverse("oversight:complaint_list")).status_code == 403
    client = login(inspector)
    with django_assert_max_num_queries(6 + BELL_QUERIES):
        response = client.get(reverse("oversight:complaint_list"))
    html = response.content.decode()
    assert html.count('href="/staff/oversight/complaints/') >= 12
    assert html.count('class="overdue"') == 1
    # filters: only the overdue one
    overdue = client.get(reverse("oversight:complaint_list"), {"overdue": "on"}).content.decode()
    assert "很久以前" in overdue
    assert "投诉1<" not in overdue


def test_staff_record_a_phone_complaint(login, world) -> None:
    client = login(world.colleague)
    url = reverse("oversight:complaint_record")
    bad = client.post(url, {"channel": "phone", "content": ""})
    assert bad.status_code == 400
    assert "这个字段是必填项" in bad.content.decode()
    response = client.post(
        url,
        {"channel": "phone", "content": "电话反映窗口人员态度差", "window": world.window.pk, "phone": "13903710001"},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.window, complaint.created_by) == ("phone", world.window, world.colleague.user)


def test_assign_decide_reply_through_the_pages(login, world, inspector) -> None:
    complaint = services.complaint_file(center=world.center, content="推诿", staff=world.clerk)
    director = login(world.director)
    # the director assigns the inspector (who is told in-app: notify/tests/test_oversight_messages.py)
    response = director.post(reverse("oversight:complaint_assign", args=[complaint.pk]), {"inspector": inspector.pk})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.inspector == inspector
    # a district reader sees the complaint but may not record the finding
    district = login(world.district_user)
    assert district.get(reverse("oversight:complaint_detail", args=[complaint.pk])).status_code == 200
    denied = district.post(
        reverse("oversight:complaint_decide", args=[complaint.pk]), {"finding": "founded", "evidence": "x"}
    )
    assert denied.status_code == 403
    # the inspector records the finding (evidence required) and replies
    client = login(inspector)
    missing = client.post(reverse("oversight:complaint_decide", args=[complaint.pk]), {"finding": "founded"})
    assert missing.status_code == 400
    client.post(
        reverse("oversight:complaint_decide", args=[complaint.pk]), {"finding": "founded", "evidence": "监控显示属实"}
    )
    client.post(reverse("oversight:complaint_reply", args=[complaint.pk]), {"reply": "已批评教育当事人"})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.finding) == (Complaint.Status.REPLIED, Complaint.Finding.FOUNDED)
    page = client.get(reverse("oversight:complaint_detail", args=[complaint.pk])).content.decode()
    for step in ("受理投诉", "指派调查人", "调查认定（属实）", "答复投诉人"):
        assert step in page


def test_other_center_cannot_see_the_complaint(login, world) -> None:
    complaint = services.complaint_file(center=world.center, content="x")
    other_inspector = staff_user(Role.INSPECTOR, world.other_center)
    response = login(other_inspector).get(reverse("oversight:complaint_detail", args=[complaint.pk]))
    assert response.status_code == 404


def test_public_complaint_preselects_staff_from_the_board(client, world) -> None:
    board = client.get(reverse("org:staff_board", args=[world.center.code])).content.decode()
    link = f"/centers/{world.center.code}/complaint/?window={world.window.number}&amp;staff={world.clerk.pk}"
    assert link in board
    page = client.get(link.replace("&amp;", "&")).content.decode()
    assert world.clerk.name in page
    response = client.post(
        f"/centers/{world.center.code}/complaint/",
        {"content": "态度生硬", "window_number": world.window.number, "staff_id": world.clerk.pk},
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert (complaint.staff, complaint.window, complaint.channel) == (world.clerk, world.window, "board")
    # a staff member of another center is ignored, not attached
    client.post(f"/centers/{world.center.code}/complaint/", {"content": "x", "staff_id": world.outsider.pk})
    assert Complaint.objects.latest("id").staff is None


def _founded(world, inspector, staff) -> Complaint:
    c = services.complaint_file(center=world.center, content="刁难", staff=staff)
    services.complaint_assign(complaint=c, inspector=inspector, actor=inspector.user)
    return services.complaint_decide(complaint=c, finding="founded", evidence="属实", actor=inspector.user)


def test_accountability_list_candidates_first_and_own_records_for_staff(
    login, world, inspector, django_assert_max_num_queries
) -> None:
    # given a decided record and two candidates
    for _ in range(3):
        _founded(world, inspector, world.clerk)
    _founded(world, inspector, world.colleague)
    accountability.accountability_sweep()
    decided = Accountability.objects.filter(staff=world.clerk).earliest("id")
    accountability.accountability_decide(record=decided, sanction="criticism", reason="属实", actor=world.director.user)
    client = login(world.director)
    with django_assert_max_num_queries(5 + BELL_QUERIES):
        html = client.get(reverse("oversight:accountability_list")).content.decode()
    assert html.index("待确认") < html.index("已决定")
    assert html.count('class="candidate"') == 3
    # the colleague sees only their own record
    own = login(world.colleague).get(reverse("oversight:accountability_list")).content.decode()
    assert len(set(re.findall(r"/staff/oversight/accountability/(\d+)/", own))) == 1
    mine = Accountability.objects.get(staff=world.colleague)
    assert login(world.colleague).get(reverse("oversight:accountability_detail", args=[decided.pk])).status_code == 404
    assert login(world.colleague).get(reverse("oversight:accountability_detail", args=[mine.pk])).status_code == 200


def test_accountability_decide_appeal_final_with_timeline(login, world, inspector) -> None:
    complaint = _founded(world, inspector, world.clerk)
    accountability.accountability_sweep()
    record = Accountability.objects.get()
    url = reverse("oversight:accountability_detail", args=[record.pk])
    director = login(world.director)
    page = director.get(url).content.decode()
    assert f'href="/staff/oversight/complaints/{complaint.pk}/"' in page  # evidence link
    # dismissal (辞退) refused for formal staff, in Chinese
    refused = director.post(
        reverse("oversight:accountability_decide", args=[record.pk]), {"sanction": "dismissal", "reason": "严重"}
    )
    assert refused.status_code == 400
    assert "辞退仅适用于临时人员" in refused.content.decode()
    # the window clerk may not decide
    assert (
        login(world.clerk)
        .post(reverse("oversight:accountability_decide", args=[record.pk]), {"sanction": "written", "reason": "x"})
        .status_code
        == 403
    )
    director = login(world.director)
    director.post(
        reverse("oversight:accountability_decide", args=[record.pk]), {"sanction": "admonition", "reason": "属实"}
    )
    # the clerk appeals; the director takes the final decision
    clerk = login(world.clerk)
    assert "提出申诉" in clerk.get(url).content.decode()
    clerk.post(reverse("oversight:accountability_appeal", args=[record.pk]), {"reason": "当时系统故障"})
    director = login(world.director)
    director.post(
        reverse("oversight:accountability_decide", args=[record.pk]), {"sanction": "written", "reason": "复核"}
    )
    record.refresh_from_db()
    assert (record.status, record.sanction) == (Accountability.Status.FINAL, "written")
    page = director.get(url).content.decode()
    for step in ("由数据生成候选记录", "作出处理决定", "提出申诉", "复核后作出最终决定"):
        assert step in page


def test_dismiss_needs_a_reason(login, world, inspector) -> None:
    _founded(world, inspector, world.clerk)
    accountability.accountability_sweep()
    record = Accountability.objects.get()
    client = login(world.director)
    assert client.post(reverse("oversight:accountability_dismiss", args=[record.pk]), {"reason": ""}).status_code == 400
    client.post(reverse("oversight:accountability_dismiss", args=[record.pk]), {"reason": "投诉人已撤回"})
    record.refresh_from_db()
    assert record.status == Accountability.Status.DISMISSED


def test_menu_entries_by_role(login, world, inspector) -> None:
    html = login(inspector).get(reverse("oversight:accountability_list")).content.decode()
    assert "投诉处理" in html
    assert "监督考核" in html
    clerk = login(world.clerk).get(reverse("oversight:accountability_list")).content.decode()
    assert 'href="/staff/oversight/complaints/"' not in clerk
    assert "登记电话投诉" in clerk


def test_case_overdue_candidate_links_to_the_case(login, world, clock) -> None:
    from bianmin.cases.tests.factories import intake, item_for

    case = intake(world, item_for(world))
    clock.set(at(2026, 3, 30))
    accountability.accountability_sweep()
    record = Accountability.objects.get()
    page = login(world.director).get(reverse("oversight:accountability_detail", args=[record.pk])).content.decode()
    assert f'href="/staff/cases/c/{case.number}/"' in page
    assert record.created_at.date() >= dt.date(2026, 3, 29)


def test_case_page_records_delay_reason_and_director_overturns_refusal(login, world, clock) -> None:
    from bianmin.cases.checklists import Decision
    from bianmin.cases.tests.factories import intake, item_for, presented_except

    # given an overdue case: the clerk sees the form and records the special reason
    version = item_for(world)
    case = intake(world, version)
    clock.set(at(2026, 3, 30))
    clerk = login(world.clerk)
    page = clerk.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "登记超期特殊原因" in page
    empty = clerk.post(reverse("cases:action", args=[case.number, "delay_reason"]), {"reason": ""})
    assert empty.status_code == 400
    clerk.post(reverse("cases:action", args=[case.number, "delay_reason"]), {"reason": "需现场核查，申请人外出"})
    assert case.events.filter(verb="delay_reason").count() == 1
    # and a refused case: only the director may overturn the refusal
    refused = intake(
        world, version, n=2, presented=presented_except(version, "居民身份证"), decision=Decision.REFUSE,
        refusal_reason="缺少身份证",
    )  # fmt: skip
    url = reverse("cases:action", args=[refused.number, "overturn_refusal"])
    assert login(world.clerk).post(url, {"reason": "x"}).status_code == 403
    director = login(world.director)
    assert "撤销不予受理决定" in director.get(reverse("cases:detail", args=[refused.number])).content.decode()
    assert director.post(url, {"reason": "身份证可在线核验"}).status_code == 302
    accountability.accountability_sweep()
    kinds = set(Accountability.objects.values_list("source_kind", flat=True))
    assert kinds == {"refusal_overturned"}


def test_inspector_records_a_press_criticism_by_hand(login, world, inspector) -> None:
    from bianmin.cases.tests.factories import intake, item_for

    case = intake(world, item_for(world))
    url = reverse("oversight:accountability_new")
    assert login(world.clerk).get(url).status_code == 403
    client = login(inspector)
    bad = client.post(url, {"violation": "criticism", "summary": "x", "case_number": "NOPE"})
    assert bad.status_code == 400
    assert "本中心没有这个办件编号" in bad.content.decode()
    response = client.post(
        url,
        {"staff": world.clerk.pk, "violation": "criticism", "summary": "媒体报道排长队", "case_number": case.number},
    )
    assert response.status_code == 302
    record = Accountability.objects.get()
    assert (record.status, record.staff, record.source_kind) == ("candidate", world.clerk, "")
    assert record.evidence == [{"kind": "case", "id": case.pk, "label": case.number}]


def test_investigator_reveals_the_complainant_phone_with_a_logged_reason(login, world, inspector) -> None:
    from bianmin.core.models import PersonalDataReveal

    complaint = services.complaint_file(center=world.center, content="x", phone="13903715566")
    services.complaint_assign(complaint=complaint, inspector=inspector, actor=world.director.user)
    url = reverse("oversight:complaint_phone", args=[complaint.pk])
    page = login(inspector).get(reverse("oversight:complaint_detail", args=[complaint.pk])).content.decode()
    assert "13903715566" not in page
    assert login(world.district_user).post(url, {"reason": "看看"}).status_code == 403
    client = login(inspector)
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "电话答复投诉人"})
    assert "13903715566" in response.content.decode()
    assert PersonalDataReveal.objects.exclude(field="").get().reason == "电话答复投诉人"


def test_director_sets_the_center_deadlines(login, world) -> None:
    from bianmin.oversight.models import OversightSettings

    url = reverse("oversight:settings")
    assert login(world.clerk).get(url).status_code == 403
    client = login(world.director)
    assert "10" in client.get(url).content.decode()
    bad = client.post(url, {"complaint_reply_days": 0, "rectification_days": 5})
    assert bad.status_code == 400
    assert client.post(url, {"complaint_reply_days": 7, "rectification_days": 3}).status_code == 302
    row = OversightSettings.objects.get(center=world.center)
    assert (row.complaint_reply_days, row.rectification_days) == (7, 3)


def test_only_the_named_staff_member_may_appeal(login, world, inspector) -> None:
    _founded(world, inspector, world.clerk)
    record = Accountability.objects.get()
    accountability.accountability_decide(record=record, sanction="written", reason="属实", actor=world.director.user)
    url = reverse("oversight:accountability_appeal", args=[record.pk])
    assert login(world.director).post(url, {"reason": "代为申诉"}).status_code == 403
    assert login(world.colleague).post(url, {"reason": "x"}).status_code == 404  # not theirs: not even visible
    assert login(world.clerk).post(url, {"reason": "当时系统故障"}).status_code == 302
    record.refresh_from_db()
    assert record.status == Accountability.Status.APPEALED


def test_the_finding_form_proposes_from_the_roster_and_leaves_out_people_on_leave(login) -> None:
    from bianmin.oversight.tests.test_accountability import _unmanned_window_complaint

    w, inspector, complaint = _unmanned_window_complaint()
    client = login(inspector)

    page = client.get(reverse("oversight:complaint_detail", args=[complaint.pk]))

    form = page.context["decide_form"]
    offered = list(form.fields["responsible"].queryset)
    assert offered[0] == w.b
    assert w.a not in offered
    assert form["responsible"].initial == w.b.pk
    assert form["violation"].initial == "no_cover"
    assert "系统建议" in page.content.decode()

    response = client.post(
        reverse("oversight:complaint_decide", args=[complaint.pk]),
        {"finding": "founded", "evidence": "监控显示无人", "responsible": w.a.pk, "violation": "buck_passing"},
    )
    assert response.status_code == 400
    assert not Accountability.objects.exists()

    response = client.post(
        reverse("oversight:complaint_decide", args=[complaint.pk]),
        {"finding": "founded", "evidence": "监控显示无人", "responsible": w.b.pk, "violation": "no_cover"},
    )
    assert response.status_code == 302
    record = Accountability.objects.get()
    assert (record.staff, record.violation) == (w.b, "no_cover")
    detail = client.get(reverse("oversight:accountability_detail", args=[record.pk])).content.decode()
    assert reverse("oversight:complaint_detail", args=[complaint.pk]) in detail
