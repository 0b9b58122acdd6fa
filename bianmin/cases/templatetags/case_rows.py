"""The case lists' rows (`cases/_table.html`), written in Python: the workbench, the director's and the district's
boards print 30 of them per page, and as a template loop they cost about 1 ms a page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from bianmin.cases.selectors import Row

register = template.Library()

_ROW = (
    '<tr>\n  <td><a href="{}">{}</a>{}</td>\n  <td>{}<div class="small muted">{}</div></td>\n  <td>{}</td>\n'
    '  <td><span class="status status-{}">{}</span></td>\n  <td>{} {}</td>\n{}</tr>'
)


@register.simple_tag
def case_rows(rows: list[Row], show_owner: bool = False) -> SafeString:
    """Each row's cells from the texts `selectors.value_rows` worked out; escaped as the template would escape them."""
    proxy = format_html(' <span class="badge">{}</span>', gettext("代办"))
    return format_html_join(
        "",
        _ROW,
        (
            (
                r.url,
                r.number,
                proxy if r.is_proxy else "",
                r.item_name,
                r.mode_label,
                r.applicant_name,
                r.status,
                r.status_label,
                r.due_text,
                format_html('<span class="mark mark-{}">{}</span>', r.mark.code, r.mark.label) if r.mark.code else "",
                format_html("  <td>{}</td><td>{}</td>\n", r.window_text, r.assignee_text) if show_owner else "",
            )
            for r in rows
        ),
    )
