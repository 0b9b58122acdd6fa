from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from django.conf import settings

from bianmin.core.downloads import content_disposition


def test_a_chinese_name_is_sent_as_utf8_filename_star_with_an_ascii_fallback():
    header = content_disposition("受理告知单-SL410108001-2026-00001.pdf", inline=True)

    disposition, fallback, star = header.split("; ")
    assert disposition == "inline"
    assert fallback == 'filename="SL410108001-2026-00001.pdf"'
    assert star.startswith("filename*=UTF-8''")
    assert unquote(star.removeprefix("filename*=UTF-8''")) == "受理告知单-SL410108001-2026-00001.pdf"


def test_a_name_cannot_break_the_header_or_leave_the_download_folder():
    header = content_disposition('../a"b\r\nSet-Cookie: x.xlsx')

    assert "\r" not in header
    assert "\n" not in header
    assert header.startswith('attachment; filename="')
    assert '"b' not in header
    assert "/" not in unquote(header.split("filename*=UTF-8''")[1])


def test_every_download_is_named_through_one_helper():
    root = Path(settings.BASE_DIR) / "bianmin"
    direct = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "downloads.py"
        and (
            "Content-Disposition" in path.read_text(encoding="utf-8")
            or "content_disposition_header" in path.read_text(encoding="utf-8")
        )
    ]
    assert direct == []
