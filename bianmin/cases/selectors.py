"""Every read of cases a view makes: scoped to the acting user, bounded, with a fixed number of queries.

Lists are keyset-paginated on (due_at, id) so a page costs the same at row 10 and at row 2,000,000, and they
read only open cases, which the partial indexes on `Case` cover.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import router
from django.db.models import Exists, F, Min, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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
from bianmin.catalog.selectors import owner_paths, published_items, published_items_of
from bianmin.core.aggregates import Rows
from bianmin.core.compiled import CompiledRead
from bianmin.core.personal_data import mask_id_number, mask_phone
from bianmin.core.selectors import work_calendar
from bianmin.core.workcalendar import WorkCalendar
from bianmin.org.access import get_in_scope, scope_filter, scope_path, staff_of
from bianmin.org.models import OrgUnit, Post, Role, Staff, Window
from bianmin.org.selectors import user_center

M = TypeVar("M", bound=Model)

OPEN = [s.value for s in OPEN_STATUSES]
PAGE_SIZE = 30
LIST_RELATED = ("window", "assignee")
CASE_NUMBER_RE = re.compile(r"^\d{6,12}-\d{4}-\d{3,6}$")


# --- pages ----------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One case on a list, with what the list prints worked out once: the lists render 30 to 50 of these per page,
    and each filter, translation and related lookup in the template would otherwise run once per row."""

    case: Case | None  # the case itself where the list was read through the ORM (search, joint board)
    mark: deadlines.DueMark
    url: str = ""  # the case's page
    pk: int = 0
    number: str = ""
    item_name: str = ""
    applicant_name: str = ""
    is_proxy: bool = False
    status: str = ""
    status_label: str = ""
    mode_label: str = ""
    due_text: str = ""  # "m-d H:i" in the reader's time zone, "—" when the case has no deadline
    window_text: str = ""  # "3号窗口", "" when no window
    assignee_text: str = ""  # the clerk's name, "—" when nobody holds it
    received_text: str = ""  # "m-d H:i"


# `get_status_display()` rebuilds and hashes the whole choices list (translating every label) on each call:
# ~20 translations a row on 50-row lists. The rows look the one label up.
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


def status_mark(status: str, due: dt.datetime | None, *, now: dt.datetime, cal: WorkCalendar) -> deadlines.DueMark:
    """The deadline badge of a case in this state, the same on lists and on its page: none once the clock has
    stopped (a completed case waits for delivery, it is never "due today")."""
    if status == Status.COMPLETED:
        return deadlines.DueMark("ready", "待送达")
    if status not in OPEN_STATUSES:
        return deadlines.DueMark("", "")
    return deadlines.due_mark(due=due, now=now, paused=status == Status.WAITING, cal=cal)


def case_mark(case: Case, *, now: dt.datetime, cal: WorkCalendar) -> deadlines.DueMark:
    return status_mark(case.status, case.due_at, now=now, cal=cal)


# What a list row shows, as one values_list() row: the lists' fast reads select exactly these, and `mark_rows`
# takes the same out of cases read through the ORM.
ROW_COLUMNS = (
    "id",
    "number",
    "item_name",
    "applicant_name",
    "is_proxy",
    "status",
    "mode",
    "due_at",
    "window_id",
    "window__number",
    "assignee_id",
    "assignee__name",
    "received_at",
)
_ID, _DUE = ROW_COLUMNS.index("id"), ROW_COLUMNS.index("due_at")


def _row_values(c: Case) -> tuple[Any, ...]:
    window = c.window.number if c.window is not None else None
    assignee = c.assignee.name if c.assignee is not None else None
    return (
        c.pk,
        c.number,
        c.item_name,
        c.applicant_name,
        c.is_proxy,
        c.status,
        c.mode,
        c.due_at,
        c.window_id,
        window,
        c.assignee_id,
        assignee,
        c.received_at,
    )


def mark_rows(cases: list[Case], *, now: dt.datetime | None = None) -> list[Row]:
    """The list rows of these cases (their window and clerk loaded with them, as every list query does)."""
    return [
        dataclasses.replace(row, case=case)
        for row, case in zip(value_rows([_row_values(c) for c in cases], now=now), cases, strict=True)
    ]


def value_rows(values: list[tuple[Any, ...]], *, now: dt.datetime | None = None) -> list[Row]:
    """The list rows of `ROW_COLUMNS` rows, with their badges at `now`."""
    now = now or timezone.now()
    cal = work_calendar()
    tz = timezone.get_current_timezone()
    # Once for the list, not once per row: the URL (case numbers are letters, digits and hyphens) and the labels.
    page_url = reverse("cases:detail", args=["0"])[:-2]
    window_suffix, statuses, modes = _list_labels(get_language() or "")
    return [
        Row(
            None,
            status_mark(status, due, now=now, cal=cal),
            f"{page_url}{number}/",
            pk,
            number,
            item_name,
            applicant_name,
            is_proxy,
            status,
            statuses.get(status, status),
            modes.get(mode, mode),
            due.astimezone(tz).strftime("%m-%d %H:%M") if due else "—",
            f"{window_number}{window_suffix}" if window_id else "",
            (assignee_name if assignee_id else "") or "—",
            received.astimezone(tz).strftime("%m-%d %H:%M") if received else "",
        )
        for (
            pk,
            number,
            item_name,
            applicant_name,
            is_proxy,
            status,
            mode,
            due,
            window_id,
            window_number,
            assignee_id,
            assignee_name,
            received,
        ) in values
    ]


@functools.cache
def _list_labels(language: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The lists' fixed wording in this language (the window suffix, status and mode labels), translated once."""
    with translation.override(language or None):
        return (
            _("号窗口"),
            {code: str(label) for code, label in _STATUS_LABELS.items()},
            {code: str(label) for code, label in _MODE_LABELS.items()},
        )


def status_label(status: str) -> str:
    """A case status's label in the current language (`get_status_display()` without rebuilding the choices)."""
    return _list_labels(get_language() or "")[1].get(status, status)


def _first_page(read: CompiledRead, *args: Any, shape: Any = None, limit: int = PAGE_SIZE) -> Page:
    """The first page of a list through its compiled read (`_page_values` of the list's conditions)."""
    values = read.rows(*args, shape=shape)
    more = len(values) > limit
    values = values[:limit]
    last = values[-1] if values else None
    nxt = encode_cursor(last[_DUE], last[_ID]) if more and last is not None and last[_DUE] else None
    return Page(value_rows(values), nxt)


def _page_values(qs: QuerySet[Case], limit: int = PAGE_SIZE) -> QuerySet[Case]:
    """A list's first page as `ROW_COLUMNS` rows, the same statement `_keyset` runs without a cursor."""
    qs = qs.filter(due_at__isnull=False).order_by("due_at", "id")
    ids = qs.values("id")[: limit + 1]
    return Case.objects.filter(id__in=ids).order_by("due_at", "id").values_list(*ROW_COLUMNS)


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
    # The page's rows by their keys alone: the conditions again here would let the planner read every matching case
    # (a clerk's 400 open cases) and keep those among the ids.
    cases = list(_list_qs().filter(id__in=ids).order_by("due_at", "id"))
    more = len(cases) > limit
    cases = cases[:limit]
    nxt = encode_cursor(cases[-1].due_at, cases[-1].pk) if more and cases[-1].due_at else None
    return Page(mark_rows(cases), nxt)


def _list_qs() -> QuerySet[Case]:
    return _listed(Case.objects.all())


def _listed(qs: QuerySet[Case]) -> QuerySet[Case]:
    """A list's cases as model instances, with what the rows show of their window, clerk and center."""
    return qs.select_related("window", "assignee", "center").only(
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
    if cursor is None and limit == PAGE_SIZE:
        return _first_page(_MY_CASES, staff.pk)
    return _keyset(_list_qs().filter(assignee=staff, status__in=OPEN), cursor, limit)


_MY_CASES = CompiledRead(
    lambda staff_id: _page_values(Case.objects.filter(assignee_id=staff_id, status__in=OPEN)), keyed=True
)


def _received(staff_id: int) -> Q:
    return Q(assignee_id=staff_id, status=Status.RECEIVED)


def _handovers_in_qs(staff_id: int) -> QuerySet[CaseHandover]:
    return CaseHandover.objects.filter(to_staff_id=staff_id, acknowledged_at__isnull=True)


def _handovers_out_qs(staff_id: int) -> QuerySet[CaseHandover]:
    return CaseHandover.objects.filter(from_staff_id=staff_id, acknowledged_at__isnull=True)


def task_department(staff: Staff) -> int | None:
    """A handler's department's tasks are theirs too."""
    return staff.department_id if staff.role == Role.HANDLER and staff.department_id else None


def open_tasks_of(staff_id: int, department_id: int | None) -> QuerySet[JointTask]:
    """The open joint-case tasks assigned to the staff member or (`department_id`) their department, of cases still
    in progress. Each task's case is looked up by its key: joined to the cases table, a plan made once for all
    values (prepared statements) can walk that table's whole key index in search of the few cases."""
    mine = Q(assignee_id=staff_id)
    if department_id is not None:
        mine |= Q(department_id=department_id)
    status = Subquery(Case.objects.filter(pk=OuterRef("case_id")).order_by().values("status")[:1])
    return (
        JointTask.objects.filter(mine, state=JointTask.State.OPEN)
        .annotate(case_status=status)
        .filter(case_status=Status.IN_PROGRESS)
        .order_by()  # the default ordering starts with the case: a join to the cases table
    )


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
    department_id = task_department(staff)
    args = (staff.pk,) if department_id is None else (staff.pk, department_id)
    found = _PANELS.rows(*args)
    return WorkbenchPanels(*found[0]) if found else WorkbenchPanels()


def _panels_query(staff_id: int, department_id: int | None = None) -> QuerySet[Any, Any]:
    return (
        Staff.objects.filter(pk=staff_id)
        .annotate(
            received=Exists(Case.objects.filter(_received(staff_id))),
            handovers_in=Exists(_handovers_in_qs(staff_id)),
            handovers_out=Exists(_handovers_out_qs(staff_id)),
            tasks=Exists(open_tasks_of(staff_id, department_id)),
        )
        .values_list("received", "handovers_in", "handovers_out", "tasks")
    )


_PANELS = CompiledRead(_panels_query, keyed=True)


def my_received(*, user: Any) -> list[Row]:
    """Cases received but not yet decided on, held by the user (e.g. handed over to them and acknowledged): the
    first 50, oldest first."""
    staff = staff_of(user)
    if staff is None:
        return []
    return value_rows(_MY_RECEIVED.rows(staff.pk))


_MY_RECEIVED = CompiledRead(
    lambda staff_id: (
        Case.objects.filter(_received(staff_id)).order_by("received_at", "id").values_list(*ROW_COLUMNS)[:50]
    ),
    keyed=True,
)


def handovers_in(*, user: Any, limit: int = 50) -> list[CaseHandover]:
    staff = staff_of(user)
    if staff is None:
        return []
    return list(_handovers_in_qs(staff.pk).select_related("case", "from_staff").order_by("created_at", "id")[:limit])


def handovers_out(*, user: Any, limit: int = 50) -> list[CaseHandover]:
    staff = staff_of(user)
    if staff is None:
        return []
    return list(_handovers_out_qs(staff.pk).select_related("case", "to_staff").order_by("created_at", "id")[:limit])


def my_tasks(*, user: Any, limit: int = 100) -> list[JointTask]:
    """Open joint-case tasks of the user's department (handlers) or assigned to the user."""
    staff = staff_of(user)
    if staff is None:
        return []
    return list(
        open_tasks_of(staff.pk, task_department(staff))
        .select_related("case", "department", "assignee")
        .order_by("due_at", "id")[:limit]
    )


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
    ids = _center_ids(center)
    before = timezone.now() if overdue_only else None
    if cursor is None and limit == PAGE_SIZE:
        flags = (window_id is not None, assignee_id is not None, before is not None)
        extra = [v for v in (window_id, assignee_id, before) if v is not None]
        return _first_page(_center_open_read(flags), *ids, *extra, shape=len(ids))
    return _keyset(_listed(_center_open_qs(ids, window_id, assignee_id, before)), cursor, limit)


def _center_open_qs(
    ids: Sequence[int], window_id: int | None, assignee_id: int | None, before: dt.datetime | None
) -> QuerySet[Case]:
    qs = Case.objects.filter(center_id__in=ids, status__in=OPEN)
    if window_id is not None:
        qs = qs.filter(window_id=window_id)
    if assignee_id is not None:
        qs = qs.filter(assignee_id=assignee_id)
    if before is not None:  # overdue: the clock still running and past its deadline
        qs = qs.filter(due_at__lt=before).exclude(status__in=[Status.WAITING, Status.COMPLETED])
    return qs


_CENTER_OPEN: dict[tuple[bool, bool, bool], CompiledRead] = {}


def _center_open_read(flags: tuple[bool, bool, bool]) -> CompiledRead:
    """The director board's first page, compiled once per combination of filters (and number of centers)."""
    read = _CENTER_OPEN.get(flags)
    if read is None:

        def build(*markers: Any) -> QuerySet[Case]:
            n = len(markers) - sum(flags)
            extra = iter(markers[n:])
            window_id, assignee_id, before = (next(extra) if on else None for on in flags)
            return _page_values(_center_open_qs(markers[:n], window_id, assignee_id, before))

        read = _CENTER_OPEN.setdefault(flags, CompiledRead(build))
    return read


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
    window_label: str = ""  # "3号窗口 综合受理"


def center_workload(*, user: Any) -> list[Workload]:
    """Open, overdue and due-soon counts per window and staff member: one grouped query."""
    center = director_center(user=user)
    if center is None:
        return []
    now = timezone.now()
    cal = work_calendar()
    today = timezone.localdate()
    soon = dt.datetime.combine(cal.next_workday(today) + dt.timedelta(days=1), dt.time.min, tzinfo=cal.tz)
    ids = _center_ids(center)
    window_suffix = _list_labels(get_language() or "")[0]
    return [
        Workload(
            window_id,
            window_number,
            window_name or "",
            assignee_id,
            assignee_name or "",
            n_open,
            overdue,
            due_soon,
            f"{window_number}{window_suffix} {window_name or ''}".rstrip() if window_id else "",
        )
        for window_id, window_number, window_name, assignee_id, assignee_name, n_open, overdue, due_soon in (
            _WORKLOAD.rows(*ids, now, soon, shape=len(ids))
        )
    ]


def _workload_query(*args: Any) -> QuerySet[Any, Any]:
    """(center ids…, now, the start of the day after the next working day)"""
    *ids, now, soon = args
    running = [Status.ACCEPTED, Status.IN_PROGRESS, Status.FORWARDED]
    # Grouped by the two ids (hashed), the names carried along: grouping by the names too sorts every open case.
    return (
        Case.objects.filter(center_id__in=ids, status__in=OPEN)
        .values("window_id", "assignee_id")
        .annotate(
            window_number=Min("window__number"),
            window_name=Min("window__name"),
            assignee_name=Min("assignee__name"),
            open=Rows(),
            overdue=Rows(Q(due_at__lt=now, status__in=running)),
            due_soon=Rows(Q(due_at__gte=now, due_at__lt=soon, status__in=running)),
        )
        .order_by("window_number", "assignee_name", "window_id", "assignee_id")
        .values_list(
            "window_id", "window_number", "window_name", "assignee_id", "assignee_name", "open", "overdue", "due_soon"
        )
    )


_WORKLOAD = CompiledRead(_workload_query)


def joint_board(*, user: Any, cursor: str | None = None, limit: int = 20) -> tuple[Page, dict[int, list[JointTask]]]:
    """Open joint cases of the center with their department tasks (two queries per page)."""
    center = director_center(user=user)
    if center is None:
        return Page([], None), {}
    qs = _list_qs().filter(center_id__in=_center_ids(center), status__in=OPEN, mode=Mode.JOINT)
    page = _keyset(qs, cursor, limit)
    tasks: dict[int, list[JointTask]] = {row.pk: [] for row in page.rows}
    if tasks:
        for task in (
            JointTask.objects.filter(case_id__in=list(tasks))
            .select_related("department", "assignee")
            .order_by("due_at", "id")
        ):
            tasks[task.case_id].append(task)
    return page, tasks


def _of_centers(qs: QuerySet[M], ids: Sequence[int]) -> QuerySet[M]:
    """The rows (few: pending ones) whose case belongs to these centers, each tested by its own case's key. Joined to
    the cases table instead, a plan made once for all values (prepared statements) can walk that table's whole key
    index looking for the few cases: 1 ms at city scale, and worse the higher the pending cases' ids."""
    center = Subquery(Case.objects.filter(pk=OuterRef("case_id")).order_by().values("center_id")[:1])
    # Unordered: the models' default ordering starts with the case, which would join the cases table again.
    return qs.annotate(case_center=center).filter(case_center__in=ids).order_by()


def _signoffs_qs(ids: Sequence[int]) -> QuerySet[SupplementRequest]:
    return _of_centers(SupplementRequest.objects.filter(state=SupplementRequest.State.PENDING), ids)


def _center_handovers_qs(ids: Sequence[int]) -> QuerySet[CaseHandover]:
    return _of_centers(CaseHandover.objects.filter(acknowledged_at__isnull=True), ids)


@dataclass(frozen=True)
class BoardPanels:
    """Which of the director board's side lists have anything to show."""

    signoffs: bool = False
    handovers: bool = False


def board_panels(*, user: Any) -> BoardPanels:
    """The board's "anything there?" for its side lists in one statement, on the lists' own conditions: usually
    nothing waits for a sign-off or an acknowledgement, and two empty lists would cost two queries."""
    center = director_center(user=user)
    if center is None:
        return BoardPanels()
    ids = _center_ids(center)
    found = _BOARD_PANELS.rows(*ids, shape=len(ids))
    return BoardPanels(*found[0]) if found else BoardPanels()


def _board_panels_query(*ids: Any) -> QuerySet[Any, Any]:
    return (
        OrgUnit.objects.filter(pk=ids[0])
        .annotate(signoffs=Exists(_signoffs_qs(ids)), handovers=Exists(_center_handovers_qs(ids)))
        .values_list("signoffs", "handovers")
    )


_BOARD_PANELS = CompiledRead(_board_panels_query)


def pending_signoffs(*, user: Any, limit: int = 50) -> list[SupplementRequest]:
    """Supplement requests beyond the first notice, waiting for the director's sign-off."""
    center = director_center(user=user)
    if center is None:
        return []
    return list(
        _signoffs_qs(_center_ids(center)).select_related("case", "requested_by").order_by("requested_at", "id")[:limit]
    )


def center_pending_handovers(*, user: Any, limit: int = 50) -> list[CaseHandover]:
    center = director_center(user=user)
    if center is None:
        return []
    return list(
        _center_handovers_qs(_center_ids(center))
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
    prefix = scope_path(user)
    if prefix and cursor is None and limit == PAGE_SIZE:
        return _first_page(_DISTRICT_OPEN, prefix)
    qs = scope_filter(_list_qs(), user, "forwarding__district__path").filter(status=Status.FORWARDED)
    return _keyset(qs, cursor, limit)


def _district_open(prefix: str) -> QuerySet[Case]:
    return _page_values(Case.objects.filter(forwarding__district__path__startswith=prefix, status=Status.FORWARDED))


_DISTRICT_OPEN = CompiledRead(_district_open)


@dataclass(frozen=True)
class Answered:
    """A forwarded case the district has answered, as its board lists it."""

    number: str
    item_name: str
    result_at: dt.datetime
    result_by: str
    result: str


ANSWERED_SHOWN = 20


def district_answered(*, user: Any) -> list[Answered]:
    """The last ANSWERED_SHOWN answers given by the user's district unit (or a unit under it), newest first."""
    prefix = scope_path(user)
    if prefix is None:
        return []
    return [Answered(*row) for row in _DISTRICT_ANSWERED.rows(prefix)]


def _district_answered(prefix: str) -> QuerySet[Any, Any]:
    return (
        CaseForwarding.objects.filter(district__path__startswith=prefix, result_at__isnull=False)
        .order_by("-result_at", "-id")
        .values_list("case__number", "case__item_name", "result_at", "result_by__name", "result")[:ANSWERED_SHOWN]
    )


_DISTRICT_ANSWERED = CompiledRead(_district_answered)


# --- one case -------------------------------------------------------------------------------------------------


# The staff a case names (read apart from the case: see `case_for_user`).
CASE_STAFF = ("assignee", "received_by", "accepted_by")


def _attach_staff(rows: list[tuple[Any, tuple[str, ...]]], staff: Mapping[int, Staff] | StaffRows) -> None:
    """Set each row's staff fields from `staff` (by id), reading any not in it in one query."""
    wanted = {getattr(row, f"{name}_id") for row, names in rows for name in names} - {None}
    found = {pk: s for pk in wanted if (s := staff.get(pk)) is not None}
    missing = wanted - found.keys()
    if missing:
        found.update({s.pk: s for s in Staff.objects.filter(pk__in=missing)})
    for row, names in rows:
        for name in names:
            pk = getattr(row, f"{name}_id")
            if pk is not None and pk in found:
                setattr(row, name, found[pk])


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


def case_page_for_user(*, user: Any, number: str) -> tuple[Case, StaffRows]:
    """The case page's case (404 as `case_for_user`), with whether it has pauses, handovers and supplement requests
    (so `case_detail` reads only the parts that exist), and the center's active staff (`center_staff_rows`): the
    names of the case's own three and the choices of the page's staff pickers."""
    prefix = scope_path(user)
    found = _CASE_PAGE.objects(prefix, number) if prefix is not None else []
    if not found:
        raise Http404
    case = found[0]
    rows = center_staff_rows(center=case.center)
    _attach_staff([(case, CASE_STAFF)], rows)  # someone since moved or left: read apart
    return case, rows


def _case_page_case(prefix: str, number: str) -> QuerySet[Case]:
    """The case page's case in the scope of `prefix` (any, for ""), with which of its parts exist."""
    has = {
        "has_pauses": Exists(CasePause.objects.filter(case=OuterRef("pk"))),
        "has_handovers": Exists(CaseHandover.objects.filter(case=OuterRef("pk"))),
        "has_requests": Exists(SupplementRequest.objects.filter(case=OuterRef("pk"))),
    }
    # Not its item version: the page needs it only for a joint case's split form (read then); its snapshot, the whole
    # guide as JSON, was most of the row's bytes.
    return (
        Case.objects.select_related("center", "window", "item")
        .annotate(**has)
        .filter(center__path__startswith=prefix, number=number)[:1]
    )


# Compiled once per process: its ~100 columns over four tables cost Django more to put into SQL than PostgreSQL takes
# to run it. By its unique number: one plan serves every case (`keyed`).
_CASE_PAGE = CompiledRead(_case_page_case, keyed=True)


# The center's staff list changes a few times a year; the case page's names and pickers may lag this long behind
# (what is posted is checked against the database).
STAFF_ROWS_SECONDS = 60


class StaffRows:
    """A center's active staff as the cache keeps them (`center_staff_rows`): plain rows, each made a `Staff` only
    when asked for — a case page names three to five of a center's ~50 staff, and making all of them from the cache
    cost it more than its reads by key. Without their phones: nothing personal is kept in the cache (a `Staff` made
    here reads its phone from the database if it is ever asked for)."""

    __slots__ = ("_made", "_names", "_rows")

    def __init__(self, names: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> None:
        self._names = names
        self._rows = {row[0]: row for row in rows}  # by id (the first name), in the list's order
        self._made: dict[int, Staff] = {}

    def get(self, pk: int) -> Staff | None:
        made = self._made.get(pk)
        if made is None:
            row = self._rows.get(pk)
            if row is None:
                return None
            made = self._made[pk] = Staff.from_db(router.db_for_read(Staff), self._names, row)
        return made

    def __iter__(self) -> Iterator[Staff]:
        return (s for pk in self._rows if (s := self.get(pk)) is not None)

    def names_by_user(self) -> dict[int, str]:
        """Each member's name by their account's id."""
        user, name = self._names.index("user_id"), self._names.index("name")
        return {row[user]: row[name] for row in self._rows.values()}

    def __len__(self) -> int:
        return len(self._rows)


# What the cache keeps of each member of staff: every column but the phone (`StaffRows`), in the model's order (the
# id first), as `Staff.from_db` takes them.
_STAFF_COLUMNS = tuple(f.attname for f in Staff._meta.concrete_fields if f.name != "phone")


def center_staff_rows(*, center: OrgUnit) -> StaffRows:
    """`center_staff` as `StaffRows`, kept in the cache for STAFF_ROWS_SECONDS."""
    key = f"cases:center-staff:v2:{center.pk}"
    cached: list[tuple[Any, ...]] | None = cache.get(key)
    if cached is None:
        cached = list(center_staff(center=center).values_list(*_STAFF_COLUMNS))
        cache.set(key, cached, STAFF_ROWS_SECONDS)
    return StaffRows(_STAFF_COLUMNS, cached)


@dataclass
class TimelineEntry:
    event: CaseEvent
    wording: str
    # Who acted: their staff name, else their account's name; "" for the system. None: from `event.actor`.
    who: str | None = None


def actor_names(user_ids: set[int], staff_rows: StaffRows) -> dict[int, str]:
    """The names the timeline shows for these accounts: the center's staff from its cached list, anyone else (staff
    of another unit, someone since gone, an account with no staff record) read in one query."""
    if not user_ids:
        return {}
    known = staff_rows.names_by_user()
    names = {pk: known[pk] for pk in user_ids if pk in known}
    missing = user_ids - names.keys()
    if missing:
        accounts = get_user_model().objects.filter(pk__in=missing)
        for pk, username, staff_name in accounts.values_list("pk", "username", "staff__name"):
            names[pk] = staff_name or username
    return names


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


# The parts every case page reads, compiled once per process (by the case's key).
_MATERIALS = CompiledRead(lambda pk: CaseMaterial.objects.filter(case_id=pk).order_by("sort_order", "id"), keyed=True)
_NOTICES = CompiledRead(lambda pk: Notice.objects.filter(case_id=pk).order_by("issued_at", "id"), keyed=True)
# The timeline's events alone: who acted is named from the center's cached staff (`actor_names`), not joined.
_EVENTS = CompiledRead(lambda pk: CaseEvent.objects.filter(case_id=pk).order_by("created_at", "id"), keyed=True)


def case_detail(*, case: Case, staff_rows: StaffRows | None = None) -> CaseDetail:
    """Everything the case page shows, in a fixed number of queries whatever the history's length. `staff_rows`:
    the center's staff where the caller has them already (`case_page_for_user`)."""
    from bianmin.cases.services import PREREVIEW_VERB, compute_deadline, prereview_notice_items

    materials: list[CaseMaterial] = _MATERIALS.objects(case.pk)
    notices: list[Notice] = _NOTICES.objects(case.pk)
    # The staff named on materials, notices and the timeline are the center's (its cached list, `center_staff_rows`),
    # not joined per row: a join reads and decrypts each person's phone again for every row.
    rows = center_staff_rows(center=case.center) if staff_rows is None else staff_rows
    _attach_staff(
        [(m, ("received_by", "custodian", "disposed_by")) for m in materials] + [(n, ("issued_by",)) for n in notices],
        rows,
    )
    events: list[CaseEvent] = _EVENTS.objects(case.pk)
    who = actor_names({e.actor_id for e in events if e.actor_id is not None}, rows)
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
            .defer("assignee__phone", "completed_by__phone")
            .order_by("due_at", "id")
        )
        if case.mode == Mode.JOINT
        else []
    )
    handovers = (
        list(
            CaseHandover.objects.filter(case=case)
            .select_related("from_staff", "to_staff")
            .defer("from_staff__phone", "to_staff__phone")
            .order_by("created_at", "id")
        )
        if getattr(case, "has_handovers", True)
        else []
    )
    requests = (
        list(
            SupplementRequest.objects.filter(case=case)
            .select_related("requested_by", "decided_by", "notice")
            .defer("requested_by__phone", "decided_by__phone")
            .order_by("requested_at", "id")
        )
        if getattr(case, "has_requests", True)
        else []
    )
    forwarding = (
        CaseForwarding.objects.filter(case=case)
        .select_related("district", "forwarded_by", "result_by")
        .defer("forwarded_by__phone", "result_by__phone")
        .first()
        if case.mode == Mode.FORWARDED
        else None
    )
    proxy = (
        ProxyAuthorization.objects.filter(case=case).select_related("agent").defer("agent__phone").first()
        if case.is_proxy
        else None
    )
    cal = work_calendar()
    deadline = compute_deadline(case, cal, [deadlines.Pause(p.started_at, p.ended_at) for p in pauses])
    return CaseDetail(
        case=case,
        materials=materials,
        notices=notices,
        timeline=[
            TimelineEntry(e, staff_wording(e.verb), who.get(e.actor_id, "") if e.actor_id is not None else "")
            for e in events
        ],
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
    if not isinstance(item_id, int):
        raise Http404
    owners = owner_paths(center)
    found = _INTAKE_VERSION.objects(item_id, *owners, shape=len(owners))
    if len(found) != 1:
        raise Http404
    return found[0]


def _intake_version(item_id: int, *owners: str) -> QuerySet[ItemVersion]:
    return (
        ItemVersion.objects.filter(item__in=published_items_of(owners).filter(pk=item_id).values("pk"))
        .filter(number=F("item__version"))
        .select_related("item", "item__department")[:2]
    )


# The intake's two reads (before every screen and every confirmed intake), compiled once per process: building their
# querysets cost Django twice what PostgreSQL takes to run them. By the item's and the clerk's keys (`keyed`).
_INTAKE_VERSION = CompiledRead(_intake_version, keyed=True)
_STAFF_POSTS = CompiledRead(
    lambda staff_id, day: (
        Post.objects.active_on(day)
        .filter(staff_id=staff_id)
        .select_related("window")
        .order_by("kind", "window__number")
    ),
    keyed=True,
)


def staff_windows(*, user: Any) -> list[Window]:
    """The windows the user holds a post on today (A or B)."""
    staff = staff_of(user)
    if staff is None:
        return []
    return [p.window for p in _STAFF_POSTS.objects(staff.pk, timezone.localdate())]


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
