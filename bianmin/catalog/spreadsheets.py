"""The catalog as an Excel workbook (.xlsx), the way staff keep it: export, and import of the same format.

Three sheets: 事项 (one row per item), 申请材料 and 办理环节 (one row each, tied to their item by 实施编码), plus a
说明 sheet for people. Import reads every cell first and reports every problem in Chinese with its sheet, row and
column; only a workbook without a single problem is written, in one transaction (all or nothing). Items are
matched by 实施编码: existing ones are updated, new ones created, none deleted.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bianmin.catalog.models import ItemType, LimitUnit, Material, Mode, ServiceItem, Theme
from bianmin.core.spreadsheets import safe_cell
from bianmin.org.access import in_scope
from bianmin.org.models import Department, OrgUnit, Window

ITEMS = "事项"
MATERIALS = "申请材料"
STEPS = "办理环节"
README = "说明"
SEP = "、"
YES, NO = "是", "否"
# Caps that keep one upload from holding a web worker for minutes (a 166 KB file with 20,000 rows of errors once took
# 150 s and produced a 21 MB page): the rows per sheet, the file as uploaded and unpacked, the errors listed.
MAX_ROWS = 10000
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ERRORS = 100
# A workbook larger than this is imported by the background worker, with its progress on a page of its own.
BACKGROUND_BYTES = 200 * 1024
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # text, int, bool, choice, list
    required: bool = False
    choices: Any = None
    width: int = 14


ITEM_COLUMNS = [
    Column("实施编码", "code", required=True, width=36),
    Column("事项名称", "name", required=True, width=30),
    Column("基本编码", "basic_code", width=16),
    Column("事项类型", "item_type", "choice", required=True, choices=ItemType.choices),
    Column("目录所属单位代码", "owner", required=True, width=16),
    Column("主管部门编码", "department", required=True, width=16),
    Column("主管部门", "department_name", width=16),
    Column("实施层级", "implementing_level", "choice", required=True, choices=ServiceItem.Level.choices),
    Column("实施主体", "implementing_body", width=24),
    Column("办理方式", "default_mode", "choice", required=True, choices=Mode.choices),
    Column("联办部门编码", "joint_departments", "list", width=24),
    Column("上报单位代码", "forward_to"),
    Column("法定时限", "statutory_limit", "int", width=10),
    Column("承诺时限", "promised_limit", "int", width=10),
    Column("时限单位", "limit_unit", "choice", choices=LimitUnit.choices, width=10),
    Column("到现场次数", "visits", "int", width=10),
    Column("是否收费", "charged", "bool", width=10),
    Column("收费标准", "fee_standard", width=24),
    Column("收费依据", "fee_basis", width=24),
    Column("受理窗口", "windows", "list", width=24),
    Column("主题", "themes", "list", width=20),
    Column("设定依据", "legal_basis", width=30),
    Column("受理条件", "conditions", width=30),
    Column("事项说明", "description", width=30),
    Column("咨询电话", "consultation_phone"),
    Column("投诉渠道", "complaint_channel", width=24),
    Column("可预约", "offers_appointment", "bool", width=8),
    Column("可代办", "offers_proxy", "bool", width=8),
    Column("可上门服务", "offers_home_visit", "bool", width=10),
    Column("状态", "status", "choice", choices=ServiceItem.Status.choices, width=10),
]
MATERIAL_COLUMNS = [
    Column("实施编码", "code", required=True, width=36),
    Column("材料名称", "name", required=True, width=30),
    Column("材料类别", "kind", "choice", required=True, choices=Material.Kind.choices, width=10),
    Column("材料形式", "form", "choice", choices=Material.Form.choices, width=12),
    Column("份数", "copies", "int", width=6),
    Column("来源渠道", "source", "choice", choices=Material.Source.choices, width=14),
    Column("视情况提交", "conditional", "bool", width=10),
    Column("原件处理", "original", "choice", choices=Material.Original.choices, width=12),
    Column("填报须知", "notes", width=36),
]
STEP_COLUMNS = [
    Column("实施编码", "code", required=True, width=36),
    Column("环节名称", "name", required=True, width=16),
    Column("办理内容", "description", width=40),
    Column("办理时长（日）", "duration_days", "int", width=12),
    Column("计入办理时限", "counts_toward_limit", "bool", width=12),
]
# Which column a service's field error belongs to.
COLUMN_OF_FIELD = {c.key: c.header for c in ITEM_COLUMNS} | {"is_free": "是否收费"}


class ImportErrors(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


# ---- export -----------------------------------------------------------------------------------------------


def _department_code(department: Department) -> str:
    return f"{department.org_unit.code}/{department.code}"


def _window_code(window: Window) -> str:
    return f"{window.center.code}/{window.number}"


def export_workbook(items: QuerySet[ServiceItem]) -> bytes:
    """The working copy of every item in `items` (what import reads back)."""
    from openpyxl import Workbook

    items = (
        items.select_related("owner", "department__org_unit", "forward_to")
        .prefetch_related("joint_departments__org_unit", "windows__center", "themes", "materials", "steps")
        .order_by("owner__path", "department__code", "code")
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one
    sheet.title = ITEMS
    materials = book.create_sheet(MATERIALS)
    steps = book.create_sheet(STEPS)
    for ws, columns in ((sheet, ITEM_COLUMNS), (materials, MATERIAL_COLUMNS), (steps, STEP_COLUMNS)):
        _header_row(ws, columns)
    for item in items:
        values = {
            "code": item.code,
            "name": item.name,
            "basic_code": item.basic_code,
            "item_type": item.get_item_type_display(),
            "owner": item.owner.code,
            "department": _department_code(item.department),
            "department_name": item.department.name,
            "implementing_level": item.get_implementing_level_display(),
            "implementing_body": item.implementing_body,
            "default_mode": item.get_default_mode_display(),
            "joint_departments": SEP.join(sorted(_department_code(d) for d in item.joint_departments.all())),
            "forward_to": item.forward_to.code if item.forward_to else "",
            "statutory_limit": item.statutory_limit,
            "promised_limit": item.promised_limit,
            "limit_unit": item.get_limit_unit_display(),
            "visits": item.visits,
            "charged": NO if item.is_free else YES,
            "fee_standard": item.fee_standard,
            "fee_basis": item.fee_basis,
            "windows": SEP.join(
                _window_code(w) for w in sorted(item.windows.all(), key=lambda w: (w.center.code, w.number))
            ),
            "themes": SEP.join(t.name for t in item.themes.all()),
            "legal_basis": item.legal_basis,
            "conditions": item.conditions,
            "description": item.description,
            "consultation_phone": item.consultation_phone,
            "complaint_channel": item.complaint_channel,
            "offers_appointment": YES if item.offers_appointment else NO,
            "offers_proxy": YES if item.offers_proxy else NO,
            "offers_home_visit": YES if item.offers_home_visit else NO,
            "status": item.get_status_display(),
        }
        sheet.append([safe_cell(values[c.key]) for c in ITEM_COLUMNS])
        for m in item.materials.all():
            materials.append(
                [
                    item.code,
                    m.name,
                    m.get_kind_display(),
                    m.get_form_display(),
                    m.copies,
                    m.get_source_display(),
                    YES if m.conditional else NO,
                    m.get_original_display(),
                    safe_cell(m.notes),
                ]
            )
        for s in item.steps.all():
            steps.append(
                [item.code, s.name, safe_cell(s.description), s.duration_days, YES if s.counts_toward_limit else NO]
            )
    _readme(book.create_sheet(README))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header_row(ws: Any, columns: list[Column]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append([c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E8C")
        cell.alignment = Alignment(vertical="center")
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"


def _readme(ws: Any) -> None:
    lines = [
        "事项目录导入说明",
        "1. 工作表“事项”每行一个事项，以“实施编码”识别：编码已存在的更新，不存在的新增；不会删除事项。",
        "2. 工作表“申请材料”“办理环节”按“实施编码”对应事项，按行的先后排序；导入时替换该事项原有的材料和环节。",
        "3. 部门编码写作“单位代码/部门代码”，如 410108001/MZ；受理窗口写作“中心代码/窗口号”，如 410108001/2；"
        "多个值用顿号“、”分隔。",
        "4. 事项类型、实施层级、办理方式、时限单位、材料类别、材料形式、来源渠道、状态填写下列选项之一；"
        "是否收费、可预约等填写“是”或“否”。",
        "5. 状态为“已发布”的事项导入后发布新版本（内容未变的不重复发布）；“已停用”的停用。",
        "6. 任何一处有误，整个文件都不导入，并列出全部错误所在的工作表、行和列。",
        "",
    ]
    for column in ITEM_COLUMNS + MATERIAL_COLUMNS:
        if column.choices:
            lines.append(f"{column.header}：{SEP.join(str(label) for _v, label in column.choices)}")
    for line in lines:
        ws.append([line])
    ws.column_dimensions["A"].width = 120


# ---- import -----------------------------------------------------------------------------------------------


@dataclass
class ParsedItem:
    row: int
    code: str
    owner: OrgUnit
    data: dict[str, Any]
    status: str
    existing_id: int | None = None
    materials: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ParsedCatalog:
    items: list[ParsedItem]


class _Reader:
    def __init__(self, user: Any, progress: Callable[[int], None] | None = None) -> None:
        self.user = user
        self.progress = progress
        self.rows_read = 0
        self.errors: list[str] = []
        self.units = {u.code: u for u in OrgUnit.objects.all()}
        self.departments = {_department_code(d): d for d in Department.objects.select_related("org_unit")}
        self.windows = {_window_code(w): w for w in Window.objects.select_related("center")}
        self.themes: dict[str, Theme] = {}
        for theme in Theme.objects.all():
            self.themes[theme.name] = theme
            self.themes[theme.code] = theme

    def error(self, sheet: str, row: int, column: Column | None, message: str) -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.errors.append(_("错误已超过 %(n)d 条，其余行未再检查；请改正以上错误后重新导入。") % {"n": MAX_ERRORS})
            raise ImportErrors(self.errors)
        if column is None:
            self.errors.append(
                _("工作表“%(sheet)s”第%(row)d行：%(message)s") % {"sheet": sheet, "row": row, "message": message}
            )
            return
        self.errors.append(
            _("工作表“%(sheet)s”第%(row)d行“%(column)s”列：%(message)s")
            % {"sheet": sheet, "row": row, "column": column.header, "message": message}
        )

    def value(self, sheet: str, row: int, column: Column, raw: Any) -> Any:
        """The cell converted to what the column holds, or None after recording an error."""
        text = "" if raw is None else str(raw).strip()
        if text.startswith("'"):
            text = text[1:]
        if not text:
            if column.required:
                self.error(sheet, row, column, _("不能为空。"))
            return {"int": None, "bool": None, "list": []}.get(column.kind, "")
        if column.kind == "int":
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            try:
                number = int(text) if not isinstance(raw, int) or isinstance(raw, bool) else raw
            except ValueError:
                self.error(sheet, row, column, _("须为整数，现为“%(v)s”。") % {"v": text})
                return None
            if number < 0:
                self.error(sheet, row, column, _("不能为负数，现为“%(v)s”。") % {"v": text})
                return None
            if number > 32767:
                self.error(sheet, row, column, _("数值过大，现为“%(v)s”。") % {"v": text})
                return None
            return number
        if column.kind == "bool":
            if text in (YES, "Y", "y", "1", "TRUE", "True", "true"):
                return True
            if text in (NO, "N", "n", "0", "FALSE", "False", "false"):
                return False
            self.error(sheet, row, column, _("须填写“是”或“否”，现为“%(v)s”。") % {"v": text})
            return None
        if column.kind == "choice":
            for value, label in column.choices:
                if text in (str(label), value):
                    return value
            options = SEP.join(str(label) for _v, label in column.choices)
            self.error(sheet, row, column, _("“%(v)s”不是可选值（可选：%(o)s）。") % {"v": text, "o": options})
            return None
        if column.kind == "list":
            return [part.strip() for part in text.replace("，", SEP).replace(",", SEP).split(SEP) if part.strip()]
        return text


def _open(file: IO[bytes]) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    if size > MAX_UPLOAD_BYTES:
        raise ImportErrors([_("文件超过 %(mb)d MB，请分批导入。") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}])
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        unpacked = 0  # load_workbook below gives the message for a file that is not a workbook
    file.seek(0)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportErrors([_("文件内容过大，请分批导入。")])
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportErrors([_("文件不是有效的 Excel 工作簿（.xlsx），请用本系统导出的模板填写后再导入。")]) from exc


def _rows(reader: _Reader, book: Any, sheet: str, columns: list[Column]) -> Iterable[tuple[int, dict[str, Any]]]:
    if sheet not in book.sheetnames:
        reader.errors.append(_("缺少工作表“%(sheet)s”。") % {"sheet": sheet})
        return
    rows = book[sheet].iter_rows(values_only=True)
    header = next(rows, None)
    headers = [str(h).strip() if h is not None else "" for h in (header or ())]
    positions: dict[str, int] = {}
    for column in columns:
        if column.header in headers:
            positions[column.key] = headers.index(column.header)
        elif column.required or sheet == ITEMS:
            reader.errors.append(_("工作表“%(sheet)s”缺少“%(column)s”列。") % {"sheet": sheet, "column": column.header})
    if any(c.key not in positions for c in columns if c.required):
        return
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            reader.errors.append(_("工作表“%(sheet)s”超过 %(n)d 行，请分批导入。") % {"sheet": sheet, "n": MAX_ROWS})
            return
        reader.rows_read += 1
        if reader.progress is not None and reader.rows_read % PROGRESS_EVERY == 0:
            reader.progress(reader.rows_read)
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        cells = {}
        for column in columns:
            position = positions.get(column.key)
            raw = values[position] if position is not None and position < len(values) else None
            cells[column.key] = reader.value(sheet, number, column, raw)
        yield number, cells


def read_workbook(file: IO[bytes], *, user: Any, progress: Callable[[int], None] | None = None) -> ParsedCatalog:
    """Every row checked; raises ImportErrors listing the problems (the first MAX_ERRORS), or returns what to write.
    `progress` is told the number of rows read every PROGRESS_EVERY rows (the background import shows it)."""
    reader = _Reader(user, progress)
    book = _open(file)
    try:
        items = _read_items(reader, book)
        _read_children(reader, book, items)
    finally:
        book.close()
    if not items and not reader.errors:
        reader.errors.append(_("工作表“%(sheet)s”中没有事项。") % {"sheet": ITEMS})
    if reader.errors:
        raise ImportErrors(reader.errors)
    return ParsedCatalog(items=list(items.values()))


def _column(columns: list[Column], key: str) -> Column:
    return next(c for c in columns if c.key == key)


def _read_items(reader: _Reader, book: Any) -> dict[str, ParsedItem]:
    items: dict[str, ParsedItem] = {}
    col = {c.key: c for c in ITEM_COLUMNS}
    rows = list(_rows(reader, book, ITEMS, ITEM_COLUMNS))
    codes = [cells["code"] for _row, cells in rows if cells["code"]]
    known: dict[str, ServiceItem] = {}
    for start in range(0, len(codes), 500):
        batch = ServiceItem.objects.filter(code__in=codes[start : start + 500]).select_related("owner")
        known.update((i.code, i) for i in batch)
    for row, cells in rows:
        code = cells["code"]
        if code in items:
            reader.error(ITEMS, row, col["code"], _("与第%(n)d行重复。") % {"n": items[code].row})
            continue
        owner = reader.units.get(cells["owner"])
        if cells["owner"] and owner is None:
            reader.error(ITEMS, row, col["owner"], _("找不到代码为“%(v)s”的单位。") % {"v": cells["owner"]})
        elif owner is not None and not in_scope(reader.user, owner):
            reader.error(ITEMS, row, col["owner"], _("单位“%(v)s”不在您的管理范围内。") % {"v": owner.name})
            owner = None
        existing = known.get(code)
        if existing is not None and not in_scope(reader.user, existing.owner):
            reader.error(
                ITEMS, row, col["code"], _("该编码的事项属于“%(v)s”，不在您的管理范围内。") % {"v": existing.owner.name}
            )
        elif existing is not None and owner is not None and existing.owner_id != owner.pk:
            reader.error(
                ITEMS,
                row,
                col["owner"],
                _("该事项已属于“%(v)s”，导入不能改变事项的所属单位。") % {"v": existing.owner.name},
            )
            owner = None
        department = reader.departments.get(cells["department"])
        if cells["department"] and department is None:
            reader.error(
                ITEMS,
                row,
                col["department"],
                _("找不到部门“%(v)s”（格式：单位代码/部门代码）。") % {"v": cells["department"]},
            )
        joint = []
        for code_ in cells["joint_departments"]:
            if code_ in reader.departments:
                joint.append(reader.departments[code_])
            else:
                reader.error(ITEMS, row, col["joint_departments"], _("找不到部门“%(v)s”。") % {"v": code_})
        forward_to = None
        if cells["forward_to"]:
            forward_to = reader.units.get(cells["forward_to"])
            if forward_to is None:
                reader.error(
                    ITEMS, row, col["forward_to"], _("找不到代码为“%(v)s”的单位。") % {"v": cells["forward_to"]}
                )
        windows = []
        for code_ in cells["windows"]:
            if code_ in reader.windows:
                windows.append(reader.windows[code_])
            else:
                reader.error(
                    ITEMS, row, col["windows"], _("找不到窗口“%(v)s”（格式：中心代码/窗口号）。") % {"v": code_}
                )
        themes = []
        for name in cells["themes"]:
            if name in reader.themes:
                themes.append(reader.themes[name])
            else:
                reader.error(ITEMS, row, col["themes"], _("找不到主题“%(v)s”。") % {"v": name})
        statutory, promised = cells["statutory_limit"], cells["promised_limit"]
        if statutory and promised and promised > statutory:
            reader.error(ITEMS, row, col["promised_limit"], _("承诺时限不能超过法定时限。"))
        charged = cells["charged"]
        if charged and not cells["fee_standard"]:
            reader.error(ITEMS, row, col["fee_standard"], _("收费事项须填写收费标准。"))
        if cells["default_mode"] == Mode.FORWARDED and forward_to is None and not cells["forward_to"]:
            reader.error(ITEMS, row, col["forward_to"], _("上报件须填写上报单位代码。"))
        if owner is None or department is None or None in (cells["item_type"], cells["default_mode"]):
            continue
        data = {
            "name": cells["name"],
            "code": code,
            "basic_code": cells["basic_code"],
            "item_type": cells["item_type"],
            "department": department,
            "implementing_level": cells["implementing_level"] or ServiceItem.Level.SUBDISTRICT,
            "implementing_body": cells["implementing_body"],
            "legal_basis": cells["legal_basis"],
            "description": cells["description"],
            "conditions": cells["conditions"],
            "default_mode": cells["default_mode"],
            "forward_to": forward_to,
            "statutory_limit": statutory or 0,
            "promised_limit": promised or 0,
            "limit_unit": cells["limit_unit"] or LimitUnit.WORKING,
            "visits": 1 if cells["visits"] is None else cells["visits"],
            "is_free": not charged,
            "fee_standard": cells["fee_standard"],
            "fee_basis": cells["fee_basis"],
            "consultation_phone": cells["consultation_phone"],
            "complaint_channel": cells["complaint_channel"],
            "offers_appointment": True if cells["offers_appointment"] is None else cells["offers_appointment"],
            "offers_proxy": bool(cells["offers_proxy"]),
            "offers_home_visit": bool(cells["offers_home_visit"]),
            "joint_departments": joint,
            "windows": windows,
            "themes": themes,
        }
        items[code] = ParsedItem(
            row=row,
            code=code,
            owner=owner,
            data=data,
            status=cells["status"] or ServiceItem.Status.DRAFT,
            existing_id=existing.pk if existing else None,
        )
    return items


def _read_children(reader: _Reader, book: Any, items: dict[str, ParsedItem]) -> None:
    known = set(items)
    code_col = _column(MATERIAL_COLUMNS, "code")
    for row, cells in _rows(reader, book, MATERIALS, MATERIAL_COLUMNS):
        item = items.get(cells["code"])
        if item is None:
            if cells["code"] and cells["code"] not in known:
                reader.error(
                    MATERIALS, row, code_col, _("工作表“事项”中没有实施编码为“%(v)s”的事项。") % {"v": cells["code"]}
                )
            continue
        if cells["kind"] is None:
            continue
        item.materials.append(
            {
                "name": cells["name"],
                "kind": cells["kind"],
                "form": cells["form"] or Material.Form.ORIGINAL,
                "copies": 1 if cells["copies"] is None else cells["copies"],
                "source": cells["source"] or Material.Source.APPLICANT,
                "conditional": bool(cells["conditional"]),
                "original": cells["original"] or Material.Original.KEPT,
                "notes": cells["notes"],
            }
        )
    code_col = _column(STEP_COLUMNS, "code")
    for row, cells in _rows(reader, book, STEPS, STEP_COLUMNS):
        item = items.get(cells["code"])
        if item is None:
            if cells["code"]:
                reader.error(
                    STEPS, row, code_col, _("工作表“事项”中没有实施编码为“%(v)s”的事项。") % {"v": cells["code"]}
                )
            continue
        item.steps.append(
            {
                "name": cells["name"],
                "description": cells["description"],
                "duration_days": cells["duration_days"] or 0,
                "counts_toward_limit": True if cells["counts_toward_limit"] is None else cells["counts_toward_limit"],
            }
        )
