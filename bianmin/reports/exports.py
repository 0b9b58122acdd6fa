"""Dashboard tables and assessment sheets as xlsx workbooks (openpyxl): what the page shows, cell for cell."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils.translation import gettext as _

from bianmin.core.downloads import file_response
from bianmin.core.spreadsheets import safe_row
from bianmin.reports.assessment import AssessmentSheet
from bianmin.reports.selectors import Dashboard, Table

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel forbids these in sheet titles.
BAD_TITLE_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", ""))


def _sheet_title(text: str) -> str:
    return text.translate(BAD_TITLE_CHARS)[:31] or "Sheet"


def _write_table(ws: Worksheet, title: str, headers: list[str], rows: Iterable[list[object]]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(safe_row([title]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(safe_row(headers))
    for column in range(1, len(headers) + 1):
        cell = ws.cell(row=2, column=column)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8F0FA")
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(column)].width = 14 if column > 1 else 28
    for row in rows:
        ws.append(safe_row(row))
    ws.freeze_panes = "A3"


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def dashboard_xlsx(dashboard: Dashboard, tables: list[Table]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    assert first is not None  # noqa: S101 - a new workbook always has a sheet
    wb.remove(first)
    heading = f"{_unit_label(dashboard)} {dashboard.month:%Y-%m}"
    for table in tables:
        ws = wb.create_sheet(_sheet_title(table.title))
        _write_table(ws, f"{heading} {table.title}", table.headers, table.rows)
    return _save(wb)


def _unit_label(dashboard: Dashboard) -> str:
    return dashboard.unit.display_hall_name if dashboard.unit.hall_kind else dashboard.unit.name


def assessment_headers(sheet: AssessmentSheet) -> list[str]:
    return [
        _("名次"),
        _("姓名"),
        _("部门"),
        _("人员类别"),
        *[label for _value, label in sheet.modes],
        _("办件合计"),
        _("按时办结率"),
        _("评价数"),
        _("平均评价"),
        _("差评"),
        _("首问登记"),
        _("投诉属实"),
        _("责任追究"),
        _("出勤（天）"),
        _("迟到（次）"),
        _("旷工（天）"),
        _("请假（天）"),
        _("督查违规"),
        _("中心考核（%(w)s%%）") % {"w": sheet.center_weight},
        _("部门考核（%(w)s%%）") % {"w": sheet.department_weight},
        _("综合得分"),
        _("结果"),
        _("主任评语"),
    ]


def assessment_rows(sheet: AssessmentSheet) -> list[list[object]]:
    def num(value: object) -> object:
        return "" if value is None else float(value)  # type: ignore[arg-type]

    out: list[list[object]] = []
    for r in sheet.rows:
        result = _("未评定") if r.passed is None else (_("合格") if r.passed else _("不合格"))
        out.append(
            [
                r.rank or "",
                r.name,
                r.department,
                r.employment,
                *[r.cases_by_mode.get(value, 0) for value, _label in sheet.modes],
                r.cases,
                "" if r.on_time_rate is None else f"{r.on_time_rate}%",
                r.ratings,
                num(r.rating_avg),
                r.bad_reviews,
                r.inquiries,
                r.founded_complaints,
                r.accountability,
                r.present_days,
                r.late_times,
                r.absent_days,
                r.leave_days,
                r.violations,
                num(r.center_score),
                num(r.department_score),
                num(r.combined),
                result,
                r.remarks,
            ]
        )
    return out


def assessment_xlsx(sheet: AssessmentSheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101 - a new workbook always has a sheet
    ws.title = _sheet_title(_("%(period)s考核") % {"period": sheet.period.label})
    title = _("%(center)s %(period)s工作人员考核（合格线 %(mark)s 分）") % {
        "center": sheet.center.display_hall_name,
        "period": sheet.period.label,
        "mark": sheet.pass_mark,
    }
    headers = assessment_headers(sheet)
    _write_table(ws, title, headers, assessment_rows(sheet))
    for offset, row in enumerate(sheet.rows, start=3):
        if row.failed:
            for column in range(1, len(headers) + 1):
                ws.cell(row=offset, column=column).fill = PatternFill("solid", fgColor="FDE8E6")
    ws.column_dimensions[get_column_letter(len(headers))].width = 40
    return _save(wb)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return file_response(content, filename=filename, content_type=XLSX)
