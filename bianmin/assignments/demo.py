"""Demo assigned tasks (some overdue, one due tomorrow, one awaiting confirmation) for 长兴路街道便民服务中心, and
their reminders as the scheduler sends them. Idempotent: tasks are found by title."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from bianmin.assignments import services
from bianmin.assignments.models import AssignedTask
from bianmin.org.models import OrgUnit, Staff, Window

CENTER = "410108001"


def _at(days_ago: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def load(stdout: Any) -> None:
    center = OrgUnit.objects.filter(code=CENTER).first()
    if center is None:
        return
    User = get_user_model()
    director = User.objects.get(username="director")
    staff = {
        s.user.username: s for s in Staff.objects.filter(org_unit__path__startswith=center.path).select_related("user")
    }
    windows = {w.number: w for w in Window.objects.filter(center=center)}
    year = timezone.localdate().year
    today = timezone.localdate()

    specs: list[dict[str, Any]] = [
        {
            "title": "报送第一季度便民服务事项办理情况统计表",
            "source": AssignedTask.Source.DOCUMENT,
            "source_reference": f"惠济政办〔{year}〕12号",
            "source_issuer": "惠济区人民政府办公室",
            "content": "按附件格式统计本中心第一季度各类办件数量、按时办结率和群众评价情况，加盖公章后报区政府办公室。",
            "responsible_staff": staff["zh_a"],
            "deadline_kind": AssignedTask.DeadlineKind.WORKING_DAYS,
            "deadline_days": 5,
            "assigned_at": _at(18),
        },
        {
            "title": "核实辖区高龄津贴发放名册并反馈",
            "source": AssignedTask.Source.PHONE,
            "source_issuer": "区民政局社会救助科（电话通知）",
            "content": "逐户核实名册中 80 周岁以上老人的生存状态和银行账号，将核实结果电话反馈并补交书面材料。",
            "responsible_window": windows[2],
            "deadline_kind": AssignedTask.DeadlineKind.CALENDAR_DAYS,
            "deadline_days": 3,
            "assigned_at": _at(6, 15),
        },
        {
            "title": "更新大厅公示栏服务指南和收费标准",
            "source": AssignedTask.Source.LEADER,
            "source_issuer": "办事处主任 陈立新",
            "content": "按最新事项目录更新公示栏和电子屏的服务指南、办理时限、收费依据和收费标准（六公开）。",
            "responsible_staff": staff["window_a"],
            "deadline_kind": AssignedTask.DeadlineKind.WORKING_DAYS,
            "deadline_days": 1,
        },
        {
            "title": "整理延时服务登记台账",
            "source": AssignedTask.Source.LEADER,
            "source_issuer": "中心主任 毛丽华",
            "content": "整理本月午间延时服务的办件登记，汇总服务人次和事项，形成台账备查。",
            "responsible_window": windows[1],
            "deadline_kind": AssignedTask.DeadlineKind.DATE,
            "deadline_date": today + dt.timedelta(days=10),
            "progress": "已汇总前两周登记，剩余部分本周内完成。",
        },
        {
            "title": "报送窗口工作人员A、B岗名单",
            "source": AssignedTask.Source.DOCUMENT,
            "source_reference": f"惠济政服〔{year}〕5号",
            "source_issuer": "惠济区行政服务中心",
            "content": "报送各窗口A岗、B岗工作人员姓名、职务、联系方式及调整情况。",
            "responsible_staff": staff["zh_a"],
            "deadline_kind": AssignedTask.DeadlineKind.WORKING_DAYS,
            "deadline_days": 3,
            "assigned_at": _at(10),
            "complete": "已于规定时限内通过政务内网报送名单（Excel 一份），并电话告知区行政服务中心。",
            "confirm": True,
        },
        {
            "title": "报送本月上报件办理情况",
            "source": AssignedTask.Source.PHONE,
            "source_issuer": "区行政服务中心（电话通知）",
            "content": "统计本月上报区行政服务中心办理的事项及办理进度，填写上报件台账后报送。",
            "responsible_staff": staff["sb_a"],
            "deadline_kind": AssignedTask.DeadlineKind.WORKING_DAYS,
            "deadline_days": 4,
            "assigned_at": _at(2),
            "complete": "已报送上报件台账（纸质一份、电子版一份）。",
        },
    ]
    created = 0
    for spec in specs:
        if AssignedTask.objects.filter(center=center, title=spec["title"]).exists():
            continue
        progress = spec.pop("progress", None)
        complete = spec.pop("complete", None)
        confirm = spec.pop("confirm", False)
        task = services.assigned_task_create(center=center, actor=director, **spec)
        responsible = task.responsible_staff.user if task.responsible_staff else director
        if progress:
            services.assigned_task_progress(task=task, note=progress, actor=responsible)
        if complete:
            services.assigned_task_complete(task=task, submitted=complete, actor=responsible)
        if confirm:
            services.assigned_task_confirm(task=task, actor=director, note="材料齐全，确认办结。")
        created += 1
    # The reminder sweep, as the scheduler runs it (every 15 minutes under `make run`).
    sent = services.assigned_task_send_reminders()
    stdout.write(f"交办事项：新建 {created} 件；提醒：即将到期 {sent['near']} 件，超期 {sent['overdue']} 件。")
