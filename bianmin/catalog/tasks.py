"""Background jobs of the catalog (Django's task framework). Idempotent: a re-run rebuilds the same index."""

from __future__ import annotations

from django_tasks import task

from bianmin.catalog import services


@task()
def reindex_catalog() -> int:
    return services.catalog_reindex_all()
