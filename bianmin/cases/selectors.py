"""Every read of cases a view makes: scoped to the acting user, bounded, with a fixed number of queries.

Lists are keyset-paginated on (due_at, id) so a page costs the same at row 10 and at row 2,000,000, and they
read only open cases, which the partial indexes on `Case` cover.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from bianmin.cases import deadlines
from bianmin.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseForwarding,
    CaseHandover,
    CaseMaterial,
    CasePause,
    JointTask,
    Notice,
    OneTimeNotificationFailure,
    ProxyAuthorization,
    Status,
    SupplementRequest,
    WindowReferral,
)

# oversight's rating page finds it here.
from bianmin.cases.progress_query import progress_by_token as progress_by_token
from bianmin.cases.timeline import staff_wording
from bianmin.catalog.models import ItemVersion, Mode, ServiceItem
from bianmin.catalog.selectors import published_items
from bianmin.core.personal_data import mask_id_number, mask_phone
from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import WorkCalendar
from bianmin.org.access import get_in_scope, scope_filter, staff_of
from bianmin.org.models import OrgUnit, Post, Role, Staff, Window
from bianmin.org.selectors import user_center

OPEN = [s.value for s in OPEN_STATUSES]
PAGE_SIZE = 30
LIST_RELATED = ("window", "assignee")
CASE_NUMBER_RE = re.compile(r"^\d{6,12}-\d{4}-\d{3,6}$")


# --- pages ----------------------------------------------------------------------------------------------------


@dataclass
class Row:
    case: Case
    mark: deadlines.DueMark
    url: str = ""  # the case's page

    # `get_status_display()` rebuilds and hashes the whole choices list (translating every label) on each call:
    # ~20 translations a row on 50-row lists. These look the one label up.
    @property
    def status_label(self) -> str:
        return str(_STATUS_LABELS.get(self.case.status, self.case.status))

    @property
    def mode_label(self) -> str:
        return str(_MODE_LABELS.get(self.case.mode, self.case.mode))


_STATUS_LABELS = dict(Status.choices)
_MODE_LABELS = dict(Mode.choices)


@dataclass
class Page:
    rows: list[Row]
    next_cursor: str | None


def encode_cursor(due_at: dt.datetime, pk: int) -> str:
    raw = f"{due_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[dt.datetime, int] | None:
    """A bad or forged cursor means "first page", never an error."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.split("|")
        due = dt.datetime.fromisoformat(moment)
        if due.tzinfo is None:
            return None
        return due, int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def case_mark(case: Case, *, now: dt.datetime, cal: WorkCalendar) -> deadlines.DueMark:
    """The deadline badge of a case, the same on lists and on its page: none once the clock has stopped (a
    completed case waits for delivery, it is never "due today")."""
    if case.status == Status.COMPLETED:
        return deadlines.DueMark("ready", "待送达")
    if not case.is_open:
        return deadlines.DueMark("", "")
    return deadlines.due_mark(
        due=case.due_at, now=now, paused=case.status == Status.WAITING, cal=cal, hours=case.center.office_hours
    )


def mark_rows(cases: list[Case], *, now: dt.datetime | None = None) -> list[Row]:
    now = now or timezone.now()
    cal = work_calendar()
    # One reversal for the list, not one per row: case numbers are letters, digits and hyphens.
    page_url = reverse("cases:detail", args=["0"])[:-2]
    return [Row(c, case_mark(c, now=now, cal=cal), f"{page_url}{c.number}/") for c in cases]


def _keyset(qs: QuerySet[Case], cursor: str | None, limit: int) -> Page:
    qs = qs.filter(due_at__isnull=False).order_by("due_at", "id")
    after = decode_cursor(cursor)
    if after is not None:
        due, pk = after
        qs = qs.filter(Q(due_at__gt=due) | Q(due_at=due, id__gt=pk))
    # The page's ids first, then its rows: the ids come from the open-cases partial index alone (an index-only scan
    # and a sort of index entries), so only the page's rows are read from the table, not every open case of the
    # center (2,000 at city scale: 8 ms of heap reads for the director board).
    ids = qs.values("id")[: limit + 1]
    cases = list(qs.filter(id__in=ids))
    more = len(cases) > limit
    cases = cases[:limit]
    nxt = encode_cursor(cases[-1].due_at, cases[-1].pk) if more and cases[-1].due_at else None
    return Page(mark_rows(cases), nxt)


def _list_qs() -> QuerySet[Case]:
    return Case.objects.select_related("window", "assignee", "center").only(
        "number",
        "item_name",
        "mode",
        "status",
        "applicant_name",
        "due_at",
        "received_at",
        "is_proxy",
        "supplement_pending",
        "window__number",
        "window__name",
        "assignee__name",
        "center__morning_start",
        "center__morning_end",
        "center__afternoon_start",
        "center__afternoon_end",
        "center__name",
    )


# --- the window workbench -------------------------------------------------------------------------------------


def my_cases(*, user: Any, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page:
    staff = staff_of(user)
    if staff is None:
        return Page([], None)
    return _keyset(_list_qs().filter(assignee=staff, status__in=OPEN), cursor, limit)


def _received(staff: Staff) -> Q:
    return Q(assignee=staff, status=Status.RECEIVED)


def _handovers_in_qs(staff: Staff) -> QuerySet[CaseHandover]:
    return CaseHandover.objects.filter(to_staff=staff, acknowledged_at__isnull=True)


def _handovers_out_qs(staff: Staff) -> QuerySet[CaseHandover]:
    return CaseHandover.objects.filter(from_staff=staff, acknowledged_at__isnull=True)


def _tasks_qs(staff: Staff) -> QuerySet[JointTask]:
    mine = Q(assignee=staff)
    if staff.role == Role.HANDLER and staff.department_id:
        mine |= Q(department_id=staff.department_id)
    return JointTask.objects.filter(mine, state=JointTask.State.OPEN, case__status=Status.IN_PROGRESS)


@dataclass(frozen=True)
class WorkbenchPanels:
    """Which of the workbench's side lists have anything to show."""

    received: bool = False
    handovers_in: bool = False
    handovers_out: bool = False
    tasks: bool = False


def workbench_panels(*, user: Any) -> WorkbenchPanels:
    """The four side lists' "anything there?" in one statement, on the same conditions as the lists themselves:
    on most requests they are all empty, and four empty lists would cost four queries."""
    staff = staff_of(user)
    if staff is None:
        return WorkbenchPanels()
    found = (
        Staff.objects.filter(pk=staff.pk)
        .annotate(
            received=Exists(Case.objects.filter(_received(staff))),
            handovers_in=Exists(_handovers_in_qs(staff)),
            handovers_out=Exists(_handovers_out_qs(staff)),
            tasks=Exists(_tasks_qs(staff)),
        )
        .values("received", "handovers_in", "handovers_out", "tasks")
        .first()
    )
    return WorkbenchPanels(**found) if found else WorkbenchPanels()


def my_received(*, user: Any, limit: int = 50) -> list[Case]:
    """Cases received but not yet decided on, held by the user (e.g. handed over to them and acknowledged)."""
    staff = staff_of(user)
    if staff is None:
        return []
    return list(_list_qs().filter(_received(staff)).order_by("received_at", "id")[:limit])


def handovers_in(*, user: Any, limit: int = 50) -> list[CaseHandover]:
    staff = staff_of(user)
    if staff is None:
        return []
    return list(_handovers_in_qs(staff).select_related("case", "from_staff").order_by("created_at", "id")[:limit])


def handovers_out(*, user: Any, limit: int = 50) -> list[CaseHandover]:
    staff = staff_of(user)
    if staff is None:
        return []
    return list(_handovers_out_qs(staff).select_related("case", "to_staff").order_by("created_at", "id")[:limit])


def my_tasks(*, user: Any, limit: int = 100) -> list[JointTask]:
    """Open joint-case tasks of the user's department (handlers) or assigned to the user."""
    staff = staff_of(user)
    if staff is None:
        return []
    return list(_tasks_qs(staff).select_related("case", "department", "assignee").order_by("due_at", "id")[:limit])


# --- the director ---------------------------------------------------------------------------------------------


def _center_ids(center: OrgUnit) -> list[int]:
    """The ids of the center and the units under it, read once per center object.

    A list rather than a subquery: with `center_id IN (SELECT … path LIKE …)` PostgreSQL cannot tell which centers
    match and reads every open case of the city through the status-only partial index (200,000 rows at city scale
    for the director board); with literal ids it narrows through the center's partial index."""
    ids: list[int] | None = getattr(center, "_subtree_ids", None)
    if ids is None:
        ids = list(OrgUnit.objects.subtree(center).values_list("id", flat=True))
        center._subtree_ids = ids  # type: ignore[attr-defined]
    return ids


def director_center(*, user: Any) -> OrgUnit | None:
    return user_center(user=user)


def center_open_cases(
    *,
    user: Any,
    window_id: int | None = None,
    assignee_id: int | None = None,
    overdue_only: bool = False,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """The center's open cases by deadline: overdue first, then the nearest."""
    center = director_center(user=user)
    if center is None:
        return Page([], None)
    qs = _list_qs().filter(center_id__in=_center_ids(center), status__in=OPEN)
    if window_id is not None:
        qs = qs.filter(window_id=window_id)
    if assignee_id is not None:
        qs = qs.filter(assignee_id=assignee_id)
    if overdue_only:
        qs = qs.filter(due_at__lt=timezone.now()).exclude(status__in=[Status.WAITING, Status.COMPLETED])
    return _keyset(qs, cursor, limit)


@dataclass
class Workload:
    window_id: int | None
    window_number: int | None
    window_name: str
    assignee_id: int | None
    assignee_name: str
    open: int
    overdue: int
    due_soon: int


def center_workload(*, user: Any) -> list[Workload]:
    """Open, overdue and due-soon counts per window and staff member: one grouped query."""
    center = director_center(user=user)
    if center is None:
        return []
    now = timezone.now()
    cal = work_calendar()
    today = timezone.localdate()
    soon = dt.datetime.combine(cal.next_workday(today) + dt.timedelta(days=1), dt.time.min, tzinfo=cal.tz)
    running = [Status.ACCEPTED, Status.IN_PROGRESS, Status.FORWARDED]
    rows = (
        Case.objects.filter(center_id__in=_center_ids(center), status__in=OPEN)
        .values("window_id", "window__number", "window__name", "assignee_id", "assignee__name")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due_at__lt=now, status__in=running)),
            due_soon=Count("id", filter=Q(due_at__gte=now, due_at__lt=soon, status__in=running)),
        )
        .order_by("window__number", "assignee__name")
    )
    return [
        Workload(
            r["window_id"],
            r["window__number"],
            r["window__name"] or "",
            r["assignee_id"],
            r["assignee__name"] or "",
            r["open"],
            r["overdue"],
            r["due_soon"],
        )
        for r in rows
    ]


def joint_board(*, user: Any, cursor: str | None = None, limit: int = 20) -> tuple[Page, dict[int, list[JointTask]]]:
    """Open joint cases of the center with their department tasks (two queries per page)."""
    center = director_center(user=user)
    if center is None:
        return Page([], None), {}
    qs = _list_qs().filter(center_id__in=_center_ids(center), status__in=OPEN, mode=Mode.JOINT)
    page = _keyset(qs, cursor, limit)
    tasks: dict[int, list[JointTask]] = {row.case.pk: [] for row in page.rows}
    if tasks:
        for task in (
            JointTask.objects.filter(case_id__in=list(tasks))
            .select_related("department", "assignee")
            .order_by("due_at", "id")
        ):
            tasks[task.case_id].append(task)
    return page, tasks


def pending_signoffs(*, user: Any, limit: int = 50) -> list[SupplementRequest]:
    return list(
        scope_filter(SupplementRequest.objects.all(), user, "case__center__path")
        .filter(state=SupplementRequest.State.PENDING)
        .select_related("case", "requested_by")
        .order_by("requested_at", "id")[:limit]
    )


def center_pending_handovers(*, user: Any, limit: int = 50) -> list[CaseHandover]:
    center = director_center(user=user)
    if center is None:
        return []
    return list(
        CaseHandover.objects.filter(case__center_id__in=_center_ids(center), acknowledged_at__isnull=True)
        .select_related("case", "from_staff", "to_staff")
        .order_by("created_at", "id")[:limit]
    )


def notification_failures(*, user: Any, since: dt.date | None = None) -> QuerySet[OneTimeNotificationFailure]:
    """One-time-notification failures (§8(3)(1)) in the user's scope, for accountability."""
    qs = scope_filter(OneTimeNotificationFailure.objects.all(), user, "center__path").select_related(
        "case", "responsible", "approved_by", "center"
    )
    if since is not None:
        qs = qs.filter(created_at__date__gte=since)
    return qs.order_by("-created_at", "-id")


def referrals(*, user: Any, limit: int = 30) -> list[WindowReferral]:
    return list(
        scope_filter(WindowReferral.objects.all(), user, "center__path")
        .select_related("item", "to_window", "referred_by")
        .order_by("-created_at", "-id")[:limit]
    )


# --- the district ---------------------------------------------------------------------------------------------


def district_cases(*, user: Any, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page:
    """Cases forwarded to the user's district unit (or below it) and not yet answered."""
    staff = staff_of(user)
    if staff is None and not getattr(user, "is_superuser", False):
        return Page([], None)
    qs = scope_filter(_list_qs(), user, "forwarding__district__path").filter(status=Status.FORWARDED)
    return _keyset(qs, cursor, limit)


def district_answered(*, user: Any, limit: int = 20) -> list[CaseForwarding]:
    return list(
        scope_filter(CaseForwarding.objects.all(), user, "district__path")
        .filter(result_at__isnull=False)
        .select_related("case", "result_by")
        .order_by("-result_at", "-id")[:limit]
    )


# --- one case -------------------------------------------------------------------------------------------------


# The staff a case names (read apart from the case: see `case_for_user`).
CASE_STAFF = ("assignee", "received_by", "accepted_by")


def _attach_staff(rows: list[tuple[Any, tuple[str, ...]]], staff: dict[int, Staff]) -> None:
    """Set each row's staff fields from `staff` (id → Staff), reading any not in it in one query."""
    wanted = {getattr(row, f"{name}_id") for row, names in rows for name in names}
    missing = wanted - staff.keys() - {None}
    if missing:
        staff.update({s.pk: s for s in Staff.objects.filter(pk__in=missing)})
    for row, names in rows:
        for name in names:
            pk = getattr(row, f"{name}_id")
            if pk is not None and pk in staff:
                setattr(row, name, staff[pk])


def case_for_user(*, user: Any, number: str) -> Case:
    """A case the user may see (404 for missing and out of scope alike).

    Its three staff (often one person) come in a second query: joined in, the nine tables cost PostgreSQL ~4 ms of
    planning for 0.2 ms of execution (measured at city scale)."""
    case = get_in_scope(
        Case.objects.select_related("center", "window", "item", "item_version"),
        user,
        "center__path",
        number=number,
    )
    _attach_staff([(case, CASE_STAFF)], {})
    return case


def case_page_for_user(*, user: Any, number: str) -> tuple[Case, list[Staff]]:
    """The case page's case (404 as `case_for_user`), with whether it has pauses, handovers and supplement requests
    (so `case_detail` reads only the parts that exist), and the center's active staff (`center_staff_rows`): the
    names of the case's own three and the choices of the page's staff pickers."""
    has = {
        "has_pauses": Exists(CasePause.objects.filter(case=OuterRef("pk"))),
        "has_handovers": Exists(CaseHandover.objects.filter(case=OuterRef("pk"))),
        "has_requests": Exists(SupplementRequest.objects.filter(case=OuterRef("pk"))),
    }
    case = get_in_scope(
        Case.objects.select_related("center", "window", "item", "item_version").annotate(**has),
        user,
        "center__path",
        number=number,
    )
    rows = center_staff_rows(center=case.center)
    _attach_staff([(case, CASE_STAFF)], {s.pk: s for s in rows})  # someone since moved or left: read apart
    return case, rows


# The center's staff list changes a few times a year; the case page's names and pickers may lag this long behind
# (what is posted is checked against the database).
STAFF_ROWS_SECONDS = 60


def center_staff_rows(*, center: OrgUnit) -> list[Staff]:
    """`center_staff` as a list, kept in the cache for STAFF_ROWS_SECONDS."""
    key = f"cases:center-staff:{center.pk}"
    rows: list[Staff] | None = cache.get(key)
    if rows is None:
        rows = list(center_staff(center=center))
        cache.set(key, rows, STAFF_ROWS_SECONDS)
    return rows


@dataclass
class TimelineEntry:
    event: CaseEvent
    wording: str


@dataclass
class CaseDetail:
    case: Case
    materials: list[CaseMaterial]
    notices: list[Notice]
    timeline: list[TimelineEntry]
    pauses: list[CasePause]
    tasks: list[JointTask]
    handovers: list[CaseHandover]
    requests: list[SupplementRequest]
    forwarding: CaseForwarding | None
    proxy: ProxyAuthorization | None
    deadline: deadlines.CaseDeadline | None
    mark: deadlines.DueMark
    pending_handover: CaseHandover | None = None
    unaccounted: list[CaseMaterial] = field(default_factory=list)
    masked_id: str = ""
    masked_phone: str = ""
    # An online application: what the pre-review told the applicant to bring (its first notice).
    online_notice: list[dict[str, Any]] | None = None


def case_detail(*, case: Case) -> CaseDetail:
    """Everything the case page shows, in a fixed number of queries whatever the history's length."""
    from bianmin.cases.services import PREREVIEW_VERB, compute_deadline, prereview_notice_items

    materials = list(CaseMaterial.objects.filter(case=case).order_by("sort_order", "id"))
    notices = list(Notice.objects.filter(case=case).order_by("issued_at", "id"))
    # The staff named on materials and notices are the center's (its cached list, `center_staff_rows`), not joined
    # per row: a join reads and decrypts each person's phone again for every row.
    _attach_staff(
        [(m, ("received_by", "custodian", "disposed_by")) for m in materials] + [(n, ("issued_by",)) for n in notices],
        {s.pk: s for s in center_staff_rows(center=case.center)},
    )
    events = list(CaseEvent.objects.filter(case=case).select_related("actor__staff").order_by("created_at", "id"))
    # A case read by `case_page_for_user` says which parts it has; only those are read (tasks: joint cases only).
    pauses = (
        list(CasePause.objects.filter(case=case).order_by("started_at", "id"))
        if getattr(case, "has_pauses", True)
        else []
    )
    tasks = (
        list(
            JointTask.objects.filter(case=case)
            .select_related("department", "assignee", "completed_by")
            .order_by("due_at", "id")
        )
        if case.mode == Mode.JOINT
        else []
    )
    handovers = (
        list(
            CaseHandover.objects.filter(case=case).select_related("from_staff", "to_staff").order_by("created_at", "id")
        )
        if getattr(case, "has_handovers", True)
        else []
    )
    requests = (
        list(
            SupplementRequest.objects.filter(case=case)
            .select_related("requested_by", "decided_by", "notice")
            .order_by("requested_at", "id")
        )
        if getattr(case, "has_requests", True)
        else []
    )
    forwarding = (
        CaseForwarding.objects.filter(case=case).select_related("district", "forwarded_by", "result_by").first()
        if case.mode == Mode.FORWARDED
        else None
    )
    proxy = ProxyAuthorization.objects.filter(case=case).select_related("agent").first() if case.is_proxy else None
    cal = work_calendar()
    deadline = compute_deadline(case, cal, [deadlines.Pause(p.started_at, p.ended_at) for p in pauses])
    return CaseDetail(
        case=case,
        materials=materials,
        notices=notices,
        timeline=[TimelineEntry(e, staff_wording(e.verb)) for e in events],
        pauses=pauses,
        tasks=tasks,
        handovers=handovers,
        requests=requests,
        forwarding=forwarding,
        proxy=proxy,
        deadline=deadline,
        mark=case_mark(case, now=timezone.now(), cal=cal),
        pending_handover=next((h for h in handovers if h.acknowledged_at is None), None),
        unaccounted=[m for m in materials if m.custody == "held"],
        masked_id=mask_id_number(case.applicant_id_number) if case.applicant_id_number else "",
        masked_phone=mask_phone(case.applicant_phone) if case.applicant_phone else "",
        online_notice=next(
            (prereview_notice_items(case, e) for e in events if e.verb == PREREVIEW_VERB),
            None,
        ),
    )


def notice_for_user(*, user: Any, number: str, notice_id: int) -> Notice:
    return get_in_scope(
        Notice.objects.select_related("case", "center"), user, "center__path", case__number=number, pk=notice_id
    )


def task_for_user(*, user: Any, task_id: int) -> JointTask:
    return get_in_scope(
        JointTask.objects.select_related("case", "case__center"), user, "case__center__path", pk=task_id
    )


def handover_for_user(*, user: Any, handover_id: int) -> CaseHandover:
    return get_in_scope(
        CaseHandover.objects.select_related("case", "case__center"), user, "case__center__path", pk=handover_id
    )


def material_for_user(*, user: Any, material_id: int) -> CaseMaterial:
    return get_in_scope(
        CaseMaterial.objects.select_related("case", "case__center"), user, "case__center__path", pk=material_id
    )


def supplement_request_for_user(*, user: Any, request_id: int) -> SupplementRequest:
    return get_in_scope(
        SupplementRequest.objects.select_related("case", "case__center"), user, "case__center__path", pk=request_id
    )


# --- intake ---------------------------------------------------------------------------------------------------


def intake_items(*, center: OrgUnit, query: str = "", limit: int = 50) -> list[ServiceItem]:
    qs = published_items(center=center).select_related("department")
    query = query.strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__iexact=query) | Q(search_text__icontains=query.lower()))
    return list(qs.order_by("name")[:limit])


def intake_version(*, center: OrgUnit, item_id: int) -> ItemVersion:
    """The current version of an item published at `center`, with its item: what the intake screen and
    `services.case_intake` work from, in one query (404 for an item not public here)."""
    try:
        return (
            ItemVersion.objects.filter(item__in=published_items(center=center).filter(pk=item_id).values("pk"))
            .filter(number=F("item__version"))
            .select_related("item", "item__department")
            .get()
        )
    except (ItemVersion.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def staff_windows(*, user: Any) -> list[Window]:
    """The windows the user holds a post on today (A or B)."""
    staff = staff_of(user)
    if staff is None:
        return []
    today = timezone.localdate()
    return [
        p.window
        for p in Post.objects.active_on(today)
        .filter(staff=staff)
        .select_related("window")
        .order_by("kind", "window__number")
    ]


@dataclass
class WindowContact:
    window: Window
    posts: list[Post]


def item_window_contacts(*, center: OrgUnit, item: ServiceItem) -> list[WindowContact]:
    """Which window handles the item, and who sits there today (A post first) — for §4(1) referrals."""
    today = timezone.localdate()
    posts = Post.objects.active_on(today).select_related("staff").order_by("kind", "valid_from")
    windows = (
        item.windows.filter(center=center, is_active=True)
        .prefetch_related(Prefetch("posts", queryset=posts, to_attr="today_posts"))
        .order_by("number")
    )
    return [WindowContact(w, list(w.today_posts)) for w in windows]


def center_staff(*, center: OrgUnit) -> QuerySet[Staff]:
    return Staff.objects.filter(org_unit__path__startswith=center.path, is_active=True).order_by("name")


# --- online applications (网上预审) --------------------------------------------------------------------------------


def online_queue(*, user: Any, limit: int = 200) -> list[Case]:
    """Online applications of the user's centers still to be pre-reviewed, then awaiting the applicant at the window."""
    qs = Case.objects.select_related("center", "window").filter(
        submitted_online=True, status__in=[Status.SUBMITTED, Status.RECEIVED]
    )
    qs = scope_filter(qs, user, "center__path").order_by("status", "received_at", "id")
    return list(qs.defer("applicant_phone", "applicant_id_number")[:limit])


def online_case_for_user(*, user: Any, number: str) -> Case:
    return get_in_scope(
        Case.objects.select_related("center", "window", "item").filter(submitted_online=True),
        user,
        "center__path",
        number=number,
    )
