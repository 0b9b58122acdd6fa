"""Search upkeep: the synonym sets catalog managers edit, the reindex after a change, queries that found nothing."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.catalog import search
from bianmin.catalog.models import SearchMiss, ServiceItem, SynonymSet, TermFrequency
from bianmin.catalog.services import item_reindex
from bianmin.core.events import audit


def _synonym_words(words: str) -> str:
    found = search.parse_synonyms(words)
    if len(found) != 1:
        raise ValidationError({"words": _("请填写至少两个词，用空格分隔，第一个为规范名称。")})
    return " ".join(found[0])


def _synonyms_changed() -> None:
    """Every worker reads the new sets on its next search; the index is rebuilt in the background."""
    from bianmin.catalog.selectors import SYNONYMS_VERSION_KEY
    from bianmin.catalog.tasks import reindex_catalog

    cache.set(SYNONYMS_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    transaction.on_commit(reindex_catalog.enqueue)


@transaction.atomic
def synonym_set_save(*, actor: Any, words: str, synonym_set: SynonymSet | None = None) -> SynonymSet:
    cleaned = _synonym_words(words)
    previous = synonym_set.words if synonym_set is not None else ""
    if synonym_set is None:
        synonym_set = SynonymSet.objects.create(words=cleaned)
    else:
        synonym_set.words = cleaned
        synonym_set.save(update_fields=["words", "updated_at"])
    audit(
        actor=actor, target=synonym_set, verb="update" if previous else "create", data={"from": previous, "to": cleaned}
    )
    _synonyms_changed()
    return synonym_set


@transaction.atomic
def synonym_set_delete(*, actor: Any, synonym_set: SynonymSet) -> None:
    audit(actor=actor, target=synonym_set, verb="delete", data={"from": synonym_set.words})
    synonym_set.delete()
    _synonyms_changed()


def catalog_reindex_all() -> int:
    """Rebuild every item's search terms with the current synonym sets (the background job after a change)."""
    from bianmin.catalog.selectors import ensure_synonyms

    ensure_synonyms()
    count = 0
    for item in ServiceItem.objects.select_related("department").iterator(chunk_size=500):
        with transaction.atomic():
            item_reindex(item=item)
        count += 1
    term_frequencies_refresh()
    return count


def term_frequencies_refresh() -> int:
    """Count again how many items have each term (`TermFrequency`, the rarity search reads): after a reindex, an
    import, and every hour (edits in between add terms that search counts itself until then)."""
    table = TermFrequency._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the model's own table name
        cursor.execute(
            f"INSERT INTO {table} (term, items) SELECT term, COUNT(*) FROM catalog_searchterm GROUP BY term"  # noqa: S608
        )
        return cursor.rowcount


def search_miss_record(*, text: str) -> None:
    """Count a query that found nothing good. Only the folded text is kept: no user, address or time of the person."""
    folded = search.normalize(text)[:50]
    if not folded:
        return
    updated = SearchMiss.objects.filter(text=folded).update(count=F("count") + 1, last_seen=timezone.now())
    if not updated:
        try:
            with transaction.atomic():
                SearchMiss.objects.create(text=folded)
        except IntegrityError:  # the same query, counted by a parallel request first
            SearchMiss.objects.filter(text=folded).update(count=F("count") + 1, last_seen=timezone.now())
