"""Table rows repeated 30–50 times a page, written in Python: the case lists' rows (`cases/_table.html`: the
workbench, the director's and the district's boards) and the director's workload per window and clerk. As template
loops they cost about 1 ms a page each. Each value is escaped as Django's conditional_escape() escapes it, without
its lazy-text wrapper (~500 values a page)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from bianmin.cases.selectors import Row, Workload
from bianmin.core.escaping import fast_escape as _e

register = template.Library()

# Each cell names its column (`data-label`), so that on a phone the table can become one card per case (`stack`).
_ROW = (
    '<tr>\n  <td data-label="{}"><a href="{}">{}</a>{}</td>\n  <td data-label="{}">{}<div class="small muted">{}</div>'
    '</td>\n  <td data-label="{}">{}</td>\n  <td data-label="{}"><span class="status status-{}">{}</span></td>\n'
    '  <td data-label="{}">{} {}</td>\n{}</tr>'
)
# The columns' names, as `cases/_table.html` heads them.
_COLUMNS = ("办件编号", "事项", "申请人", "状态", "办理期限", "窗口", "经办人")


def _mark(code: str, text: object) -> SafeString:
    return mark_safe(f'<span class="mark mark-{_e(code)}">{_e(text)}</span>')  # escaped by _e


@register.simple_tag
def case_rows(rows: list[Row], show_owner: bool = False) -> SafeString:
    """Each row's cells from the texts `selectors.value_rows` worked out; escaped as the template would escape them."""
    proxy = format_html(' <span class="badge">{}</span>', gettext("代办"))
    number, item, applicant, status, due, window, assignee = (_e(gettext(c)) for c in _COLUMNS)
    return mark_safe(  # every value escaped by _e, as format_html_join() would
        "".join(
            _ROW.format(
                number,
                _e(r.url),
                _e(r.number),
                proxy if r.is_proxy else "",
                item,
                _e(r.item_name),
                _e(r.mode_label),
                applicant,
                _e(r.applicant_name),
                status,
                _e(r.status),
                _e(r.status_label),
                due,
                _e(r.due_text),
                _mark(r.mark.code, r.mark.label) if r.mark.code else "",
                f'  <td data-label="{window}">{_e(r.window_text)}</td><td data-label="{assignee}">'
                f"{_e(r.assignee_text)}</td>\n"
                if show_owner
                else "",
            )
            for r in rows
        )
    )


@register.simple_tag
def workload_rows(workload: list[Workload]) -> SafeString:
    """The director board's open cases per window and clerk, one row each; a window or a clerk filters the board.
    Cases with neither (online applications not yet taken up) say so."""
    no_window = format_html('<span class="muted">{}</span>', gettext("未分窗口（网上申报等）"))
    no_one = format_html('<span class="muted">{}</span>', gettext("未指定经办人"))
    return format_html_join(
        "\n",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                format_html('<a href="?window={}">{}</a>', w.window_id, w.window_label) if w.window_id else no_window,
                format_html('<a href="?staff={}">{}</a>', w.assignee_id, w.assignee_name) if w.assignee_id else no_one,
                w.open,
                _mark("overdue", w.overdue) if w.overdue else "0",
                _mark("today", w.due_soon) if w.due_soon else "0",
            )
            for w in workload
        ),
    )
