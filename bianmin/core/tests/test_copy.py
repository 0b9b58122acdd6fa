"""Copy that people notice: Chinese labels end in "：", selects say "请选择…", no "。。" in any template."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation

from bianmin.core.durations import describe_duration
from bianmin.core.forms import BoundField

pytestmark = pytest.mark.django_db

ASCII_COLON_AFTER_CHINESE = re.compile(r"[\u4e00-\u9fff）》”]:(?!//)")


def _all_form_classes() -> list[type[forms.BaseForm]]:
    for config in apps.get_app_configs():
        if config.name.startswith("bianmin."):
            try:
                importlib.import_module(f"{config.name}.forms")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.forms":
                    raise
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("bianmin.") and ".tests" not in cls.__module__:
            found.append(cls)
    return found


def test_every_form_of_the_project_renders_chinese_label_colons_and_a_chinese_select_placeholder():
    rendered = 0
    for cls in _all_form_classes():
        try:
            form = cls()
        except (TypeError, ValueError):  # needs the acting user, or a base class without a model
            continue
        html = str(form)
        rendered += 1
        assert "---------" not in html, cls
        assert not ASCII_COLON_AFTER_CHINESE.search(re.sub(r"<[^>]*>", "", html)), cls
    assert rendered >= 30


def test_a_model_choice_and_a_blank_model_choice_field_say_please_choose():
    class ThemeForm(forms.Form):
        unit = forms.ModelChoiceField(queryset=apps.get_model("org", "OrgUnit").objects.none(), label="所属单位")
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "甲")], label="类别？")

    class WithBlankChoice(forms.ModelForm):
        class Meta:
            model = apps.get_model("oversight", "Complaint")
            fields = ["finding"]

    form = ThemeForm()
    html = str(form) + str(WithBlankChoice())
    assert isinstance(form["unit"], BoundField)
    assert html.count("请选择…") == 2
    assert "---------" not in html
    assert "所属单位：</label>" in html
    assert "类别？</label>" in html  # a label ending in a question mark gets no colon after it
    with translation.override("en"):  # an English browser still reads the Chinese labels
        assert str(ThemeForm()["unit"].label_tag()) == '<label for="id_unit">所属单位：</label>'


def test_templates_have_no_ascii_colon_after_chinese_and_no_doubled_full_stop():
    root = Path(settings.BASE_DIR) / "bianmin"
    wrong = []
    for path in root.rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            text = re.sub(r"\{[{%#].*?[}%#]\}|<[^>]*>", "", line)
            # Django's timesince writes "3 小时，5 分钟"; durations.duration_since writes "3小时5分钟".
            if ASCII_COLON_AFTER_CHINESE.search(text) or "。。" in text or re.search(r"\|time(since|until)", line):
                wrong.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert wrong == []


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(0, "不到1分钟"), (5, "5分钟"), (60, "1小时"), (185, "3小时5分钟"), (24 * 60, "1天"), (26 * 60 + 7, "1天2小时")],
)
def test_a_duration_is_written_without_spaces_or_commas(minutes, words):
    assert describe_duration(dt.timedelta(minutes=minutes)) == words
