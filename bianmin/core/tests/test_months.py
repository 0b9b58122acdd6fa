"""Months in Chinese: the picker's options and what a `?month=` value may be (issue 20)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from bianmin.core.months import month_choices, month_label, read_month

NOV = dt.date(2026, 11, 1)


@pytest.mark.parametrize("value", ["2026-11", "2026-11-", "2026/11", "2026年11月", " 2026 年 11 月 "])
def test_a_month_reads_from_iso_or_chinese(value):
    if value == "2026-11-":
        assert read_month(value) is None
    else:
        assert read_month(value) == NOV


@pytest.mark.parametrize("value", [None, "", "2026-13", "2026-0", "1899-05", "2101-01", "november", "2026", "26-11"])
def test_anything_else_is_no_month(value):
    assert read_month(value) is None


def test_the_picker_offers_next_month_back_to_january_three_years_ago_newest_first():
    choices = month_choices(NOV, dt.date(2026, 11, 20))
    assert choices[0] == ("2026-12", "2026年12月")
    assert choices[1] == ("2026-11", "2026年11月")
    assert choices[-1] == ("2023-01", "2023年1月")
    assert len(choices) == 12 * 3 + 12
    assert [v for v, _ in choices] == sorted((v for v, _ in choices), reverse=True)
    # December rolls over to the next January
    assert month_choices(None, dt.date(2026, 12, 31))[0] == ("2027-01", "2027年1月")


def test_a_month_outside_the_range_is_still_offered_when_it_is_the_one_shown():
    choices = month_choices(dt.date(2019, 3, 1), dt.date(2026, 11, 20))
    assert choices[-1] == ("2019-03", "2019年3月")
    assert len({v for v, _ in choices}) == len(choices)


def test_month_label_is_chinese_without_leading_zero():
    assert month_label(dt.date(2026, 3, 1)) == "2026年3月"


def test_the_template_tag_renders_a_chinese_select_with_iso_values(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 11, 20))
    html = Template("{% load months %}{% month_select month %}").render(Context({"month": NOV}))
    assert html.startswith('<select id="f-month" name="month"')
    assert '<option value="2026-11" selected>2026年11月</option>' in html
    assert html.count("selected") == 1
    assert 'type="month"' not in html
    other = Template('{% load months %}{% month_select month "f-nav" "m" %}').render(Context({"month": NOV}))
    assert '<select id="f-nav" name="m"' in other
    # every month offered once, newest first, the one selected marked once; none selected when none is given
    values = [part.split('"')[0] for part in html.split('<option value="')[1:]]
    assert values == [v for v, _label in month_choices(NOV, dt.date(2026, 11, 20))]
    assert html.endswith("</option></select>")
    assert "selected" not in Template("{% load months %}{% month_select None %}").render(Context({}))


def test_dates_display_in_chinese_by_default():
    # Decision (issue 20): prose and headings read 2026年11月3日 (Django's zh-hans formats, kept by our format module);
    # dense tables may spell a date numerically as 2026-11-03 (GB/T 7408), never with English month names.
    from django.utils import translation

    context = Context({"d": dt.date(2026, 11, 3), "t": dt.datetime(2026, 11, 3, 9, 5)})
    with translation.override("zh-hans"):
        html = Template('{{ d|date }}|{{ d }}|{{ t }}|{{ d|date:"n月j日 D" }}|{{ d|date:"Y年n月" }}').render(context)
    assert html == "2026年11月3日|2026年11月3日|2026年11月3日 09:05|11月3日 星期二|2026年11月"
