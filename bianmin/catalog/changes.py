"""What changed between two published versions of an item, in words a reviewer reads: each changed field with its
old and new text side by side, materials added, removed and changed (and in what), steps likewise.

Pure functions over `ItemVersion.snapshot` dicts: no database, so a diff of any two versions costs nothing more than
reading them. Materials are matched by their id (kept across versions, see `services._sync_materials`), then by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.catalog.models import ItemType, LimitUnit, Material, Mode, ServiceItem
from bianmin.catalog.pdf import time_limit_text

Snapshot = Mapping[str, Any]


def _choice(choices: Any) -> Callable[[Any], str]:
    labels = dict(choices)
    return lambda value: str(labels.get(value, value or "—"))


def _yes_no(value: Any) -> str:
    return _("是") if value else _("否")


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _limit(key: str) -> Callable[[Snapshot], str]:
    return lambda s: time_limit_text(int(s.get(key) or 0), s.get("limit_unit") or "", s.get("mode") or "")


def _windows(s: Snapshot) -> str:
    return _text([f"{w.get('number')}号窗口 {w.get('name', '')}".strip() for w in s.get("windows") or []])


def _steps(s: Snapshot) -> str:
    steps = s.get("steps") or []
    return _text([f"{st.get('name')}（{st.get('duration_days', 0)}日）" for st in steps])


def _field(key: str, show: Callable[[Any], str] = _text) -> Callable[[Snapshot], str]:
    return lambda s: show(s.get(key))


BASIC = gettext_lazy("基本信息")
MODE = gettext_lazy("办理方式")
LIMITS = gettext_lazy("办理时限")
FEES = gettext_lazy("收费")
CONDITIONS = gettext_lazy("受理条件与依据")
SERVICE = gettext_lazy("办理地点与服务")

# (section, label, how a snapshot shows it), in the order of the service guide.
FIELDS: list[tuple[Any, Any, Callable[[Snapshot], str]]] = [
    (BASIC, gettext_lazy("事项名称"), _field("name")),
    (BASIC, gettext_lazy("实施编码"), _field("code")),
    (BASIC, gettext_lazy("基本编码"), _field("basic_code")),
    (BASIC, gettext_lazy("事项类型"), _field("item_type", _choice(ItemType.choices))),
    (BASIC, gettext_lazy("主管部门"), _field("department")),
    (
        gettext_lazy("基本信息"),
        gettext_lazy("实施层级"),
        _field("implementing_level", _choice(ServiceItem.Level.choices)),
    ),
    (BASIC, gettext_lazy("实施主体"), _field("implementing_body")),
    (MODE, gettext_lazy("办理方式"), _field("mode", _choice(Mode.choices))),
    (MODE, gettext_lazy("联办部门"), _field("joint_departments")),
    (MODE, gettext_lazy("上报单位"), _field("forward_to")),
    (LIMITS, gettext_lazy("法定时限"), _limit("statutory_limit")),
    (LIMITS, gettext_lazy("承诺时限"), _limit("promised_limit")),
    (LIMITS, gettext_lazy("时限单位"), _field("limit_unit", _choice(LimitUnit.choices))),
    (LIMITS, gettext_lazy("到现场次数"), _field("visits")),
    (FEES, gettext_lazy("是否收费"), lambda s: _("不收费") if s.get("is_free") else _("收费")),
    (FEES, gettext_lazy("收费标准"), _field("fee_standard")),
    (FEES, gettext_lazy("收费依据"), _field("fee_basis")),
    (CONDITIONS, gettext_lazy("受理条件"), _field("conditions")),
    (CONDITIONS, gettext_lazy("设定依据"), _field("legal_basis")),
    (CONDITIONS, gettext_lazy("事项说明"), _field("description")),
    (SERVICE, gettext_lazy("受理窗口"), _windows),
    (SERVICE, gettext_lazy("办理环节"), _steps),
    (SERVICE, gettext_lazy("主题"), _field("themes")),
    (SERVICE, gettext_lazy("咨询电话"), _field("consultation_phone")),
    (SERVICE, gettext_lazy("投诉渠道"), _field("complaint_channel")),
    (SERVICE, gettext_lazy("可预约"), _field("offers_appointment", _yes_no)),
    (SERVICE, gettext_lazy("可代办"), _field("offers_proxy", _yes_no)),
    (SERVICE, gettext_lazy("可上门服务"), _field("offers_home_visit", _yes_no)),
]


def _file(value: Any) -> str:
    return _("已上传") if value else _("无")


MATERIAL_FIELDS: list[tuple[str, Any, Callable[[Any], str]]] = [
    ("name", gettext_lazy("材料名称"), _text),
    ("kind", gettext_lazy("材料类别"), _choice(Material.Kind.choices)),
    ("form", gettext_lazy("材料形式"), _choice(Material.Form.choices)),
    ("copies", gettext_lazy("份数"), _text),
    ("source", gettext_lazy("来源渠道"), _choice(Material.Source.choices)),
    ("conditional", gettext_lazy("视情况提交"), _yes_no),
    ("original", gettext_lazy("原件处理"), _choice(Material.Original.choices)),
    ("notes", gettext_lazy("填报须知"), _text),
    ("blank_form", gettext_lazy("空白表格"), _file),
    ("sample", gettext_lazy("示范文本"), _file),
]


@dataclass(frozen=True)
class FieldChange:
    section: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class MaterialChange:
    name: str
    changes: list[FieldChange]


@dataclass
class VersionDiff:
    fields: list[FieldChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[MaterialChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.added or self.removed or self.changed)

    def summary(self) -> list[str]:
        """One line per change, for the version page and the event log."""
        lines = [_("%(label)s：%(before)s → %(after)s") % asdict_change(c) for c in self.fields]
        lines += [_("新增材料：%(name)s") % {"name": n} for n in self.added]
        lines += [_("删除材料：%(name)s") % {"name": n} for n in self.removed]
        lines += [
            _("修改材料：%(name)s（%(what)s）") % {"name": m.name, "what": "、".join(c.label for c in m.changes)}
            for m in self.changed
        ]
        return lines


def asdict_change(change: FieldChange) -> dict[str, str]:
    return {"label": change.label, "before": _short(change.before), "after": _short(change.after)}


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _material_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    section = str(_("申请材料"))
    out = []
    for key, label, show in MATERIAL_FIELDS:
        old, new = show(before.get(key)), show(after.get(key))
        if old != new:
            out.append(FieldChange(section, str(label), old, new))
    return out


def compare(before: Snapshot, after: Snapshot) -> VersionDiff:
    diff = VersionDiff()
    for section, label, show in FIELDS:
        old, new = show(before), show(after)
        if old != new:
            diff.fields.append(FieldChange(str(section), str(label), old, new))
    old_materials = list(before.get("materials") or [])
    by_id = {m.get("id"): m for m in old_materials if m.get("id") is not None}
    by_name = {m.get("name"): m for m in old_materials}
    matched: set[int] = set()
    for material in after.get("materials") or []:
        was = by_id.get(material.get("id")) if material.get("id") is not None else None
        if was is None or id(was) in matched:
            was = by_name.get(material.get("name"))
        if was is None or id(was) in matched:
            diff.added.append(str(material.get("name")))
            continue
        matched.add(id(was))
        changes = _material_diff(was, material)
        if changes:
            diff.changed.append(MaterialChange(str(material.get("name")), changes))
    diff.removed = [str(m.get("name")) for m in old_materials if id(m) not in matched]
    return diff
