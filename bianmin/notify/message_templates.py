"""The wording of every notification, per event, in Chinese. Other apps send by template code; they may add
their own with `register_template`.

Placeholders are `str.format` fields. Lists are joined with “、”, dates and times are written the Chinese way.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CITIZEN = "citizen"
STAFF = "staff"


@dataclass(frozen=True)
class MessageTemplate:
    code: str
    audience: str
    title: str | Promise
    body: str | Promise

    @property
    def fields(self) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(str(self.body)) if name}


class TemplateError(ValueError):
    pass


_REGISTRY: dict[str, MessageTemplate] = {}


def register_template(template: MessageTemplate) -> MessageTemplate:
    existing = _REGISTRY.get(template.code)
    if existing is not None and existing != template:
        raise TemplateError(f"消息模板 {template.code} 已存在且内容不同。")
    _REGISTRY[template.code] = template
    return template


def get_template(code: str) -> MessageTemplate:
    try:
        return _REGISTRY[code]
    except KeyError as exc:
        raise TemplateError(f"未登记的消息模板：{code}") from exc


def all_templates() -> list[MessageTemplate]:
    return sorted(_REGISTRY.values(), key=lambda t: (t.audience, t.code))


def _display(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return (
            f"{timezone.localtime(value):%Y年%m月%d日 %H:%M}"
            if timezone.is_aware(value)
            else f"{value:%Y年%m月%d日 %H:%M}"
        )
    if isinstance(value, dt.date):
        return f"{value:%Y年%m月%d日}"
    if isinstance(value, list | tuple):
        return "、".join(_display(v) for v in value)
    return str(value)


# A filled-in text (a citizen's comment, a summary) may end a sentence where the template ends one too.
_DOUBLED_STOP = re.compile(r"([。！？；!?])[。；]+")


def render(template: MessageTemplate, context: Mapping[str, Any]) -> tuple[str, str]:
    """(title, body) with the context filled in; a missing field is the caller's mistake and raises."""
    missing = template.fields - set(context)
    if missing:
        raise TemplateError(f"消息模板 {template.code} 缺少内容：{'、'.join(sorted(missing))}")
    values = {name: _display(context[name]) for name in template.fields}
    return str(template.title), _DOUBLED_STOP.sub(r"\1", str(template.body).format_map(values))


for _template in [
    # --- citizens ---
    MessageTemplate(
        "case_accepted",
        CITIZEN,
        _("受理通知"),
        _(
            "您申请的“{item}”已于{accepted_at}受理，受理编号{case_number}，承诺于{due_at}前办结。"
            "办理进度可凭受理编号查询：{url}"
        ),
    ),
    MessageTemplate(
        "case_supplement",
        CITIZEN,
        _("补报材料通知"),
        _(
            "您申请的“{item}”（受理编号{case_number}）需补充以下材料：{materials}。"
            "请于{supplement_due}前提交至{window}。补齐材料期间办理时限暂停计算。"
        ),
    ),
    MessageTemplate(
        "case_ready",
        CITIZEN,
        _("办结领取通知"),
        _("您申请的“{item}”（受理编号{case_number}）已办结，请携带受理告知单和本人有效身份证件到{window}领取。"),
    ),
    MessageTemplate(
        "appointment_reminder",
        CITIZEN,
        _("预约提醒"),
        _(
            "您已预约于{date} {time}到{center}办理“{item}”，预约号{appointment_number}。"
            "请按时到达；如需取消，请提前告知。"
        ),
    ),
    MessageTemplate(
        "rating_invitation",
        CITIZEN,
        _("服务评价邀请"),
        _("您在{center}办理的“{item}”（编号{case_number}）已办结，欢迎对本次服务作出评价：{url}"),
    ),
    # --- staff ---
    MessageTemplate(
        "case_near_deadline",
        STAFF,
        _("办件即将到期"),
        _("办件{case_number}“{item}”将于{due_at}到期，请抓紧办理。"),
    ),
    MessageTemplate(
        "case_overdue",
        STAFF,
        _("办件已超期"),
        _("办件{case_number}“{item}”已于{due_at}超过承诺时限，请立即办理并说明原因。"),
    ),
    MessageTemplate(
        "complaint_reply_near",
        STAFF,
        _("投诉即将到答复期限"),
        _("投诉{complaint_number}应于{due_at}前答复投诉人，请抓紧调查答复。"),
    ),
    MessageTemplate(
        "complaint_reply_overdue",
        STAFF,
        _("投诉已超过答复期限"),
        _("投诉{complaint_number}已于{due_at}超过答复期限，请立即答复投诉人。"),
    ),
    MessageTemplate(
        "rectification_near",
        STAFF,
        _("差评整改即将到期"),
        _("办件{case_number}的差评应于{due_at}前完成整改和回访，请抓紧办理。"),
    ),
    MessageTemplate(
        "rectification_overdue",
        STAFF,
        _("差评整改已超期"),
        _("办件{case_number}的差评整改已于{due_at}超期，请立即完成整改和回访。"),
    ),
    MessageTemplate(
        "handover_pending",
        STAFF,
        _("待确认交接"),
        _("{from_staff}向您移交了{subject}，请及时确认接收。"),
    ),
    MessageTemplate(
        "window_unmanned",
        STAFF,
        _("窗口无人在岗"),
        _("{window}自{since}起无人在岗，请即安排B岗或其他人员顶岗。"),
    ),
    MessageTemplate(
        "bad_review",
        STAFF,
        _("差评待整改"),
        _("{window}收到差评（{rating_number}）：{summary}。请于{due_at}前完成整改并反馈。"),
    ),
    MessageTemplate(
        "complaint_assigned",
        STAFF,
        _("投诉待办理"),
        _("投诉{complaint_number}已交由您办理：{summary}。请于{due_at}前办结。"),
    ),
    MessageTemplate(
        "task_assigned",
        STAFF,
        _("新的交办事项"),
        _("您有新的交办事项{task_number}“{title}”，办理时限至{due_at}。"),
    ),
    MessageTemplate(
        "task_near_deadline",
        STAFF,
        _("交办事项即将到期"),
        _("交办事项{task_number}“{title}”将于{due_at}到期，请按时办结并报送。"),
    ),
    MessageTemplate(
        "task_overdue",
        STAFF,
        _("交办事项已超期"),
        _("交办事项{task_number}“{title}”已于{due_at}超过办理时限，请立即办理。"),
    ),
    MessageTemplate(
        "task_overdue_director",
        STAFF,
        _("交办事项超期未办结"),
        _("交办事项{task_number}“{title}”（责任：{responsible}）已于{due_at}超过办理时限，尚未办结。"),
    ),
    MessageTemplate(
        "task_submitted",
        STAFF,
        _("交办事项待确认"),
        _("交办事项{task_number}“{title}”已由{responsible}报办结，请审核确认。"),
    ),
    # --- cases, handovers and cover (notify/case_listener.py, handover_listener.py, staffing_listener.py) ---
    MessageTemplate(
        "case_accepted_direct",
        CITIZEN,
        _("受理通知"),
        _("您申请的“{item}”已于{accepted_at}受理，受理编号{case_number}。办理进度可凭受理编号查询：{url}"),
    ),
    MessageTemplate(
        "handover_materials",
        STAFF,
        _("待确认接收材料"),
        _("{from_staff}代您收下了{subject}的材料（{materials}），请核对后确认接收。"),
    ),
    MessageTemplate(
        "leave_cover",
        STAFF,
        _("B岗顶岗安排"),
        _("{staff}请假（{start}至{end}），请您在{windows}顶岗（B岗），做好工作衔接。"),
    ),
    MessageTemplate(
        "inspection_violation",
        STAFF,
        _("纪律督查结果"),
        _("{time}在{where}的纪律督查中，您被认定违反“{rule}”。请查看督查记录，如有不同意见可提交情况说明。"),
    ),
    MessageTemplate(
        "leave_cover_cancelled",
        STAFF,
        _("B岗顶岗安排取消"),
        _("{staff}已撤回请假（{start}至{end}），此前通知您的B岗顶岗安排取消。"),
    ),
    MessageTemplate(
        "home_visit_requested",
        STAFF,
        _("上门服务待安排"),
        _("收到上门服务申请{visit_number}（{channel}）：{name}，{address}，办理“{item}”。请安排上门人员和时间。"),
    ),
    MessageTemplate(
        "home_visit_assigned",
        STAFF,
        _("上门服务安排"),
        _("请您于{scheduled_at}上门服务（{visit_number}）：{name}，{address}，办理“{item}”。同行人员：{staff}。"),
    ),
    MessageTemplate(
        "petition_assigned",
        STAFF,
        _("来信来访待办理"),
        _("来信来访{petition_number}（{person}）已交由您承办：{summary}。请于{due_at}前办结并答复。"),
    ),
    MessageTemplate(
        "task_returned",
        STAFF,
        _("交办事项退回"),
        _("交办事项{task_number}“{title}”未予确认办结：{reason}。请继续办理。"),
    ),
]:
    register_template(_template)


# --- the hall: bookings (预约服务) ---------------------------------------------------------------------------------
for _template in [
    MessageTemplate(
        "appointment_booked",
        CITIZEN,
        _("预约成功"),
        _(
            "您已预约{date} {time}到{center}办理“{item}”，预约号{appointment_number}。"
            "请按时到达，凭预约号签到取号；如需改约或取消，请凭预约号和手机尾号办理。"
        ),
    ),
    MessageTemplate(
        "appointment_changed",
        CITIZEN,
        _("预约已改约"),
        _("您的预约{appointment_number}已改为{date} {time}，请按时到{center}办理“{item}”。"),
    ),
    MessageTemplate(
        "appointment_cancelled",
        CITIZEN,
        _("预约已取消"),
        _("您预约{date} {time}到{center}办理“{item}”（预约号{appointment_number}）已取消。如需办理，可重新预约。"),
    ),
    MessageTemplate(
        "appointment_cancelled_closed_day",
        CITIZEN,
        _("预约因闭厅取消"),
        _(
            "因{reason}，您预约{date} {time}到{center}办理“{item}”（预约号{appointment_number}）已取消。"
            "请另选时间重新预约：{url}"
        ),
    ),
]:
    register_template(_template)
