"""Background jobs of the catalog (Django's task framework): the search index rebuilt after a synonym change, and
the import of a large workbook. Each is idempotent."""

from __future__ import annotations

from django_tasks import task

from bianmin.catalog import imports, search_upkeep


@task()
def reindex_catalog() -> int:
    return search_upkeep.catalog_reindex_all()


@task()
def run_catalog_import(run_id: int) -> str:
    return imports.catalog_import_execute(run_id=run_id)
