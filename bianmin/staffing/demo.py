"""Demo staffing for 长兴路街道便民服务中心 (410108001): a realistic month of attendance, leave, duty roster,
unmanned-window records and discipline inspections, up to the moment it is loaded.

Everything goes through the services (so every row has its events) with the times given explicitly. Random choices
are seeded by person and date, and every write is skipped when its row already exists: loading twice changes nothing.

Today (or the next working day): 何春燕 (A, window 2) is on personal leave and 康梦婷 (B) covers; 冯小雨 (B on windows
6 and 7) is on annual leave and 郑海波 (A, window 7) has not come in, so window 7 is unmanned — the director's
workbench raises the alert as soon as the board is looked at.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from bianmin.core.selectors import work_calendar
from bianmin.org.models import ExtendedHours, OrgUnit, Staff, Window
from bianmin.staffing import services
from bianmin.staffing.models import AttendanceDay, DutyShift, Inspection, Leave, UnmannedWindow

CENTER_CODE = "410108001"
WORKDAYS_BACK = 22  # about a month of working days before today, however many holidays fall in it
SWEEP_TIMES = ["09:01", "09:31", "12:01", "13:31", "14:01", "17:31"]


def _at(day: dt.date, clock: str) -> dt.datetime:
    hour, minute = (int(x) for x in clock.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


def _plus(moment: dt.datetime, minutes: int) -> dt.datetime:
    return moment + dt.timedelta(minutes=minutes)


class Demo:
    def __init__(self, center: OrgUnit, now: dt.datetime) -> None:
        self.center = center
        self.now = now
        self.today = timezone.localtime(now).date()
        self.cal = work_calendar()
        self.start = self.today
        while sum(1 for _ in self.cal.workdays(self.start, self.today)) < WORKDAYS_BACK:
            self.start -= dt.timedelta(days=1)
        self.staff = {
            s.user.username: s
            for s in Staff.objects.filter(org_unit=center, is_active=True).select_related("user", "org_unit")
        }
        self.director = self.staff["director"].user
        self.workdays = list(self.cal.workdays(self.start, self.today))  # before today
        self.focus = self.today if self.cal.is_workday(self.today) else self.cal.next_workday(self.today)

    def back(self, n: int) -> dt.date:
        """The n-th working day before today."""
        return self.workdays[-n] if n <= len(self.workdays) else self.workdays[0]

    # --- leave ---------------------------------------------------------------------------------------------------

    def leave(
        self,
        username: str,
        kind: str,
        start: dt.datetime,
        end: dt.datetime,
        reason: str,
        *,
        outcome: str = "approved",
        actual: tuple[dt.datetime, dt.datetime] | None = None,
        note: str = "",
    ) -> None:
        person = self.staff[username]
        if Leave.objects.filter(staff=person, start=start).exists():
            return
        asked = min(start - dt.timedelta(hours=15), self.now)
        leave = services.leave_request(
            staff=person, kind=kind, start=start, end=end, reason=reason, actor=person.user, now=asked
        )
        decided = min(asked + dt.timedelta(hours=1), self.now)
        if outcome == "requested":
            return
        if outcome == "refused":
            services.leave_refuse(leave=leave, actor=self.director, note=note or "当日窗口人手不足", now=decided)
            return
        services.leave_approve(leave=leave, actor=self.director, note=note or "同意", now=decided)
        if actual is not None:
            services.leave_return(
                leave=leave, actual_start=actual[0], actual_end=actual[1], actor=person.user, now=actual[1]
            )

    def leaves(self) -> None:
        d = self.back
        am, pm = "09:00", "17:30"
        self.leave("wj_a", Leave.Kind.ANNUAL, _at(d(9), am), _at(d(7), pm), "年休假，回老家探亲",
                   actual=(_at(d(9), am), _at(d(7), pm)))  # fmt: skip
        self.leave("sb_a", Leave.Kind.PERSONAL, _at(d(11), "13:30"), _at(d(11), pm), "孩子学校家长会",
                   actual=(_at(d(11), "13:30"), _at(d(11), pm)))  # fmt: skip
        # Training planned for two days, back half a day early: the actual period is shorter.
        self.leave("cj_a", Leave.Kind.TRAINING, _at(d(15), am), _at(d(14), pm), "参加区住建局业务培训",
                   actual=(_at(d(15), am), _at(d(14), "12:00")))  # fmt: skip
        self.leave("zh_a", Leave.Kind.SICK, _at(d(18), am), _at(d(18), pm), "感冒发烧，就医",
                   actual=(_at(d(18), am), _at(d(18), pm)))  # fmt: skip
        self.leave("handler", Leave.Kind.OFFICIAL, _at(d(4), "13:30"), _at(d(4), pm), "到区社保中心报送材料",
                   actual=(_at(d(4), "13:30"), _at(d(4), pm)))  # fmt: skip
        # Approved and taken, not yet cancelled: shows as 待销假.
        self.leave("ty_a", Leave.Kind.PERSONAL, _at(d(2), am), _at(d(2), "12:00"), "办理房产过户手续")
        self.leave("sb_b", Leave.Kind.PERSONAL, _at(d(6), am), _at(d(6), pm), "家中有事", outcome="refused",
                   note="当日社保窗口A岗请假，B岗不能同时离岗")  # fmt: skip
        # Today (or the next working day).
        f = self.focus
        self.leave("window_a", Leave.Kind.PERSONAL, _at(f, am), _at(f, pm), "陪同家人就医")
        self.leave("cj_b", Leave.Kind.ANNUAL, _at(f, am), _at(f, pm), "年休假")
        # Waiting for the director.
        upcoming = self.cal.next_workday(f)
        self.leave("cl_a", Leave.Kind.PERSONAL, _at(upcoming, "13:30"), _at(upcoming, pm), "办理个人事务",
                   outcome="requested")  # fmt: skip

    # --- roster --------------------------------------------------------------------------------------------------

    def roster(self) -> None:
        windows = {w.number: w for w in Window.objects.filter(center=self.center)}
        # The extended-hours sessions of the past month, as the org demo sets them for the weeks ahead.
        day = self.start
        while day < self.today:
            if day.weekday() in (1, 3) and self.cal.is_workday(day):
                ExtendedHours.objects.get_or_create(
                    center=self.center,
                    date=day,
                    start=dt.time(12, 0),
                    defaults={"end": dt.time(13, 30), "note": "午间延时服务"},
                )
            day += dt.timedelta(days=1)
        sessions = list(
            ExtendedHours.objects.filter(
                center=self.center, date__gte=self.start, date__lte=self.today + dt.timedelta(days=28)
            )
        )
        # The last session is left unstaffed on purpose: the roster page shows the gap.
        for index, session in enumerate(sessions[:-1]):
            for number, people in ((1, ["zh_a", "window_b"]), (3, ["sb_a", "sb_b"])):
                self.shift(session.date, session.start, session.end, DutyShift.Kind.EXTENDED, windows[number],
                           people[index % 2:] + people[: index % 2])  # fmt: skip
        rota = ["zh_a", "window_b", "sb_a", "ty_a"]
        day, turn = self.start, 0
        while day <= self.today + dt.timedelta(days=7):
            if day.weekday() == 5 and not self.cal.is_workday(day):
                self.shift(
                    day,
                    dt.time(9),
                    dt.time(12),
                    DutyShift.Kind.WEEKEND,
                    windows[1],
                    rota[turn % 4 :] + rota[: turn % 4],
                )
                turn += 1
            day += dt.timedelta(days=1)

    def shift(
        self, day: dt.date, start: dt.time, end: dt.time, kind: str, window: Window, candidates: list[str]
    ) -> None:
        if DutyShift.objects.filter(center=self.center, date=day, start=start, window=window).exists():
            return
        for username in candidates:
            try:
                services.duty_shift_add(
                    center=self.center,
                    date=day,
                    start=start,
                    end=end,
                    kind=kind,
                    window=window,
                    staff=self.staff[username],
                    actor=self.director,
                )
            except ValidationError:
                continue  # on leave or already on duty: the next one takes it
            return

    # --- attendance ----------------------------------------------------------------------------------------------

    def attendance(self) -> None:
        leaves: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
        for leave in Leave.objects.effective().filter(center=self.center):
            if leave.period is not None:
                leaves.setdefault(leave.staff_id, []).append(leave.period)
        weekend_duty = {
            (s.staff_id, s.date) for s in DutyShift.objects.filter(center=self.center, kind=DutyShift.Kind.WEEKEND)
        }
        day = self.start
        while day <= self.today:
            for username, person in self.staff.items():
                if AttendanceDay.objects.filter(staff=person, date=day).exists():
                    continue
                if self.cal.is_workday(day):
                    self.workday(username, person, day, leaves.get(person.pk, []))
                elif (person.pk, day) in weekend_duty:
                    rng = random.Random(f"{username}-{day}")
                    arrive = _at(day, "08:50") + dt.timedelta(seconds=rng.randint(0, 500))
                    self.punch(person, arrive, _at(day, "12:02") + dt.timedelta(seconds=rng.randint(0, 400)))
            day += dt.timedelta(days=1)

    def workday(
        self, username: str, person: Staff, day: dt.date, leaves: list[tuple[dt.datetime, dt.datetime]]
    ) -> None:
        rng = random.Random(f"{username}-{day}")
        hours = self.center.office_hours
        morning, afternoon = hours.sessions[0], hours.sessions[-1]
        opening = _at(day, f"{morning.start:%H:%M}")
        closing = _at(day, f"{afternoon.end:%H:%M}")
        off_morning = any(s <= opening and e >= _at(day, f"{morning.end:%H:%M}") for s, e in leaves)
        off_afternoon = any(s <= _at(day, f"{afternoon.start:%H:%M}") and e >= closing for s, e in leaves)
        if off_morning and off_afternoon:
            return
        if day == self.focus == self.today and username == "cj_a":
            return  # has not come in today: window 7 is unmanned
        if day == self.back(12) and username == "cl_a":
            return  # an absence without leave (旷工)
        start = _at(day, f"{afternoon.start:%H:%M}") if off_morning else opening
        end = _at(day, f"{morning.end:%H:%M}") if off_afternoon else closing
        check_in = _plus(start, -rng.randint(3, 22))
        check_out: dt.datetime | None = _plus(end, rng.randint(0, 14))
        roll = rng.random()
        if roll < 0.06:
            check_in = _plus(start, rng.randint(3, 35))  # late
        elif roll < 0.09:
            check_out = _plus(end, -rng.randint(10, 40))  # early
        elif roll < 0.11:
            check_out = None  # forgot to check out
        if day == self.back(8) and username == "sb_b":
            check_in = _at(day, "09:25")  # B of window 4 late while its A is on leave: window 4 unmanned 09:00–09:25
        if day == self.back(5) and username == "zh_a":
            check_out = None  # corrected by the director below
        self.punch(person, _plus(check_in, 0).replace(second=rng.randint(0, 59)), check_out)

    def punch(self, person: Staff, check_in: dt.datetime, check_out: dt.datetime | None) -> None:
        if check_in > self.now:
            return
        services.attendance_check_in(staff=person, actor=person.user, now=check_in)
        if check_out is not None and check_out <= self.now:
            services.attendance_check_out(staff=person, actor=person.user, now=check_out)

    def correction(self) -> None:
        day = self.back(5)
        row = AttendanceDay.objects.filter(staff=self.staff["zh_a"], date=day).first()
        if row is None or row.corrected or row.check_in is None:
            return
        services.attendance_correct(
            staff=self.staff["zh_a"],
            day=day,
            check_in=timezone.localtime(row.check_in).time(),
            check_out=dt.time(17, 32),
            reason="忘记签退，经查大厅监控于17:32正常下班",
            actor=self.director,
        )

    # --- unmanned windows ----------------------------------------------------------------------------------------

    def sweeps(self) -> None:
        for day in self.workdays:
            if UnmannedWindow.objects.filter(center=self.center, started_at__date=day).exists():
                continue
            for clock in SWEEP_TIMES:
                services.unmanned_sweep(_at(day, clock), centers=[self.center])
        incident = UnmannedWindow.objects.filter(
            center=self.center, window__number=4, started_at__date=self.back(8), acknowledged_at__isnull=True
        ).first()
        if incident is not None:
            services.unmanned_acknowledge(
                record=incident,
                note="A岗张玉兰年休假，已电话催促B岗赵丹到岗，9:25到岗",
                actor=self.director,
                now=_at(self.back(8), "09:20"),
            )

    # --- inspections ---------------------------------------------------------------------------------------------

    def inspections(self) -> None:
        inspector = self.staff["inspector"].user
        windows = {w.number: w for w in Window.objects.filter(center=self.center)}
        checks: list[tuple[int, str, int | None, str | None, str, str, str, str]] = [
            (20, "10:15", 1, "zh_a", Inspection.Rule.DRESS, "compliant", "", "着装规范，佩戴胸卡"),
            (17, "15:40", 3, "sb_b", Inspection.Rule.DRESS, "violation", "", "未佩戴胸卡，已当场提醒"),
            (13, "10:40", None, None, Inspection.Rule.TIDY, "compliant", "办事大厅", "大厅整洁，资料摆放整齐"),
            (10, "14:50", 6, "cj_b", Inspection.Rule.CONDUCT, "violation", "", "工作期间使用手机看视频约5分钟"),
            (7, "17:45", None, None, Inspection.Rule.SHUTDOWN, "compliant", "各窗口", "下班后计算机均已关闭并断电"),
            (4, "09:35", 2, "window_a", Inspection.Rule.MANNER, "compliant", "", "接待群众热情，使用文明用语"),
            (2, "11:10", 5, "cl_a", Inspection.Rule.SOFTWARE, "compliant", "", "电脑未安装游戏及无关软件"),
        ]
        for back, clock, number, username, rule, finding, place, note in checks:
            moment = _at(self.back(back), clock)
            if Inspection.objects.filter(center=self.center, inspected_at=moment).exists():
                continue
            services.inspection_record(
                center=self.center,
                inspected_at=moment,
                rule=rule,
                finding=finding,
                window=windows[number] if number else None,
                place=place,
                staff=self.staff[username] if username else None,
                note=note,
                actor=inspector,
                now=moment,
            )


def load(stdout: Any) -> None:
    center = OrgUnit.objects.filter(code=CENTER_CODE).first()
    if center is None:
        return
    demo = Demo(center, timezone.now())
    demo.leaves()
    demo.roster()
    demo.attendance()
    demo.correction()
    demo.sweeps()
    demo.inspections()
    stdout.write(
        f"考勤与岗位：{AttendanceDay.objects.filter(center=center).count()} 条考勤，"
        f"{Leave.objects.filter(center=center).count()} 条请假，"
        f"{DutyShift.objects.filter(center=center).count()} 个值班班次，"
        f"{UnmannedWindow.objects.filter(center=center).count()} 条无人值守记录，"
        f"{Inspection.objects.filter(center=center).count()} 条督查记录。"
    )
