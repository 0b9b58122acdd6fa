"""The citizen's way to a complaint: from the home page, the menu and an item guide; and back to the reply, by
complaint number and phone tail, throttled like the progress query."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from bianmin.cases.tests.factories import item_for
from bianmin.org.models import Role
from bianmin.org.tests.factories import staff_user
from bianmin.oversight import services
from bianmin.oversight.models import Complaint

pytestmark = pytest.mark.django_db

LOOKUP = "/complaint/lookup/"


def _file(client, world, **data):
    response = client.post(f"/centers/{world.center.code}/complaint/", {"content": "排队太久，无人引导", **data})
    assert response.status_code == 200
    return Complaint.objects.latest("pk"), response.content.decode()


def test_home_page_menu_and_item_guide_lead_to_the_complaint_form_and_the_lookup(client, world, settings):
    settings.BIANMIN_DEFAULT_CENTER = world.center.code
    form_url = reverse("oversight:complaint_new", args=[world.center.code])
    version = item_for(world)

    home = client.get(reverse("org:public_home")).content.decode()
    guide = client.get(reverse("catalog:guide_item", args=[world.center.code, version.item_id])).content.decode()
    redirect = client.get("/complaint/")
    form = client.get(form_url).content.decode()

    assert redirect.status_code == 302
    assert redirect["Location"] == form_url
    menu = re.search(r'<nav class="nav"[^>]*>.*?</nav>', home, re.S)
    assert menu is not None
    assert 'href="/complaint/"' in menu.group(0)
    assert home.count('href="/complaint/"') >= 2  # the menu and a tile
    assert f'href="{LOOKUP}"' in form
    assert f'href="{form_url}"' in guide
    assert f'href="{LOOKUP}"' in guide


def test_complainant_sees_the_status_and_then_the_reply_by_number_and_phone_tail(client, world):
    complaint, done = _file(client, world, phone="139 0371 0001")
    assert complaint.number in done
    assert f'href="{LOOKUP}"' in done

    wrong = client.post(LOOKUP, {"number": complaint.number, "phone_tail": "0002"})
    pending = client.post(LOOKUP, {"number": complaint.number.lower(), "phone_tail": "0001"})
    inspector = staff_user(Role.INSPECTOR, world.center)
    services.complaint_assign(complaint=complaint, inspector=inspector, actor=inspector.user)
    services.complaint_decide(complaint=complaint, finding="founded", evidence="经调查属实", actor=inspector.user)
    services.complaint_reply(complaint=complaint, reply="已对窗口人员批评教育，增设引导员。", actor=inspector.user)
    replied = client.post(LOOKUP, {"number": complaint.number, "phone_tail": "0001"})

    assert wrong.status_code == 404
    assert "未查询到投诉。请核对投诉编号和投诉时留下的联系电话后四位。" in wrong.content.decode()
    assert pending.status_code == 200
    assert "已受理" in pending.content.decode()
    assert "前答复您" in pending.content.decode()
    assert replied.status_code == 200
    assert "已对窗口人员批评教育，增设引导员。" in replied.content.decode()
    assert "已答复" in replied.content.decode()
    assert "排队太久" not in replied.content.decode()  # the lookup shows the answer, not what was written


def test_anonymous_complaint_and_malformed_input_answer_not_found_never_500(client, world):
    complaint, done = _file(client, world)
    assert "无法在网上查询答复" in done

    for data in (
        {"number": complaint.number, "phone_tail": "0000"},
        {"number": "TS1999000001", "phone_tail": "1234"},
        {"number": "TS2026" + "9" * 9, "phone_tail": "1234"},
        {"number": "不是编号", "phone_tail": "12ab"},
        {"number": "", "phone_tail": ""},
    ):
        response = client.post(LOOKUP, data)
        assert response.status_code == 404, data
        assert "未查询到投诉" in response.content.decode()
    assert client.get(LOOKUP).status_code == 200


def test_lookups_are_throttled_after_repeated_failures(client, world):
    complaint, _done = _file(client, world, phone="13903710001")
    for _n in range(10):
        assert client.post(LOOKUP, {"number": complaint.number, "phone_tail": "9999"}).status_code == 404

    blocked = client.post(LOOKUP, {"number": complaint.number, "phone_tail": "0001"})

    assert blocked.status_code == 429
    assert "查询过于频繁" in blocked.content.decode()
    assert "已受理" not in blocked.content.decode()
