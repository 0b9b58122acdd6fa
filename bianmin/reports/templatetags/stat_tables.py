"""A dashboard table's body written in Python: a district's month is ~430 cells (days, months, items, centers…),
which as a template loop cost ~5 ms a page. Each cell comes out as `{{ cell }}` would render it."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from bianmin.reports.selectors import Table

register = template.Library()


def _cell(value: Any, context: Any) -> str:
    if type(value) is int:  # what localize() makes of an int without thousand separators
        return str(value)
    if type(value) is str:
        return str(conditional_escape(value)) if context.autoescape else value
    return str(render_value_in_context(value, context))


@register.simple_tag(takes_context=True)
def table_body(context: Any, table: Table) -> SafeString:
    """The rows of `table`, or one row saying the month has no data."""
    if not table.rows:
        return format_html(
            '<tr><td colspan="{}" class="muted">{}</td></tr>', len(table.headers), gettext("本月没有数据。")
        )
    return mark_safe(  # every cell escaped by _cell as the template would
        "".join("<tr>" + "".join(f"<td>{_cell(c, context)}</td>" for c in row) + "</tr>" for row in table.rows)
    )
