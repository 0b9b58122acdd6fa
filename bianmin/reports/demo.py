"""Demo history for the dashboards and the assessment: the past months of the demo district's centers — cases
received and completed (a few late), ratings, first inquiries, letters and visits, attendance — and the scores of
the last quarter and of the year so far, with one staff member below the pass mark.

Bulk inserts consistent with the models (numbers are reserved from the same counters the services use, so later
numbers stay unique and gap-free). Idempotent: a center that already has assessment settings is left alone.
Everything is fictional; the random generator is seeded so every load tells the same story.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import F, Value, When
from django.utils import timezone

from bianmin.cases.deadlines import case_deadline
from bianmin.cases.models import Case, CaseEvent, Status
from bianmin.cases.services import DELAY_REASON_VERB
from bianmin.catalog.models import ItemVersion, Mode, ServiceItem
from bianmin.catalog.selectors import published_items
from bianmin.core.models import SerialCounter
from bianmin.core.numbering import format_serial
from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import WorkCalendar
from bianmin.frontdesk.models import Inquiry
from bianmin.frontdesk.services import inquiry_number_prefix
from bianmin.org.models import OrgUnit, Post, Staff
from bianmin.oversight.models import Rating
from bianmin.petitions.models import Petition
from bianmin.petitions.services import petition_number_prefix
from bianmin.reports.assessment import ASSESSED_ROLES
from bianmin.reports.models import AssessmentScore, AssessmentSettings
from bianmin.staffing.models import AttendanceDay, AttendanceEvent

DISTRICT_CODE = "410108"
MONTHS_BACK = 5
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
]
LOW_SCORER = "cl_a"  # the one member below the pass mark: often late, an unexcused absence, more bad reviews


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _reserve(scope: str, kind: str, year: int, count: int) -> range:
    """`count` consecutive serials from the counter the services use (inside the loader's transaction)."""
    counter, _created = SerialCounter.objects.select_for_update().get_or_create(
        scope=scope, kind=kind, year=year, defaults={"value": 0}
    )
    SerialCounter.objects.filter(pk=counter.pk).update(value=F("value") + count)
    return range(counter.value + 1, counter.value + count + 1)


def _at(day: dt.date, hour: int, minute: int, cal: WorkCalendar) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=cal.tz)


class History:
    def __init__(self, center: OrgUnit, now: dt.datetime, volume: int) -> None:
        self.center = center
        self.now = now
        self.cal = work_calendar()
        self.rng = random.Random(f"reports-{center.code}")
        today = now.astimezone(self.cal.tz).date()
        first = today.replace(day=1)
        for _ in range(MONTHS_BACK):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        self.start = first
        self.stop = today
        self.days = list(self.cal.workdays(self.start, self.stop))
        self.volume = volume  # cases on an average working day
        self.hours = center.office_hours

    def cases(self) -> list[Case]:
        rng = self.rng
        items = list(
            published_items(center=self.center).filter(windows__center=self.center).distinct().order_by("code")
        ) or list(published_items(center=self.center).order_by("code")[:30])
        if not items:
            return []
        versions = {v.item_id: v for v in ItemVersion.objects.filter(item__in=items, number=F("item__version"))}
        items = [i for i in items if i.pk in versions]
        posts = list(
            Post.objects.active_on(self.stop).filter(window__center=self.center).select_related("window", "staff")
        )
        if not items or not posts:
            return []
        by_window: dict[int, list[Post]] = {}
        for post in posts:
            by_window.setdefault(post.window_id, []).append(post)
        item_windows: dict[int, list[int]] = {}
        for item_id, window_id in ServiceItem.windows.through.objects.filter(
            serviceitem__in=items, window__center=self.center
        ).values_list("serviceitem_id", "window_id"):
            item_windows.setdefault(item_id, []).append(window_id)
        weights = [rng.choice([1, 1, 2, 3, 5, 8]) for _ in items]
        plan: list[tuple[dt.date, ServiceItem]] = []
        for index, day in enumerate(self.days):
            # A busier second half of the period, a dip before holidays: something for the trend line to show.
            trend = 0.8 + 0.4 * index / max(1, len(self.days) - 1)
            for _ in range(max(1, int(rng.gauss(self.volume * trend, self.volume / 4)))):
                plan.append((day, rng.choices(items, weights)[0]))
        by_year: dict[int, int] = {}
        for day, _item in plan:
            by_year[day.year] = by_year.get(day.year, 0) + 1
        serials = {year: iter(_reserve(self.center.code, "case", year, n)) for year, n in by_year.items()}
        created = []
        for day, item in plan:
            version = versions[item.pk]
            windows = [w for w in item_windows.get(item.pk, []) if w in by_window] or list(by_window)
            window_posts = by_window[rng.choice(windows)]
            a_posts = [p for p in window_posts if p.kind == Post.Kind.A] or window_posts
            staff = rng.choice(a_posts if rng.random() < 0.85 else window_posts).staff
            received = _at(day, rng.choice([9, 9, 10, 10, 10, 11, 14, 15, 16]), rng.randint(0, 59), self.cal)
            mode = item.default_mode
            days = int(version.snapshot.get("promised_limit") or 0) if mode != Mode.DIRECT else 0
            unit = version.snapshot.get("limit_unit") or "working"
            deadline = case_deadline(
                mode=mode,
                accepted_at=received,
                days=days,
                unit=unit,
                pauses=[],
                cal=self.cal,
                hours=self.hours,
            )
            due = deadline.due
            if mode == Mode.DIRECT:
                completed = received + dt.timedelta(minutes=rng.randint(10, 50))
            else:
                span = (due - received).total_seconds()
                late = rng.random() < (0.14 if staff.user.username == LOW_SCORER else 0.05)
                share = rng.uniform(1.02, 1.3) if late else rng.uniform(0.2, 0.95)
                completed = received + dt.timedelta(seconds=span * share)
            done = completed <= self.now  # else still being handled (and, if late, overdue now)
            serial = next(serials[day.year])
            created.append(
                Case(
                    number=format_serial(prefix=f"{self.center.code}-", year=day.year, value=serial),
                    year=day.year,
                    serial=serial,
                    center=self.center,
                    window_id=window_posts[0].window_id,
                    item=item,
                    item_version=version,
                    item_name=item.name,
                    mode=mode,
                    status=Status.DELIVERED if done else Status.IN_PROGRESS,
                    applicant_name=_name(rng),
                    received_by=staff,
                    assignee=staff,
                    received_at=received,
                    accepted_at=received,
                    accepted_by=staff,
                    limit_days=days,
                    limit_unit=unit,
                    due_at=due,
                    completed_at=completed if done else None,
                    delivered_at=completed + dt.timedelta(hours=1) if done else None,
                    closed_at=completed + dt.timedelta(hours=1) if done else None,
                    result="准予办理。" if done else "",
                    public_token=secrets.token_urlsafe(16),
                )
            )
        cases = Case.objects.bulk_create(created, batch_size=500)
        self.case_events(cases)
        return cases

    def case_events(self, cases: list[Case]) -> None:
        """The timeline each history case would have: received and accepted, then completed and delivered."""
        events = []
        for case in cases:
            actor = case.received_by.user if case.received_by else None
            steps: list[tuple[str, str, str, Any]] = [
                ("receive", "", Status.RECEIVED, case.received_at),
                ("accept", Status.RECEIVED, Status.ACCEPTED, case.received_at),
            ]
            if case.completed_at is not None:
                steps += [
                    ("complete", Status.ACCEPTED, Status.COMPLETED, case.completed_at),
                    ("deliver", Status.COMPLETED, Status.DELIVERED, case.delivered_at),
                ]
            else:
                steps.append(("start", Status.ACCEPTED, Status.IN_PROGRESS, case.received_at))
            late = case.completed_at is not None and case.due_at is not None and case.completed_at > case.due_at
            if late and not (case.received_by and case.received_by.user.username == LOW_SCORER):
                # most delays had a special reason on record; the low scorer's did not (raised by the daily sweep)
                steps.insert(-1, (DELAY_REASON_VERB, "", "", case.due_at))
            for verb, before, after, moment in steps:
                data = {}
                if verb == "complete" and case.completed_at and case.due_at:
                    data = {"on_time": case.completed_at <= case.due_at, "due_at": case.due_at.isoformat()}
                note = "申请人需补充外地证明，经主任同意延期办理。" if verb == DELAY_REASON_VERB else ""
                events.append(
                    CaseEvent(
                        case=case, actor=actor, verb=verb, from_state=before, to_state=after, note=note, data=data
                    )
                )
                events[-1]._demo_at = moment  # type: ignore[attr-defined]
        made = CaseEvent.objects.bulk_create(events, batch_size=1000)
        # auto_now_add stamps the insert time: put each event back at the moment it happened.
        _backdate(CaseEvent, {e.pk: e._demo_at for e in made})  # type: ignore[attr-defined]

    def ratings(self, cases: list[Case]) -> int:
        rng = self.rng
        rows = []
        for case in cases:
            if case.completed_at is None or rng.random() > 0.6:
                continue
            low = case.assignee is not None and case.assignee.user.username == LOW_SCORER
            late = case.due_at is not None and case.completed_at > case.due_at
            weights = [2, 3, 6, 25, 64] if not (low or late) else [8, 10, 17, 30, 35]
            overall = rng.choices([1, 2, 3, 4, 5], weights)[0]
            created = case.completed_at + dt.timedelta(hours=rng.randint(1, 48))
            if created > self.now:
                continue
            bad = overall <= Rating.Level.DISSATISFIED
            rows.append(
                Rating(
                    case=case,
                    center=self.center,
                    staff=case.assignee,
                    overall=overall,
                    efficiency=max(1, min(5, overall + rng.choice([-1, 0, 0, 1]))),
                    service=overall,
                    attitude=max(1, min(5, overall + rng.choice([0, 0, 1]))),
                    comment="等的时间有点长。" if bad else "",
                    rectify_due_at=created + dt.timedelta(days=7) if bad else None,
                    # past bad reviews were rectified and the applicant called back (§ rectification, 整改)
                    rectification="已约谈经办人，整改到位。" if bad else "",
                    rectified_at=created + dt.timedelta(days=3) if bad else None,
                    rectified_by=case.assignee if bad else None,
                    callback_on=(created + dt.timedelta(days=4)).date() if bad else None,
                    callback_by=case.assignee if bad else None,
                    callback_outcome=Rating.CallbackOutcome.SATISFIED if bad else "",
                    callback_note="已电话回访，说明办理情况并致歉。" if bad else "",
                    created_at=created,
                )
            )
        Rating.objects.bulk_create(rows, batch_size=500)
        return len(rows)

    def inquiries(self, staff: list[Staff]) -> int:
        rng = self.rng
        desk = [s for s in staff if s.role in ASSESSED_ROLES] or staff
        if not desk:
            return 0
        plan = [(day, n) for day in self.days for n in range(rng.randint(2, 7))]
        serials = {}
        for year in {d.year for d, _n in plan}:
            serials[year] = iter(
                _reserve(self.center.code, "inquiry", year, sum(1 for d, _n in plan if d.year == year))
            )
        results = [
            (Inquiry.Result.ANSWERED, 55, "已当场解答办理条件和所需材料。"),
            (Inquiry.Result.HANDLED, 25, ""),
            (Inquiry.Result.REFERRED, 12, ""),
            (Inquiry.Result.OUTSIDE_REMIT, 8, "不属于中心职能，已告知向区不动产登记中心咨询。"),
        ]
        rows = []
        for day, _n in plan:
            result, _w, note = rng.choices(results, [r[1] for r in results])[0]
            who = rng.choice(desk)
            rows.append(
                Inquiry(
                    center=self.center,
                    number=format_serial(
                        prefix=inquiry_number_prefix(self.center), year=day.year, value=next(serials[day.year])
                    ),
                    channel=rng.choice([Inquiry.Channel.IN_PERSON] * 3 + [Inquiry.Channel.PHONE]),
                    visitor_name=_name(rng),
                    received_at=_at(day, rng.choice([9, 10, 11, 14, 15, 16]), rng.randint(0, 59), self.cal),
                    matter=rng.choice(["咨询低保申请条件", "咨询养老保险缴费", "咨询居住证办理", "咨询残疾人证办理"]),
                    result=result,
                    result_note=note or ("已引荐至相关窗口。" if result == Inquiry.Result.REFERRED else ""),
                    referral_contact=Inquiry.ReferralContact.PRESENT if result == Inquiry.Result.REFERRED else "",
                    first_contact=who,
                )
            )
        Inquiry.objects.bulk_create(rows, batch_size=500)
        return len(rows)

    def petitions(self, staff: list[Staff]) -> int:
        rng = self.rng
        if not staff:
            return 0
        registrar = next((s for s in staff if s.role == "director"), staff[0])
        plan = [day for day in self.days if rng.random() < 0.2]
        serials = {
            year: iter(_reserve(self.center.code, "petition", year, sum(1 for d in plan if d.year == year)))
            for year in {d.year for d in plan}
        }
        rows = []
        for day in plan:
            received = day
            due = dt.datetime.combine(received + dt.timedelta(days=11), dt.time(0), tzinfo=self.cal.tz)
            closed = _at(received + dt.timedelta(days=rng.randint(2, 13)), 16, 0, self.cal)
            closure = rng.choices([Petition.Closure.HANDLED, Petition.Closure.OUTSIDE_REMIT], [85, 15])[0]
            rows.append(
                Petition(
                    center=self.center,
                    number=format_serial(
                        prefix=petition_number_prefix(self.center), year=day.year, value=next(serials[day.year])
                    ),
                    channel=rng.choice(list(Petition.Channel.values)),
                    person_name=_name(rng),
                    received_on=received,
                    content=rng.choice(
                        ["反映小区道路积水", "反映低保审核进度", "反映楼道堆放杂物", "咨询拆迁安置政策"]
                    ),
                    category=Petition.Category.ORDINARY,
                    time_limit_days=10,
                    due_at=due,
                    status=Petition.Status.CLOSED if closed <= self.now else Petition.Status.ASSIGNED,
                    handler=registrar,
                    assigned_at=_at(received, 10, 0, self.cal),
                    closure=closure if closed <= self.now else "",
                    outcome="已答复来信来访人。" if closed <= self.now else "",
                    closed_at=closed if closed <= self.now else None,
                    closed_by=registrar if closed <= self.now else None,
                    registered_by=registrar,
                )
            )
        Petition.objects.bulk_create(rows, batch_size=500)
        return len(rows)

    def attendance(self, staff: list[Staff]) -> int:
        """Working days before the staffing demo's own records: mostly on time, some late, one unexcused day."""
        rng = self.rng
        first = AttendanceDay.objects.filter(center=self.center).order_by("date").values_list("date", flat=True).first()
        until = min(self.stop, first) if first else self.stop
        hours = self.hours
        rows = []
        for person in staff:
            low = person.user.username == LOW_SCORER
            for day in self.days:
                if day >= until:
                    break
                if low and day == self.days[len(self.days) // 2]:
                    continue  # an absence without leave
                late = rng.random() < (0.12 if low else 0.03)
                opening = _at(day, hours.opening.hour, hours.opening.minute, self.cal)
                check_in = opening + dt.timedelta(minutes=rng.randint(3, 40) if late else -rng.randint(3, 25))
                closing = _at(day, hours.closing.hour, hours.closing.minute, self.cal)
                rows.append(
                    AttendanceDay(
                        staff=person,
                        center=self.center,
                        date=day,
                        check_in=check_in,
                        check_out=closing + dt.timedelta(minutes=rng.randint(0, 15)),
                    )
                )
        made = AttendanceDay.objects.bulk_create(rows, batch_size=1000)
        events = []
        for row in made:
            if row.check_in is None or row.check_out is None:
                continue
            events.append(
                AttendanceEvent(
                    attendance=row, actor=row.staff.user, verb="check_in", data={"at": row.check_in.isoformat()}
                )
            )
            events.append(
                AttendanceEvent(
                    attendance=row, actor=row.staff.user, verb="check_out", data={"at": row.check_out.isoformat()}
                )
            )
        made_events = AttendanceEvent.objects.bulk_create(events, batch_size=1000)
        _backdate(AttendanceEvent, {e.pk: dt.datetime.fromisoformat(e.data["at"]) for e in made_events})
        return len(made)

    def scores(self, staff: list[Staff], actor: Any) -> int:
        rng = self.rng
        today = self.now.astimezone(self.cal.tz).date()
        quarter = (today.month - 1) // 3  # the last finished quarter of this year (0: none yet)
        AssessmentSettings.objects.get_or_create(center=self.center)
        rows = []
        for person in staff:
            if person.role not in ASSESSED_ROLES:
                continue
            low = person.user.username == LOW_SCORER
            for q in ([quarter] if quarter else []) + [0]:
                center_score = Decimal(rng.randint(48, 58) if low else rng.randint(78, 97))
                department_score = Decimal(rng.randint(55, 66) if low else rng.randint(80, 96))
                rows.append(
                    AssessmentScore(
                        center=self.center,
                        staff=person,
                        year=today.year,
                        quarter=q,
                        center_score=center_score,
                        department_score=department_score,
                        remarks=(
                            "迟到较多，有旷工一次，差评偏多，限期整改，建议调换岗位。"
                            if low
                            else rng.choice(
                                ["工作认真，服务热情。", "业务熟练，按时办结。", "能落实一次性告知，群众评价好。"]
                            )
                        )
                        if q == 0
                        else "",
                        updated_by=actor,
                    )
                )
        AssessmentScore.objects.bulk_create(rows, ignore_conflicts=True)
        return len(rows)


def _backdate(model: Any, moments: dict[int, Any]) -> None:
    """Set `created_at` of freshly inserted event rows, five hundred rows per UPDATE."""
    ids = list(moments)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        model.objects.filter(pk__in=chunk).update(
            created_at=SqlCase(*[When(pk=pk, then=Value(moments[pk])) for pk in chunk])
        )


def load(stdout: Any) -> None:
    district = OrgUnit.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        return
    now = timezone.now()
    centers = OrgUnit.objects.filter(path__startswith=district.path, hall_kind=OrgUnit.HallKind.CENTER).order_by("path")
    for center in centers:
        if AssessmentSettings.objects.filter(center=center).exists():  # the history's last step sets these
            stdout.write(f"统计演示历史（{center.name}）：已存在，跳过。")
            continue
        staff = list(Staff.objects.filter(org_unit=center, is_active=True).select_related("user"))
        if not staff:
            continue
        history = History(center, now, volume=14 if center.code.endswith("001") else 5)
        cases = history.cases()
        rated = history.ratings(cases)
        inquiries = history.inquiries(staff)
        petitions = history.petitions(staff)
        days = history.attendance(staff)
        director = next((s.user for s in staff if s.role == "director"), None)
        scores = history.scores(staff, director)
        stdout.write(
            f"统计演示历史（{center.name}，{history.start:%Y-%m-%d} 起）：{len(cases)} 件办件，{rated} 条评价，"
            f"{inquiries} 条首问登记，{petitions} 件来信来访，{days} 条考勤，{scores} 条考核得分。"
        )
