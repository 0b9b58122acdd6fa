"""How each case event reads: on the staff timeline, and — where the applicant should see it — in plain words."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# verb → (staff wording, public wording or None when the event is internal)
VERBS: Mapping[str, tuple[Promise, Promise | None]] = {
    "submit_online": (_("网上申报，待预审"), _("网上申报已提交，等待工作人员预审")),
    "prereview": (_("网上预审，告知到窗口办理"), _("预审完成，请按预审意见到窗口办理")),
    "materials_present": (_("窗口核验并接收申请材料"), _("窗口已接收您的申请材料")),
    "receive": (_("接收申请材料"), _("窗口已接收您的申请材料")),
    "accept": (_("受理，出具受理告知单"), _("已受理，办件进入办理")),
    "accept_with_supplement": (
        _("受理，出具受理告知单和补报材料通知单"),
        _("已受理；请按补报材料通知单补齐材料"),
    ),
    "refuse": (_("不予受理，出具不予受理情况说明单"), _("不予受理，原因见不予受理情况说明单")),
    "start": (_("开始办理"), _("正在办理")),
    "supplement_request": (_("要求补报材料，出具补报材料通知单，暂停计时"), _("请按补报材料通知单补齐材料")),
    "supplement_request_pending": (_("补报要求超出首次告知范围，提请中心主任签批"), None),
    "supplement_signed_off": (_("中心主任签批补报要求（记一次性告知未落实）"), _("请按补报材料通知单补齐材料")),
    "supplement_rejected": (_("中心主任未签批补报要求"), None),
    "supplement_received": (_("收到补报材料，恢复计时"), _("已收到您补报的材料，继续办理")),
    "split": (_("中心主任分派联办任务"), _("多部门联合办理中")),
    "task_complete": (_("联办部门完成任务"), _("一个承办部门已完成办理")),
    "forward": (_("上报区行政服务中心"), _("已报送区行政服务中心办理")),
    "district_update": (_("区行政服务中心登记办理进展"), _("区行政服务中心正在办理")),
    "district_result": (_("区行政服务中心出具办理结果"), _("区行政服务中心已出具办理结果")),
    "complete": (_("办结"), _("已办结，请凭受理告知单领取结果")),
    "deliver": (_("送达办理结果"), _("办理结果已送达")),
    "withdraw": (_("撤回"), _("申请已撤回")),
    "due_recomputed": (_("工作日历调整，重新计算办理期限"), _("因工作日历调整，办理期限已重新计算")),
    "due_rule_recomputed": (_("期限计算规则调整，重新计算办理期限"), _("办理期限已按受理当日不计入重新计算")),
    "custody": (_("材料保管处置"), None),
    "handover": (_("首问接待人移交办件"), None),
    "handover_acknowledge": (_("经办人确认接收"), None),
    "proxy": (_("登记代办委托"), _("由工作人员代办")),
    "received_at_home": (_("上门服务中受理（见上门服务登记）"), _("工作人员上门受理了您的申请")),
    "reassign": (_("变更经办人"), None),
    "delay_reason": (_("登记超期特殊原因"), None),
    "refusal_overturned": (_("中心主任撤销不予受理决定"), _("不予受理决定已撤销，您可以重新申请")),
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
