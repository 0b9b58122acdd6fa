from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.cases.models import Case
from bianmin.core import ratelimits
from bianmin.core.compiled import CompiledRead
from bianmin.core.forms import add_service_errors, blank_form_html
from bianmin.core.personal_data import mask_phone
from bianmin.core.services import personal_data_reveal, personal_data_viewed
from bianmin.core.throttle import LookupThrottle
from bianmin.org.access import has_role, staff_required
from bianmin.org.models import OrgUnit, Staff, Window
from bianmin.org.selectors import default_center, public_center, user_center
from bianmin.oversight import selectors, services
from bianmin.oversight.access import (
    COMPLAINT_ASSIGNERS,
    DECIDERS,
    OVERSIGHT_READERS,
    can_appeal,
    can_decide,
    can_investigate,
    can_rectify,
    can_review_appeal,
)
from bianmin.oversight.forms import (
    AppealDecideForm,
    AssignForm,
    BulkDecisionForm,
    CallbackForm,
    ComplaintFilterForm,
    ComplaintForm,
    ComplaintLookupForm,
    DecideForm,
    RatingForm,
    ReasonForm,
    RecordForm,
    RectifyForm,
    ReplyForm,
    SanctionForm,
    SettingsForm,
    StaffComplaintForm,
)
from bianmin.oversight.models import Accountability, Complaint, Rating
from bianmin.oversight.services import accountability, ratings

PAGE_SIZE = 50

# --- public complaint page ------------------------------------------------------------------------------------


def _board_staff(center: OrgUnit, raw: Any) -> Staff | None:
    """The staff member preselected from the staff board's link, if they work at this center."""
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    return Staff.objects.filter(pk=pk, is_active=True, org_unit__path__startswith=center.path).first()


def complaint_new(request: HttpRequest, code: str) -> HttpResponse:
    try:
        center = public_center(code=code)
    except OrgUnit.DoesNotExist as exc:
        raise Http404 from exc
    initial = {"window_number": request.GET.get("window") or None, "staff_id": request.GET.get("staff") or None}
    form = ComplaintForm(request.POST or None, initial=initial)
    staff = _board_staff(center, request.POST.get("staff_id") if request.method == "POST" else initial["staff_id"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        window = None
        if data["window_number"]:
            window = Window.objects.filter(center=center, number=data["window_number"]).first()
            if window is None:
                form.add_error("window_number", _("没有这个窗口号。"))
        keys = [ratelimits.client_key(request), ratelimits.phone_key(data["phone"])]
        if not form.errors and not request.user.is_authenticated:
            try:
                ratelimits.public_write_check(scope="complaint", keys=keys)
            except ratelimits.PublicWriteLimited as exc:
                add_service_errors(form, exc)
                return render(
                    request,
                    "oversight/complaint_new.html",
                    {"center": center, "form": form, "staff": staff},
                    status=429,
                )
        if not form.errors:
            try:
                complaint = services.complaint_file(
                    center=center,
                    content=data["content"],
                    channel=Complaint.Channel.BOARD if staff is not None else Complaint.Channel.WEB,
                    window=window,
                    staff=staff,
                    name=data["name"],
                    phone=data["phone"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if not request.user.is_authenticated:
                    ratelimits.public_write_record(scope="complaint", keys=keys)
                return render(request, "oversight/complaint_done.html", {"center": center, "complaint": complaint})
    return render(
        request,
        "oversight/complaint_new.html",
        {"center": center, "form": form, "staff": staff},
        status=400 if request.method == "POST" else 200,
    )


def complaint_default(request: HttpRequest) -> HttpResponse:
    """The menu's "投诉" link: the complaint form of the default center."""
    center = default_center()
    if center is None:
        raise Http404(_("系统尚未配置服务中心。"))
    return redirect("oversight:complaint_new", code=center.code)


COMPLAINT_THROTTLE = LookupThrottle("oversight:complaint")


def complaint_lookup(request: HttpRequest) -> HttpResponse:
    """Public: the complainant sees the status and the reply by complaint number and phone tail, throttled like
    the progress query."""
    form = ComplaintLookupForm(request.POST or None)
    ctx: dict[str, Any] = {"form": form, "center": default_center()}
    if request.method != "POST":
        return render(request, "oversight/complaint_lookup.html", ctx)
    keys = [COMPLAINT_THROTTLE.client_key(request)]
    if form.is_valid():
        keys.append(COMPLAINT_THROTTLE.number_key(form.cleaned_data["number"]))
    if COMPLAINT_THROTTLE.blocked(*keys):
        ctx["error"] = _("查询过于频繁，请 15 分钟后再试。")
        return render(request, "oversight/complaint_lookup.html", ctx, status=429)
    complaint = (
        selectors.complaint_lookup(number=form.cleaned_data["number"], phone_tail=form.cleaned_data["phone_tail"])
        if form.is_valid()
        else None
    )
    if complaint is None:
        COMPLAINT_THROTTLE.fail(*keys)
        ctx["error"] = _("未查询到投诉。请核对投诉编号和投诉时留下的联系电话后四位。")
        return render(request, "oversight/complaint_lookup.html", ctx, status=404)
    ctx.update({"complaint": complaint, "center": complaint.center, "form": ComplaintLookupForm()})
    return render(request, "oversight/complaint_lookup.html", ctx)


# --- complaints (staff) ---------------------------------------------------------------------------------------


@staff_required(OVERSIGHT_READERS)
def complaint_list(request: HttpRequest) -> HttpResponse:
    form = ComplaintFilterForm(request.GET or None)
    now = timezone.now()
    page = Paginator(selectors.complaint_list(user=request.user, filters=form.filters(), now=now), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "oversight/complaint_list.html",
        {"form": form, "page": page.get_page(request.GET.get("page")), "now": now, "query": query.urlencode()},
    )


@staff_required()
def complaint_record(request: HttpRequest) -> HttpResponse:
    """A complaint received by phone (or at the board), entered by any staff member of the center."""
    center = user_center(user=request.user)
    if center is None:
        raise Http404
    windows = Window.objects.filter(center=center, is_active=True).order_by("number")
    people = Staff.objects.filter(org_unit__path__startswith=center.path, is_active=True).order_by("name")
    form = StaffComplaintForm(request.POST or None, windows=windows, staff=people)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            complaint = services.complaint_file(
                center=center, content=d["content"], channel=d["channel"], window=d["window"], staff=d["staff"],
                name=d["name"], phone=d["phone"], actor=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记投诉 %(number)s，答复期限 %(due)s。")
                % {"number": complaint.number, "due": timezone.localtime(complaint.due_at).date()},
            )
            if has_role(request.user, OVERSIGHT_READERS):
                return redirect("oversight:complaint_detail", pk=complaint.pk)
            return redirect("oversight:complaint_record")
    return render(
        request,
        "oversight/complaint_record.html",
        {"form": form, "center": center},
        status=400 if request.method == "POST" else 200,
    )


def _decide_form(complaint: Complaint, data: Any = None) -> DecideForm:
    """The finding form, with the responsible person and the violation proposed from the roster and attendance at
    the complaint's time; only people not on approved leave then may be named."""
    proposal = accountability.complaint_proposal(complaint)
    return DecideForm(
        data,
        people=selectors.complaint_responsible_choices(complaint=complaint, first=proposal.staff),
        proposed=proposal.staff,
        initial={
            "responsible": proposal.staff[0].pk if proposal.staff else None,
            "violation": proposal.violation,
        },
    )


def _complaint_context(request: HttpRequest, complaint: Complaint, **forms_: forms.Form) -> dict[str, Any]:
    investigating = can_investigate(request.user, complaint)
    status = complaint.status
    S = Complaint.Status
    return {
        "complaint": complaint,
        "events": selectors.complaint_events(complaint=complaint),
        "overdue": complaint.is_overdue(),
        "can_assign": has_role(request.user, COMPLAINT_ASSIGNERS) and status in (S.RECEIVED, S.ASSIGNED),
        "can_decide": investigating and status == S.ASSIGNED,
        "can_reply": investigating and status == S.DECIDED,
        "assign_form": forms_.get("assign_form")
        or AssignForm(
            investigators=selectors.investigators(center=complaint.center),
            initial={"inspector": complaint.inspector_id},
        ),
        "decide_form": forms_.get("decide_form")
        or (_decide_form(complaint) if investigating and status == S.ASSIGNED else DecideForm()),
        "reply_form": forms_.get("reply_form") or ReplyForm(),
        "reveal_form": forms_.get("reveal_form") or ReasonForm(),
        "can_reveal": investigating and bool(complaint.phone),
        "masked_phone": mask_phone(complaint.phone) if complaint.phone else "",
        "revealed_phone": "",
    }


@staff_required(OVERSIGHT_READERS)
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    personal_data_viewed(actor=request.user, target=complaint)  # the page shows the complainant: logged
    return render(request, "oversight/complaint_detail.html", _complaint_context(request, complaint))


def _act(
    request: HttpRequest,
    pk: int,
    *,
    fetch: Callable[..., Any],
    page: Callable[..., dict[str, Any]],
    template: str,
    detail: str,
    form: forms.Form,
    name: str,
    allowed: Callable[[Any], bool],
    action: Callable[[Any, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """One action form on a complaint's or a record's page: refused (403), done (back to the page with a message), or
    the page again with the form's errors (400) and everything already saved shown as it now is."""
    target = fetch(user=request.user, pk=pk)
    if not allowed(target):
        return HttpResponse(_("您无权办理该事项。"), status=403)
    if form.is_valid():
        try:
            action(target, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(detail, pk=target.pk)
    target = fetch(user=request.user, pk=pk)
    return render(request, template, page(request, target, **{name: form}), status=400)


def _complaint_act(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
    return _act(
        request, pk, fetch=selectors.complaint_get, page=_complaint_context,
        template="oversight/complaint_detail.html", detail="oversight:complaint_detail", **kwargs,
    )  # fmt: skip


@staff_required(OVERSIGHT_READERS)
@require_POST
def complaint_reveal_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """The complainant's full phone for the investigator who must call back; every reveal is logged."""
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    if not can_investigate(request.user, complaint) or not complaint.phone:
        return HttpResponse(_("您无权查看完整联系电话。"), status=403)
    form = ReasonForm(request.POST)
    context = _complaint_context(request, complaint, reveal_form=form)
    if form.is_valid():
        context["revealed_phone"] = personal_data_reveal(
            actor=request.user, target=complaint, field="phone", reason=form.cleaned_data["reason"]
        )
        return render(request, "oversight/complaint_detail.html", context)
    return render(request, "oversight/complaint_detail.html", context, status=400)


@staff_required(COMPLAINT_ASSIGNERS)
@require_POST
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    form = AssignForm(request.POST, investigators=selectors.investigators(center=complaint.center))
    return _complaint_act(
        request, pk, form=form, name="assign_form", allowed=lambda c: True,
        action=lambda c, d: services.complaint_assign(complaint=c, inspector=d["inspector"], actor=request.user),
        success=_("已指派调查人。"),
    )  # fmt: skip


@staff_required(OVERSIGHT_READERS)
@require_POST
def complaint_decide(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    return _complaint_act(
        request, pk, form=_decide_form(complaint, request.POST), name="decide_form",
        allowed=lambda c: can_investigate(request.user, c),
        action=lambda c, d: services.complaint_decide(
            complaint=c, finding=d["finding"], evidence=d["evidence"], actor=request.user,
            responsible=d["responsible"], violation=d["violation"],
        ),
        success=_("已记录调查情况和认定结果。"),
    )  # fmt: skip


@staff_required(OVERSIGHT_READERS)
@require_POST
def complaint_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _complaint_act(
        request, pk, form=ReplyForm(request.POST), name="reply_form",
        allowed=lambda c: can_investigate(request.user, c),
        action=lambda c, d: services.complaint_reply(complaint=c, reply=d["reply"], actor=request.user),
        success=_("已答复投诉人。"),
    )  # fmt: skip


# --- accountability -------------------------------------------------------------------------------------------


@staff_required()
def accountability_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Accountability.Status.values:
        status = ""
    return accountability_page(request, status)


def accountability_page(
    request: HttpRequest,
    status: str,
    bulk_form: BulkDecisionForm | None = None,
    ticked: frozenset[int] = frozenset(),
    page_number: str | None = None,
) -> HttpResponse:
    """The list of records; `bulk_form`: a batch decision sent back (its action, sanction and reason kept, the rows
    it ticked still ticked), answered 400."""
    page = Paginator(selectors.accountability_list(user=request.user, status=status), PAGE_SIZE).get_page(
        page_number if page_number is not None else request.GET.get("page")
    )
    decider = has_role(request.user, DECIDERS)
    return render(
        request,
        "oversight/accountability_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Accountability.Status.choices,
            "reader": has_role(request.user, OVERSIGHT_READERS),
            "can_record": has_role(request.user, COMPLAINT_ASSIGNERS),
            "bulk_form": (bulk_form or BulkDecisionForm(ids=[])) if decider else None,
            "ticked": ticked,
        },
        status=400 if bulk_form is not None else 200,
    )


@staff_required(COMPLAINT_ASSIGNERS)
def accountability_new(request: HttpRequest) -> HttpResponse:
    """A record raised by hand by the director or the inspector."""
    center = user_center(user=request.user)
    if center is None:
        raise Http404
    people = Staff.objects.filter(org_unit__path__startswith=center.path, is_active=True).order_by("name")
    form = RecordForm(request.POST or None, staff=people)
    if request.method == "POST" and form.is_valid():
        try:
            record = accountability.accountability_record(center=center, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记，待中心主任确认处理。"))
            return redirect("oversight:accountability_detail", pk=record.pk)
    return render(
        request,
        "oversight/accountability_new.html",
        {"form": form, "center": center},
        status=400 if request.method == "POST" else 200,
    )


def _responsible_choices(record: Accountability) -> Any:
    if record.staff_id is not None:
        return None
    return Staff.objects.filter(org_unit__path__startswith=record.center.path, is_active=True).order_by("name")


def _record_context(request: HttpRequest, record: Accountability, **forms_: forms.Form) -> dict[str, Any]:
    S = Accountability.Status
    deciding = can_decide(request.user, record)
    return {
        "record": record,
        "links": selectors.evidence_links(record),
        "events": record.events.select_related("actor__staff"),
        "can_decide": deciding and record.status in (S.CANDIDATE, S.APPEALED),
        "can_dismiss": deciding and record.status == S.CANDIDATE,
        "can_appeal": can_appeal(request.user, record) and record.status == S.DECIDED,
        "temporary": record.staff is not None and record.staff.employment == Staff.Employment.TEMPORARY,
        "sanction_form": forms_.get("sanction_form") or SanctionForm(staff=_responsible_choices(record)),
        "dismiss_form": forms_.get("dismiss_form") or ReasonForm(),
        "appeal_form": forms_.get("appeal_form") or ReasonForm(),
    }


@staff_required()
def accountability_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.accountability_get(user=request.user, pk=pk)
    return render(request, "oversight/accountability_detail.html", _record_context(request, record))


def _record_act(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
    return _act(
        request, pk, fetch=selectors.accountability_get, page=_record_context,
        template="oversight/accountability_detail.html", detail="oversight:accountability_detail", **kwargs,
    )  # fmt: skip


@staff_required()
@require_POST
def accountability_decide(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.accountability_get(user=request.user, pk=pk)
    return _record_act(
        request, pk, form=SanctionForm(request.POST, staff=_responsible_choices(record)), name="sanction_form",
        allowed=lambda r: can_decide(request.user, r),
        action=lambda r, d: accountability.accountability_decide(
            record=r, sanction=d["sanction"], reason=d["reason"], actor=request.user, staff=d.get("staff")
        ),
        success=_("已作出处理决定。"),
    )  # fmt: skip


@staff_required()
@require_POST
def accountability_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_act(
        request, pk, form=ReasonForm(request.POST), name="dismiss_form",
        allowed=lambda r: can_decide(request.user, r),
        action=lambda r, d: accountability.accountability_dismiss(record=r, reason=d["reason"], actor=request.user),
        success=_("已排除该候选记录。"),
    )  # fmt: skip


@staff_required()
@require_POST
def accountability_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_act(
        request, pk, form=ReasonForm(request.POST), name="appeal_form",
        allowed=lambda r: can_appeal(request.user, r),
        action=lambda r, d: accountability.accountability_appeal(record=r, reason=d["reason"], actor=request.user),
        success=_("申诉已提交，由中心主任复核后作出最终决定。"),
    )  # fmt: skip


# --- ratings: public form, window tablet, rectification -------------------------------------------------------


# Whether a case is rated, compiled once per process (the progress page asks on every view of a completed case).
_RATED = CompiledRead(lambda case_id: Rating.objects.filter(case_id=case_id).values_list("id")[:1], keyed=True)


def rating_panel(request: HttpRequest, case: Case) -> str:
    """The progress page's rating panel (settings.BIANMIN_PROGRESS_PANELS): the form once the case is completed,
    thanks once it is rated, nothing before completion."""
    if case.status not in ratings.RATEABLE_STATUSES:
        return ""
    rated = bool(_RATED.rows(case.pk))
    # Rendered without the request: the panel is a piece of a page that ran the context processors already; it needs
    # only the form's CSRF token of them.
    return render_to_string(
        "oversight/_rating_panel.html",
        {
            "case": case,
            "rated": rated,
            "fields": None if rated else blank_form_html(RatingForm, "oversight/_rating_fields.html"),
            "csrf_token": get_token(request),
        },
    )


def _public_case(token: str) -> Case:
    from bianmin.cases.selectors import progress_by_token

    case = progress_by_token(token=token)
    if case is None:
        raise Http404
    return case


def rate(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the applicant's rating, reached from the progress page or the invitation's link."""
    case = _public_case(token)
    progress = reverse("cases:progress_token", args=[token])
    if request.method != "POST":
        return redirect(f"{progress}#rating")
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_submit(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(f"{progress}#rating")
    return render(request, "oversight/rate.html", {"case": case, "form": form}, status=400)


@staff_required()
def window_rating(request: HttpRequest) -> HttpResponse:
    """The window's citizen-facing tablet: pick the just-completed case, hand the tablet to the applicant."""
    cases = list(selectors.rateable_cases(user=request.user)[:20])
    return render(request, "oversight/window_rating.html", {"cases": cases})


@staff_required()
def window_rate(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.rateable_case(user=request.user, pk=case_id)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit(case=case, actor=request.user, source=Rating.Source.WINDOW, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "oversight/window_rate.html", {"case": case, "done": True})
    return render(
        request,
        "oversight/window_rate.html",
        {"case": case, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_required()
def rating_list(request: HttpRequest) -> HttpResponse:
    pending = request.GET.get("pending") == "1"
    page = Paginator(selectors.rating_list(user=request.user, pending_only=pending), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "oversight/rating_list.html", {"page": page, "pending": pending, "now": timezone.now()})


def _rating_context(request: HttpRequest, rating: Rating, **forms_: forms.Form) -> dict[str, Any]:
    rectifying = (
        can_rectify(request.user, rating) and rating.is_bad and not rating.excluded and not rating.rectification_done
    )
    return {
        "rating": rating,
        "events": selectors.rating_events(rating=rating),
        "overdue": rating.needs_rectification
        and rating.rectify_due_at is not None
        and rating.rectify_due_at < timezone.now(),
        "can_rectify": rectifying,
        "can_appeal": can_rectify(request.user, rating) and rating.is_bad and not rating.appeal,
        "can_review": can_review_appeal(request.user, rating) and rating.appeal == Rating.Appeal.PENDING,
        "rectify_form": forms_.get("rectify_form") or RectifyForm(initial={"action": rating.rectification}),
        "callback_form": forms_.get("callback_form") or CallbackForm(initial={"called_on": timezone.localdate()}),
        "appeal_form": forms_.get("appeal_form") or ReasonForm(),
        "review_form": forms_.get("review_form") or AppealDecideForm(),
    }


@staff_required()
def rating_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rating = selectors.rating_get(user=request.user, pk=pk)
    return render(request, "oversight/rating_detail.html", _rating_context(request, rating))


_RATING_ACTIONS: dict[str, tuple[type[forms.Form], str, str]] = {
    "rectify": (RectifyForm, "rectify_form", "已登记整改情况。"),
    "callback": (CallbackForm, "callback_form", "已登记回访。"),
    "appeal": (ReasonForm, "appeal_form", "申诉已提交，由中心主任复核。"),
    "review": (AppealDecideForm, "review_form", "已复核申诉。"),
}


@staff_required()
@require_POST
def rating_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _RATING_ACTIONS:
        raise Http404
    rating = selectors.rating_get(user=request.user, pk=pk)
    form_class, name, success = _RATING_ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if action == "rectify":
                ratings.rating_rectify(rating=rating, actor=request.user, action=d["action"])
            elif action == "callback":
                ratings.rating_callback(
                    rating=rating, actor=request.user, called_on=d["called_on"], outcome=d["outcome"], note=d["note"]
                )
            elif action == "appeal":
                ratings.rating_appeal(rating=rating, actor=request.user, reason=d["reason"])
            else:
                ratings.rating_appeal_decide(rating=rating, actor=request.user, upheld=d["upheld"], note=d["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _(success))
            return redirect("oversight:rating_detail", pk=rating.pk)
    rating = selectors.rating_get(user=request.user, pk=pk)
    return render(request, "oversight/rating_detail.html", _rating_context(request, rating, **{name: form}), status=400)


@staff_required(DECIDERS)
def settings_view(request: HttpRequest) -> HttpResponse:
    center = user_center(user=request.user)
    if center is None:
        raise Http404
    config = services.settings_for(center)
    form = SettingsForm(
        request.POST or None,
        initial={"complaint_reply_days": config.complaint_reply_days, "rectification_days": config.rectification_days},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.oversight_settings_set(center=center, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("期限已保存，适用于此后受理的投诉和差评。"))
            return redirect("oversight:settings")
    return render(
        request,
        "oversight/settings.html",
        {"form": form, "center": center},
        status=400 if request.method == "POST" else 200,
    )
