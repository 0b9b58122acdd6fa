from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.core.downloads import file_response
from bianmin.core.forms import add_service_errors
from bianmin.core.http import HtmxHttpRequest
from bianmin.core.selectors import work_calendar
from bianmin.core.services import export_logged, personal_data_reveal, personal_data_viewed
from bianmin.org.access import has_role, staff_required
from bianmin.org.selectors import staff_in_scope, today, user_center
from bianmin.petitions import selectors
from bianmin.petitions.access import PETITION_MANAGERS, PETITION_READERS, can_handle, can_reveal_phone
from bianmin.petitions.deadlines import explain_petition_deadline
from bianmin.petitions.exports import XLSX_CONTENT_TYPE, petition_book_xlsx
from bianmin.petitions.forms import (
    AssignForm,
    ClassifyForm,
    CloseForm,
    OutsideRemitForm,
    PetitionForm,
    PetitionSearchForm,
    ReplyForm,
    RevealForm,
    SettingsForm,
)
from bianmin.petitions.letters import reply_letter_pdf
from bianmin.petitions.models import Petition, PetitionReply
from bianmin.petitions.services import (
    petition_answer_outside_remit,
    petition_assign,
    petition_classify,
    petition_close,
    petition_register,
    petition_reply,
    petition_settings_set,
)

PAGE_SIZE = 50


@staff_required()
def petition_list(request: HttpRequest) -> HttpResponse:
    """The register of letters and visits (登记表册), searchable; export for readers."""
    form = PetitionSearchForm(request.GET or None, handlers=staff_in_scope(user=request.user).order_by("name"))
    page = Paginator(selectors.petition_list(user=request.user, filters=form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "petitions/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "now": timezone.now(),
            "can_export": has_role(request.user, PETITION_READERS),
        },
    )


@staff_required(PETITION_READERS)
def petition_export(request: HttpRequest) -> HttpResponse:
    form = PetitionSearchForm(request.GET or None, handlers=staff_in_scope(user=request.user))
    if form.is_bound and not form.is_valid():
        return HttpResponse("；".join(str(m) for msgs in form.errors.values() for m in msgs), status=400)
    filters = form.filters()
    center = user_center(user=request.user)
    hall = center.display_hall_name if center else _("全部服务中心")
    period = f"{filters.start or ''}—{filters.end or ''}" if filters.start or filters.end else _("全部")
    export_logged(actor=request.user, what="来信来访登记表", scope=center, data={"period": str(period)})
    content = petition_book_xlsx(
        selectors.petition_book(user=request.user, filters=filters).iterator(chunk_size=500),
        title=_("%(hall)s群众来信来访登记表") % {"hall": hall},
        subtitle=_("收到日期：%(period)s    导出日期：%(today)s") % {"period": period, "today": today().isoformat()},
    )
    return file_response(content, filename=f"来信来访登记表-{today():%Y%m%d}.xlsx", content_type=XLSX_CONTENT_TYPE)


@staff_required()
def petition_new(request: HttpRequest) -> HttpResponse:
    center = user_center(user=request.user)
    form = PetitionForm(request.POST or None, initial={"received_on": today(), "channel": Petition.Channel.LETTER})
    if request.method == "POST" and form.is_valid():
        try:
            petition = petition_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记 %(number)s，办理期限 %(due)s。") % {"number": petition.number, "due": petition.due_on},
            )
            return redirect("petitions:detail", pk=petition.pk)
    config = selectors.settings_for(center=center) if center else None
    return render(
        request,
        "petitions/new.html",
        {"form": form, "center": center, "config": config},
        status=400 if request.method == "POST" else 200,
    )


def _detail_context(request: HttpRequest, petition: Petition, **forms_: forms.Form) -> dict[str, Any]:
    managing = has_role(request.user, PETITION_MANAGERS)
    handling = can_handle(request.user, petition) and petition.is_open
    replies = list(petition.replies.all())
    return {
        "petition": petition,
        "replies": replies,
        "events": petition.events.select_related("actor__staff"),
        "deadline": explain_petition_deadline(
            received_on=petition.received_on,
            days=petition.time_limit_days,
            category_label=petition.get_category_display(),
            due_at=petition.due_at,
            cal=work_calendar(),
        ),
        "overdue": petition.is_overdue(),
        "days_left": petition.days_left(),
        "overdue_days": -petition.days_left(),
        "can_manage": managing and petition.is_open,
        "can_handle": handling,
        "can_reveal": can_reveal_phone(request.user, petition) and bool(petition.phone),
        "assign_form": forms_.get("assign_form")
        or AssignForm(handlers=selectors.eligible_handlers(center=petition.center)),
        "classify_form": forms_.get("classify_form") or ClassifyForm(initial={"category": petition.category}),
        "reply_form": forms_.get("reply_form") or ReplyForm(),
        "close_form": forms_.get("close_form") or CloseForm(),
        "outside_form": forms_.get("outside_form") or OutsideRemitForm(),
        "reveal_form": forms_.get("reveal_form") or RevealForm(),
        "revealed_phone": None,
    }


@staff_required()
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = selectors.petition_get(user=request.user, pk=pk)
    personal_data_viewed(actor=request.user, target=petition)  # the page shows the petitioner: logged
    return render(request, "petitions/detail.html", _detail_context(request, petition))


def _act(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.Form],
    context_name: str,
    allowed: str,
    action: Any,
    success: str,
) -> HttpResponse:
    """Shared shape of the detail page's actions: scope (404), role (403), form, service, errors in Chinese."""
    petition = selectors.petition_get(user=request.user, pk=pk)
    permitted = has_role(request.user, PETITION_MANAGERS) if allowed == "manage" else can_handle(request.user, petition)
    if not permitted:
        return HttpResponse(_("您无权办理该事项。"), status=403)
    if form_class is AssignForm:
        form: forms.Form = AssignForm(request.POST, handlers=selectors.eligible_handlers(center=petition.center))
    else:
        form = form_class(request.POST)
    if form.is_valid():
        try:
            action(petition, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("petitions:detail", pk=petition.pk)
    petition = selectors.petition_get(user=request.user, pk=pk)
    return render(
        request, "petitions/detail.html", _detail_context(request, petition, **{context_name: form}), status=400
    )


@staff_required()
@require_POST
def petition_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=AssignForm,
        context_name="assign_form",
        allowed="manage",
        action=lambda p, d: petition_assign(petition=p, handler=d["handler"], note=d["note"], actor=request.user),
        success=_("已分办。"),
    )


@staff_required()
@require_POST
def petition_classify_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=ClassifyForm,
        context_name="classify_form",
        allowed="manage",
        action=lambda p, d: petition_classify(
            petition=p, category=d["category"], reason=d["reason"], actor=request.user
        ),
        success=_("类别已调整，办理期限已重新计算。"),
    )


@staff_required()
@require_POST
def petition_reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=ReplyForm,
        context_name="reply_form",
        allowed="handle",
        action=lambda p, d: petition_reply(petition=p, method=d["method"], text=d["text"], actor=request.user),
        success=_("答复已记录。"),
    )


@staff_required()
@require_POST
def petition_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=CloseForm,
        context_name="close_form",
        allowed="handle",
        action=lambda p, d: petition_close(
            petition=p,
            outcome=d["outcome"],
            reply_method=d["reply_method"],
            reply_text=d["reply_text"],
            actor=request.user,
        ),
        success=_("已办结。"),
    )


@staff_required()
@require_POST
def petition_outside_remit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=OutsideRemitForm,
        context_name="outside_form",
        allowed="handle",
        action=lambda p, d: petition_answer_outside_remit(
            petition=p,
            explanation=d["explanation"],
            where_to_go=d["where_to_go"],
            reply_method=d["reply_method"],
            actor=request.user,
        ),
        success=_("已说明情况并办结。"),
    )


@staff_required()
def reply_letter(request: HttpRequest, pk: int, reply_id: int) -> HttpResponse:
    """The reply printed as a letter (PDF)."""
    petition = selectors.petition_get(user=request.user, pk=pk)
    try:
        reply = selectors.petition_reply_get(petition=petition, pk=reply_id)
    except PetitionReply.DoesNotExist as exc:
        raise Http404 from exc
    return file_response(
        reply_letter_pdf(petition=petition, reply=reply),
        filename=f"答复函-{petition.number}.pdf",
        content_type="application/pdf",
        inline=True,
    )


@staff_required()
@require_POST
def petition_reveal_phone(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    petition = selectors.petition_get(user=request.user, pk=pk)
    if not can_reveal_phone(request.user, petition):
        return HttpResponse(_("您无权查看完整联系电话。"), status=403)
    form = RevealForm(request.POST)
    context = _detail_context(request, petition, reveal_form=form)
    if form.is_valid():
        context["revealed_phone"] = personal_data_reveal(
            actor=request.user, target=petition, field="phone", reason=form.cleaned_data["reason"]
        )
    status = 200 if context["revealed_phone"] else 400
    if request.htmx:
        return HttpResponse(render_to_string("petitions/detail.html#phone", context, request=request))
    return render(request, "petitions/detail.html", context, status=status)


@staff_required(PETITION_READERS)
def board(request: HttpRequest) -> HttpResponse:
    """The director's board: open matters by deadline, overdue first."""
    now = timezone.now()
    rows = list(selectors.petition_board(user=request.user, now=now)[:300])
    local_today = timezone.localdate()
    return render(
        request,
        "petitions/board.html",
        {
            "rows": [(p, p.days_left(local_today), -p.days_left(local_today)) for p in rows],
            "overdue_count": sum(1 for p in rows if p.due_at < now),
            "due_soon_count": sum(1 for p in rows if p.due_at >= now and p.days_left(local_today) <= 2),
        },
    )


@staff_required(PETITION_MANAGERS)
def settings_view(request: HttpRequest) -> HttpResponse:
    center = user_center(user=request.user)
    if center is None:
        raise Http404
    config = selectors.settings_for(center=center)
    form = SettingsForm(
        request.POST or None, initial={"ordinary_days": config.ordinary_days, "major_days": config.major_days}
    )
    if request.method == "POST" and form.is_valid():
        try:
            petition_settings_set(center=center, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("办理时限已保存，适用于此后登记的来信来访。"))
            return redirect("petitions:settings")
    return render(
        request,
        "petitions/settings.html",
        {"form": form, "center": center, "config": config},
        status=400 if request.method == "POST" else 200,
    )
