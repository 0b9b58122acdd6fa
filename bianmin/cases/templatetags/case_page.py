"""The case page's repeated rows written in Python: the materials with their custody, and the timeline. As
template loops they were a third of the page's own rendering (each row a dozen tags and filters); here each value is
escaped as the template escaped it (`core.escaping.fast_escape`) and each moment shown in the page's time zone as
`|date` showed it. Tested equal to the template loops they replace (cases/tests/test_case_page_tags.py)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from bianmin.cases.models import CaseMaterial, Custody
from bianmin.core.escaping import fast_escape as _e
from bianmin.core.templating.state import render_state
from bianmin.core.templating.urls import remembered_reverse

register = template.Library()


def _at(moment: dt.datetime | None, fmt: str) -> str:
    """`moment|date:…` for "m-d H:i" and "Y-m-d H:i": in the current time zone."""
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime(fmt) if timezone.is_aware(moment) else moment.strftime(fmt)


# `|date` formats the case page shows, written with strftime (`at`).
_STRFTIME = {"Y-m-d H:i": "%Y-%m-%d %H:%M", "m-d H:i": "%m-%d %H:%M", "Y-m-d": "%Y-%m-%d"}


@register.filter(expects_localtime=True)
def at(value: Any, fmt: str) -> str:
    """`value|date:fmt` for the formats the case page shows (`_STRFTIME` and "Y年n月j日 H:i"), written directly:
    Django's `date` filter cost the page ~40 µs a moment. Any other format, or value, goes to `date` itself. The
    moment arrives in the page's time zone (`expects_localtime`), as it does for `date`."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        if fmt == "Y年n月j日 H:i" and isinstance(value, dt.datetime):
            return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
        how = _STRFTIME.get(fmt)
        if how is not None and (isinstance(value, dt.datetime) or "%H" not in how):
            return value.strftime(how)
    return date_filter(value, fmt)


def _name(person: Any) -> str:
    return _e(person.name) if person is not None else ""


@functools.lru_cache(maxsize=16)
def _labels(_language: str | None) -> dict[str, Any]:
    """The materials table's fixed texts in the current language, escaped (the language is the cache key only)."""
    return {
        "heads": [_e(gettext(h)) for h in ("材料", "提交", "接收", "保管", "处置")],
        "main": _e(gettext("主要材料")),
        "general": _e(gettext("一般材料")),
        "online": _e(gettext("网上预审告知")),
        "not_applicable": f'<span class="muted">{_e(gettext("不适用"))}</span>',
        "not_presented": f'<span class="tag-off">{_e(gettext("未提交"))}</span>',
        "forms": {value: _e(str(label)) for value, label in CaseMaterial.Form.choices},
        "custody": {value: _e(str(label)) for value, label in Custody.choices},
        "dispose_as": gettext("%(name)s的处置方式"),
        "location_of": gettext("%(name)s的归档位置"),
        "returned": _e(gettext("退还申请人")),
        "archived": _e(gettext("归档")),
        "location": _e(gettext("归档位置")),
        "register": _e(gettext("登记")),
    }


@register.simple_tag(takes_context=True)
def material_rows(context: Any, materials: list[Any], dispose: Any) -> SafeString:
    """The materials table's rows (`dispose`: a form to return or archive each material the center holds). Each cell
    names its column (`data-label`) for the stacked layout on a phone."""
    t = _labels(render_state(context)[0])
    csrf = CsrfTokenNode().render(context) if dispose else ""  # what {% csrf_token %} writes
    rows = []
    for m in materials:
        kind = (t["main"] if m.kind == "main" else t["general"]) + (
            f" · {t['online']}" if m.material_id is None else ""
        )
        if m.presented:
            presented = t["forms"].get(m.presented_form) or _e(m.get_presented_form_display())
        else:
            presented = t["not_applicable"] if m.not_applicable else t["not_presented"]
        received = f"{_name(m.received_by)} {_at(m.received_at, '%m-%d %H:%M')}" if m.received_at else "—"
        custody = "—" if m.not_applicable else (t["custody"].get(m.custody) or _e(m.get_custody_display()))
        if m.location:
            custodian = f" · {_name(m.custodian)}" if m.custodian else ""
            custody += f'<div class="small muted">{_e(m.location)}{custodian}</div>'
        if m.custody == "held" and dispose:
            name = m.name
            disposal = (
                f'<form method="post" action="{_e(reverse("cases:material_dispose", args=[m.pk]))}" '
                f'class="searchbar">{csrf}'
                f'<select name="custody" aria-label="{_e(t["dispose_as"] % {"name": name})}">'
                f'<option value="returned">{t["returned"]}</option>'
                f'<option value="archived">{t["archived"]}</option></select>'
                f'<input name="location" placeholder="{t["location"]}" '
                f'aria-label="{_e(t["location_of"] % {"name": name})}" style="min-width:8em">'
                f'<button class="btn" type="submit">{t["register"]}</button></form>'
            )
        elif m.disposed_at:
            disposal = (
                f"{_name(m.disposed_by)} {_at(m.disposed_at, '%m-%d %H:%M')}"
                f'<div class="small muted">{_e(m.disposal_note)}</div>'
            )
        else:
            disposal = "—"
        cells = (f'{_e(m.name)}<div class="small muted">{kind}</div>', presented, received, custody, disposal)
        rows.append(
            "<tr>" + "".join(f'<td data-label="{h}">{c}</td>' for h, c in zip(t["heads"], cells, strict=True)) + "</tr>"
        )
    return mark_safe("\n".join(rows))  # every value escaped by _e


@register.simple_tag
def timeline_items(entries: list[Any]) -> SafeString:
    """The timeline's entries: when, what (in words), who, and the note."""
    items = []
    for entry in entries:
        event = entry.event
        name = entry.who
        if name is None and event.actor is not None:  # not named by the selector: from the account
            staff = getattr(event.actor, "staff", None)  # no staff record: the account's name
            name = staff.name if staff is not None else event.actor.username
        who = f" · {_e(name)}" if name else ""
        note = f'<div class="small">{_e(event.note)}</div>' if event.note else ""
        items.append(
            f"<li><time>{_at(event.created_at, '%Y-%m-%d %H:%M')}</time><strong>{_e(entry.wording)}</strong>"
            f"{who}{note}</li>"
        )
    return mark_safe("\n".join(items))  # every value escaped by _e


@functools.lru_cache(maxsize=64)
def _said(_language: str | None, texts: tuple[str, ...]) -> dict[str, str]:
    """Each of `texts` in the current language, escaped, by its own (Chinese) text (the language is the cache key
    only): what a tag writes on every page, translated once per language."""
    return {text: _e(gettext(text)) for text in texts}


# The fixed texts of the tags below, marked for the message catalog.
_FACT_TEXTS = (
    gettext_noop("申请人"),
    gettext_noop("统一社会信用代码"),
    gettext_noop("联系人"),
    gettext_noop("公民身份号码"),
    gettext_noop("联系电话"),
    gettext_noop("受理中心"),
    gettext_noop("受理窗口"),
    gettext_noop("首问接待人"),
    gettext_noop("经办人"),
    gettext_noop("受理时间"),
    gettext_noop("代办"),
    gettext_noop("委托书"),
    gettext_noop("办理结果"),
    gettext_noop("不予受理原因"),
)
_NOTICE_TEXTS = (gettext_noop("打印"), gettext_noop("尚未出具告知单。"))
_REVEAL_TEXTS = (
    gettext_noop("查看完整号码"),
    gettext_noop("查看事由（将被记录）"),
    gettext_noop("查看"),
    gettext_noop("（已记录查看）"),
)


@register.simple_tag(takes_context=True)
def case_facts(context: Any, case: Any, detail: Any) -> SafeString:
    """The case's facts as the page lists them (`<dt>`/`<dd>` pairs): the applicant and their numbers (masked, or
    whole once revealed), the hall, window and staff, acceptance, proxy, result or refusal."""
    t = _said(render_state(context)[0], _FACT_TEXTS)
    rows: list[tuple[str, str | None]] = [
        (t["申请人"], f"{_e(case.applicant_name)}（{_e(case.get_applicant_kind_display())}）")
    ]
    if case.applicant_kind == "organization":
        rows += [(t["统一社会信用代码"], _e(case.applicant_credit_code)), (t["联系人"], _e(case.contact_name))]
    else:
        rows.append((t["公民身份号码"], personal_value(context, "applicant_id_number")))
    rows.append((t["联系电话"], personal_value(context, "applicant_phone")))
    if context.get("reveal_error"):
        rows.append(("", None))  # the error's own row below
    rows += [
        (t["受理中心"], _e(case.center.display_hall_name)),
        (t["受理窗口"], _e(case.window) if case.window else "—"),
        (t["首问接待人"], f"{_name(case.received_by)}（{_at(case.received_at, '%Y-%m-%d %H:%M')}）"),
        (t["经办人"], _name(case.assignee) or "—"),
    ]
    if case.accepted_at:
        rows.append((t["受理时间"], f"{_at(case.accepted_at, '%Y-%m-%d %H:%M')}（{_name(case.accepted_by)}）"))
    proxy = detail.proxy
    if proxy:
        rows.append(
            (
                t["代办"],
                f"{_name(proxy.agent)}，{t['委托书']} {_e(proxy.document)}"
                f"（{proxy.authorized_on:%Y-%m-%d}，{_e(proxy.scope)}）",
            )
        )
    if case.result:
        rows.append((t["办理结果"], _e(case.result)))
    if case.refusal_reason:
        rows.append((t["不予受理原因"], _e(case.refusal_reason)))
    return mark_safe(  # every value escaped
        "".join(
            f"<dt>{name}</dt><dd>{value}</dd>"
            if value is not None
            else f'<dt></dt><dd class="errors">{_e(context.get("reveal_error"))}</dd>'
            for name, value in rows
        )
    )


@register.simple_tag(takes_context=True)
def notice_lines(context: Any, notices: list[Any], number: str) -> SafeString:
    """The case's notices, one line each: its kind, number, moment and issuer, with links to print it and to its
    PDF; a line saying none has been issued yet where there is none."""
    t = _said(render_state(context)[0], _NOTICE_TEXTS)
    printing, none_yet = t["打印"], t["尚未出具告知单。"]
    if not notices:
        return mark_safe(f'<p class="muted">{none_yet}</p>')  # escaped
    lines = []
    for n in notices:
        print_url = _e(remembered_reverse("cases:notice_print", number, n.pk, context=context))
        pdf_url = _e(remembered_reverse("cases:notice_pdf", number, n.pk, context=context))
        lines.append(
            f"<p>{_e(n.get_kind_display())} <strong>{_e(n.number)}</strong> · "
            f"{_at(n.issued_at, '%Y-%m-%d %H:%M')} · {_name(n.issued_by)}\n"
            f'    <a class="btn" href="{print_url}" target="_blank">{printing}</a>\n'
            f'    <a class="btn" href="{pdf_url}" target="_blank">PDF</a></p>'
        )
    return mark_safe("".join(lines))  # every value escaped


@register.filter(is_safe=True)
def list_items(lines: list[Any]) -> SafeString:
    """Each text of `lines` as an escaped `<li>`."""
    return mark_safe("".join(f"<li>{_e(line)}</li>" for line in lines))  # escaped


@register.simple_tag(takes_context=True)
def reveal_form(context: Any, number: str, field: str) -> SafeString:
    """The folded form that shows a citizen's whole number (its reason is logged): what cases/_reveal.html wrote,
    without an include's cost on every case page."""
    t = _said(render_state(context)[0], _REVEAL_TEXTS)
    action = _e(remembered_reverse("cases:action", number, "reveal", context=context))
    return mark_safe(  # every value escaped
        f'<details class="inline small"><summary>{t["查看完整号码"]}</summary>\n'
        f'<form method="post" action="{action}" class="searchbar">'
        f"{CsrfTokenNode().render(context)}\n"
        f'  <input type="hidden" name="field" value="{_e(field)}">\n'
        f'  <input name="reason" required maxlength="200" placeholder="{t["查看事由（将被记录）"]}">\n'
        f'  <button class="btn" type="submit">{t["查看"]}</button>\n'
        "</form></details>"
    )


# The case page's masked values, by the field the reveal form names.
_MASKED = {"applicant_id_number": "masked_id", "applicant_phone": "masked_phone"}


@register.simple_tag(takes_context=True)
def personal_value(context: Any, field: str) -> SafeString:
    """The applicant's ID number or phone (`field`) on the case page: whole once revealed (`revealed`, the reveal
    logged), else masked with the folded reveal form for whoever may see it whole (`can_dispose`), else "—" when
    none is on record."""
    revealed = (context.get("revealed") or {}).get(field)
    if revealed:
        seen = _said(render_state(context)[0], _REVEAL_TEXTS)["（已记录查看）"]
        return mark_safe(f'<strong>{_e(revealed)}</strong> <span class="small muted">{seen}</span>')  # escaped
    masked = getattr(context.get("d"), _MASKED[field], "")
    if not masked:
        return mark_safe("—")
    form = reveal_form(context, context["case"].number, field) if context.get("can_dispose") else ""
    return mark_safe(f"{_e(masked)} {form}")  # escaped, and the form escaped its own
