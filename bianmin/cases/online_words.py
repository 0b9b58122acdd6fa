"""An online application's progress in the applicant's words: what they were told, and where it stands now.

The Open311 record (`api`) and the staff pre-review page (`cases.online_views`) show the same sentences.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.models import Case, CaseEvent, Status, SupplementRequest
from bianmin.cases.services import PREREVIEW_VERB, prereview_notice_items


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y年%m月%d日 %H:%M}"


def _window_words(case: Case, data: dict[str, Any]) -> str:
    return _("%(hall)s %(number)s号窗口（%(name)s）") % {
        "hall": case.center.display_hall_name,
        "number": data.get("window", ""),
        "name": data.get("window_name", ""),
    }


def _prereviews(case: Case) -> list[CaseEvent]:
    """The case's pre-review events, latest first (prefetched by `online_applications`)."""
    if hasattr(case, "prereviews"):
        return list(case.prereviews)
    return list(case.events.filter(verb=PREREVIEW_VERB).order_by("-created_at", "-id")[:1])


def service_notice(case: Case, *, submitted: str) -> str:
    """What the applicant has been told (§4(1)): the automatic list given at submission (`submitted`) until the
    pre-review; from then on the pre-review's one-time notification (the catalog's materials and the reviewer's
    additions), headed by where the application stands."""
    prereviews = _prereviews(case)
    if not prereviews:
        return submitted
    event = prereviews[0]
    if case.accepted_at is not None:
        head = _("您的申请已于 %(when)s 在%(hall)s受理，办件编号 %(number)s。") % {
            "when": _when(case.accepted_at),
            "hall": case.center.display_hall_name,
            "number": case.number,
        }
    elif case.status == Status.REFUSED:
        head = _("您的申请不予受理，原因见不予受理情况说明单。")
    elif case.status == Status.WITHDRAWN:
        head = _("申请已撤回。")
    else:
        head = _("网上申报已预审，请到%(where)s办理。") % {"where": _window_words(case, event.data)}
    items = [
        f"{i['name']}{'' if i.get('material_id') else _('（预审增列）')}" for i in prereview_notice_items(case, event)
    ]
    lines = [head, _("网上预审时一次性告知须携带的材料：%(items)s。") % {"items": "；".join(items)}]
    if event.note:
        lines.append(_("预审说明：%(note)s") % {"note": event.note})
    return "\n".join(lines)


def status_notes(case: Case) -> str:
    status = case.status
    if status == Status.SUBMITTED:
        return _("网上申报已提交，等待工作人员预审。")
    if status == Status.RECEIVED:
        prereviews = _prereviews(case)
        if not prereviews:
            return _("窗口已接收申请，等待受理。")
        event = prereviews[0]
        where = _window_words(case, event.data)
        if event.data.get("supplement"):
            text = _("预审意见：需补充材料：%(items)s。请补齐后，携带全部申请材料原件到%(where)s办理。") % {
                "items": "；".join(event.data["supplement"]),
                "where": where,
            }
        else:
            text = _("预审通过：材料齐全。请携带全部申请材料原件到%(where)s办理。") % {"where": where}
        return f"{text}（{event.note}）" if event.note else text
    if status == Status.WAITING:
        issued: list[SupplementRequest] = (
            case.issued_supplements
            if hasattr(case, "issued_supplements")
            else list(case.supplement_requests.filter(state=SupplementRequest.State.ISSUED).order_by("-id")[:1])
        )
        if issued:
            latest = issued[0]
            return _("已受理，等待补报材料：%(items)s；请于 %(day)s 前补齐（补报期间暂停计时）。") % {
                "items": "；".join(i["name"] for i in latest.items),
                "day": f"{latest.due_date:%Y年%m月%d日}",
            }
        return _("已受理，等待申请人补报材料（补报期间暂停计时）。")
    if status in (Status.ACCEPTED, Status.IN_PROGRESS):
        if case.due_at:
            return _("已受理，正在办理，承诺于 %(due)s 前办结。") % {"due": _when(case.due_at)}
        return _("已受理，正在办理。")
    if status == Status.FORWARDED:
        return _("已报送区行政服务中心办理，由本中心全程代办。")
    if status == Status.COMPLETED:
        return _("已办结，请凭受理告知单到%(hall)s领取办理结果。") % {"hall": case.center.display_hall_name}
    if status == Status.DELIVERED:
        return _("已办结，办理结果已送达。")
    if status == Status.REFUSED:
        return _("不予受理，原因见不予受理情况说明单；如有疑问请咨询 %(phone)s。") % {"phone": case.center.phone}
    if status == Status.WITHDRAWN:
        return _("申请已撤回。")
    return str(case.get_status_display())
