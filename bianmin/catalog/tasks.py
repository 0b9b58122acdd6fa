"""Background jobs of the catalog (Django's task framework): the search index rebuilt after a synonym change, and
the import of a large workbook. Each is idempotent."""

from __future__ import annotations

from django_tasks import task

from bianmin.catalog import services


@task()
def reindex_catalog() -> int:
    return services.catalog_reindex_all()


@task()
def run_catalog_import(run_id: int) -> str:
    return services.catalog_import_execute(run_id=run_id)
