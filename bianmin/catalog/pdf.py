"""Printable 明白卡 (one page) and 服务指南 (the full guide) of a published item version, as PDF (§4(6)).

Chinese is set in ReportLab's built-in CID font STSong-Light: the PDF names the font and the reader supplies it,
so no font file is needed on the server. Each document carries the center's name and a QR code to the online guide.
`guide_facts` gives the six public elements in words; the guide page and both PDFs use it, so they say the same.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from bianmin.catalog.models import ItemType, ItemVersion, LimitUnit, Material, Mode, ServiceItem
from bianmin.core.pdf import cjk_font, qr_drawing
from bianmin.org.models import OrgUnit

FONT = cjk_font()

BLUE = colors.HexColor("#1f4e8c")
LINE = colors.HexColor("#b9c2d0")


# ---- the facts, in words -----------------------------------------------------------------------------------


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value or ""))


def limit_text(days: int, unit: str) -> str:
    if days <= 0:
        return ""
    return _("%(days)d个%(unit)s") % {"days": days, "unit": _label(LimitUnit.choices, unit)}


def time_limit_text(days: int, unit: str, mode: str, *, none: str = "") -> str:
    """A time limit as the public and staff pages show it: "5个工作日"; a direct item's zero is "即时办结",
    never "0 工作日"."""
    if days and days > 0:
        return limit_text(days, unit)
    if mode == Mode.DIRECT:
        return _("即时办结")
    return none or _("无")


def statutory_text(snapshot: dict[str, Any]) -> str:
    return time_limit_text(snapshot.get("statutory_limit", 0), snapshot.get("limit_unit", ""), snapshot.get("mode", ""))


def promise_text(snapshot: dict[str, Any]) -> str:
    if snapshot.get("mode") == Mode.DIRECT:
        return _("即来即办，当场办结")
    return limit_text(snapshot.get("promised_limit", 0), snapshot.get("limit_unit", "")) or _("见办理流程")


def mode_text(snapshot: dict[str, Any]) -> str:
    mode = snapshot.get("mode", "")
    label = _label(Mode.choices, mode)
    if mode == Mode.JOINT and snapshot.get("joint_departments"):
        return _("%(mode)s（%(departments)s联合办理，中心主任牵头协调）") % {
            "mode": label,
            "departments": "、".join(snapshot["joint_departments"]),
        }
    if mode == Mode.FORWARDED:
        target = snapshot.get("forward_to") or _("上级主管部门")
        return _("%(mode)s（窗口受理后报%(target)s办理，全程代办）") % {"mode": label, "target": target}
    if mode == Mode.DIRECT:
        return _("%(mode)s（当场办理）") % {"mode": label}
    if mode == Mode.PROMISED:
        return _("%(mode)s（在承诺时限内办结）") % {"mode": label}
    return label


def fee_text(snapshot: dict[str, Any]) -> str:
    return _("不收费") if snapshot.get("is_free", True) else (snapshot.get("fee_standard") or "")


def material_text(material: dict[str, Any]) -> str:
    """ "原件及复印件 1份，申请人自备；备注" — how the material must be brought."""
    parts = [f"{_label(Material.Form.choices, material.get('form', ''))} {material.get('copies', 1)}份"]
    source = material.get("source", "")
    if source:
        parts.append(_label(Material.Source.choices, source))
    text = "，".join(parts)
    if material.get("notes"):
        text += f"；{material['notes']}"
    return text


def special_services(snapshot: dict[str, Any]) -> list[str]:
    services = []
    if snapshot.get("offers_appointment"):
        services.append(_("预约服务"))
    if snapshot.get("offers_proxy"):
        services.append(_("代办服务"))
    if snapshot.get("offers_home_visit"):
        services.append(_("上门服务"))
    return services


def windows_text(snapshot: dict[str, Any], center: OrgUnit) -> str:
    windows = [w for w in snapshot.get("windows", []) if w.get("center_id") == center.pk]
    if not windows:
        return _("综合受理窗口（请到大厅咨询导办台）")
    return "、".join(f"{w['number']}号窗口（{w['name']}）" for w in windows)


def guide_facts(*, center: OrgUnit, version: ItemVersion) -> dict[str, Any]:
    s = version.snapshot
    level = _label(ServiceItem.Level.choices, s.get("implementing_level", ""))
    return {
        "item_type_label": _label(ItemType.choices, s.get("item_type", "")),
        "level_label": level,
        "mode_text": mode_text(s),
        "promise_text": promise_text(s),
        "statutory_text": statutory_text(s),
        "fee_text": fee_text(s),
        "fee_basis_text": s.get("fee_basis") or (_("不收费，无收费依据") if s.get("is_free", True) else ""),
        "windows_text": windows_text(s, center),
        "main_materials": [dict(m, how=material_text(m)) for m in version.main_materials],
        "general_materials": [dict(m, how=material_text(m)) for m in version.general_materials],
        "steps": s.get("steps", []),
        "special_services": special_services(s),
        "phone": s.get("consultation_phone") or center.phone,
        "complaint": s.get("complaint_channel") or (_("投诉电话 %(phone)s") % {"phone": center.complaint_phone}),
        "visits": s.get("visits", 1),
        "hours": center.office_hours.describe(),
    }


# ---- layout -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    name: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle


def styles(size: float = 10.5) -> Styles:
    base = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=size * 1.45, wordWrap="CJK")
    return Styles(
        title=ParagraphStyle("title", parent=base, fontSize=size + 2, alignment=TA_CENTER, textColor=BLUE),
        name=ParagraphStyle(
            "name", parent=base, fontSize=size + 8, leading=(size + 8) * 1.3, alignment=TA_CENTER, spaceAfter=4
        ),
        heading=ParagraphStyle(
            "heading",
            parent=base,
            fontSize=size + 1.5,
            leading=(size + 1.5) * 1.5,
            textColor=BLUE,
            spaceBefore=6,
            keepWithNext=1,
        ),
        body=base,
        small=ParagraphStyle("small", parent=base, fontSize=size - 1.5, leading=(size - 1.5) * 1.4),
        cell=ParagraphStyle("cell", parent=base, fontSize=size - 0.5, leading=(size - 0.5) * 1.4),
    )


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_escape(str(text)), style)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _kv_table(rows: list[tuple[str, str]], st: Styles, width: float) -> Table:
    data = [[_p(k, st.cell), _p(v, st.cell)] for k, v in rows]
    table = Table(data, colWidths=[26 * mm, width - 26 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, LINE),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef3fa")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _header(center: OrgUnit, kind: str, url: str, st: Styles, width: float, qr_size: float) -> Table:
    left = [_p(center.display_hall_name, st.title), _p(kind, st.title)]
    right = [qr_drawing(url, qr_size), _p(_("扫码查看网上服务指南"), st.small)]
    table = Table([[left, right]], colWidths=[width - qr_size - 6 * mm, qr_size + 6 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (1, 0), "CENTER")]))
    return table


def _materials(facts: dict[str, Any], st: Styles, *, numbered_notes: bool = True) -> list[Flowable]:
    flow: list[Flowable] = []
    number = 0
    for title, key, hint in (
        (_("主要材料"), "main_materials", _("（缺少主要材料的不予受理）")),
        (_("一般材料"), "general_materials", _("（主要材料齐全、一般材料欠缺的，先予受理，一次性告知补报）")),
    ):
        if not facts[key]:
            continue
        flow.append(_p(f"{title}{hint}", st.body))
        for material in facts[key]:
            number += 1
            how = f"（{material['how']}）" if numbered_notes else ""
            flow.append(_p(f"{number}. {material['name']}{how}", st.body))
    if not number:
        flow.append(_p(_("无需提交材料。"), st.body))
    return flow


def _steps_line(facts: dict[str, Any]) -> str:
    return " → ".join(step["name"] for step in facts["steps"]) or _("窗口受理，当场办结")


def _build(story: list[Flowable], *, title: str, footer: str = "", margin: float = 14 * mm) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 4 * mm,
        title=title,
        author=footer,
        creator="便民服务中心管理系统",
    )

    def on_page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.grey)
        text = f"{footer}  第 {document.page} 页" if footer else f"第 {document.page} 页"
        canvas.drawCentredString(A4[0] / 2, margin / 2, text)
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue(), doc.page


def render_card(*, center: OrgUnit, version: ItemVersion, url: str) -> bytes:
    """明白卡: everything a citizen must know, on one A4 page; the type shrinks until it fits."""
    facts = guide_facts(center=center, version=version)
    s = version.snapshot
    content = b""
    for size, notes in (
        (13.0, True),
        (12.0, True),
        (11.0, True),
        (10.0, True),
        (9.0, True),
        (8.0, False),
        (7.0, False),
    ):
        st = styles(size)
        width = A4[0] - 28 * mm
        story: list[Flowable] = [
            _header(center, _("办事明白卡"), url, st, width, 26 * mm),
            Spacer(1, 2 * mm),
            _p(s["name"], st.name),
            _kv_table(
                [
                    (_("办理窗口"), facts["windows_text"]),
                    (_("办理方式"), facts["mode_text"]),
                    (_("承诺时限"), facts["promise_text"]),
                    (_("法定时限"), facts["statutory_text"]),
                    (_("收费标准"), facts["fee_text"]),
                    (_("收费依据"), facts["fee_basis_text"]),
                    (_("到现场次数"), _("%(n)d次") % {"n": facts["visits"]}),
                ],
                st,
                width,
            ),
            _p(_("申请材料"), st.heading),
            *_materials(facts, st, numbered_notes=notes),
            _p(_("办理流程"), st.heading),
            _p(_steps_line(facts), st.body),
        ]
        if facts["special_services"]:
            story.append(_p(_("特色服务：%(s)s") % {"s": "、".join(facts["special_services"])}, st.body))
        story += [
            Spacer(1, 2 * mm),
            _p(
                _("咨询电话：%(phone)s　　监督投诉：%(complaint)s")
                % {"phone": facts["phone"], "complaint": facts["complaint"]},
                st.small,
            ),
            _p(
                _("办公时间：周一至周五 %(hours)s（法定节假日除外）　地址：%(address)s")
                % {"hours": facts["hours"], "address": center.address or "—"},
                st.small,
            ),
        ]
        try:
            content, pages = _build(story, title=f"{s['name']} 明白卡", footer=center.display_hall_name)
        except LayoutError:
            continue
        if pages == 1:
            return content
    return content


def render_guide(*, center: OrgUnit, version: ItemVersion, url: str) -> bytes:
    """服务指南: the six public elements in full (服务事项、办事程序、申报材料、承诺时限、收费依据、收费标准)."""
    facts = guide_facts(center=center, version=version)
    s = version.snapshot
    st = styles(10.5)
    width = A4[0] - 36 * mm
    story: list[Flowable] = [
        _header(center, _("服务指南"), url, st, width, 30 * mm),
        Spacer(1, 3 * mm),
        _p(s["name"], st.name),
        _p(
            _("第%(n)d版，%(date)s发布")
            % {"n": version.number, "date": timezone.localtime(version.published_at).strftime("%Y年%m月%d日")},
            st.small,
        ),
        _p(_("一、服务事项"), st.heading),
        _kv_table(
            [
                (_("事项名称"), s["name"]),
                (_("事项类型"), facts["item_type_label"]),
                (_("实施编码"), s.get("code", "")),
                (_("主管部门"), s.get("department", "")),
                (_("实施主体"), s.get("implementing_body") or "—"),
                (_("实施层级"), facts["level_label"] or "—"),
                (_("办理方式"), facts["mode_text"]),
                (_("受理条件"), s.get("conditions") or "—"),
                (_("设定依据"), s.get("legal_basis") or "—"),
                (_("办理窗口"), facts["windows_text"]),
            ],
            st,
            width,
        ),
        _p(_("二、申报材料"), st.heading),
        *_materials(facts, st),
        _p(_("三、办事程序"), st.heading),
    ]
    if facts["steps"]:
        rows = [[_p(_("环节"), st.cell), _p(_("办理内容"), st.cell), _p(_("时长"), st.cell)]]
        for number, step in enumerate(facts["steps"], start=1):
            days = step.get("duration_days", 0)
            duration = _("%(d)d日") % {"d": days} if days else _("当场")
            if not step.get("counts_toward_limit", True):
                duration += _("（不计入时限）")
            rows.append(
                [
                    _p(f"{number}. {step['name']}", st.cell),
                    _p(step.get("description") or "", st.cell),
                    _p(duration, st.cell),
                ]
            )
        table = Table(rows, colWidths=[34 * mm, width - 34 * mm - 30 * mm, 30 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, LINE),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3fa")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    else:
        story.append(_p(_steps_line(facts), st.body))
    story += [
        _p(_("四、承诺时限"), st.heading),
        _p(
            _("承诺时限：%(p)s；法定时限：%(s)s；到现场次数：%(v)d次。")
            % {"p": facts["promise_text"], "s": facts["statutory_text"], "v": facts["visits"]},
            st.body,
        ),
        _p(_("时限自受理之日起计算；等待申请人补报材料的时间不计入办理时限。"), st.small),
        _p(_("五、收费依据"), st.heading),
        _p(facts["fee_basis_text"] or "—", st.body),
        _p(_("六、收费标准"), st.heading),
        _p(facts["fee_text"] or "—", st.body),
        KeepTogether(
            [
                _p(_("咨询与监督"), st.heading),
                _p(_("咨询电话：%(phone)s") % {"phone": facts["phone"]}, st.body),
                _p(_("监督投诉：%(c)s") % {"c": facts["complaint"]}, st.body),
                _p(
                    _("特色服务：%(s)s") % {"s": "、".join(facts["special_services"]) or _("无")},
                    st.body,
                ),
                _p(
                    _("办公时间：周一至周五 %(hours)s（法定节假日除外）；地址：%(address)s")
                    % {"hours": facts["hours"], "address": center.address or "—"},
                    st.body,
                ),
            ]
        ),
    ]
    content, _pages = _build(story, title=f"{s['name']} 服务指南", footer=center.display_hall_name, margin=18 * mm)
    return content
