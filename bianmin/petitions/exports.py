"""The registration book of letters and visits (来信来访登记表册, §8(2)5: "做到查有依据") as a spreadsheet."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.spreadsheets import safe_row
from bianmin.petitions.models import Petition

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def book_columns() -> list[tuple[str, int]]:
    return [
        (_("登记号"), 20),
        (_("收到日期"), 12),
        (_("来信来访方式"), 10),
        (_("姓名"), 10),
        (_("单位"), 18),
        (_("联系电话"), 14),
        (_("通讯地址"), 24),
        (_("反映内容"), 48),
        (_("类别"), 10),
        (_("办理时限（日）"), 8),
        (_("办理期限"), 12),
        (_("承办人"), 10),
        (_("答复情况"), 48),
        (_("办理结果"), 40),
        (_("办结日期"), 12),
        (_("状态"), 8),
        (_("是否超期"), 8),
    ]


def _replies(petition: Petition) -> str:
    lines = []
    for reply in petition.replies.all():
        day = timezone.localtime(reply.replied_at)
        lines.append(f"{day:%m-%d} {reply.get_method_display()}（{reply.replied_by.name}）：{reply.text}")
    return "\n".join(lines)


def petition_book_xlsx(rows: Iterable[Petition], *, title: str, subtitle: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = book_columns()
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = _("来信来访登记表")
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
    now = timezone.now()
    count = overdue_count = 0
    for p in rows:
        overdue = p.is_overdue(now)
        ws.append(
            safe_row(
                [
                    p.number,
                    p.received_on,
                    p.get_channel_display(),
                    p.person_name,
                    p.person_org,
                    p.phone_masked,
                    p.address,
                    p.content,
                    p.get_category_display(),
                    p.time_limit_days,
                    p.due_on,
                    p.handler.name if p.handler else "",
                    _replies(p),
                    p.outcome,
                    timezone.localtime(p.closed_at).date() if p.closed_at else None,
                    p.get_status_display(),
                    _("超期") if overdue else _("否"),
                ]
            )
        )
        row = ws.max_row
        for column in (2, 11, 15):
            ws.cell(row=row, column=column).number_format = "yyyy-mm-dd"
        for column in (8, 13, 14):
            ws.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
        if overdue:
            ws.cell(row=row, column=len(columns)).fill = PatternFill("solid", fgColor="FDE8E6")
            overdue_count += 1
        count += 1
    ws.append([])
    ws.append([_("共 %(count)s 件，其中超期 %(overdue)s 件") % {"count": count, "overdue": overdue_count}])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
