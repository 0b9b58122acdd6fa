"""A reply to a letter or visit, printed as a letter (答复函). ReportLab's built-in CJK font: no font files."""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from bianmin.core.pdf import CJK_FONT, cjk_font
from bianmin.petitions.models import Petition, PetitionReply

FONT = CJK_FONT
EXCERPT_CHARS = 60


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=14, leading=26, wordWrap="CJK", firstLineIndent=28)
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=20, leading=30, alignment=TA_CENTER),
        "number": ParagraphStyle("number", fontName=font, fontSize=12, leading=20, alignment=TA_CENTER),
        "salutation": ParagraphStyle("salutation", parent=body, firstLineIndent=0),
        "body": body,
        "signature": ParagraphStyle("signature", parent=body, alignment=TA_RIGHT, firstLineIndent=0),
        "small": ParagraphStyle("small", fontName=font, fontSize=11, leading=18, wordWrap="CJK"),
    }


def _paragraphs(text: str, style: ParagraphStyle) -> list[Paragraph]:
    return [Paragraph(escape(line.strip()), style) for line in text.splitlines() if line.strip()]


def _date_cn(day: dt.date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def _excerpt(content: str) -> str:
    flat = "".join(content.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[:EXCERPT_CHARS] + "……"


def reply_letter_pdf(*, petition: Petition, reply: PetitionReply) -> bytes:
    st = _styles()
    center = petition.center
    replied_on = timezone.localtime(reply.replied_at).date()
    story = [
        Paragraph(escape(center.display_hall_name), st["title"]),
        Paragraph(escape(_("来信来访答复函")), st["title"]),
        Paragraph(escape(_("（%(number)s）") % {"number": petition.number}), st["number"]),
        Spacer(1, 8 * mm),
        Paragraph(escape(f"{petition.person_name}："), st["salutation"]),
        Paragraph(
            escape(
                _("您于%(day)s以%(channel)s方式反映的“%(excerpt)s”事项，本中心已收悉并登记办理。现答复如下：")
                % {
                    "day": _date_cn(petition.received_on),
                    "channel": petition.get_channel_display(),
                    "excerpt": _excerpt(petition.content),
                }
            ),
            st["body"],
        ),
        *_paragraphs(reply.text, st["body"]),
        Paragraph(escape(_("特此答复。")), st["body"]),
        Spacer(1, 12 * mm),
        Paragraph(escape(center.display_hall_name), st["signature"]),
        Paragraph(escape(_date_cn(replied_on)), st["signature"]),
        Spacer(1, 10 * mm),
    ]
    contact = [
        _("承办人：%(name)s") % {"name": reply.replied_by.name},
        _("联系电话：%(phone)s") % {"phone": center.phone} if center.phone else "",
        _("地址：%(address)s") % {"address": center.address} if center.address else "",
    ]
    story.append(Paragraph(escape("　".join(c for c in contact if c)), st["small"]))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=_("来信来访答复函 %(number)s") % {"number": petition.number},
        author=center.display_hall_name,
    )
    doc.build(story)
    return buffer.getvalue()
