"""The case search's results as a spreadsheet: personal data masked (a file leaves the system), every text cell
written through `safe_row` so that an applicant's "=…" is never run as a formula."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.cases.models import ApplicantKind, Case, Status
from bianmin.catalog.models import Mode
from bianmin.core.personal_data import UNREADABLE, Undecryptable, mask_id_number, mask_name, mask_phone
from bianmin.core.spreadsheets import safe_row

COLUMNS = (
    (gettext_lazy("办件编号"), 24),
    (gettext_lazy("事项"), 30),
    (gettext_lazy("申请人"), 16),
    (gettext_lazy("证件号码"), 22),
    (gettext_lazy("联系电话"), 16),
    (gettext_lazy("办理方式"), 10),
    (gettext_lazy("状态"), 14),
    (gettext_lazy("受理窗口"), 14),
    (gettext_lazy("经办人"), 10),
    (gettext_lazy("接收时间"), 18),
    (gettext_lazy("办理期限"), 18),
    (gettext_lazy("办结时间"), 18),
)


def _masked(value: str, mask: Callable[[str], str]) -> str:
    if isinstance(value, Undecryptable):
        return UNREADABLE
    return mask(value) if value else ""


def _moment(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _applicant(case: Case) -> tuple[str, str]:
    """The applicant's name and identifier as the file shows them: a person's masked, an organization's as is."""
    if case.applicant_kind == ApplicantKind.ORGANIZATION:
        return case.applicant_name, case.applicant_credit_code
    return mask_name(case.applicant_name), _masked(case.applicant_id_number, mask_id_number)


def case_search_xlsx(cases: Iterable[Case], *, subtitle: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    statuses, modes = dict(Status.choices), dict(Mode.choices)
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = _("办件查询结果")
    ws.append([_("办件查询结果")])
    ws.append([subtitle])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([str(name) for name, _width in COLUMNS])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A4"
    for case in cases:
        name, identifier = _applicant(case)
        ws.append(
            safe_row(
                [
                    case.number,
                    case.item_name,
                    name,
                    identifier,
                    _masked(case.applicant_phone, mask_phone),
                    str(modes.get(case.mode, case.mode)),
                    str(statuses.get(case.status, case.status)),
                    f"{case.window.number}号窗口" if case.window else "",
                    case.assignee.name if case.assignee else "",
                    _moment(case.received_at),
                    _moment(case.due_at),
                    _moment(case.completed_at),
                ]
            )
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
