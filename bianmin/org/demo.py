"""Demo organization: 惠济区 → 长兴路街道便民服务中心 and its communities, as the regulation describes.

Names of people are fictional; the leading group's composition follows §3 of the regulation. Idempotent: every
row is found by its natural key and updated in place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from bianmin.core.services import calendar_seed_statutory
from bianmin.org.models import Department, ExtendedHours, LeadingGroupMember, OrgUnit, Post, Role, Staff, Window

DEMO_PASSWORD = "bianmin-demo"
POSTS_FROM = dt.date(2026, 1, 1)

UNITS = [
    # code, name, short, level, parent code, hall kind, address, phone
    ("410108", "惠济区", "惠济", "district", None, "district_center", "惠济区天河路 1 号", "0371-63300000"),
    ("410108001", "长兴路街道", "长兴", "subdistrict", "410108", "center", "惠济区长兴路 88 号", "0371-63381234"),
    ("410108002", "迎宾路街道", "迎宾", "subdistrict", "410108", "center", "惠济区迎宾路 16 号", "0371-63385678"),
    ("410108001001", "宏达社区", "宏达", "community", "410108001", "point", "长兴路宏达小区 3 号楼", "0371-63381301"),
    ("410108001002", "长兴社区", "长兴社区", "community", "410108001", "point", "长兴路 120 号", "0371-63381302"),
    ("410108001003", "东风社区", "东风", "community", "410108001", "point", "东风路 45 号", "0371-63381303"),
    ("410108001201", "岗李村", "岗李", "community", "410108001", "point", "岗李村村委会", "0371-63381304"),
    ("410108002001", "迎宾社区", "迎宾社区", "community", "410108002", "point", "迎宾路 30 号", "0371-63385601"),
]

DEPARTMENTS = [
    ("ZH", "综合受理"),
    ("MZ", "民政办"),
    ("SB", "社会保障所"),
    ("WJ", "卫生健康办（计生）"),
    ("CL", "残疾人联合会"),
    ("TY", "退役军人服务站"),
    ("CJ", "城建办"),
]

WINDOWS = [
    (1, "综合受理窗口", "ZH", "咨询导办、综合受理、证明开具、代办服务登记"),
    (2, "民政窗口", "MZ", "最低生活保障、特困人员供养、临时救助、高龄津贴、老年人优待证"),
    (3, "社会保障窗口", "SB", "城乡居民养老保险、城乡居民医疗保险、就业失业登记、社保卡"),
    (4, "卫生健康窗口", "WJ", "生育登记、独生子女父母光荣证、计划生育奖励扶助"),
    (5, "残联窗口", "CL", "残疾人证办理、残疾人两项补贴、辅具申请"),
    (6, "退役军人服务窗口", "TY", "退役军人优待证、信息采集、优抚对象抚恤"),
    (7, "城建窗口", "CJ", "居住证、房屋租赁登记、市政设施报修"),
]

# username, name, job title, role, department code, employment, (window, post kind) list, unit code
ACCOUNTS: list[tuple[str, str, str, Role, str | None, str, list[tuple[int, str]], str]] = [
    ("admin", "周文博", "信息管理员", Role.ADMIN, None, "formal", [], "410108"),
    ("district", "钱思源", "区行政服务中心科员", Role.DISTRICT, None, "formal", [], "410108"),
    (
        "director",
        "毛丽华",
        "副主任科员、纪工委副书记，领导小组办公室主任",
        Role.DIRECTOR,
        "ZH",
        "formal",
        [],
        "410108001",
    ),
    ("inspector", "刘宝华", "党工委副书记、纪工委书记", Role.INSPECTOR, None, "formal", [], "410108001"),
    ("handler", "孙立群", "社会保障所经办人", Role.HANDLER, "SB", "formal", [], "410108001"),
    ("window_a", "何春燕", "民政办科员", Role.WINDOW, "MZ", "formal", [(2, "A")], "410108001"),
    ("window_b", "康梦婷", "综合受理员", Role.WINDOW, "ZH", "temporary", [(2, "B"), (1, "B")], "410108001"),
    ("zh_a", "李晓宁", "综合受理员", Role.WINDOW, "ZH", "formal", [(1, "A")], "410108001"),
    ("sb_a", "王建军", "社会保障所科员", Role.WINDOW, "SB", "formal", [(3, "A")], "410108001"),
    ("sb_b", "赵丹", "社会保障所协管员", Role.WINDOW, "SB", "temporary", [(3, "B"), (4, "B")], "410108001"),
    ("wj_a", "张玉兰", "卫生健康办科员", Role.WINDOW, "WJ", "formal", [(4, "A")], "410108001"),
    ("cl_a", "杨志刚", "残联专职委员", Role.WINDOW, "CL", "formal", [(5, "A")], "410108001"),
    ("ty_a", "吴国栋", "退役军人服务站站长", Role.WINDOW, "TY", "formal", [(6, "A"), (5, "B")], "410108001"),
    ("cj_a", "郑海波", "城建办科员", Role.WINDOW, "CJ", "formal", [(7, "A")], "410108001"),
    ("cj_b", "冯小雨", "城建办协管员", Role.WINDOW, "CJ", "temporary", [(7, "B"), (6, "B")], "410108001"),
    ("hongda", "阴华", "宏达社区党支部书记", Role.WINDOW, None, "formal", [], "410108001001"),
    ("yingbin", "陈静", "迎宾路街道便民服务中心主任", Role.DIRECTOR, None, "formal", [], "410108002"),
]

LEADING_GROUP = [
    # body, position, name, job title, account
    ("group", "leader", "陈立新", "办事处主任", None),
    ("group", "deputy", "康建国", "党工委副书记、人大政协工委主任", None),
    ("group", "deputy", "张志远", "党工委副书记、综治中心主任", None),
    ("group", "deputy", "刘宝华", "党工委副书记、纪工委书记", "inspector"),
    ("group", "deputy", "刘明辉", "党工委副书记", None),
    ("group", "member", "毛丽华", "副主任科员、纪工委副书记", "director"),
    ("group", "member", "师伟", "副主任科员、党政办主任", None),
    ("group", "member", "阴华", "副主任科员、宏达社区党支部书记", "hongda"),
    ("office", "leader", "毛丽华", "副主任科员、纪工委副书记", "director"),
    ("office", "deputy", "阴华", "副主任科员、宏达社区党支部书记", "hongda"),
    ("office", "member", "何春燕", "民政办科员", "window_a"),
    ("office", "member", "康梦婷", "综合受理员", "window_b"),
]


def load(stdout: Any) -> None:
    year = timezone.localdate().year
    calendar_seed_statutory(years=range(year - 2, year + 2))

    units: dict[str, OrgUnit] = {}
    for code, name, short, level, parent, hall, address, phone in UNITS:
        unit, _ = OrgUnit.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "level": level,
                "parent": units.get(parent) if parent else None,
                "hall_kind": hall,
                "address": address,
                "phone": phone,
                "complaint_phone": "0371-63380000" if level != "district" else "0371-63300012",
            },
        )
        units[code] = unit
    center = units["410108001"]

    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], _ = Department.objects.update_or_create(
            org_unit=center, code=code, defaults={"name": name, "phone": center.phone}
        )

    windows = {}
    for number, name, dept, scope in WINDOWS:
        window, _ = Window.objects.update_or_create(
            center=center, number=number, defaults={"name": name, "business_scope": scope}
        )
        window.departments.set([departments[dept]])
        windows[number] = window

    yingbin = units["410108002"]
    yb_window, _ = Window.objects.update_or_create(
        center=yingbin, number=1, defaults={"name": "综合受理窗口", "business_scope": "综合受理、咨询导办"}
    )

    User = get_user_model()
    accounts: dict[str, Staff] = {}
    for index, (username, name, title, role, dept_code, employment, posts, unit_code) in enumerate(ACCOUNTS, start=1):
        user, created = User.objects.get_or_create(username=username)
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        user.save()
        staff, _ = Staff.objects.update_or_create(
            user=user,
            defaults={
                "name": name,
                "job_title": title,
                "role": role,
                "org_unit": units[unit_code],
                "department": departments.get(dept_code) if dept_code else None,
                "employment": employment,
                "badge_number": f"CX{index:03d}",
                "phone": f"1390371{index:04d}",
            },
        )
        accounts[username] = staff
        for number, kind in posts:
            Post.objects.get_or_create(
                window=windows[number], staff=staff, kind=kind, defaults={"valid_from": POSTS_FROM}
            )
    Post.objects.get_or_create(
        window=yb_window, staff=accounts["yingbin"], kind="A", defaults={"valid_from": POSTS_FROM}
    )

    for order, (body, position, name, title, account) in enumerate(LEADING_GROUP):
        LeadingGroupMember.objects.update_or_create(
            org_unit=center,
            body=body,
            name=name,
            defaults={
                "position": position,
                "job_title": title,
                "staff": accounts.get(account) if account else None,
                "sort_order": order,
            },
        )

    # Extended hours (延时服务): Tuesday and Thursday lunch time for the coming four weeks.
    today = timezone.localdate()
    for offset in range(28):
        day = today + dt.timedelta(days=offset)
        if day.weekday() in (1, 3):
            ExtendedHours.objects.get_or_create(
                center=center,
                date=day,
                start=dt.time(12, 0),
                defaults={"end": dt.time(13, 30), "note": "午间延时服务"},
            )
    stdout.write(
        f"组织机构：{len(units)} 个单位，{len(windows) + 1} 个窗口，{len(accounts)} 个账号（密码 {DEMO_PASSWORD}）。"
    )
