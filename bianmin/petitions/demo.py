"""Demo data: a month of letters and visits at 长兴路街道便民服务中心 (410108001).

Registered, assigned, answered and closed through the services; afterwards the timestamps are moved back to
when each step would have happened. The mix shows the board as a director sees it: matters closed on time and
late, open ones due soon, some overdue, two answered as outside the remit, and major matters with 30 days.
Idempotent: skipped once the center has petitions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from bianmin.org.models import OrgUnit
from bianmin.petitions.models import Petition, PetitionEvent, PetitionReply
from bianmin.petitions.selectors import settings_for
from bianmin.petitions.services import (
    petition_answer_outside_remit,
    petition_assign,
    petition_close,
    petition_register,
    petition_reply,
    petition_settings_set,
)

CENTER = "410108001"


@dataclass(frozen=True)
class Story:
    ago: int  # days since received
    channel: str
    name: str
    contact: str  # a phone, or an address when it starts with a non-digit
    content: str
    handler: str | None = None  # account; None = still waiting to be assigned
    category: str = "ordinary"
    interim: str = ""
    closed_after: int | None = None  # days after receipt; None = still open
    outcome: str = ""
    reply: str = ""
    outside: tuple[str, str] | None = None  # (explanation, where to go)
    org: str = ""


STORIES = [
    Story(
        29,
        "letter",
        "王秀兰",
        "宏达小区 3 号楼 2 单元 501",
        "小区东门路灯损坏两周，夜间出行不便，请求尽快修复。",
        "cj_a",
        closed_after=6,
        outcome="城建办现场核实为线路老化，已更换灯具并恢复照明。",
        reply="您反映的宏达小区东门路灯问题，经城建办现场核实为线路老化，已于近日更换灯具，恢复照明。感谢您对我们工作的支持。",
    ),
    Story(
        27,
        "visit",
        "李建国",
        "13903712201",
        "反映低保申请递交一个月未有答复，询问审核进度。",
        "window_a",
        closed_after=5,
        outcome="已查明材料在入户调查环节，告知审核进度和预计公示时间。",
        reply="您的低保申请已完成入户调查，正在民主评议环节，预计下周在社区公示。公示无异议后报区民政局审批。",
    ),
    Story(
        26,
        "phone",
        "赵丹丹",
        "13703718812",
        "反映社保卡补办后无法在医院使用。",
        "sb_a",
        closed_after=3,
        outcome="协调区人社局激活社保卡医保功能，已能正常使用。",
        reply="您的社保卡医保功能已协调激活，现可在定点医院正常结算。",
    ),
    Story(
        25,
        "online",
        "匿名群众",
        "13837105566",
        "长兴路与东风路交叉口积水严重，雨天无法通行。",
        "cj_a",
        category="major",
        interim="已收到，城建办已会同市政部门现场查看。",
        closed_after=21,
        outcome="市政部门已疏通排水管网并加装雨水篦子，积水问题解决。",
        reply="您反映的长兴路与东风路交叉口积水问题，经城建办会同市政部门现场勘查，已疏通排水管网并加装雨水篦子。此后降雨期间我们将持续关注。",
    ),
    Story(
        24,
        "letter",
        "陈志强",
        "东风路 45 号院 6 号楼",
        "反映邻居在楼道堆放杂物存在消防隐患。",
        "cj_b",
        closed_after=14,
        outcome="联合社区、物业清理楼道杂物，并张贴消防安全提示。",
        reply="经社区和物业上门劝导，楼道杂物已清理完毕，并张贴了消防安全提示。",
    ),
    Story(
        22,
        "visit",
        "刘桂英",
        "13603719090",
        "反映高龄津贴已连续两个月未到账。",
        "window_a",
        closed_after=4,
        outcome="核实为银行账户变更未登记，已更正账户并补发。",
        reply="经核实，您的高龄津贴未到账系银行账户变更后未登记所致，现已更正账户信息，两个月津贴已于本月补发。",
    ),
    Story(
        21,
        "letter",
        "张海燕",
        "13503715678",
        "反映房屋产权纠纷，要求中心出面处理。",
        None,
        outside=("房屋产权纠纷属于民事争议，不属于本中心办理范围。", "惠济区人民法院或惠济区不动产登记中心"),
    ),
    Story(
        20,
        "visit",
        "黄卫东",
        "13903716543",
        "反映所在小区物业费上涨未经业主大会讨论。",
        "zh_a",
        category="major",
        interim="已转社区召集物业和业委会座谈。",
        org="宏达小区业主委员会",
    ),
    Story(
        19,
        "phone",
        "周玉梅",
        "13803712345",
        "咨询退役军人优待证办理进度，反映等待时间较长。",
        "ty_a",
        closed_after=12,
        outcome="已联系区退役军人事务局，优待证已制作完成，通知领取。",
        reply="您的退役军人优待证已制作完成，请携带身份证到 6 号窗口领取。",
    ),
    Story(17, "letter", "吴建华", "岗李村 2 组 18 号", "反映残疾人两项补贴申请被退回，不清楚原因。", "cl_a"),
    Story(
        16,
        "online",
        "孙晓燕",
        "13703710022",
        "反映辖区小学门口早高峰交通拥堵，希望增派协管员。",
        None,
        outside=("学校周边交通秩序由交警部门负责，不属于本中心办理范围。", "惠济交警大队（电话 0371-63300120）"),
    ),
    Story(
        14,
        "visit",
        "徐德胜",
        "13903718800",
        "反映城乡居民养老保险待遇核定有误。",
        "sb_a",
        interim="已调取缴费记录，正在与区社保中心核对。",
    ),
    Story(
        12,
        "letter",
        "马凤英",
        "长兴社区 12 号楼 3 单元",
        "反映社区健身器材损坏存在安全隐患。",
        "cj_b",
        closed_after=8,
        outcome="已拆除损坏器材并申请更换，新器材已安装。",
        reply="社区损坏的健身器材已拆除，新器材已安装完毕，欢迎使用。",
    ),
    Story(11, "phone", "郭明亮", "13603715151", "反映生育登记网上办理一直显示审核中。", "wj_a"),
    Story(
        9,
        "visit",
        "罗小红",
        "13503710303",
        "反映临时救助申请材料被要求重复提交。",
        "window_b",
        interim="已调阅申请材料，正在核实。",
    ),
    Story(
        8,
        "letter",
        "梁俊杰",
        "13903711212",
        "反映小区二次供水水质发黄。",
        "cj_a",
        category="major",
        interim="已联系供水公司取样检测。",
    ),
    Story(
        6,
        "online",
        "宋文静",
        "13803716666",
        "建议中心周二周四延时服务时间延长到 19 点。",
        "zh_a",
        closed_after=3,
        outcome="已将建议提交领导小组办公室研究，答复现行安排及理由。",
        reply="感谢您的建议。目前中心在周二、周四中午提供延时服务，您的建议已提交领导小组办公室研究，如有调整将在公示栏和网站公布。",
    ),
    Story(5, "visit", "谢永刚", "13703719898", "反映灵活就业社保补贴申请条件不清楚。", "sb_b"),
    Story(3, "phone", "韩雪梅", "13603713434", "反映老年人优待证信息有误需更正。", "window_a"),
    Story(2, "letter", "唐浩然", "东风社区 7 号楼", "反映楼顶防水层破损，雨天漏水。", None),
    Story(1, "online", "冯子涵", "13503718686", "询问居住证办理为何需要房屋租赁备案。", None),
    Story(0, "visit", "曾金花", "13903714747", "反映独生子女父母奖励金未发放。", None),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def load(stdout: Any) -> None:
    center = OrgUnit.objects.filter(code=CENTER).first()
    if center is None:
        stdout.write("来信来访：未找到演示中心，跳过。")
        return
    if Petition.objects.filter(center=center).exists():
        stdout.write("来信来访：演示数据已存在，跳过。")
        return
    users = {u.username: u for u in get_user_model().objects.filter(staff__isnull=False)}
    director, clerk = users["director"], users["window_b"]
    if settings_for(center=center).pk is None:
        petition_settings_set(center=center, ordinary_days=10, major_days=30, actor=director)
    today = timezone.localdate()
    now = timezone.now()
    for story in STORIES:
        received = today - dt.timedelta(days=story.ago)
        phone = story.contact if story.contact[0].isdigit() else ""
        petition = petition_register(
            actor=clerk,
            channel=story.channel,
            person_name=story.name,
            person_org=story.org,
            phone=phone,
            address="" if phone else story.contact,
            received_on=received,
            content=story.content,
            category=story.category,
        )
        steps: list[tuple[str, dt.datetime]] = [("petition_register", _at(received, 9, 30))]
        if story.outside is not None:
            petition_answer_outside_remit(
                petition=petition,
                explanation=story.outside[0],
                where_to_go=story.outside[1],
                reply_method="letter" if story.channel == "letter" else "phone",
                actor=director,
            )
            steps.append(("petition_outside_remit", _at(received + dt.timedelta(days=2), 15)))
        if story.handler and story.handler in users:
            petition_assign(petition=petition, handler=users[story.handler].staff, actor=director)
            steps.append(("petition_assign", _at(received, 11)))
            if story.interim:
                petition_reply(petition=petition, method="phone", text=story.interim, actor=users[story.handler])
                steps.append(("petition_reply", _at(received + dt.timedelta(days=1), 10)))
            closed = received + dt.timedelta(days=story.closed_after) if story.closed_after is not None else None
            if closed is not None and _at(closed, 16) < now:
                petition_close(
                    petition=petition,
                    outcome=story.outcome,
                    reply_method="letter" if story.channel == "letter" else "phone",
                    reply_text=story.reply,
                    actor=users[story.handler],
                )
                steps.append(("petition_close", _at(closed, 16)))
        _backdate(petition, {verb: min(at, now) for verb, at in steps})
    overdue = Petition.objects.filter(center=center).overdue(now).count()
    stdout.write(f"来信来访：{len(STORIES)} 件（近 30 天），其中超期 {overdue} 件。")


def _backdate(petition: Petition, when: dict[str, dt.datetime]) -> None:
    for event in PetitionEvent.objects.filter(petition=petition):
        at = when.get(event.verb)
        if at is not None:
            PetitionEvent.objects.filter(pk=event.pk).update(created_at=at)
    Petition.objects.filter(pk=petition.pk).update(created_at=when["petition_register"])
    if "petition_assign" in when:
        Petition.objects.filter(pk=petition.pk).update(assigned_at=when["petition_assign"])
    closed_at = when.get("petition_close") or when.get("petition_outside_remit")
    if closed_at is not None:
        Petition.objects.filter(pk=petition.pk).update(
            closed_at=closed_at, assigned_at=when.get("petition_assign", closed_at)
        )
        PetitionReply.objects.filter(petition=petition, is_final=True).update(replied_at=closed_at)
    if "petition_reply" in when:
        PetitionReply.objects.filter(petition=petition, is_final=False).update(replied_at=when["petition_reply"])
