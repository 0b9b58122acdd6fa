"""网上预审: the staff pages of online applications, whatever channel brought them (settings.BIANMIN_CASE_CHANNELS).

Pre-review tells the applicant once which window to come to and what to bring; at the window the originals are
checked and received, and the case is then accepted on its own page like any other.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bianmin.cases import channels, selectors
from bianmin.cases.access import PREREVIEW_ROLES
from bianmin.cases.forms import MaterialsPresentForm, PrereviewForm
from bianmin.cases.models import CaseMaterial
from bianmin.cases.online_words import service_notice, status_notes
from bianmin.cases.services import case_materials_present, case_prereview
from bianmin.cases.timeline import Verb
from bianmin.core.forms import add_service_errors
from bianmin.core.personal_data import mask_id_number, mask_name, mask_phone
from bianmin.org.access import staff_required


@staff_required(PREREVIEW_ROLES)
def online_list(request: HttpRequest) -> HttpResponse:
    """Online applications awaiting pre-review, then awaiting the applicant at the window."""
    cases = selectors.online_queue(user=request.user)
    labels = channels.labels(cases)
    rows = [(case, labels.get(case.pk, "")) for case in cases]
    return render(request, "cases/online_list.html", {"rows": rows})


@staff_required(PREREVIEW_ROLES)
def online_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.online_case_for_user(user=request.user, number=number)
    materials = list(CaseMaterial.objects.filter(case=case).order_by("sort_order", "id"))
    action = request.POST.get("action") if request.method == "POST" else None
    prereview_form = PrereviewForm(request.POST if action == "prereview" else None, center=case.center)
    present_form = MaterialsPresentForm(request.POST if action == "present" else None, materials=materials)
    if request.method == "POST":
        try:
            if action == "prereview" and prereview_form.is_valid():
                case_prereview(
                    case=case,
                    actor=request.user,
                    window=prereview_form.cleaned_data["window"],
                    supplement=prereview_form.supplement_items(),
                    note=prereview_form.cleaned_data["note"],
                )
                messages.success(request, _("预审意见已告知申请人。"))
                return redirect("cases:online_detail", number=case.number)
            if action == "present" and present_form.is_valid():
                case_materials_present(
                    case=case, actor=request.user, presented=present_form.presented(), extras=present_form.extras()
                )
                messages.success(request, _("材料已核验收取，请在办件页面作出受理决定。"))
                return redirect("cases:detail", number=case.number)
        except ValidationError as exc:
            add_service_errors(prereview_form if action == "prereview" else present_form, exc)
    submitted = case.events.filter(verb=Verb.SUBMIT_ONLINE).order_by("id").first()
    channel = channels.details(case)
    return render(
        request,
        "cases/online_detail.html",
        {
            "case": case,
            "materials": materials,
            "has": set(submitted.data.get("has", [])) if submitted else set(),
            "channel_rows": channel.rows,
            "masked_id": mask_id_number(case.applicant_id_number) if case.applicant_id_number else "",
            "masked_name": mask_name(case.applicant_name),
            "masked_phone": mask_phone(case.applicant_phone) if case.applicant_phone else "",
            "status_notes": status_notes(case),
            "service_notice": service_notice(case, submitted=channel.notice),
            "prereview_form": prereview_form,
            "present_form": present_form,
        },
        status=400 if request.method == "POST" else 200,
    )
