from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bianmin.cases.checklists import Decision, Issue
from bianmin.cases.models import ApplicantKind, CaseMaterial, Custody, Outcome
from bianmin.cases.services import DELIVERY_METHODS, TaskDueRange
from bianmin.core.forms import DateInput, PhoneTailField, share_fields
from bianmin.org.models import Department, OrgUnit, Staff, Window

DATE = DateInput()


def material_key(material: CaseMaterial) -> str:
    """A case material in a form: its catalog id, or `x<row id>` for an item the online pre-review added."""
    return str(material.material_id) if material.material_id is not None else f"x{material.pk}"


def split_by_key(chosen: dict[str, Any]) -> tuple[dict[int, str], dict[int, str]]:
    """Chosen forms by `material_key` → (by catalog id, by row id of the pre-review's additions)."""
    catalog: dict[int, str] = {}
    extras: dict[int, str] = {}
    for key, form in chosen.items():
        if form:
            if key.startswith("x"):
                extras[int(key[1:])] = form
            else:
                catalog[int(key)] = form
    return catalog, extras


class _LazyChoices(ModelChoiceIterator):
    """The choices of a `_LazyChoiceField`: its queryset read when they are listed, not when they are made."""

    def __init__(self, field: Any) -> None:
        self.field = field

    @property
    def queryset(self) -> Any:  # type: ignore[override]  # read from the field each time, never stored
        return self.field.queryset


class _LazyChoiceField(forms.ModelChoiceField[Any]):
    """A picker whose queryset is made when first used (`factory`): a posted form that leaves it blank, as most
    intakes do, never builds one (each costs Django more than the intake's own reads by key)."""

    iterator = _LazyChoices
    factory: Callable[[], QuerySet[Any]] | None = None

    def _get_queryset(self) -> QuerySet[Any] | None:
        if self.factory is not None:
            queryset, self.factory = self.factory(), None
            self._set_queryset(queryset)
        return self._queryset  # type: ignore[attr-defined]  # Django's own attribute, not in its stubs

    def _set_queryset(self, queryset: Any) -> None:
        self.factory = None
        super()._set_queryset(queryset)  # type: ignore[misc]  # Django's property setter, not in its stubs

    queryset = property(_get_queryset, _set_queryset)

    def __deepcopy__(self, memo: dict[int, Any]) -> _LazyChoiceField:
        # Django's ModelChoiceField copies its queryset twice over (two clones); a lazy picker's is made per form
        # (`factory`), so the copy keeps the declared one and lists its own choices.
        result: _LazyChoiceField = forms.Field.__deepcopy__(self, memo)  # type: ignore[attr-defined]  # in Django, not its stubs
        result.widget.choices = result.choices  # a choice widget's
        return result


class _WindowField(_LazyChoiceField):
    """The user's windows, already read: a posted choice is looked up among them, not in the database."""

    rows: dict[str, Window] | None = None

    def to_python(self, value: Any) -> Any:
        if self.rows is None or value in self.empty_values:
            return super().to_python(value)
        try:
            return self.rows[str(value)]
        except KeyError as exc:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from exc


@functools.lru_cache(maxsize=512)
def _checklist_fields(
    materials: tuple[tuple[int, str, str | None, bool], ...], language: str | None
) -> dict[str, forms.Field]:
    """The checklist's fields of an item version's materials — (id, name, usual form, conditional) each — in the
    active language (the key's `language`): made once and shared by every intake form of that checklist, as its
    declared fields are (`share_fields`); no form changes them."""
    fields: dict[str, forms.Field] = {}
    for pk, name, usual, conditional in materials:
        fields[f"p_{pk}"] = forms.BooleanField(label=name, required=False)
        fields[f"f_{pk}"] = forms.ChoiceField(
            label=_("形式"),
            choices=list(CaseMaterial.Form.choices),
            initial=usual if usual in CaseMaterial.Form.values else CaseMaterial.Form.ORIGINAL,
            required=False,
            # the checklist's table cells have no <label>: the name says which material the field is about
            widget=forms.Select(attrs={"aria-label": _("%(name)s的提交形式") % {"name": name}}),
        )
        fields[f"c_{pk}"] = forms.CharField(
            label=_("需更正或说明"),
            max_length=300,
            required=False,
            widget=forms.TextInput(attrs={"aria-label": _("%(name)s需更正或说明") % {"name": name}}),
        )
        if conditional:
            fields[f"na_{pk}"] = forms.BooleanField(label=_("不适用"), required=False)
    return fields


class IntakeForm(forms.Form):
    """The intake screen: applicant, the item's checklist (presented? in which form?), and the decision."""

    window = _WindowField(label=_("受理窗口"), queryset=Window.objects.none(), required=False)
    applicant_kind = forms.ChoiceField(
        label=_("申请人类型"), choices=ApplicantKind.choices, initial=ApplicantKind.PERSON, widget=forms.RadioSelect
    )
    applicant_name = forms.CharField(label=_("申请人姓名或单位名称"), max_length=100)
    id_number = forms.CharField(
        label=_("公民身份号码或统一社会信用代码"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(label=_("联系电话"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    contact_name = forms.CharField(label=_("联系人（法人申请时填写）"), max_length=50, required=False)
    location = forms.CharField(
        label=_("材料存放位置"), max_length=100, required=False, help_text=_("留空时为本窗口资料柜。")
    )
    other_items = forms.CharField(
        label=_("其他需要更正或说明的问题"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一项；将列入补报材料通知单。"),
    )
    decision = forms.ChoiceField(
        label=_("处理决定"), choices=list(Decision.LABELS.items()), required=False, widget=forms.RadioSelect
    )
    supplement_due = forms.DateField(label=_("补报期限"), required=False, widget=DATE)
    refusal_reason = forms.CharField(label=_("不予受理原因"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    handover_to = _LazyChoiceField(label=_("移交经办人"), queryset=Staff.objects.none(), required=False)
    handover_note = forms.CharField(label=_("移交说明"), max_length=200, required=False)
    is_proxy = forms.BooleanField(label=_("代办服务"), required=False)
    proxy_agent = _LazyChoiceField(label=_("代办人"), queryset=Staff.objects.none(), required=False)
    proxy_document = forms.CharField(label=_("委托书编号或存放位置"), max_length=100, required=False)
    proxy_scope = forms.CharField(label=_("委托事项范围"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        materials: Sequence[dict[str, Any]],
        windows: Sequence[Window],
        staff: Callable[[], QuerySet[Staff]],
        **kwargs: Any,
    ) -> None:
        """`staff`: makes the pickers' queryset (the center's staff), called only if a picker is used or shown."""
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        window_field = self.fields["window"]
        assert isinstance(window_field, _WindowField)  # noqa: S101
        ids = [w.pk for w in windows]
        window_field.factory = lambda: Window.objects.filter(pk__in=ids).order_by("number")
        window_field.rows = {str(w.pk): w for w in windows}
        if windows:
            window_field.initial = windows[0].pk
        for name in ("handover_to", "proxy_agent"):
            field = self.fields[name]
            assert isinstance(field, _LazyChoiceField)  # noqa: S101
            field.factory = staff
        self.fields.update(
            _checklist_fields(
                tuple((m["id"], m["name"], m.get("form"), bool(m.get("conditional"))) for m in self.materials),
                get_language(),
            )
        )

    def checklist_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "material": m,
                "presented": self[f"p_{m['id']}"],
                "form": self[f"f_{m['id']}"],
                "correction": self[f"c_{m['id']}"],
                "not_applicable": self[f"na_{m['id']}"] if m.get("conditional") else None,
            }
            for m in self.materials
        ]

    def not_applicable(self) -> list[int]:
        return [m["id"] for m in self.materials if self.cleaned_data.get(f"na_{m['id']}")]

    def presented(self) -> dict[int, str]:
        data = self.cleaned_data
        return {
            m["id"]: data.get(f"f_{m['id']}") or CaseMaterial.Form.ORIGINAL
            for m in self.materials
            if data.get(f"p_{m['id']}")
        }

    def corrections(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        items: list[dict[str, Any]] = []
        for m in self.materials:
            text = (data.get(f"c_{m['id']}") or "").strip()
            if text:
                items.append({"material_id": m["id"], "name": m["name"], "issue": Issue.CORRECT, "detail": text})
        for line in (data.get("other_items") or "").splitlines():
            if line.strip():
                items.append({"material_id": None, "name": line.strip(), "issue": Issue.EXPLAIN, "detail": ""})
        return items

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_proxy"):
            if not data.get("proxy_agent"):
                self.add_error("proxy_agent", _("代办服务须选择代办人。"))
            if not (data.get("proxy_document") or "").strip():
                self.add_error("proxy_document", _("代办服务须登记委托书。"))
            if not (data.get("proxy_scope") or "").strip():
                self.add_error("proxy_scope", _("代办服务须写明委托事项范围。"))
        return data


# Each intake form sets its own window choices and pickers; the rest of its fields are shared (`share_fields`).
share_fields(IntakeForm, copied=("window", "handover_to", "proxy_agent"))


class ReferralForm(forms.Form):
    applicant_name = forms.CharField(label=_("群众姓名（可不填）"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class DecisionForm(forms.Form):
    """Accept or refuse a case received earlier (after a handover)."""

    decision = forms.ChoiceField(
        label=_("处理决定"),
        choices=[
            (Decision.ACCEPT, _("受理（如有缺少的一般材料，同时出具补报材料通知单）")),
            (Decision.REFUSE, _("不予受理")),
        ],
        widget=forms.RadioSelect,
    )
    supplement_due = forms.DateField(label=_("补报期限"), required=False, widget=DATE)
    other_items = forms.CharField(
        label=_("其他需要更正或说明的问题"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    refusal_reason = forms.CharField(label=_("不予受理原因"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def corrections(self) -> list[dict[str, Any]]:
        return [
            {"material_id": None, "name": line.strip(), "issue": Issue.EXPLAIN, "detail": ""}
            for line in (self.cleaned_data.get("other_items") or "").splitlines()
            if line.strip()
        ]


class SupplementRequestForm(forms.Form):
    materials = forms.MultipleChoiceField(
        label=_("需补交或更正的材料"), required=False, widget=forms.CheckboxSelectMultiple
    )
    detail = forms.CharField(label=_("具体要求"), max_length=300, required=False)
    other_items = forms.CharField(
        label=_("其他需要补充或说明的事项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一项。超出首次补报材料通知单所列范围的，须经中心主任签批，并记为一次性告知未落实。"),
    )
    due_date = forms.DateField(label=_("补报期限"), required=False, widget=DATE)
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, materials: Sequence[CaseMaterial], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_materials = {material_key(m): m for m in materials if not m.not_applicable}
        field = self.fields["materials"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101
        field.choices = [
            (key, f"{m.name}（{'已提交' if m.presented else '未提交'}）") for key, m in self.case_materials.items()
        ]

    def items(self) -> list[dict[str, Any]]:
        detail = (self.cleaned_data.get("detail") or "").strip()
        items: list[dict[str, Any]] = []
        for key in self.cleaned_data.get("materials") or []:
            m = self.case_materials[key]
            items.append(
                {
                    "material_id": m.material_id,
                    "name": m.name,
                    "issue": Issue.CORRECT if m.presented else Issue.MISSING,
                    "detail": detail,
                }
            )
        for line in (self.cleaned_data.get("other_items") or "").splitlines():
            if line.strip():
                items.append({"material_id": None, "name": line.strip(), "issue": Issue.EXPLAIN, "detail": ""})
        return items


class SupplementReceiveForm(forms.Form):
    location = forms.CharField(label=_("存放位置"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, materials: Sequence[CaseMaterial], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending = [m for m in materials if not m.presented and not m.not_applicable]
        for m in self.pending:
            self.fields[f"r_{material_key(m)}"] = forms.ChoiceField(
                label=m.name, choices=[("", _("未提交")), *CaseMaterial.Form.choices], required=False
            )

    def presented(self) -> dict[int, str]:
        return split_by_key({material_key(m): self.cleaned_data.get(f"r_{material_key(m)}") for m in self.pending})[0]

    def extras(self) -> dict[int, str]:
        return split_by_key({material_key(m): self.cleaned_data.get(f"r_{material_key(m)}") for m in self.pending})[1]


class CompleteForm(forms.Form):
    # The applicant sees the decision and the result (or the reason for not granting) on the progress page.
    outcome = forms.ChoiceField(label=_("办理结论"), choices=Outcome.choices, widget=forms.RadioSelect)
    result = forms.CharField(
        label=_("办理结果"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予的，写明理由和依据；申请人可在办件进度查询中看到。"),
    )
    dispose_by_form = forms.BooleanField(
        label=_("同时处置在中心保管的材料：原件退还申请人，复印件归档"), required=False, initial=True
    )


class DeliverForm(forms.Form):
    method = forms.ChoiceField(label=_("送达方式"), choices=list(DELIVERY_METHODS.items()))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _staff_choices(field: forms.Field, staff: Any, rows: list[Staff] | None) -> None:
    """Validate against the `staff` queryset; render from `rows` when the caller already fetched them (the case page
    shows two staff pickers: one query for both, instead of one server-side cursor each)."""
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
    field.queryset = staff
    if rows is not None:
        field.widget = _PlainSelect(attrs=field.widget.attrs)
        field.widget.choices = [("", field.empty_label), *((s.pk, field.label_from_instance(s)) for s in rows)]


class _PlainSelect(forms.Select):
    """A single select written out directly: Django's widget templates render one template per option, ~1.5 ms for
    a center's 50 staff (the case page shows two such pickers)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, " selected" if str(v) in chosen else "", label) for v, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class HandoverForm(forms.Form):
    to_staff = forms.ModelChoiceField(label=_("移交给"), queryset=Staff.objects.none())
    note = forms.CharField(label=_("移交说明"), max_length=200, required=False)

    def __init__(self, *args: Any, staff: Any, rows: list[Staff] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _staff_choices(self.fields["to_staff"], staff, rows)


class ProxyForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("代办人"), queryset=Staff.objects.none())
    authorized_on = forms.DateField(label=_("委托日期"), widget=DATE)
    scope = forms.CharField(label=_("委托事项范围"), max_length=200)
    document = forms.CharField(label=_("委托书编号或存放位置"), max_length=100)

    def __init__(self, *args: Any, staff: Any, rows: list[Staff] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _staff_choices(self.fields["agent"], staff, rows)
        self.fields["authorized_on"].initial = timezone.localdate()


class DisposeForm(forms.Form):
    custody = forms.ChoiceField(
        label=_("处置"), choices=[(Custody.RETURNED, _("退还申请人")), (Custody.ARCHIVED, _("归档"))]
    )
    location = forms.CharField(label=_("归档位置"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class SplitForm(forms.Form):
    """One row per department: tick it, give its deadline, optionally a handler."""

    def __init__(
        self,
        *args: Any,
        departments: Sequence[Department],
        suggested: set[int],
        handlers: Sequence[Staff],
        due_range: TaskDueRange,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.departments = list(departments)
        self.due_range = due_range
        bounds = {"min": due_range.earliest.isoformat()}
        if due_range.latest is not None:
            bounds["max"] = due_range.latest.isoformat()
        for dept in self.departments:
            self.fields[f"d_{dept.pk}"] = forms.BooleanField(
                label=dept.name, required=False, initial=dept.pk in suggested
            )
            self.fields[f"due_{dept.pk}"] = forms.DateField(
                label=_("完成期限"), required=False, initial=due_range.default, widget=DateInput(attrs=bounds)
            )
            choices = [("", _("（由部门经办人办理）"))] + [
                (str(s.pk), s.name) for s in handlers if s.department_id == dept.pk
            ]
            self.fields[f"a_{dept.pk}"] = forms.ChoiceField(label=_("经办人"), choices=choices, required=False)
            self.fields[f"i_{dept.pk}"] = forms.CharField(label=_("办理要求"), max_length=300, required=False)
        self.handlers = {s.pk: s for s in handlers}

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "department": d,
                "pick": self[f"d_{d.pk}"],
                "due": self[f"due_{d.pk}"],
                "assignee": self[f"a_{d.pk}"],
                "instructions": self[f"i_{d.pk}"],
            }
            for d in self.departments
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        picked = [d for d in self.departments if data.get(f"d_{d.pk}")]
        if not picked:
            raise forms.ValidationError(_("请至少选择一个承办部门。"))
        for d in picked:
            if not data.get(f"due_{d.pk}"):
                self.add_error(f"due_{d.pk}", _("请填写%(dept)s的完成期限。") % {"dept": d.name})
        return data

    def tasks(self) -> list[dict[str, Any]]:
        out = []
        for d in self.departments:
            if not self.cleaned_data.get(f"d_{d.pk}"):
                continue
            assignee_id = self.cleaned_data.get(f"a_{d.pk}")
            out.append(
                {
                    "department": d,
                    "due_date": self.cleaned_data[f"due_{d.pk}"],
                    "assignee": self.handlers.get(int(assignee_id)) if assignee_id else None,
                    "instructions": self.cleaned_data.get(f"i_{d.pk}") or "",
                }
            )
        return out


class TaskCompleteForm(forms.Form):
    result = forms.CharField(label=_("办理意见"), widget=forms.Textarea(attrs={"rows": 2}))


class SignoffForm(forms.Form):
    approve = forms.ChoiceField(
        label=_("签批"),
        choices=[("yes", _("同意（记一次性告知未落实）")), ("no", _("不同意"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("签批意见"), widget=forms.Textarea(attrs={"rows": 2}))


class DistrictUpdateForm(forms.Form):
    reference = forms.CharField(label=_("区级受理编号"), max_length=64, required=False)
    progress = forms.CharField(label=_("办理进展"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DistrictResultForm(forms.Form):
    approved = forms.ChoiceField(
        label=_("办理结论"), choices=[("yes", _("准予办理")), ("no", _("不予批准"))], widget=forms.RadioSelect
    )
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}))


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        choices=[("applicant_id_number", _("公民身份号码")), ("applicant_phone", _("联系电话"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("查看事由"), max_length=200)


class ProgressQueryForm(forms.Form):
    number = forms.CharField(label=_("办件编号"), max_length=40)
    phone_tail = PhoneTailField(label=_("联系电话后四位"))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("办件编号、申请人、证件号码或电话"), max_length=40, required=False)
    item = forms.TypedChoiceField(label=_("事项"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, items: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["item"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
        field.choices = [("", _("全部事项")), *[(i.pk, i.name) for i in items]]


# --- online pre-review (网上预审) ------------------------------------------------------------------------------


class PrereviewForm(forms.Form):
    window = forms.ModelChoiceField(label=_("到哪个窗口办理"), queryset=Window.objects.none())
    supplement = forms.CharField(
        label=_("需补充的材料"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项；留空表示材料齐全。申请人将一次性看到全部内容。"),
    )
    note = forms.CharField(
        label=_("预审说明"),
        required=False,
        max_length=500,
        help_text=_("公开给申请人，请勿填写姓名、证件号码等个人信息。"),
    )

    def __init__(self, *args: Any, center: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        window_field = self.fields["window"]
        assert isinstance(window_field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        window_field.queryset = Window.objects.filter(center=center, is_active=True).order_by("number")

    def supplement_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["supplement"].splitlines() if line.strip()]


class MaterialsPresentForm(forms.Form):
    materials = forms.MultipleChoiceField(
        label=_("已核验收取的材料"), widget=forms.CheckboxSelectMultiple, required=True
    )
    form = forms.ChoiceField(label=_("提交形式"), choices=CaseMaterial.Form.choices, initial="both")

    def __init__(self, *args: Any, materials: list[CaseMaterial], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_field = self.fields["materials"]
        assert isinstance(choices_field, forms.MultipleChoiceField)  # noqa: S101 - narrows the type
        # The case's whole checklist: the catalog's materials and what the pre-review told the applicant to bring.
        choices_field.choices = [
            (
                material_key(m),
                f"{m.name}（{'主要材料' if m.kind == 'main' else '一般材料'}"
                f"{'，预审增列' if m.material_id is None else ''}）",
            )
            for m in materials
            if not m.presented and not m.not_applicable
        ]

    def _chosen(self) -> tuple[dict[int, str], dict[int, str]]:
        return split_by_key(dict.fromkeys(self.cleaned_data["materials"], self.cleaned_data["form"]))

    def presented(self) -> dict[int, str]:
        return self._chosen()[0]

    def extras(self) -> dict[int, str]:
        return self._chosen()[1]


# The case page's action forms whose fields, choices and initial values depend on nothing but the code: an empty one
# renders the same for every case and person, so the page takes its fields from `blank_form_html` (rendered once per
# process and language). A form given choices or initial values per case or per person must not be listed here.
STATIC_FORMS: frozenset[type[forms.Form]] = frozenset(
    {
        DecisionForm,
        CompleteForm,
        NoteForm,
        DeliverForm,
        ReasonForm,
        DistrictUpdateForm,
        DistrictResultForm,
        SignoffForm,
    }
)
