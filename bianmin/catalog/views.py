from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.catalog import (
    access,
    changes,
    guide_links,
    imports,
    pdf,
    review,
    search_upkeep,
    selectors,
    services,
    spreadsheets,
)
from bianmin.catalog.access import CATALOG_EDITORS
from bianmin.catalog.forms import (
    CompareForm,
    ImportForm,
    MaterialFormSet,
    NoteForm,
    ReasonForm,
    ServiceItemForm,
    StepFormSet,
    SynonymSetForm,
    windows_for,
)
from bianmin.catalog.models import ItemVersion, Mode, ServiceItem, SynonymSet, Theme
from bianmin.core.downloads import PDF, XLSX, file_response
from bianmin.core.forms import add_service_errors
from bianmin.core.http import HtmxHttpRequest
from bianmin.org import selectors as org_selectors
from bianmin.org.access import staff_required
from bianmin.org.models import OrgUnit

MAX_ID = 2**63 - 1  # larger numbers in a URL are nothing we stored, and SQLite overflows on them
SCREEN_PAGE = 6  # items per screen page on the hall display
SCREEN_SECONDS = 15  # how long a page stays before the next one


# ---- staff: catalog management ----------------------------------------------------------------------------


def _item_or_404(request: HttpRequest, pk: int) -> ServiceItem:
    if pk > MAX_ID:
        raise Http404
    try:
        return selectors.item_for_user(user=request.user, pk=pk)
    except ServiceItem.DoesNotExist as exc:
        raise Http404 from exc


def _managed_item(request: HttpRequest, pk: int) -> ServiceItem:
    item = _item_or_404(request, pk)
    if not access.can_manage(request.user, item):
        raise PermissionDenied(_("该事项由上级单位管理，您只能查看。"))
    return item


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return render(request, "catalog/staff/forbidden.html", {"message": str(exc)}, status=403)


LIST_STATUSES = {"pending", "changed", *ServiceItem.Status.values}


@staff_required()
def item_list(request: HttpRequest) -> HttpResponse:
    """The staff catalog: the public search (names, pinyin, initials, materials, synonyms) plus department, status
    and handling-mode filters. A value that is not on the lists is dropped with a message (the list still shows)."""
    problems = []
    status = request.GET.get("status", "")
    if status not in LIST_STATUSES and status:
        problems.append(_("状态“%(value)s”无效，已按全部状态查询。") % {"value": status[:20]})
        status = ""
    mode = request.GET.get("mode", "")
    if mode not in Mode.values and mode:
        problems.append(_("办理方式“%(value)s”无效，已按全部方式查询。") % {"value": mode[:20]})
        mode = ""
    text = request.GET.get("q", "").strip()[:50]
    raw_department = request.GET.get("department") or ""
    try:
        department = int(raw_department) or None
    except ValueError:
        department = None
    if department is not None and not 0 < department <= MAX_ID:
        department = None
    if raw_department and department is None:
        problems.append(_("主管部门无效，已按全部部门查询。"))
    items = selectors.item_list(user=request.user, status=status, department=department, mode=mode, text=text)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/staff/item_list.html",
        {
            "page": page,
            "status": status,
            "mode": mode,
            "q": text,
            "department": department,
            "departments": selectors.departments_for(user=request.user),
            "statuses": ServiceItem.Status.choices,
            "modes": Mode.choices,
            "problems": problems,
            "can_manage": access.can_manage(request.user),
        },
    )


def _forms(request: HttpRequest, item: ServiceItem) -> tuple[ServiceItemForm, Any, Any]:
    owners = selectors.managed_owners(user=request.user)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ServiceItemForm(
        data,
        instance=item,
        user_departments=selectors.departments_for(user=request.user),
        owners=owners,
        windows=windows_for(owners),
        initial={"owner": owners.order_by("depth").first()} if not item.pk else None,
    )
    materials = MaterialFormSet(data, files, instance=item, prefix="materials")
    steps = StepFormSet(data, instance=item, prefix="steps")
    return form, materials, steps


def _save(request: HttpRequest, item: ServiceItem) -> HttpResponse:
    form, materials, steps = _forms(request, item)
    if request.method == "POST" and form.is_valid() and materials.is_valid() and steps.is_valid():
        try:
            if item.pk:
                saved = services.item_update(
                    item=item,
                    actor=request.user,
                    data=form.item_data(),
                    materials=materials.rows(),
                    steps=steps.rows(),
                )
                messages.success(request, _("事项已保存。"))
            else:
                saved = services.item_create(
                    actor=request.user,
                    owner=form.cleaned_data["owner"],
                    data=form.item_data(),
                    materials=materials.rows(),
                    steps=steps.rows(),
                )
                messages.success(request, _("事项已保存为草稿。"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("catalog:item_detail", pk=saved.pk)
    return render(
        request,
        "catalog/staff/item_form.html",
        {"form": form, "materials": materials, "steps": steps, "item": item},
        status=400 if request.method == "POST" else 200,
    )


@staff_required(CATALOG_EDITORS)
def item_create(request: HttpRequest) -> HttpResponse:
    return _save(request, ServiceItem())


@staff_required(CATALOG_EDITORS)
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = _managed_item(request, pk)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    return _save(request, item)


@staff_required()
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    can_manage = access.can_manage(request.user, item)
    center = org_selectors.user_center(user=request.user)
    if (
        center is None
        or item.status != ServiceItem.Status.PUBLISHED
        or not selectors.published_items(center=center).filter(pk=item.pk).exists()
    ):
        center = None
    in_review = can_manage and services.in_review(item)
    return render(
        request,
        "catalog/staff/item_detail.html",
        {
            "item": item,
            "state": services.state_label(item),
            "can_manage": can_manage,
            "can_submit": can_manage and services.can_submit(item),
            "in_review": in_review,
            "approval": review.approval_check(item, request.user) if in_review else None,
            "can_withdraw": can_manage and services.can_withdraw(item),
            "materials": item.materials.all(),
            "steps": item.steps.all(),
            "versions": selectors.item_versions(item=item),
            "events": selectors.item_events(item=item)[:50],
            "note_form": NoteForm(),
            "reason_form": ReasonForm(),
            "public_center": center,
        },
    )


def _act(request: HttpRequest, pk: int, action: Callable[[ServiceItem, str], Any], done: str) -> HttpResponse:
    try:
        item = _managed_item(request, pk)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    note = request.POST.get("note", "").strip()[:200]
    try:
        action(item, note)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("catalog:item_detail", pk=item.pk)


@require_POST
@staff_required(CATALOG_EDITORS)
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda item, note: services.item_submit(item=item, actor=request.user, note=note),
        _("已提交审核。"),
    )


@require_POST
@staff_required(CATALOG_EDITORS)
def item_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda item, note: services.item_return(item=item, actor=request.user, note=note),
        _("已退回修改。"),
    )


@require_POST
@staff_required(CATALOG_EDITORS)
def item_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda item, note: services.item_approve(item=item, actor=request.user, note=note),
        _("审核通过，已发布新版本。"),
    )


@require_POST
@staff_required(CATALOG_EDITORS)
def item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda item, note: services.item_withdraw(item=item, actor=request.user, reason=note),
        _("事项已停用，不再对外公开。"),
    )


@staff_required()
def item_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    if number > MAX_ID:
        raise Http404
    try:
        version = selectors.item_version(item=item, number=number)
    except ItemVersion.DoesNotExist as exc:
        raise Http404 from exc
    previous = ItemVersion.objects.filter(item=item, number__lt=number).order_by("-number").first()
    return render(
        request,
        "catalog/staff/item_version.html",
        {
            "item": item,
            "version": version,
            "previous": previous,
            "changes": changes.compare(previous.snapshot, version.snapshot).summary() if previous else [],
            "labels": _labels(version.snapshot),
        },
    )


@staff_required()
def item_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two published versions side by side: what changed in the fields, the materials and the steps."""
    item = _item_or_404(request, pk)
    versions = list(selectors.item_versions(item=item))
    numbers = [v.number for v in versions]
    form = CompareForm(request.GET or None, numbers=numbers)
    before = after = None
    diff = None
    if len(versions) >= 2:
        if form.is_bound and form.is_valid():
            chosen = (form.cleaned_data["left"], form.cleaned_data["right"])
        else:
            chosen = (numbers[1], numbers[0])  # newest first: the previous and the current version
            if not form.is_bound:
                form = CompareForm(initial={"left": chosen[0], "right": chosen[1]}, numbers=numbers)
        by_number = {v.number: v for v in versions}
        before, after = by_number[chosen[0]], by_number[chosen[1]]
        diff = changes.compare(before.snapshot, after.snapshot)
    return render(
        request,
        "catalog/staff/item_compare.html",
        {"item": item, "form": form, "before": before, "after": after, "diff": diff, "versions": versions},
        status=400 if form.is_bound and form.errors else 200,
    )


def _labels(snapshot: dict[str, Any]) -> dict[str, str]:
    from bianmin.catalog.models import ItemType, LimitUnit, Mode

    return {
        "item_type": str(dict(ItemType.choices).get(snapshot.get("item_type", ""), "")),
        "mode": str(dict(Mode.choices).get(snapshot.get("mode", ""), "")),
        "limit_unit": str(dict(LimitUnit.choices).get(snapshot.get("limit_unit", ""), "")),
    }


@staff_required(CATALOG_EDITORS)
def catalog_export(request: HttpRequest) -> HttpResponse:
    items = selectors.managed_items(user=request.user)
    content = spreadsheets.export_workbook(items)
    stamp = timezone.localtime().strftime("%Y%m%d")
    return file_response(content, filename=f"服务事项目录-{stamp}.xlsx", content_type=XLSX)


@staff_required(CATALOG_EDITORS)
def catalog_import(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if spreadsheets.BACKGROUND_BYTES < upload.size <= spreadsheets.MAX_UPLOAD_BYTES:
            run = imports.catalog_import_enqueue(file=upload, actor=request.user)
            return redirect("catalog:import_run", pk=run.pk)
        try:
            parsed = spreadsheets.read_workbook(form.cleaned_data["file"], user=request.user)
            result = imports.catalog_import(parsed=parsed, actor=request.user)
        except spreadsheets.ImportErrors as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("导入完成：新增 %(created)d 个事项，更新 %(updated)d 个，发布 %(published)d 个版本。") % result,
            )
            return redirect("catalog:item_list")
    return render(
        request,
        "catalog/staff/import.html",
        {"form": form, "errors": errors},
        status=400 if request.method == "POST" else 200,
    )


@staff_required(CATALOG_EDITORS)
def synonyms(request: HttpRequest) -> HttpResponse:
    """The synonym sets search uses, editable by catalog managers, and what citizens searched for in vain."""
    form = SynonymSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            search_upkeep.synonym_set_save(actor=request.user, words=form.cleaned_data["words"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加同义词，检索索引正在后台重建。"))
            return redirect("catalog:synonyms")
    return _synonyms_page(request, form, status=400 if request.method == "POST" else 200)


def _synonyms_page(request: HttpRequest, form: SynonymSetForm, *, status: int = 200, edited: int = 0) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:50]
    sets = selectors.synonym_sets()
    if text:
        sets = sets.filter(words__contains=text)
    return render(
        request,
        "catalog/staff/synonyms.html",
        {"form": form, "sets": sets, "q": text, "misses": selectors.search_misses(), "edited": edited},
        status=status,
    )


@staff_required(CATALOG_EDITORS)
@require_POST
def synonym_edit(request: HttpRequest, pk: int) -> HttpResponse:
    synonym_set = _synonym_set_or_404(pk)
    form = SynonymSetForm(request.POST)
    if form.is_valid():
        try:
            search_upkeep.synonym_set_save(
                actor=request.user, words=form.cleaned_data["words"], synonym_set=synonym_set
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存同义词，检索索引正在后台重建。"))
            return redirect("catalog:synonyms")
    messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return _synonyms_page(request, SynonymSetForm(), status=400, edited=pk)


@staff_required(CATALOG_EDITORS)
@require_POST
def synonym_delete(request: HttpRequest, pk: int) -> HttpResponse:
    search_upkeep.synonym_set_delete(actor=request.user, synonym_set=_synonym_set_or_404(pk))
    messages.success(request, _("已删除同义词，检索索引正在后台重建。"))
    return redirect("catalog:synonyms")


def _synonym_set_or_404(pk: int) -> SynonymSet:
    if pk > MAX_ID:
        raise Http404
    try:
        return selectors.synonym_sets().get(pk=pk)
    except SynonymSet.DoesNotExist as exc:
        raise Http404 from exc


# ---- public side ------------------------------------------------------------------------------------------


def _center(code: str) -> OrgUnit:
    try:
        return org_selectors.public_center(code=code)
    except OrgUnit.DoesNotExist as exc:
        raise Http404 from exc


def _default_center() -> OrgUnit:
    center = org_selectors.default_center()
    if center is None:
        raise Http404(_("系统尚未配置服务中心。"))
    return center


def guide_home(request: HttpRequest) -> HttpResponse:
    return redirect("catalog:guide", code=_default_center().code)


def search_home(request: HttpRequest) -> HttpResponse:
    url = reverse("catalog:search", kwargs={"code": _default_center().code})
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def guide(request: HttpRequest, code: str) -> HttpResponse:
    """The public catalog of a center, grouped by department (or one theme)."""
    center = _center(code)
    theme: Theme | None = None
    if request.GET.get("theme"):
        try:
            theme = selectors.theme_by_code(request.GET["theme"])
        except Theme.DoesNotExist as exc:
            raise Http404 from exc
    versions = list(selectors.public_versions(center=center, theme=theme))
    groups: dict[str, list[ItemVersion]] = {}
    for version in versions:
        groups.setdefault(version.item.department.name, []).append(version)
    return render(
        request,
        "catalog/public/guide.html",
        {
            "center": center,
            "groups": groups,
            "count": len(versions),
            "theme": theme,
            "themes": selectors.public_themes(center=center),
        },
    )


def guide_item(request: HttpRequest, code: str, item_id: int) -> HttpResponse:
    center = _center(code)
    version = _public_version(center, item_id)
    return render(
        request,
        "catalog/public/item.html",
        {
            "center": center,
            "version": version,
            "s": version.snapshot,
            "actions": guide_links.links_for(center=center, item_id=item_id),
            "downloads": [m for m in version.materials if m.get("blank_form") or m.get("sample")],
            **_guide_context(center, version),
        },
    )


def _public_version(center: OrgUnit, item_id: int) -> ItemVersion:
    if item_id > MAX_ID:
        raise Http404
    try:
        return selectors.public_version(center=center, item_id=item_id)
    except ItemVersion.DoesNotExist as exc:
        raise Http404 from exc


def _guide_context(center: OrgUnit, version: ItemVersion) -> dict[str, Any]:
    return pdf.guide_facts(center=center, version=version)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    return file_response(content, filename=filename, content_type=PDF, inline=True)


def item_card_pdf(request: HttpRequest, code: str, item_id: int) -> HttpResponse:
    center = _center(code)
    version = _public_version(center, item_id)
    url = request.build_absolute_uri(reverse("catalog:guide_item", kwargs={"code": code, "item_id": item_id}))
    return _pdf_response(
        pdf.render_card(center=center, version=version, url=url), f"明白卡-{version.snapshot['name']}.pdf"
    )


def item_guide_pdf(request: HttpRequest, code: str, item_id: int) -> HttpResponse:
    center = _center(code)
    version = _public_version(center, item_id)
    url = request.build_absolute_uri(reverse("catalog:guide_item", kwargs={"code": code, "item_id": item_id}))
    return _pdf_response(
        pdf.render_guide(center=center, version=version, url=url), f"服务指南-{version.snapshot['name']}.pdf"
    )


def search_page(request: HtmxHttpRequest, code: str) -> HttpResponse:
    center = _center(code)
    text = request.GET.get("q", "").strip()[:50]
    result = selectors.search_public(center=center, text=text, limit=selectors.PUBLIC_LIMIT) if text else None
    hits = result.hits if result is not None else []
    names = selectors.published_names(hits)
    # The rows as the list shows them, worked out once here rather than per row in the template.
    guide = reverse("catalog:guide_item", kwargs={"code": code, "item_id": 0})[:-2]
    modes = {value: str(label) for value, label in Mode.choices}
    results = [
        {
            "url": f"{guide}{hit.item.pk}/",
            "name": names.get(hit.item.pk, hit.item.name),
            "department": hit.item.department.name if hit.item.department_id else "",
            "mode": modes.get(hit.item.default_mode, hit.item.default_mode),
            "direct": hit.item.default_mode == Mode.DIRECT,
            "limit": hit.item.promised_limit,
            "free": hit.item.is_free,
        }
        for hit in hits
    ]
    context: dict[str, Any] = {"center": center, "q": text, "results": results, "weak": False}
    if result is not None and result.weak:
        # Never a blank page: the closest items, the themes and departments to browse, the phone.
        search_upkeep.search_miss_record(text=text)
        themes, departments = selectors.public_browse(center=center)
        context.update(weak=True, themes=themes, departments=departments)
    if request.htmx:
        return render(request, "catalog/public/search.html#results", context)
    return render(request, "catalog/public/search.html", context)


# ---- hall display screen (电子屏幕) --------------------------------------------------------------------------


def screen(request: HttpRequest, code: str) -> HttpResponse:
    """The hall screen is one page, composed by the hall (the queue, who is on duty, and these items): a display
    pointed here is sent there. Without the hall app, the items alone."""
    center = _center(code)
    try:
        return redirect(reverse("hall:screen", args=[center.code]))
    except NoReverseMatch:
        pass
    context = {"center": center, **_screen_items(center, 1), "screen_seconds": SCREEN_SECONDS}
    return render(request, "catalog/public/screen.html", context)


def _screen_items(center: OrgUnit, page_number: int) -> dict[str, Any]:
    versions = selectors.public_versions(center=center)
    paginator = Paginator(versions, SCREEN_PAGE)
    if paginator.count == 0:
        return {"items_page": None, "next_page": 1}
    number = page_number if 1 <= page_number <= paginator.num_pages else 1
    page = paginator.page(number)
    rows = [(v, v.snapshot, selectors.windows_at(v.snapshot, center)) for v in page.object_list]
    return {"items_page": page, "rows": rows, "next_page": page.next_page_number() if page.has_next() else 1}


def screen_items(request: HttpRequest, code: str) -> HttpResponse:
    center = _center(code)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    context = {"center": center, **_screen_items(center, number), "screen_seconds": SCREEN_SECONDS}
    return render(request, "catalog/public/screen.html#items", context)


@staff_required(CATALOG_EDITORS)
def catalog_import_run(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress and outcome of a background import; only its own importer sees it."""
    run = selectors.import_run_for(user=request.user, pk=pk)
    return render(request, "catalog/staff/import_run.html", {"run": run})
