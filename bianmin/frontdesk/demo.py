"""Demo data: a realistic month of first inquiries at 长兴路街道便民服务中心 (410108001) and its 宏达 point.

Everything goes through the services, so numbers, events and handovers are what the real desk produces; only
timestamps are moved back afterwards to spread the month out. Idempotent: skipped once the center has inquiries.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from bianmin.core.selectors import work_calendar
from bianmin.frontdesk.models import Handover, HandoverEvent, Inquiry, InquiryEvent
from bianmin.frontdesk.services import handover_acknowledge, inquiry_register
from bianmin.org.models import OrgUnit, Post, Window

CENTER = "410108001"
POINT = "410108001001"
DAYS = 30

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = [
    "秀兰",
    "建国",
    "桂英",
    "志强",
    "丽娟",
    "海燕",
    "国庆",
    "淑珍",
    "红梅",
    "卫东",
    "玉梅",
    "建华",
    "春生",
    "晓燕",
    "明亮",
    "文静",
    "德胜",
    "凤英",
    "俊杰",
    "小红",
    "宏伟",
    "金花",
    "永刚",
    "雪梅",
    "子涵",
    "浩然",
]
ORGS = [
    "",
    "",
    "",
    "",
    "",
    "惠济区华联超市",
    "郑州市长兴物业服务有限公司",
    "宏达小区业主委员会",
    "长兴路小学",
    "惠济区某建筑劳务公司",
    "岗李村村委会",
    "东风社区居委会",
    "个体工商户",
]

# window number → matters asked there (§4(1) 一次性告知 is what "answered" usually means)
MATTERS: dict[int, list[str]] = {
    1: ["开具居住证明", "咨询代办服务", "开具无犯罪记录证明需要什么材料", "咨询各窗口办理事项", "咨询延时服务时间"],
    2: ["咨询最低生活保障申请条件", "申请临时救助", "办理老年人优待证", "咨询高龄津贴发放时间", "特困人员供养申请"],
    3: ["城乡居民养老保险缴费", "城乡居民医疗保险参保", "办理社保卡补换", "就业失业登记", "咨询灵活就业社保补贴"],
    4: ["办理生育登记", "独生子女父母光荣证补办", "计划生育奖励扶助申报", "咨询两癌筛查"],
    5: ["办理残疾人证", "申请残疾人两项补贴", "辅助器具申请", "咨询残疾人就业补贴"],
    6: ["退役军人优待证申领", "退役军人信息采集", "优抚对象抚恤金咨询"],
    7: ["办理居住证", "房屋租赁登记备案", "小区路灯报修", "市政管网报修咨询"],
}
OUTSIDE = [
    (
        "咨询不动产权证办理",
        "不动产登记不属于中心职能，已告知到惠济区不动产登记中心办理，并说明需携带的材料。",
        "0371-63300101",
    ),
    ("咨询营业执照注册", "市场主体登记由区市场监督管理局办理，已告知地址和网上办理渠道。", "0371-63300102"),
    ("反映邻里噪音纠纷", "属于治安调解事项，已告知向辖区派出所或社区人民调解委员会反映。", "0371-63300110"),
    ("咨询出入境证件办理", "出入境证件由区公安分局出入境接待大厅办理，已告知办公时间。", "0371-63300103"),
    ("咨询公积金提取", "住房公积金提取不属于中心职能，已告知到市住房公积金管理中心惠济办事处办理。", "0371-63300104"),
]
HANDOVER_MATERIALS = [
    "身份证复印件1份\n户口簿复印件1份",
    "困难情况说明1份\n收入证明1份",
    "医院诊断证明复印件1份\n一寸照片2张",
    "退役证复印件1份\n身份证复印件1份",
    "房屋租赁合同复印件1份",
]
DESK_ACCOUNTS = ["zh_a", "window_a", "window_b", "sb_a", "sb_b", "wj_a", "cl_a", "ty_a", "cj_a", "cj_b"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def _moment(rng: random.Random, day: dt.date, now: dt.datetime) -> dt.datetime | None:
    tz = timezone.get_current_timezone()
    morning = rng.random() < 0.6
    start, end = (dt.time(9, 0), dt.time(11, 50)) if morning else (dt.time(13, 30), dt.time(17, 20))
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    offset = rng.randint(0, minutes)
    moment = dt.datetime.combine(day, start, tzinfo=tz) + dt.timedelta(minutes=offset, seconds=rng.randint(0, 59))
    return moment if moment < now - dt.timedelta(minutes=1) else None


def load(stdout: Any) -> None:
    center = OrgUnit.objects.filter(code=CENTER).first()
    point = OrgUnit.objects.filter(code=POINT).first()
    if center is None:
        stdout.write("首问登记：未找到演示中心，跳过。")
        return
    if Inquiry.objects.filter(center=center).exists():
        stdout.write("首问登记：演示数据已存在，跳过。")
        return
    rng = random.Random(20130105)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[*DESK_ACCOUNTS, "hongda"])}
    windows = {w.number: w for w in Window.objects.filter(center=center)}
    today = timezone.localdate()
    a_post = {
        p.window.number: p.staff
        for p in Post.objects.active_on(today).filter(window__center=center, kind=Post.Kind.A).select_related("window")
    }
    staff_window = {
        p.staff.user.username: p.window.number
        for p in Post.objects.active_on(today)
        .filter(window__center=center)
        .select_related("staff__user", "window")
        .order_by("-kind")
    }
    now = timezone.now()
    cal = work_calendar()
    created: list[Inquiry] = []
    regulars = [(_name(rng), rng.choice(ORGS)) for _ in range(12)]  # people who come back

    for back in range(DAYS, -1, -1):
        day = today - dt.timedelta(days=back)
        if not cal.is_workday(day):
            continue
        for _ in range(rng.randint(7, 13)):
            moment = _moment(rng, day, now)
            if moment is None:
                continue
            username = rng.choice(DESK_ACCOUNTS)
            actor = users.get(username)
            if actor is None:
                continue
            created.append(_one(rng, actor, username, moment, windows, a_post, staff_window, regulars))
        if point is not None and "hongda" in users and rng.random() < 0.5:
            moment = _moment(rng, day, now)
            if moment is not None:
                created.append(
                    inquiry_register(
                        actor=users["hongda"],
                        channel=rng.choice(["in_person", "in_person", "phone"]),
                        visitor_name=_name(rng),
                        matter=rng.choice(["咨询居住证明开具", "咨询高龄津贴", "咨询医保缴费", "反映楼道照明"]),
                        result="answered",
                        result_note="已当场解答，告知所需材料。",
                        received_at=moment,
                    )
                )

    # Spread the events over the month, as if written at the desk.
    for inquiry in created:
        Inquiry.objects.filter(pk=inquiry.pk).update(created_at=inquiry.received_at)
        InquiryEvent.objects.filter(inquiry=inquiry).update(created_at=inquiry.received_at)
    _acknowledge_handovers(rng, now)
    stdout.write(f"首问登记：{len(created)} 条（近 {DAYS} 天），材料移交 {Handover.objects.count()} 件。")


def _one(
    rng: random.Random,
    actor: Any,
    username: str,
    moment: dt.datetime,
    windows: dict[int, Window],
    a_post: dict[int, Any],
    staff_window: dict[str, int],
    regulars: list[tuple[str, str]],
) -> Inquiry:
    own = staff_window.get(username, 1)
    phone_call = rng.random() < 0.3
    name, org = rng.choice(regulars) if rng.random() < 0.25 else (_name(rng), rng.choice(ORGS))
    if phone_call and rng.random() < 0.3:
        name = ""
    roll = rng.random()
    common: dict[str, Any] = {
        "actor": actor,
        "channel": "phone" if phone_call else "in_person",
        "visitor_name": name,
        "visitor_org": org,
        "visitor_phone": _phone(rng) if rng.random() < 0.4 else "",
        "received_at": moment,
    }
    if roll < 0.08:
        matter, guidance, phone = rng.choice(OUTSIDE)
        return inquiry_register(
            **common,
            matter=matter,
            result="outside_remit",
            result_note=guidance,
            phone_given=phone if phone_call else "",
        )
    if roll < 0.22:
        target = rng.choice([n for n in MATTERS if n != own and n in windows and n in a_post])
        handler = a_post[target]
        if handler.user_id == actor.pk:
            target, handler = own, None
        if handler is not None:
            handover = not phone_call and rng.random() < 0.45
            return inquiry_register(
                **common,
                matter=rng.choice(MATTERS[target]),
                result="referred",
                referred_window=windows[target],
                referred_staff=handler,
                referral_contact="handover" if handover else rng.choice(["present", "present", "contacted"]),
                materials=rng.choice(HANDOVER_MATERIALS) if handover else "",
                phone_given=(windows[target].center.phone if phone_call else ""),
                result_note="" if handover else "已引荐至经办窗口。",
            )
    matters = MATTERS.get(own, MATTERS[1])
    handled = roll > 0.75
    return inquiry_register(
        **common,
        matter=rng.choice(matters),
        result="handled" if handled else "answered",
        result_note="已受理，转入办件。" if handled else "已一次性告知所需条件、材料和办理时限。",
    )


def _acknowledge_handovers(rng: random.Random, now: dt.datetime) -> None:
    # All but the latest few are acknowledged within a day; those stay pending on both staff members' pages.
    rows = list(Handover.objects.order_by("-received_at").select_related("to_staff__user"))
    for index, handover in enumerate(rows):
        HandoverEvent.objects.filter(handover=handover).update(created_at=handover.received_at)
        Handover.objects.filter(pk=handover.pk).update(created_at=handover.received_at)
        if index < 3:
            continue
        at = min(handover.received_at + dt.timedelta(hours=rng.randint(1, 20)), now)
        handover_acknowledge(handover=handover, actor=handover.to_staff.user, note="材料已收到，清点无误。")
        Handover.objects.filter(pk=handover.pk).update(acknowledged_at=at)
        HandoverEvent.objects.filter(handover=handover, verb="handover_acknowledge").update(created_at=at)
