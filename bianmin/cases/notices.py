"""The three written notices of §4(1): 受理告知单, 补报材料通知单, 不予受理情况说明单.

A notice's content is frozen into `Notice.content` when it is issued, so a reprint years later says exactly what
the applicant was given. The PDF uses ReportLab's built-in CJK font (STSong-Light, a CID font the reader
supplies): no font file ships with the project, nothing is fetched from outside.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bianmin.cases.checklists import Issue
from bianmin.cases.models import ApplicantKind, Case, CaseMaterial, Notice
from bianmin.core.pdf import CJK_FONT, cjk_font, qr_drawing
from bianmin.core.personal_data import mask_id_number, mask_phone
from bianmin.org.models import Staff

FONT = CJK_FONT
NUMBER_PREFIX: dict[str, str] = {"acceptance": "SL", "supplement": "BZ", "refusal": "BY"}
FORM_LABELS = dict(CaseMaterial.Form.choices)
KIND_LABELS = {"main": "主要材料", "general": "一般材料"}
SHEET_MARGIN_MM = 20
SHEET_WIDTH_MM = 210 - 2 * SHEET_MARGIN_MM  # A4 less the side margins


def _local(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y年%m月%d日 %H:%M}" if moment else ""


def _day(day: Any) -> str:
    return f"{day:%Y年%m月%d日}" if day else ""


def applicant_identifier(case: Case) -> str:
    if case.applicant_kind == ApplicantKind.ORGANIZATION:
        # A unified social credit code is public registration data, not personal information.
        return case.applicant_credit_code
    return mask_id_number(case.applicant_id_number) if case.applicant_id_number else ""


def notice_content(
    *,
    case: Case,
    kind: str,
    staff: Staff,
    materials: Sequence[CaseMaterial],
    supplement_items: Sequence[Mapping[str, Any]] = (),
    supplement_due: Any = None,
    reason: str = "",
    proxy_agent: str = "",
) -> dict[str, Any]:
    center = case.center
    content: dict[str, Any] = {
        "center_name": center.display_hall_name,
        "center_address": center.address,
        "center_phone": center.phone,
        "complaint_phone": center.complaint_phone,
        "case_number": case.number,
        "item_name": case.item_name,
        "item_code": case.item.code,
        "mode": case.mode,
        "mode_label": str(case.get_mode_display()),
        "applicant_kind": case.applicant_kind,
        "applicant_name": case.applicant_name,
        "applicant_identifier": applicant_identifier(case),
        "identifier_label": "统一社会信用代码" if case.applicant_kind == ApplicantKind.ORGANIZATION else "公民身份号码",
        "contact_name": case.contact_name,
        "phone_masked": mask_phone(case.applicant_phone) if case.applicant_phone else "",
        "proxy_agent": proxy_agent,
        "window": f"{case.window.number}号窗口（{case.window.name}）" if case.window else "",
        "staff_name": staff.name,
        "received": [
            {
                "name": m.name,
                "kind": KIND_LABELS.get(m.kind, m.kind),
                "form": str(FORM_LABELS.get(m.presented_form, "")),
            }
            for m in materials
            if m.presented
        ],
        "received_at": _local(case.received_at),
    }
    if kind == Notice.Kind.ACCEPTANCE:
        content["accepted_at"] = _local(case.accepted_at)
        content["due_at"] = _local(case.due_at)
        content["limit"] = (
            "即办件，当日办结"
            if case.mode == "direct"
            else f"承诺时限 {case.limit_days} 个{'自然日' if case.limit_unit == 'calendar' else '工作日'}"
        )
        content["paused"] = bool(case.supplement_pending)
    elif kind == Notice.Kind.SUPPLEMENT:
        content["items"] = [
            {
                "name": i["name"],
                "issue": i.get("issue", Issue.MISSING),
                "issue_label": Issue.LABELS.get(i.get("issue", Issue.MISSING), "补交"),
                "detail": i.get("detail", ""),
            }
            for i in supplement_items
        ]
        content["due_date"] = _day(supplement_due)
    elif kind == Notice.Kind.REFUSAL:
        content["reason"] = reason
        content["missing_main"] = [
            m.name for m in materials if m.kind == "main" and not m.presented and not m.not_applicable
        ]
    return content


# --- PDF ------------------------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    return {
        "center": ParagraphStyle("center", fontName=font, fontSize=15, leading=22, alignment=TA_CENTER),
        "title": ParagraphStyle("title", fontName=font, fontSize=22, leading=30, alignment=TA_CENTER),
        "number": ParagraphStyle("number", fontName=font, fontSize=10.5, leading=15, alignment=TA_RIGHT),
        "body": ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK"),
        "small": ParagraphStyle("small", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK"),
        "sign": ParagraphStyle("sign", fontName=font, fontSize=11.5, leading=20, alignment=TA_RIGHT),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _grid(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def notice_paragraphs(notice: Notice) -> list[str]:
    """The body of the notice in words, shared by the PDF and the print page."""
    c = notice.content
    name = c["applicant_name"]
    if notice.kind == Notice.Kind.ACCEPTANCE:
        lines = [
            f"{name}：",
            f"您于{c['received_at']}申请办理的“{c['item_name']}”，经审查，主要申报材料齐全，符合受理条件，"
            f"本中心已于{c['accepted_at']}予以受理（{c['mode_label']}，{c['limit']}）。",
        ]
        if c.get("paused"):
            lines.append(
                "尚需补充的材料见同时出具的《补报材料通知单》；补齐材料前，等待补正的时间不计入办理时限，"
                "办理期限相应顺延。"
            )
        elif c.get("due_at"):
            lines.append(f"本中心承诺于{c['due_at']}前办结。")
        lines.append("请妥善保管本告知单，凭本告知单查询办理进度、领取办理结果。")
        return lines
    if notice.kind == Notice.Kind.SUPPLEMENT:
        return [
            f"{name}：",
            f"您申请办理的“{c['item_name']}”，主要申报材料齐全，本中心已予受理。根据一次性告知制度，"
            "现将需要补充的材料、需要更正或说明的问题一次性告知如下，请于"
            f"{c['due_date']}前补齐。逾期未补齐的，视为撤回申请，所交材料予以退还。",
            "等待补正期间不计入办理时限。除本通知所列事项外，本中心不再要求补充其他材料。",
        ]
    return [
        f"{name}：",
        f"您于{c['received_at']}申请办理的“{c['item_name']}”，经审查，决定不予受理。理由如下：",
        c.get("reason", ""),
        "所交申请材料已当面退还。如对本决定有异议，可向本中心咨询或投诉。",
    ]


@dataclass(frozen=True)
class SheetTable:
    """A ruled table of the notice; `widths` in millimetres, None for the column that takes the rest."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float | None, ...]

    def column_percents(self, width: float = SHEET_WIDTH_MM) -> list[float]:
        fixed = sum(w for w in self.widths if w is not None)
        return [round(100 * (w if w is not None else width - fixed) / width, 2) for w in self.widths]


@dataclass(frozen=True)
class NoticeSheet:
    """Everything printed on a notice, in order: the PDF and the browser's print page both lay out this one
    sheet, so they say the same thing, and only the sections a notice of that kind has."""

    center_name: str
    title: str
    number: str
    applicant: tuple[tuple[str, str], ...]
    paragraphs: tuple[str, ...]
    tables: tuple[SheetTable, ...]
    notes: tuple[str, ...]
    seal: str
    issued: str
    query_hint: str
    contact: str
    receipt: str


def notice_sheet(notice: Notice) -> NoticeSheet:
    c = notice.content
    applicant = [
        ("办件编号", c["case_number"]),
        ("申请事项", f"{c['item_name']}（{c['item_code']}）"),
        ("申请人", c["applicant_name"]),
    ]
    if c.get("applicant_identifier"):
        applicant.append((c["identifier_label"], c["applicant_identifier"]))
    if c.get("contact_name"):
        applicant.append(("联系人", c["contact_name"]))
    if c.get("phone_masked"):
        applicant.append(("联系电话", c["phone_masked"]))
    if c.get("proxy_agent"):
        applicant.append(("代办人", c["proxy_agent"]))
    if c.get("window"):
        applicant.append(("受理窗口", f"{c['window']}　经办人：{c['staff_name']}"))
    tables = []
    if notice.kind == Notice.Kind.SUPPLEMENT and c.get("items"):
        tables.append(
            SheetTable(
                caption="",
                header=("序号", "事项", "要求", "具体说明"),
                rows=tuple(
                    (str(index), item["name"], item["issue_label"], item.get("detail") or "—")
                    for index, item in enumerate(c["items"], start=1)
                ),
                widths=(14, 62, 20, None),
            )
        )
    if c.get("received"):
        tables.append(
            SheetTable(
                caption="已收材料：",
                header=("序号", "材料名称", "类别", "形式"),
                rows=tuple(
                    (str(index), m["name"], m["kind"], m["form"]) for index, m in enumerate(c["received"], start=1)
                ),
                widths=(14, None, 30, 30),
            )
        )
    notes = []
    if notice.kind == Notice.Kind.REFUSAL and c.get("missing_main"):
        notes.append("缺少的主要申报材料：" + "、".join(c["missing_main"]))
    contact = "　".join(
        part
        for part in (
            f"地址：{c['center_address']}" if c.get("center_address") else "",
            f"咨询电话：{c['center_phone']}" if c.get("center_phone") else "",
            f"投诉电话：{c['complaint_phone']}" if c.get("complaint_phone") else "",
        )
        if part
    )
    return NoticeSheet(
        center_name=c["center_name"],
        title=str(notice.get_kind_display()),
        number=f"编号：{notice.number}",
        applicant=tuple(applicant),
        paragraphs=tuple(notice_paragraphs(notice)),
        tables=tuple(tables),
        notes=tuple(notes),
        seal=f"{c['center_name']}（受理专用章）",
        issued=f"{timezone.localtime(notice.issued_at):%Y年%m月%d日}",
        query_hint="扫描左侧二维码，或凭办件编号和联系电话后四位查询办理进度。",
        contact=contact,
        receipt="申请人（代办人）签收：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日",
    )


def render_pdf(notice: Notice, *, progress_url: str) -> bytes:
    s = _styles()
    sheet = notice_sheet(notice)
    width = A4[0] - 2 * SHEET_MARGIN_MM * mm
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=SHEET_MARGIN_MM * mm,
        rightMargin=SHEET_MARGIN_MM * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{sheet.title} {notice.number}",
        author=sheet.center_name,
    )
    story: list[Any] = [
        _p(sheet.center_name, s["center"]),
        _p(sheet.title, s["title"]),
        Spacer(1, 2 * mm),
        _p(sheet.number, s["number"]),
        Spacer(1, 3 * mm),
    ]
    applicant = [[_p(label, s["cell"]), _p(value, s["cell"])] for label, value in sheet.applicant]
    story.append(_grid(applicant, [32 * mm, width - 32 * mm]))
    story.append(Spacer(1, 4 * mm))
    for line in sheet.paragraphs:
        story.append(_p(line, s["body"]))
        story.append(Spacer(1, 1.5 * mm))
    for table in sheet.tables:
        if table.caption:
            story.append(_p(table.caption, s["body"]))
        rows = [[_p(text, s["cell"]) for text in row] for row in (table.header, *table.rows)]
        fixed = sum(w for w in table.widths if w is not None) * mm
        story.append(_grid(rows, [w * mm if w is not None else width - fixed for w in table.widths]))
        story.append(Spacer(1, 3 * mm))
    for note in sheet.notes:
        story.append(_p(note, s["body"]))
    sign = Table(
        [
            [
                qr_drawing(progress_url),
                [
                    _p(sheet.seal, s["sign"]),
                    _p(sheet.issued, s["sign"]),
                    Spacer(1, 3 * mm),
                    _p(sheet.query_hint, s["small"]),
                    _p(sheet.contact, s["small"]),
                ],
            ]
        ],
        colWidths=[34 * mm, width - 34 * mm],
    )
    sign.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story.append(Spacer(1, 8 * mm))
    story.append(sign)
    story.append(Spacer(1, 6 * mm))
    story.append(_p(sheet.receipt, s["body"]))
    doc.build(story)
    return buffer.getvalue()
