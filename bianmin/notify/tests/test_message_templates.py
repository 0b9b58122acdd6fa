import datetime as dt

import pytest
from django.utils import timezone

from bianmin.notify import message_templates
from bianmin.notify.message_templates import MessageTemplate, TemplateError

CITIZEN_EVENTS = {"case_accepted", "case_supplement", "case_ready", "appointment_reminder", "rating_invitation"}
STAFF_EVENTS = {
    "case_near_deadline",
    "case_overdue",
    "handover_pending",
    "window_unmanned",
    "bad_review",
    "complaint_assigned",
    "task_assigned",
    "task_near_deadline",
    "task_overdue",
}


def test_every_event_of_the_issue_has_a_template_for_its_audience():
    by_code = {t.code: t for t in message_templates.all_templates()}

    assert {code for code in CITIZEN_EVENTS if by_code[code].audience == "citizen"} == CITIZEN_EVENTS
    assert {code for code in STAFF_EVENTS if by_code[code].audience == "staff"} == STAFF_EVENTS


@pytest.mark.parametrize("template", message_templates.all_templates(), ids=lambda t: t.code)
def test_every_template_renders_in_chinese_without_leftover_fields(template):
    context = dict.fromkeys(template.fields, "样例")

    title, body = message_templates.render(template, context)

    assert title
    assert body
    assert "{" not in body
    assert "}" not in body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body)


@pytest.mark.parametrize("template", message_templates.all_templates(), ids=lambda t: t.code)
def test_a_filled_in_sentence_does_not_double_the_full_stop(template):
    """A citizen's comment ends with "。" and the template's sentence does too: "服务态度差。。" was sent."""
    context = dict.fromkeys(template.fields, "服务态度差。")

    _, body = message_templates.render(template, context)

    assert "。。" not in body
    assert "服务态度差" in body


def test_lists_dates_and_times_are_written_the_chinese_way():
    template = message_templates.get_template("case_supplement")
    due = timezone.make_aware(dt.datetime(2026, 3, 5, 9, 0))

    _, body = message_templates.render(
        template,
        {
            "item": "最低生活保障",
            "case_number": "CX2026-00001",
            "materials": ["户口簿", "收入证明"],
            "supplement_due": due.date(),
            "window": "2号窗口",
        },
    )

    assert "户口簿、收入证明" in body
    assert "2026年03月05日" in body


def test_a_missing_field_is_named():
    with pytest.raises(TemplateError, match="case_number"):
        message_templates.render(message_templates.get_template("case_ready"), {"item": "x", "window": "1号窗口"})


def test_unknown_template_and_conflicting_registration_are_refused():
    with pytest.raises(TemplateError, match="未登记"):
        message_templates.get_template("no_such_event")
    with pytest.raises(TemplateError, match="已存在"):
        message_templates.register_template(MessageTemplate("case_ready", "citizen", "x", "y"))
