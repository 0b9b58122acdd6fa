"""To-do demo (issue #20): after every other app's demo data, make sure each demo role finds something on its
staff home — a case handed to the handler, materials received for the director and for window_b, a bad review
still to rectify. Loads once: each item is looked for before it is made."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from bianmin.cases.models import Case, CaseHandover, Status
from bianmin.cases.services import case_handover
from bianmin.frontdesk.models import Handover
from bianmin.frontdesk.services import handover_create
from bianmin.org.models import OrgUnit, Staff
from bianmin.oversight.models import Rating
from bianmin.oversight.services import rating_submit

CENTER_CODE = "410108001"
DEMO_SUBJECT = "待办演示："


def load(stdout: Any) -> None:
    center = OrgUnit.objects.filter(code=CENTER_CODE).first()
    if center is None:
        stdout.write("待办演示数据：未找到长兴路街道便民服务中心，跳过。")
        return
    people = {s.user.username: s for s in Staff.objects.filter(org_unit=center).select_related("user")}
    made = 0
    with transaction.atomic():
        made += _case_to_handler(people)
        made += _desk_handovers(center, people)
        made += _bad_review(center)
    stdout.write(f"待办演示数据：新增 {made} 项。")


def _case_to_handler(people: dict[str, Staff]) -> int:
    clerk, handler = people.get("window_a"), people.get("handler")
    if clerk is None or handler is None:
        return 0
    if CaseHandover.objects.filter(to_staff=handler, acknowledged_at__isnull=True).exists():
        return 0
    case = (
        Case.objects.filter(assignee=clerk, status__in=[Status.ACCEPTED, Status.IN_PROGRESS])
        .exclude(Exists(CaseHandover.objects.filter(case=OuterRef("pk"), acknowledged_at__isnull=True)))
        .order_by("due_at", "id")
        .first()
    )
    if case is None:
        return 0
    case_handover(case=case, actor=clerk.user, to_staff=handler, note="申请人所在单位需社会保障所核实，请接收办理。")
    return 1


def _desk_handovers(center: OrgUnit, people: dict[str, Staff]) -> int:
    made = 0
    pairs = [
        ("window_a", "director", "区政务服务中心报送的季度统计材料", "纸质统计表一份（盖章）"),
        ("window_a", "window_b", "群众代他人递交的居住证材料", "居住证申请表、身份证复印件各一份"),
    ]
    for frm, to, subject, materials in pairs:
        sender, receiver = people.get(frm), people.get(to)
        if sender is None or receiver is None:
            continue
        if Handover.objects.filter(to_staff=receiver, subject=subject).exists():
            continue
        handover_create(
            center=center, from_staff=sender, to_staff=receiver, subject=subject, materials=materials,
            actor=sender.user, note=DEMO_SUBJECT + "经办人不在岗，首问接待人代收。",
        )  # fmt: skip
        made += 1
    return made


def _bad_review(center: OrgUnit) -> int:
    if Rating.objects.filter(center=center, overall__lte=Rating.Level.DISSATISFIED, rectified_at__isnull=True).exists():
        return 0
    case = (
        Case.objects.filter(center=center, status__in=[Status.COMPLETED, Status.DELIVERED], rating__isnull=True)
        .order_by("-completed_at", "-id")
        .first()
    )
    if case is None:
        return 0
    rating_submit(case=case, overall=2, efficiency=2, service=2, attitude=3, comment="等候时间较长，窗口解释不够耐心。")
    return 1
