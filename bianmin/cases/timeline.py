"""How each case event reads: on the staff timeline, and — where the applicant should see it — in plain words."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    """What happened to a case: the verb every `CaseEvent` is written with (the column stays free text, so
    an old row with an unknown verb still reads; new rows are written only with these)."""

    SUBMIT_ONLINE = "submit_online"
    PREREVIEW = "prereview"
    MATERIALS_PRESENT = "materials_present"
    RECEIVE = "receive"
    ACCEPT = "accept"
    ACCEPT_WITH_SUPPLEMENT = "accept_with_supplement"
    REFUSE = "refuse"
    START = "start"
    SUPPLEMENT_REQUEST = "supplement_request"
    SUPPLEMENT_REQUEST_PENDING = "supplement_request_pending"
    SUPPLEMENT_SIGNED_OFF = "supplement_signed_off"
    SUPPLEMENT_REJECTED = "supplement_rejected"
    SUPPLEMENT_RECEIVED = "supplement_received"
    SPLIT = "split"
    TASK_COMPLETE = "task_complete"
    FORWARD = "forward"
    DISTRICT_UPDATE = "district_update"
    DISTRICT_RESULT = "district_result"
    COMPLETE = "complete"
    DELIVER = "deliver"
    WITHDRAW = "withdraw"
    DUE_RECOMPUTED = "due_recomputed"
    DUE_RULE_RECOMPUTED = "due_rule_recomputed"
    CUSTODY = "custody"
    HANDOVER = "handover"
    HANDOVER_ACKNOWLEDGE = "handover_acknowledge"
    PROXY = "proxy"
    RECEIVED_AT_HOME = "received_at_home"
    REASSIGN = "reassign"
    DELAY_REASON = "delay_reason"
    REFUSAL_OVERTURNED = "refusal_overturned"


# Verb → (staff wording, public wording or None when the event is internal); every Verb has its row.
VERBS: Mapping[str, tuple[Promise, Promise | None]] = {
    Verb.SUBMIT_ONLINE: (_("网上申报，待预审"), _("网上申报已提交，等待工作人员预审")),
    Verb.PREREVIEW: (_("网上预审，告知到窗口办理"), _("预审完成，请按预审意见到窗口办理")),
    Verb.MATERIALS_PRESENT: (_("窗口核验并接收申请材料"), _("窗口已接收您的申请材料")),
    Verb.RECEIVE: (_("接收申请材料"), _("窗口已接收您的申请材料")),
    Verb.ACCEPT: (_("受理，出具受理告知单"), _("已受理，办件进入办理")),
    Verb.ACCEPT_WITH_SUPPLEMENT: (
        _("受理，出具受理告知单和补报材料通知单"),
        _("已受理；请按补报材料通知单补齐材料"),
    ),
    Verb.REFUSE: (_("不予受理，出具不予受理情况说明单"), _("不予受理，原因见不予受理情况说明单")),
    Verb.START: (_("开始办理"), _("正在办理")),
    Verb.SUPPLEMENT_REQUEST: (_("要求补报材料，出具补报材料通知单，暂停计时"), _("请按补报材料通知单补齐材料")),
    Verb.SUPPLEMENT_REQUEST_PENDING: (_("补报要求超出首次告知范围，提请中心主任签批"), None),
    Verb.SUPPLEMENT_SIGNED_OFF: (_("中心主任签批补报要求（记一次性告知未落实）"), _("请按补报材料通知单补齐材料")),
    Verb.SUPPLEMENT_REJECTED: (_("中心主任未签批补报要求"), None),
    Verb.SUPPLEMENT_RECEIVED: (_("收到补报材料，恢复计时"), _("已收到您补报的材料，继续办理")),
    Verb.SPLIT: (_("中心主任分派联办任务"), _("多部门联合办理中")),
    Verb.TASK_COMPLETE: (_("联办部门完成任务"), _("一个承办部门已完成办理")),
    Verb.FORWARD: (_("上报区行政服务中心"), _("已报送区行政服务中心办理")),
    Verb.DISTRICT_UPDATE: (_("区行政服务中心登记办理进展"), _("区行政服务中心正在办理")),
    Verb.DISTRICT_RESULT: (_("区行政服务中心出具办理结果"), _("区行政服务中心已出具办理结果")),
    Verb.COMPLETE: (_("办结"), _("已办结，请凭受理告知单领取结果")),
    Verb.DELIVER: (_("送达办理结果"), _("办理结果已送达")),
    Verb.WITHDRAW: (_("撤回"), _("申请已撤回")),
    Verb.DUE_RECOMPUTED: (_("工作日历调整，重新计算办理期限"), _("因工作日历调整，办理期限已重新计算")),
    Verb.DUE_RULE_RECOMPUTED: (_("期限计算规则调整，重新计算办理期限"), _("办理期限已按受理当日不计入重新计算")),
    Verb.CUSTODY: (_("材料保管处置"), None),
    Verb.HANDOVER: (_("首问接待人移交办件"), None),
    Verb.HANDOVER_ACKNOWLEDGE: (_("经办人确认接收"), None),
    Verb.PROXY: (_("登记代办委托"), _("由工作人员代办")),
    Verb.RECEIVED_AT_HOME: (_("上门服务中受理（见上门服务登记）"), _("工作人员上门受理了您的申请")),
    Verb.REASSIGN: (_("变更经办人"), None),
    Verb.DELAY_REASON: (_("登记超期特殊原因"), None),
    Verb.REFUSAL_OVERTURNED: (_("中心主任撤销不予受理决定"), _("不予受理决定已撤销，您可以重新申请")),
}


def staff_wording(verb: str) -> str:
    found = VERBS.get(verb)
    return str(found[0]) if found else verb


def public_wording(verb: str) -> str | None:
    found = VERBS.get(verb)
    if found is None or found[1] is None:
        return None
    return str(found[1])


PUBLIC_VERBS = frozenset(v for v, (_staff, public) in VERBS.items() if public is not None)
