"""The first-inquiry register book (首问登记册) as a spreadsheet, "以备查询和考核" (§8(1)2)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.spreadsheets import safe_row
from bianmin.frontdesk.models import Inquiry

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register_columns() -> list[tuple[str, int]]:
    return [
        (_("登记号"), 20),
        (_("日期"), 12),
        (_("时间"), 8),
        (_("方式"), 6),
        (_("姓名"), 10),
        (_("单位"), 20),
        (_("联系电话"), 14),
        (_("咨询或办理事项"), 36),
        (_("办理结果"), 22),
        (_("结果说明"), 44),
        (_("首问责任人"), 10),
        (_("接待窗口"), 16),
    ]


def inquiry_register_xlsx(rows: Iterable[Inquiry], *, title: str, subtitle: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    columns = register_columns()
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = _("首问登记册")
    ws.append([title])
    ws.append([subtitle])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([name for name, _width in columns])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for index, (_name, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A4"
    count = 0
    for inquiry in rows:
        local = timezone.localtime(inquiry.received_at)
        window = inquiry.window
        ws.append(
            safe_row(
                [
                    inquiry.number,
                    local.date(),
                    local.strftime("%H:%M"),
                    inquiry.get_channel_display(),
                    inquiry.visitor_name,
                    inquiry.visitor_org,
                    inquiry.visitor_phone_masked,
                    inquiry.matter,
                    inquiry.get_result_display(),
                    inquiry.result_detail(),
                    inquiry.first_contact.name,
                    _("%(number)s号窗口 %(name)s") % {"number": window.number, "name": window.name} if window else "",
                ]
            )
        )
        ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd"
        count += 1
    ws.append([])
    ws.append([_("共 %(count)s 条") % {"count": count}])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
