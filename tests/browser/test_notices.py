"""A notice printed from the browser (打印 on the notice page) is the PDF's sheet on one A4 page."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from bianmin.cases.checklists import Decision
from bianmin.cases.tests.factories import intake, item_for, make_world, presented_except

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
A4_POINTS = (595.28, 841.89)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_notice_kind_prints_on_one_a4_page_without_empty_rows(live_server, page):
    world = make_world()
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
    world.clerk.user.set_password("pw-123456")
    world.clerk.user.save()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", world.clerk.user.username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")

    kinds = set()
    for case in (accepted, refused):
        for notice in case.notices.all():
            kinds.add(notice.kind)
            page.goto(f"{live_server.url}/staff/cases/c/{case.number}/notices/{notice.pk}/print/")
            rows = page.locator(".notice-sheet tr")
            for i in range(rows.count()):
                cells = [c.strip() for c in rows.nth(i).locator("th, td").all_inner_texts()]
                assert any(c not in {"", "—"} for c in cells[1:] or cells), (notice.kind, cells)
            page.emulate_media(media="print")
            pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
            page.emulate_media(media="screen")
            assert len(pdf.pages) == 1, notice.kind
            box = pdf.pages[0].mediabox
            assert abs(float(box.width) - A4_POINTS[0]) < 2  # Chromium rounds A4 to whole CSS pixels
            assert abs(float(box.height) - A4_POINTS[1]) < 2
            SHOTS.mkdir(parents=True, exist_ok=True)
            (SHOTS / f"notice_print_{notice.kind}.pdf").write_bytes(page.pdf(format="A4", print_background=True))
    assert kinds == {"acceptance", "supplement", "refusal"}
    assert failed == []  # not even /favicon.ico
