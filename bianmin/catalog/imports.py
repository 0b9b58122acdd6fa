"""Importing a catalog workbook: all of it or none of it; large workbooks are imported by the background worker."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.catalog.models import CatalogImportRun, ServiceItem
from bianmin.catalog.search_upkeep import term_frequencies_refresh
from bianmin.catalog.services import item_create, item_publish, item_submit, item_update, item_withdraw
from bianmin.catalog.spreadsheets import COLUMN_OF_FIELD, ITEMS, MAX_ERRORS, ImportErrors, ParsedCatalog


@transaction.atomic
def catalog_import(*, parsed: ParsedCatalog, actor: Any) -> dict[str, int]:
    """Write a checked workbook: all of it, or (on any error) none of it."""
    counts = {"created": 0, "updated": 0, "published": 0}
    errors: list[str] = []
    for row in parsed.items:
        try:
            with transaction.atomic():
                counts_row = _import_item(row, actor)
        except ValidationError as exc:
            errors.extend(_row_errors(row.row, exc))
            if len(errors) >= MAX_ERRORS:
                errors.append(_("错误已超过 %(n)d 条，其余行未再导入；请改正以上错误后重新导入。") % {"n": MAX_ERRORS})
                break
        else:
            for key, value in counts_row.items():
                counts[key] += value
    if errors:
        raise ImportErrors(errors)
    return counts


def _import_item(row: Any, actor: Any) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "published": 0}
    item = ServiceItem.objects.get(pk=row.existing_id) if row.existing_id else None
    if item is None:
        item = item_create(actor=actor, owner=row.owner, data=row.data, materials=row.materials, steps=row.steps)
        counts["created"] = 1
    else:
        # Materials keep their ids where the name is unchanged, so cases' checklists still point at them.
        ids = {m.name: m.pk for m in item.materials.all()}
        materials = [{**m, "id": ids.pop(m["name"], None)} for m in row.materials]
        item = item_update(item=item, actor=actor, data=row.data, materials=materials, steps=row.steps)
        counts["updated"] = 1
    wanted = row.status
    if wanted in (ServiceItem.Status.PUBLISHED, ServiceItem.Status.WITHDRAWN) and (
        item.status in (ServiceItem.Status.DRAFT, ServiceItem.Status.REVIEW)
        or (item.status == ServiceItem.Status.PUBLISHED and item.change_status)
        or (wanted == ServiceItem.Status.PUBLISHED and item.status == ServiceItem.Status.WITHDRAWN)
    ):
        item_publish(item=item, actor=actor, note=_("电子表格导入"))
        counts["published"] = 1
        item.refresh_from_db()
    if wanted == ServiceItem.Status.WITHDRAWN and item.status == ServiceItem.Status.PUBLISHED:
        item_withdraw(item=item, actor=actor, reason=_("电子表格导入：状态为已停用"))
    elif wanted == ServiceItem.Status.REVIEW and item.status == ServiceItem.Status.DRAFT:
        item_submit(item=item, actor=actor, note=_("电子表格导入"))
    return counts


def _row_errors(row: int, exc: ValidationError) -> list[str]:
    messages = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            column = COLUMN_OF_FIELD.get(name)
            for error in errors:
                if column:
                    messages.append(
                        _("工作表“%(sheet)s”第%(row)d行“%(column)s”列：%(message)s")
                        % {"sheet": ITEMS, "row": row, "column": column, "message": error}
                    )
                else:
                    messages.append(
                        _("工作表“%(sheet)s”第%(row)d行：%(message)s") % {"sheet": ITEMS, "row": row, "message": error}
                    )
    else:
        messages.extend(
            _("工作表“%(sheet)s”第%(row)d行：%(message)s") % {"sheet": ITEMS, "row": row, "message": m}
            for m in exc.messages
        )
    return messages


def catalog_import_enqueue(*, file: Any, actor: Any) -> CatalogImportRun:
    """Store the upload and queue its import (after commit); the page of the run shows its progress."""
    from bianmin.catalog.tasks import run_catalog_import

    with transaction.atomic():
        run = CatalogImportRun.objects.create(actor=actor, file=file)
        transaction.on_commit(lambda: run_catalog_import.enqueue(run.pk))
    return run


def catalog_import_execute(*, run_id: int) -> str:
    """Read and write a queued workbook. Claimed by one conditional UPDATE, so a second worker does nothing."""
    from bianmin.catalog.spreadsheets import read_workbook

    Status = CatalogImportRun.Status
    if not CatalogImportRun.objects.filter(pk=run_id, status=Status.QUEUED).update(status=Status.RUNNING):
        return "already taken"
    run = CatalogImportRun.objects.select_related("actor").get(pk=run_id)
    runs = CatalogImportRun.objects.filter(pk=run_id)

    def progress(rows: int) -> None:
        runs.update(rows_read=rows)

    try:
        with run.file.open("rb") as file:
            parsed = read_workbook(file, user=run.actor, progress=progress)
        result = catalog_import(parsed=parsed, actor=run.actor)
    except ImportErrors as exc:
        runs.update(status=Status.FAILED, errors=exc.errors, finished_at=timezone.now())
        return f"{len(exc.errors)} errors"
    except Exception:
        runs.update(
            status=Status.FAILED, errors=[_("导入时发生系统错误，请联系系统管理员。")], finished_at=timezone.now()
        )
        raise
    runs.update(status=Status.DONE, result=result, finished_at=timezone.now())
    term_frequencies_refresh()
    return "done"
