"""The background import of a large catalog workbook (Django's task framework)."""

from __future__ import annotations

from django_tasks import task

from bianmin.catalog import services


@task()
def run_catalog_import(run_id: int) -> str:
    return services.catalog_import_execute(run_id=run_id)
