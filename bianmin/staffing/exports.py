"""The monthly attendance sheet as an xlsx workbook (openpyxl)."""

from __future__ import annotations

import io

from bianmin.core.spreadsheets import safe_cell
from bianmin.staffing.selectors import MonthSheet

LEGEND = (
    "图例：√ 正常  迟 迟到  早 早退  缺 缺勤半天  旷 旷工  未退 未签退  未签 今日未签到  班 休息日值班  加 加班  "
    "休 休息日  事/病/年/公/培/调/婚/产/丧 请假  * 经更正"
)
TOTAL_HEADERS = [
    "应出勤(天)",
    "实出勤(天)",
    "迟到(次)",
    "迟到(分钟)",
    "早退(次)",
    "旷工(天)",
    "请假(天)",
    "加班(小时)",
    "未签退(次)",
]


def attendance_sheet_xlsx(sheet: MonthSheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101 - a new workbook always has a sheet
    ws.title = f"{sheet.month:%Y年%m月}考勤"
    thin = Side(style="thin", color="B9C2D0")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    rest_fill = PatternFill("solid", fgColor="FDE8E6")
    head_fill = PatternFill("solid", fgColor="E8F0FA")
    centered = Alignment(horizontal="center", vertical="center", wrap_text=True)

    days = sheet.days
    width = 3 + len(days) + len(TOTAL_HEADERS)
    title = f"{sheet.center.display_hall_name} {sheet.month:%Y年%m月}考勤表"
    if sheet.department is not None:
        title += f"（{sheet.department.name}）"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = centered

    header = ["序号", "姓名", "部门", *[str(day.day) for day, _ in days], *TOTAL_HEADERS]
    ws.append(header)
    for column, _value in enumerate(header, start=1):
        cell = ws.cell(row=2, column=column)
        cell.font = Font(bold=True)
        cell.alignment = centered
        cell.border = border
        cell.fill = head_fill
    for offset, (_day, rule) in enumerate(days):
        if not rule.is_workday:
            ws.cell(row=2, column=4 + offset).fill = rest_fill

    for index, row in enumerate(sheet.rows, start=1):
        marks = [a.mark + ("*" if r is not None and r.corrected else "") for a, r in row.cells]
        t = row.totals
        ws.append(
            [
                index,
                safe_cell(row.staff.name),
                safe_cell(row.staff.department.name if row.staff.department else ""),
                *marks,
                t.workdays,
                t.present_days,
                t.late_times,
                t.late_minutes,
                t.early_times,
                t.absent_days,
                t.leave_days,
                t.overtime_hours,
                t.missing_check_outs,
            ]
        )
        excel_row = ws.max_row
        for column in range(1, width + 1):
            cell = ws.cell(row=excel_row, column=column)
            cell.border = border
            cell.alignment = centered
        for offset, (_day, rule) in enumerate(days):
            if not rule.is_workday:
                ws.cell(row=excel_row, column=4 + offset).fill = rest_fill

    ws.append([])
    ws.append([LEGEND])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 16
    for offset in range(len(days)):
        ws.column_dimensions[get_column_letter(4 + offset)].width = 5
    for offset in range(len(TOTAL_HEADERS)):
        ws.column_dimensions[get_column_letter(4 + len(days) + offset)].width = 10
    ws.freeze_panes = "D3"
    ws.page_setup.orientation = "landscape"

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
