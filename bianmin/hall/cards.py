"""连心卡 (§4(6)): a printable contact card per community, four to an A4 sheet, cut along the dashed lines.

ReportLab's built-in CJK CID font (STSong-Light) renders Chinese with no font file on the machine; the QR code
is ReportLab's own widget, so nothing is fetched from outside.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from bianmin.core.pdf import CJK_FONT, cjk_font, qr_drawing

FONT = CJK_FONT
BLUE = colors.HexColor("#1f4e8c")
WEEKDAYS = "一二三四五六日"


@dataclass
class CardPerson:
    name: str
    title: str


@dataclass
class CardContent:
    community: str
    point_name: str
    point_address: str
    point_phone: str
    center_name: str
    center_address: str
    center_phone: str
    office_hours: str
    extended_hours: str
    complaint_phone: str
    url: str
    staff: list[CardPerson] = field(default_factory=list)


def describe_extended(rows: Sequence[tuple[dt.date, dt.time, dt.time]]) -> str:
    """Recurring extended sessions in plain words: "每周二、四 12:00–13:30"; one-off days listed by date."""
    if not rows:
        return ""
    by_time: dict[tuple[dt.time, dt.time], set[int]] = {}
    for day, start, end in rows:
        by_time.setdefault((start, end), set()).add(day.weekday())
    parts = []
    for (start, end), weekdays in sorted(by_time.items()):
        days = "、".join(WEEKDAYS[d] for d in sorted(weekdays))
        parts.append(f"每周{days} {start:%H:%M}–{end:%H:%M}")
    return "；".join(parts)


def _draw_card(canvas: Canvas, card: CardContent, x: float, y: float, w: float, h: float) -> None:
    font = cjk_font()
    pad = 6 * mm
    body = ParagraphStyle("body", fontName=font, fontSize=9.6, leading=14, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=10.5, leading=15, textColor=BLUE)

    canvas.setFillColor(BLUE)
    canvas.rect(x, y + h - 22 * mm, w, 22 * mm, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(font, 22)
    canvas.drawString(x + pad, y + h - 11 * mm, "连心卡")
    canvas.setFont(font, 10)
    canvas.drawString(x + pad, y + h - 17.5 * mm, f"{card.center_name}　{card.community}")
    canvas.setFillColor(colors.black)

    staff = "；".join(f"{p.name}（{p.title}）" if p.title else p.name for p in card.staff) or "—"
    blocks = [
        (head, f"{card.point_name}"),
        (body, f"地址：{card.point_address or '—'}　电话：{card.point_phone or '—'}"),
        (body, f"服务站工作人员：{staff}"),
        (head, card.center_name),
        (body, f"地址：{card.center_address or '—'}"),
        (body, f"咨询电话：{card.center_phone or '—'}"),
        (body, f"办公时间：周一至周五 {card.office_hours}（法定节假日除外）"),
        (body, f"延时服务：{card.extended_hours or '以大厅公告为准'}"),
        (
            body,
            "特色服务：预约服务、延时服务、代办服务、上门服务。行动不便的老年人、残疾人、重病患者可电话申请上门服务。",
        ),
        (head, f"投诉电话：{card.complaint_phone or '—'}"),
    ]
    qr_size = 26 * mm
    cursor = y + h - 22 * mm - 3 * mm
    text_width = w - 2 * pad
    for style, text in blocks:
        para = Paragraph(escape(text), style)
        _, height = para.wrap(text_width, h)
        cursor -= height + 1.6 * mm
        para.drawOn(canvas, x + pad, cursor)

    renderPDF.draw(qr_drawing(card.url, qr_size), canvas, x + w - pad - qr_size, y + 5 * mm)
    note = Paragraph(
        escape("扫码查看办事指南、预约办理、申请上门服务"), ParagraphStyle("n", parent=body, fontSize=8.5, leading=12)
    )
    note.wrap(w - 2 * pad - qr_size - 4 * mm, 20 * mm)
    note.drawOn(canvas, x + pad, y + 8 * mm)


def lianxin_card_pdf(card: CardContent) -> bytes:
    """An A4 sheet with four identical cards (A6 each) and dashed cut lines."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"连心卡 {card.community}")
    canvas.setAuthor(card.center_name)
    width, height = A4
    w, h = width / 2, height / 2
    for col in range(2):
        for row in range(2):
            _draw_card(canvas, card, col * w, row * h, w, h)
    canvas.setDash(3, 3)
    canvas.setStrokeColor(colors.grey)
    canvas.line(w, 0, w, height)
    canvas.line(0, h, width, h)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
