"""Every read of the catalog. Public reads take a center; staff reads take the user and apply their scope.

Staff read the items of their unit and below and the items of the units above them (those are public at their
center too); they manage only the items of their unit and below, and only as director or administrator.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from bianmin.catalog import ranking, search
from bianmin.catalog.access import CATALOG_EDITORS
from bianmin.catalog.models import (
    CatalogImportRun,
    ItemEvent,
    ItemVersion,
    SearchMiss,
    ServiceItem,
    SynonymSet,
    Theme,
)
from bianmin.org.access import has_role, scope_path
from bianmin.org.models import Department, OrgUnit

SEARCH_LIMIT = 50
PUBLIC_LIMIT = 20  # what the public search page lists: the best twenty, not a catalog to scroll
# What a result list shows; fewer columns keep the grouped search query lean on SQLite (PostgreSQL groups by id).
SEARCH_FIELDS = (
    "name",
    "code",
    "version",
    "status",
    "change_status",
    "default_mode",
    "promised_limit",
    "statutory_limit",
    "limit_unit",
    "is_free",
    "owner_id",
    "department_id",
)


def owner_paths(center: OrgUnit) -> list[str]:
    """The paths of the units whose items are public at `center`: the center's and those above it."""
    return [center.path[: 7 * i] for i in range(1, center.depth + 1)]


def published_items(*, center: OrgUnit) -> QuerySet[ServiceItem]:
    """Items public at `center`: published, owned by the center or a unit above it."""
    return published_items_of(owner_paths(center))


def published_items_of(owners: Sequence[str]) -> QuerySet[ServiceItem]:
    """Items published by the units of these paths (`owner_paths`)."""
    return ServiceItem.objects.filter(status=ServiceItem.Status.PUBLISHED, owner__path__in=owners)


def current_version(item: ServiceItem) -> ItemVersion:
    return ItemVersion.objects.get(item=item, number=item.version)


# ---- public side -------------------------------------------------------------------------------------------


def public_versions(
    *, center: OrgUnit, department: Department | None = None, theme: Theme | None = None
) -> QuerySet[ItemVersion]:
    """The current version of every item public at `center`: what guides, cards and the screen show. One query."""
    items = published_items(center=center)
    if department is not None:
        items = items.filter(department=department)
    if theme is not None:
        items = items.filter(themes=theme)
    return (
        ItemVersion.objects.filter(item__in=items.values("pk"), number=F("item__version"))
        .select_related("item", "item__department")
        .order_by("item__department__code", "item__name")
    )


def public_version(*, center: OrgUnit, item_id: int) -> ItemVersion:
    """Raises ItemVersion.DoesNotExist for an item that is missing, not public, or not public at this center."""
    return public_versions(center=center).get(item_id=item_id)


# The browse counts (themes and departments with how many items each) are counted over every item public at a center
# (10,000 on a large district catalog: ~10 ms) and change only when an item does. They are kept in the shared cache
# under the catalog's newest event (publication, withdrawal, edit: one index lookup), so a change shows at once; the
# expiry catches what no event records (a department renamed, a theme assigned in the admin).
BROWSE_COUNTS_SECONDS = 600


def _catalog_mark() -> int:
    return ItemEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _browse_counts(kind: str, center: OrgUnit, mark: int, count: Any) -> Any:
    key = f"catalog:browse:{kind}:{center.pk}:{mark}"
    found = cache.get(key)
    if found is None:
        found = count()
        cache.set(key, found, timeout=BROWSE_COUNTS_SECONDS)
    return list(found)


def _theme_counts(center: OrgUnit, mark: int) -> list[tuple[Theme, int]]:
    def count() -> list[tuple[Theme, int]]:
        counts = dict(
            Theme.objects.filter(items__in=published_items(center=center).values("pk"))
            .values("pk")
            .annotate(n=Count("items"))
            .values_list("pk", "n")
        )
        return [(t, counts[t.pk]) for t in Theme.objects.filter(pk__in=counts)]

    return _browse_counts("themes", center, mark, count)


def _department_counts(center: OrgUnit, mark: int) -> list[tuple[Department, int]]:
    def count() -> list[tuple[Department, int]]:
        rows = (
            published_items(center=center)
            .values("department")
            .annotate(n=Count("pk"))
            .order_by("department__code")
            .values_list("department", "n")
        )
        counts = dict(rows)
        departments = Department.objects.filter(pk__in=counts).select_related("org_unit").order_by("code")
        return [(d, counts[d.pk]) for d in departments]

    return _browse_counts("departments", center, mark, count)


def public_themes(*, center: OrgUnit) -> list[tuple[Theme, int]]:
    """Themes with items public at `center`, with how many."""
    return _theme_counts(center, _catalog_mark())


def public_browse(*, center: OrgUnit) -> tuple[list[tuple[Theme, int]], list[tuple[Department, int]]]:
    """Themes and departments with items public at `center`, with how many: what a search that found nothing
    good offers to browse (one look at the catalog's newest event for both)."""
    mark = _catalog_mark()
    return _theme_counts(center, mark), _department_counts(center, mark)


def theme_by_code(code: str) -> Theme:
    return Theme.objects.get(code=code)


def department_public(*, center: OrgUnit, department_id: int) -> Department:
    return Department.objects.filter(pk__in=published_items(center=center).values("department")).get(pk=department_id)


def windows_at(snapshot: dict[str, Any], center: OrgUnit) -> list[dict[str, Any]]:
    """The windows of `center` that receive the item, as the published version lists them."""
    return [w for w in snapshot.get("windows", []) if w.get("center_id") == center.pk]


# ---- search ------------------------------------------------------------------------------------------------


@dataclass
class Hit:
    item: ServiceItem
    score: float
    matched: int


@dataclass
class SearchResult:
    """What a search found. `weak`: nothing matched well (most typed words unmatched): the page then offers
    themes, departments and the phone as well, and the query is counted for the catalog managers."""

    hits: list[Hit]
    weak: bool


SYNONYMS_VERSION_KEY = "catalog:synonyms-version"
SYNONYMS_MAX_AGE = 300  # seconds: a worker that missed the version bump (per-process cache) catches up by then
_synonyms_state: dict[str, Any] = {"version": None, "loaded_at": None}


def synonym_sets() -> QuerySet[SynonymSet]:
    return SynonymSet.objects.order_by("id")


def ensure_synonyms() -> None:
    """Install the synonym sets of the database in this process when they changed (or were never read)."""
    version = cache.get(SYNONYMS_VERSION_KEY)
    loaded_at = _synonyms_state["loaded_at"]
    now = time.monotonic()
    if loaded_at is not None and version == _synonyms_state["version"] and now - loaded_at < SYNONYMS_MAX_AGE:
        return
    rows = [w.split() for w in synonym_sets().values_list("words", flat=True)]
    # An empty table (a database created without the migration's data, or emptied) means the shipped sets.
    search.use_synonyms(rows or search.shipped_synonyms())
    _synonyms_state.update(version=version, loaded_at=now)


def forget_synonyms() -> None:
    _synonyms_state.update(version=None, loaded_at=None)


# Item columns a search result carries, read in the same query; the rest load lazily if ever touched.
# `Model.from_db` takes a subset of the columns in the model's field order.
_ITEM_COLUMNS = tuple(f.attname for f in ServiceItem._meta.concrete_fields if f.attname in {"id", *SEARCH_FIELDS})
_DEPARTMENT_COLUMNS = tuple(f.attname for f in Department._meta.concrete_fields if f.attname in {"id", "code", "name"})
# Items scoring below this share of the best are noise (a common word alone), not answers.
RELEVANT_SHARE = 0.25
# A word more than this share of all items have is matched only in names (see `search_in`).
COMMON_SHARE = 0.2
COMMON_MIN = 500


def _scope_of(items: QuerySet[ServiceItem]) -> ranking.Scope:
    subquery, params = items.order_by().values("pk").query.sql_with_params()
    return ranking.Scope(f"i.id IN ({subquery})", params)


def public_scope(center: OrgUnit) -> ranking.Scope:
    """`published_items(center=center)` as a condition on the item row: published, owned by the center or a unit
    above it (their ids are the segments of the center's path)."""
    owners = [int(segment) for segment in center.path.split("/") if segment] or [center.pk]
    marks = ", ".join(["%s"] * len(owners))
    return ranking.Scope(f"i.status = %s AND i.owner_id IN ({marks})", [ServiceItem.Status.PUBLISHED, *owners])


def search_in(
    items: QuerySet[ServiceItem] | None, text: str, *, limit: int = SEARCH_LIMIT, scope: ranking.Scope | None = None
) -> SearchResult:
    """Items of `items` (or of `scope`, an SQL condition) matching `text`, best first, in two queries.

    The first reads, per typed word, how many items of the whole catalog have it (and how many items there are):
    the word's rarity (BM25's inverse document frequency). The second takes the strongest rows of every matched
    term among the items in scope, keeps the best candidates and returns all their matching rows (see `ranking`);
    the score (per word matched: its rarity times the weight of its best term, summed) is added up here. A word
    most items have (a material such as 身份证) is matched only in names: its other rows could not lift an item.
    """
    ensure_synonyms()
    groups = search.parse_query(text)
    if not groups:
        return SearchResult([], weak=True)
    documents, counts = ranking.frequencies(groups)
    rarity = [
        search.idf(max(documents, n), n) * (3 if g.whole else 1) / 10 for g, n in zip(groups, counts, strict=True)
    ]
    common = [n > max(documents * COMMON_SHARE, COMMON_MIN) for n in counts]
    where = scope if scope is not None or items is None else _scope_of(items)
    if where is None:
        raise ValueError("search_in needs items or a scope")
    probes = ranking.probes(groups, common)
    rows = ranking.ranked_rows(probes, rarity, where, _ITEM_COLUMNS, _DEPARTMENT_COLUMNS, limit)
    if not rows and any(common):
        probes = ranking.probes(groups, [False] * len(groups))
        rows = ranking.ranked_rows(probes, rarity, where, _ITEM_COLUMNS, _DEPARTMENT_COLUMNS, limit)
    best = ranking.best_weights(rows, probes, rarity)
    if not best:
        return SearchResult([], weak=True)
    columns: dict[int, tuple[Any, ...]] = {row[0]: row[3:] for row in rows}
    n_item = len(_ITEM_COLUMNS)
    name_at = _ITEM_COLUMNS.index("name")
    scored = sorted((-sum(by_group.values()), columns[item_id][name_at], item_id) for item_id, by_group in best.items())
    top = -scored[0][0]
    words = [index for index, g in enumerate(groups) if not g.whole]
    hits = []
    for negative, _name, item_id in scored[:limit]:
        if -negative < top * RELEVANT_SHARE:
            break
        values = columns[item_id]
        item = ServiceItem.from_db("default", list(_ITEM_COLUMNS), list(values[:n_item]))
        if values[n_item] is not None:
            item.department = Department.from_db("default", list(_DEPARTMENT_COLUMNS), list(values[n_item:]))
        matched = sum(1 for k in words if best[item_id].get(k))
        hits.append(Hit(item=item, score=round(-negative, 3), matched=matched))
    # Nothing matched well: the best item misses one of one or two typed words, or most of more.
    matched = hits[0].matched
    weak = matched < len(words) if len(words) <= 2 else matched * 2 < len(words)
    return SearchResult(hits, weak=weak)


def search_public(*, center: OrgUnit, text: str, limit: int = SEARCH_LIMIT) -> SearchResult:
    return search_in(None, text, limit=limit, scope=public_scope(center))


def search_misses(*, limit: int = 200) -> QuerySet[SearchMiss]:
    """The queries that found nothing good, most asked first: what to add synonyms for."""
    return SearchMiss.objects.order_by("-count", "-last_seen")[:limit]


def published_names(hits: list[Hit]) -> dict[int, str]:
    """The published names of the items found (a working copy may be renamed before review), by item id: one query
    that reads the name from each snapshot, not the snapshots."""
    if not hits:
        return {}
    versions = {h.item.pk: h.item.version for h in hits}
    rows = ItemVersion.objects.filter(item_id__in=versions).values_list("item_id", "number", "snapshot__name")
    return {item_id: str(name) for item_id, number, name in rows if versions[item_id] == number and name}


# ---- staff side --------------------------------------------------------------------------------------------


def _readable(qs: QuerySet[ServiceItem], user: Any) -> QuerySet[ServiceItem]:
    prefix = scope_path(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    above = [prefix[: 7 * i] for i in range(1, len(prefix) // 7)]
    return qs.filter(Q(owner__path__startswith=prefix) | Q(owner__path__in=above))


def item_list(
    *,
    user: Any,
    status: str = "",
    department: int | None = None,
    mode: str = "",
    text: str = "",
) -> QuerySet[ServiceItem]:
    qs = _readable(ServiceItem.objects.all(), user).select_related("department", "owner")
    if status == "pending":
        qs = qs.filter(Q(status=ServiceItem.Status.REVIEW) | Q(change_status=ServiceItem.ChangeStatus.REVIEW))
    elif status == "changed":
        qs = qs.exclude(change_status="")
    elif status:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(department_id=department)
    if mode:
        qs = qs.filter(default_mode=mode)
    if text.strip():
        ids = [h.item.pk for h in search_in(qs, text, limit=500).hits]
        by_text = Q(pk__in=ids) | Q(name__icontains=text.strip()) | Q(code__icontains=text.strip())
        qs = qs.filter(by_text)
    return qs.order_by("department__code", "name")


def item_for_user(*, user: Any, pk: int) -> ServiceItem:
    """Raises ServiceItem.DoesNotExist for missing and out-of-scope alike."""
    return (
        _readable(ServiceItem.objects.all(), user)
        .select_related("department", "owner", "forward_to")
        .prefetch_related("joint_departments", "windows__center", "themes")
        .get(pk=pk)
    )


def item_for_edit(*, user: Any, pk: int) -> ServiceItem:
    return item_for_user(user=user, pk=pk)


def managed_owners(*, user: Any) -> QuerySet[OrgUnit]:
    prefix = scope_path(user)
    if prefix is None or not has_role(user, CATALOG_EDITORS):
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(path__startswith=prefix, is_active=True)


def managed_items(*, user: Any) -> QuerySet[ServiceItem]:
    owners = managed_owners(user=user)
    return ServiceItem.objects.filter(owner__in=owners)


def departments_for(*, user: Any) -> QuerySet[Department]:
    prefix = scope_path(user)
    if prefix is None:
        return Department.objects.none()
    qs = Department.objects.select_related("org_unit")
    return qs if prefix == "" else qs.filter(org_unit__path__startswith=prefix)


def item_versions(*, item: ServiceItem) -> QuerySet[ItemVersion]:
    return ItemVersion.objects.filter(item=item).select_related("published_by").order_by("-number")


def item_version(*, item: ServiceItem, number: int) -> ItemVersion:
    return ItemVersion.objects.select_related("published_by").get(item=item, number=number)


def item_events(*, item: ServiceItem) -> QuerySet[ItemEvent]:
    return ItemEvent.objects.filter(item=item).select_related("actor").order_by("-created_at", "-id")


def latest_version_numbers(items: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    last = ItemVersion.objects.filter(item=OuterRef("pk")).order_by("-number").values("number")[:1]
    return items.annotate(last_version=Subquery(last))


def items_with_materials(items: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    return items.prefetch_related(Prefetch("materials"), Prefetch("steps"))


def import_run_for(*, user: Any, pk: int) -> CatalogImportRun:
    """A background import, for the user who started it; anyone else gets the same 404 as for a missing one."""
    from django.http import Http404

    run = CatalogImportRun.objects.filter(pk=pk, actor=user).first()
    if run is None:
        raise Http404
    return run
