"""Every file the site hands out (PDFs, spreadsheets) gets its name here: a name a person recognises ("明白卡-临时救助
申请.pdf", "受理告知单-SL410108001-2026-00001.pdf"), sent as RFC 6266 `filename*` in UTF-8 so Chinese survives, with
an ASCII `filename` beside it for old clients."""

from __future__ import annotations

import re
from typing import BinaryIO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def content_disposition(filename: str, *, inline: bool = False) -> str:
    name = _UNSAFE.sub("_", filename).strip(" .") or "download"
    stem, dot, ext = name.rpartition(".")
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", stem if dot else name).strip("_-.") or "download"
    if dot:
        fallback = f"{fallback}.{re.sub(r'[^A-Za-z0-9]', '', ext)}"
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(content: bytes, *, filename: str, content_type: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response


def file_stream_response(stream: BinaryIO, *, filename: str, content_type: str | None = None) -> FileResponse:
    """A stored file streamed as a download (blank forms, samples), named like every other download."""
    response = FileResponse(stream, content_type=content_type) if content_type else FileResponse(stream)
    response["Content-Disposition"] = content_disposition(filename)
    return response
