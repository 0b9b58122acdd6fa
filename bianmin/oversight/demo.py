"""Demo oversight at 长兴路街道便民服务中心 (410108001): complaints in every state, accountability candidates
raised by the sweep from the other apps' demo data with some confirmed, dismissed and appealed, and ratings on
the completed demo cases including a bad review with its rectification and call-back.

Runs after the cases, petitions and staffing demos (INSTALLED_APPS order). Each step goes through the services
with the clock set back to when it would have happened. Idempotent: skipped once the center has complaints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.cases.models import Status as CaseStatus
from bianmin.org.models import OrgUnit, Staff, Window
from bianmin.oversight import services
from bianmin.oversight.models import Accountability, Complaint, Rating
from bianmin.oversight.services import accountability, ratings

CENTER_CODE = "410108001"
EVIDENCE = {
    "founded": "调取窗口监控并询问当事人，B岗人员未按规定出具一次性告知单，情况属实。",
    "unfounded": "调取监控和办件记录，该事项不属于本中心受理范围，工作人员已告知去向，投诉不属实。",
}


@contextmanager
def _clock(moment: dt.datetime) -> Iterator[None]:
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def _staff(username: str) -> Staff | None:
    return Staff.objects.select_related("user", "org_unit").filter(user__username=username).first()


def load(stdout: Any) -> None:
    center = OrgUnit.objects.filter(code=CENTER_CODE).first()
    if center is None:
        stdout.write("监督演示数据：未找到长兴路街道便民服务中心，跳过。")
        return
    if Complaint.objects.filter(center=center).exists():
        stdout.write("监督演示数据：已存在，跳过。")
        return
    inspector, director = _staff("inspector"), _staff("director")
    window_a, window_b = _staff("window_a"), _staff("window_b")
    if inspector is None or director is None:
        stdout.write("监督演示数据：缺少纪检督查或中心主任账号，跳过。")
        return
    now = timezone.now()
    complaints = _complaints(center, now, inspector, director, window_a, window_b)
    rated = _ratings(center, now, director)
    _overturn_a_refusal(center, director)
    raised = accountability.accountability_sweep(now)
    decided = _decisions(center, now, director, window_b)
    stdout.write(
        f"监督演示数据：投诉 {complaints} 件，评价 {rated} 条，责任追究候选 {raised} 条（已处理 {decided} 条）。"
    )


def _complaints(
    center: OrgUnit, now: dt.datetime, inspector: Staff, director: Staff, window_a: Staff | None, window_b: Staff | None
) -> int:
    window2 = Window.objects.filter(center=center, number=2).first()
    window1 = Window.objects.filter(center=center, number=1).first()
    day = dt.timedelta(days=1)
    # (days ago, channel, name, phone, content, window, staff, steps)
    stories: list[tuple[int, str, str, str, str, Window | None, Staff | None, list[str]]] = [
        (1, "web", "", "", "2号窗口中午提前十分钟停止受理，让群众下午再来。", window2, None, []),
        (3, "phone", "刘女士", "13903715566", "工作人员接待时一直看手机，解释政策不耐烦。", window2, window_a,
         ["assign"]),
        (12, "board", "张先生", "13803712233", "B岗人员说材料不全让回去补，但没有出具一次性告知单。", window2, window_b,
         ["assign", "founded", "reply"]),
        (9, "web", "", "", "窗口人员拒绝办理，态度生硬。", window1, None, ["assign", "unfounded", "reply"]),
        (20, "phone", "王先生", "13703719988", "反映办件超过承诺时限仍未办结，多次询问无人答复。", window1, None,
         ["assign"]),
    ]  # fmt: skip
    made = 0
    for ago, channel, name, phone, content, window, staff, steps in stories:
        at = now - ago * day
        with _clock(at):
            complaint = services.complaint_file(
                center=center, content=content, channel=channel, window=window, staff=staff, name=name, phone=phone,
                actor=director.user if channel == "phone" else None,
            )  # fmt: skip
        made += 1
        step_at = at + dt.timedelta(hours=2)
        for step in steps:
            with _clock(step_at):
                if step == "assign":
                    services.complaint_assign(complaint=complaint, inspector=inspector, actor=director.user)
                elif step in ("founded", "unfounded"):
                    services.complaint_decide(
                        complaint=complaint, finding=step, evidence=EVIDENCE[step], actor=inspector.user
                    )
                elif step == "reply":
                    services.complaint_reply(
                        complaint=complaint,
                        reply="经调查，您反映的问题已处理，当事人已作出检查。感谢您对我们工作的监督。",
                        actor=inspector.user,
                    )
            step_at += 2 * day
    return made


def _ratings(center: OrgUnit, now: dt.datetime, director: Staff) -> int:
    done = list(
        Case.objects.filter(center=center, status__in=[CaseStatus.COMPLETED, CaseStatus.DELIVERED])
        .exclude(rating__isnull=False)
        .order_by("completed_at", "id")
    )
    levels = [(5, 5, 5, 5, "办事快，态度好。"), (2, 2, 3, 1, "来回跑了两趟，工作人员解释不清楚。"), (4, 4, 4, 5, "")]
    made = 0
    for case, (overall, efficiency, service, attitude, comment) in zip(done, levels, strict=False):
        at = max(case.completed_at or now, now - dt.timedelta(days=6))
        with _clock(at):
            rating = services.rating_submit(
                case=case, overall=overall, efficiency=efficiency, service=service, attitude=attitude,
                comment=comment,
            )  # fmt: skip
        made += 1
        if rating.is_bad:
            rectifier = rating.staff or director
            with _clock(at + dt.timedelta(days=1)):
                ratings.rating_rectify(
                    rating=rating, actor=rectifier.user, action="已向申请人致歉；在窗口张贴该事项材料清单，避免往返。"
                )
                ratings.rating_callback(
                    rating=rating, actor=director.user, called_on=timezone.localdate(),
                    outcome=Rating.CallbackOutcome.SATISFIED, note="电话回访申请人，说明整改措施，申请人表示认可。",
                )  # fmt: skip
    return made


def _overturn_a_refusal(center: OrgUnit, director: Staff) -> None:
    """The director finds one refusal wrong on review: the sweep then raises it (§8(3)(4))."""
    from bianmin.cases.services import case_overturn_refusal

    refused = Case.objects.filter(center=center, status=CaseStatus.REFUSED).order_by("id").first()
    if refused is not None:
        case_overturn_refusal(
            case=refused, actor=director.user, reason="经复核，所缺材料可通过部门间信息共享获取，不应不予受理。"
        )


def _decisions(center: OrgUnit, now: dt.datetime, director: Staff, window_b: Staff | None) -> int:
    """Confirm the founded complaint, dismiss an unmanned record with a reason, and leave the rest as candidates."""
    decided = 0
    records = Accountability.objects.filter(center=center, status=Accountability.Status.CANDIDATE)
    founded = records.filter(source_kind=accountability.KIND_COMPLAINT).first()
    if founded is not None:
        sanction = (
            Accountability.Sanction.WRITTEN
            if founded.staff is None or founded.staff != window_b
            else Accountability.Sanction.ADMONITION
        )
        accountability.accountability_decide(
            record=founded, sanction=sanction, reason="投诉经调查属实，未落实一次性告知制度。", actor=director.user
        )
        decided += 1
        if founded.staff is not None and founded.staff.user_id:
            accountability.accountability_appeal(
                record=founded, reason="当时申请人未带身份证原件，已口头告知，系统故障未能打印告知单。",
                actor=founded.staff.user,
            )  # fmt: skip
    unmanned = records.filter(source_kind=accountability.KIND_UNMANNED).first()
    if unmanned is not None:
        accountability.accountability_dismiss(
            record=unmanned, reason="经核实，当时B岗人员在岗但未签到，已补登记，不属于窗口空岗。", actor=director.user
        )
        decided += 1
    return decided
