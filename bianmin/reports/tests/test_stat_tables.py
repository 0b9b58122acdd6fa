"""The dashboard's tables written in Python (`stat_tables.table_body`) render each cell as `{{ cell }}` would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.utils import translation
from django.utils.translation import gettext_lazy

from bianmin.reports.selectors import Table

LOOP = (
    "{% for row in table.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>"
    '{% empty %}<tr><td colspan="{{ table.headers|length }}" class="muted">本月没有数据。</td></tr>{% endfor %}'
)
TAG = "{% load stat_tables %}{% table_body table %}"

ROWS = [
    ["城关街道便民服务中心", 120, 98.5, None],
    ['<script>alert("x")</script> & Co.', 0, 100.0, dt.date(2026, 11, 3)],
    [gettext_lazy("延期"), -3, 33.3, True],
    ["", 10**7, 0.1, dt.datetime(2026, 11, 3, 9, 5, tzinfo=dt.UTC)],
]


@pytest.mark.parametrize("rows", [ROWS, []])
@pytest.mark.parametrize("autoescape", [True, False])
def test_a_tables_rows_are_those_the_template_loop_renders(rows, autoescape):
    table = Table("t", "标题", ["单位", "件数", "按时办结率", "备注"], rows)
    engine = engines["django"].engine  # type: ignore[attr-defined]
    with translation.override("zh-hans"):
        mine = engine.from_string(TAG).render(_context(table, autoescape))
        loop = engine.from_string(LOOP).render(_context(table, autoescape))
    assert mine == loop
    if rows and autoescape:
        assert "&lt;script&gt;" in mine
        assert "<script>" not in mine


def _context(table, autoescape):
    from django.template import Context

    return Context({"table": table}, autoescape=autoescape)
