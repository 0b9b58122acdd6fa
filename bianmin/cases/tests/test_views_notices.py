"""Notice pages and PDFs: the Chinese text, masked IDs, only filled rows, the same text on paper and on screen."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from bianmin.cases.checklists import Decision
from bianmin.cases.tests.factories import intake, item_for, presented_except, resident_id

pytestmark = pytest.mark.django_db


# --- notices ------------------------------------------------------------------------------------------------


def test_notice_pdf_carries_the_chinese_text_and_a_masked_id(world, clock, client):
    version = item_for(world)
    case = intake(
        world,
        version,
        presented=presented_except(version, "户口簿"),
        decision=Decision.ACCEPT_WITH_SUPPLEMENT,
        name="张三",
    )
    client.force_login(world.clerk.user)

    texts = {}
    for notice in case.notices.all():
        response = client.get(reverse("cases:notice_pdf", args=[case.number, notice.pk]))
        assert response["Content-Type"] == "application/pdf"
        texts[notice.kind] = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)

    acceptance = texts["acceptance"]
    assert "受理告知单" in acceptance
    assert "长兴路街道便民服务中心" in acceptance
    assert case.number in acceptance
    assert "4101**********0010" in acceptance
    assert resident_id(1) not in acceptance
    assert "139****1234" in acceptance
    supplement = texts["supplement"]
    assert "补报材料通知单" in supplement
    assert "户口簿" in supplement
    assert "2026年03月16日" in supplement


def test_refusal_notice_print_page_has_the_reason_and_a_qr_code(world, clock, client):
    version = item_for(world)
    case = intake(
        world,
        version,
        presented=presented_except(version, "申请表"),
        decision=Decision.REFUSE,
        refusal_reason="缺少申请表",
    )
    notice = case.notices.get()
    client.force_login(world.clerk.user)

    page = client.get(reverse("cases:notice_print", args=[case.number, notice.pk]))
    body = page.content.decode()

    assert "不予受理情况说明单" in body
    assert "缺少申请表" in body
    assert "<svg" in body
    assert page.context["url"].endswith(f"/progress/t/{case.public_token}/")
    client.force_login(world.outsider.user)
    assert client.get(reverse("cases:notice_pdf", args=[case.number, notice.pk])).status_code == 404


def _notice_cases(world):
    version = item_for(world)
    accepted = intake(
        world, version, presented=presented_except(version, "户口簿"), decision=Decision.ACCEPT_WITH_SUPPLEMENT
    )
    refused = intake(
        world,
        version,
        n=2,
        presented=presented_except(version, "申请表"),
        decision=Decision.REFUSE,
        refusal_reason="缺少申请表",
    )
    return [(case, notice) for case in (accepted, refused) for notice in case.notices.order_by("pk")]


def test_every_notice_kind_prints_only_filled_rows_and_the_same_text_as_its_pdf(world, clock, client):
    """The print page once iterated dict.items() of a notice without "items": two dozen empty rows, three pages."""
    client.force_login(world.clerk.user)
    kinds = set()
    for case, notice in _notice_cases(world):
        kinds.add(notice.kind)
        page = client.get(reverse("cases:notice_print", args=[case.number, notice.pk]))
        assert page.status_code == 200
        sheet = page.content.decode().split('<article class="notice-sheet">')[1].split("</article>")[0]
        rows = re.findall(r"<tr>(.*?)</tr>", sheet, re.S)
        cells = [re.findall(r"<t[hd]>(.*?)</t[hd]>", row, re.S) for row in rows]
        assert all(any(c.strip() not in {"", "—"} for c in row[1:] or row) for row in cells), (notice.kind, rows)
        printed = page.context["sheet"]
        items = notice.content.get("items", []) if notice.kind == "supplement" else []
        assert sum(len(t.rows) for t in printed.tables) == len(notice.content["received"]) + len(items)
        assert len(rows) == len(printed.applicant) + sum(len(t.rows) + 1 for t in printed.tables)
        pdf = client.get(reverse("cases:notice_pdf", args=[case.number, notice.pk]))
        reader = PdfReader(io.BytesIO(pdf.content))
        assert len(reader.pages) == 1
        pdf_text = re.sub(r"\s", "", "".join(p.extract_text() for p in reader.pages))
        sheet_text = re.sub(r"\s|<[^>]+>", "", html.unescape(re.sub(r"<svg.*?</svg>", "", sheet, flags=re.S)))
        for label, value in page.context["sheet"].applicant:
            assert re.sub(r"\s", "", label + value) in sheet_text
        for paragraph in page.context["sheet"].paragraphs:
            assert re.sub(r"\s", "", paragraph)[:40] in pdf_text
            assert re.sub(r"\s", "", paragraph) in sheet_text
        assert "扫描左侧二维码" in sheet_text
    assert kinds == {"acceptance", "supplement", "refusal"}
