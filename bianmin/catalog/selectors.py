"""Every read of the catalog. Public reads take a center; staff reads take the user and apply their scope.

Staff read the items of their unit and below and the items of the units above them (those are public at their
center too); they manage only the items of their unit and below, and only as director or administrator.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from bianmin.catalog import search
from bianmin.catalog.access import CATALOG_EDITORS
from bianmin.catalog.models import (
    CatalogImportRun,
    ItemEvent,
    ItemVersion,
    SearchMiss,
    SearchTerm,
    ServiceItem,
    SynonymSet,
    Theme,
)
from bianmin.org.access import has_role, scope_path
from bianmin.org.models import Department, OrgUnit

SEARCH_LIMIT = 50
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


def published_items(*, center: OrgUnit) -> QuerySet[ServiceItem]:
    """Items public at `center`: published, owned by the center or a unit above it."""
    owners = [center.path[: 7 * i] for i in range(1, center.depth + 1)]
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


def public_departments(*, center: OrgUnit) -> list[tuple[Department, int]]:
    """Departments with items public at `center`, with how many."""
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


def public_themes(*, center: OrgUnit) -> list[tuple[Theme, int]]:
    counts = dict(
        Theme.objects.filter(items__in=published_items(center=center).values("pk"))
        .values("pk")
        .annotate(n=Count("items"))
        .values_list("pk", "n")
    )
    return [(t, counts[t.pk]) for t in Theme.objects.filter(pk__in=counts)]


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


def _prefix(field: str, prefix: str) -> Q:
    if connection.vendor == "sqlite":
        # SQLite's LIKE is case-insensitive and cannot use a plain index; a range on the binary collation can.
        return Q(**{f"{field}__range": (prefix, prefix + "\U0010ffff")})
    return Q(**{f"{field}__startswith": prefix})


def _group_q(group: search.Group, field: str = "search_terms__term") -> Q:
    q = Q(**{f"{field}__in": sorted(group.exact | group.sound | group.parts)})
    if group.prefix:
        q |= _prefix(field, group.prefix)
    return q


def _group_weight(group: search.Group, only: Q | None = None) -> Max:
    """The weight (in tenths) of the best term of an item matching `group`: exact over prefix over sound."""
    weight = F("weight")
    whens = [When(term__in=sorted(group.exact), then=weight * search.EXACT)]
    if group.prefix:
        whens.append(When(_prefix("term", group.prefix), then=weight * search.PREFIX))
    if group.sound:
        whens.append(When(term__in=sorted(group.sound), then=weight * search.SOUND))
    if group.parts:
        whens.append(When(term__in=sorted(group.parts), then=weight * search.PART))
    if group.whole:
        # The whole text typed counts only as a whole name (or a variant of it), not as a material; its sound as
        # the sound of a whole name, or the start of one.
        whens = [When(term__in=sorted(group.exact), weight__gte=search.W_VARIANT, then=weight * search.EXACT)]
        if group.sound:
            whens.append(When(term__in=sorted(group.sound), weight__gte=search.W_PINYIN, then=weight * search.EXACT))
        if group.prefix:
            prefix = _prefix("term", group.prefix) & Q(weight__gte=search.W_PINYIN)
            whens.append(When(prefix, then=weight * search.PREFIX))
    if only is not None:
        whens = [When(only & w.condition, then=w.result) for w in whens]
    return Max(Case(*whens, default=Value(0), output_field=IntegerField()))


# Item columns a search result carries, read in the same query; the rest load lazily if ever touched.
# `Model.from_db` takes a subset of the columns in the model's field order.
_ITEM_COLUMNS = tuple(f.attname for f in ServiceItem._meta.concrete_fields if f.attname in {"id", *SEARCH_FIELDS})
_DEPARTMENT_COLUMNS = tuple(f.attname for f in Department._meta.concrete_fields if f.attname in {"id", "code", "name"})
# Items scoring below this share of the best are noise (a common word alone), not answers.
RELEVANT_SHARE = 0.25
# A word more than this share of all items have is matched only in names (see `search_in`).
COMMON_SHARE = 0.2
COMMON_MIN = 500


def search_in(items: QuerySet[ServiceItem], text: str, *, limit: int = SEARCH_LIMIT) -> SearchResult:
    """Items of `items` matching `text`, best first, in two queries.

    The first counts, per typed word, the items of the whole catalog that have it (and the items in all): the
    word's rarity (BM25's inverse document frequency). The second reads the term table: the typed words select rows
    through the term index, a correlated EXISTS keeps those of items in scope, rows are grouped per item with the
    best weight each typed word reached, and the score (per word matched: its rarity times the weight of its best
    term, summed) orders them in the database, so only the best rows come back. A word most items have (a material
    such as 身份证) is matched only in names there: its other rows could not lift an item, only slow the query.
    Reading from the terms leaves the planner no better entry than the term index, whatever statistics the
    database has (a fresh SQLite file has none).
    """
    ensure_synonyms()
    groups = search.parse_query(text)
    if not groups:
        return SearchResult([], weak=True)
    any_group = Q()
    counts: dict[str, Any] = {}
    for index, group in enumerate(groups):
        q = _group_q(group, "term")
        any_group |= q
        counts[f"d{index}"] = Count("item_id", distinct=True, filter=q)
    everything = ServiceItem.objects.order_by().annotate(n=Func(Value(1), function="COUNT")).values("n")
    stats = SearchTerm.objects.filter(any_group).aggregate(
        **counts, documents=Max(Subquery(everything[:1], output_field=IntegerField()))
    )
    documents = stats["documents"] or 0
    rarity = [
        search.idf(max(documents, stats[f"d{i}"]), stats[f"d{i}"]) * (3 if g.whole else 1) / 10
        for i, g in enumerate(groups)
    ]
    common = [stats[f"d{i}"] > max(documents * COMMON_SHARE, COMMON_MIN) for i in range(len(groups))]
    rows = _ranked(items, groups, rarity, common, limit)
    if not rows and any(common):
        rows = _ranked(items, groups, rarity, [False] * len(groups), limit)
    if not rows:
        return SearchResult([], weak=True)
    best = rows[0]["score"]
    keys = [f"g{index}" for index in range(len(groups))]
    item_fields = [f"item__{name}" for name in _ITEM_COLUMNS]
    department_fields = [f"item__department__{name}" for name in _DEPARTMENT_COLUMNS]
    hits = []
    words = [k for k, g in zip(keys, groups, strict=True) if not g.whole]
    for row in rows:
        if row["score"] < best * RELEVANT_SHARE:
            break
        item = ServiceItem.from_db("default", list(_ITEM_COLUMNS), [row[f] for f in item_fields])
        item.department = Department.from_db("default", list(_DEPARTMENT_COLUMNS), [row[f] for f in department_fields])
        hits.append(Hit(item=item, score=round(row["score"], 3), matched=sum(1 for k in words if row[k])))
    # Nothing matched well: the best item misses one of one or two typed words, or most of more.
    matched = hits[0].matched
    weak = matched < len(words) if len(words) <= 2 else matched * 2 < len(words)
    return SearchResult(hits, weak=weak)


def _ranked(
    items: QuerySet[ServiceItem], groups: list[search.Group], rarity: list[float], common: list[bool], limit: int
) -> list[dict[str, Any]]:
    any_group = Q()
    flags: dict[str, Any] = {}
    score: Any = Value(0.0, output_field=FloatField())
    for index, (group, factor, is_common) in enumerate(zip(groups, rarity, common, strict=True)):
        q = _group_q(group, "term")
        if is_common:
            q &= Q(weight__gt=search.W_MATERIAL)
        any_group |= q
        flags[f"g{index}"] = _group_weight(group, only=q if is_common else None)
        score = score + F(f"g{index}") * Value(factor, output_field=FloatField())
    item_fields = [f"item__{name}" for name in _ITEM_COLUMNS]
    department_fields = [f"item__department__{name}" for name in _DEPARTMENT_COLUMNS]
    return list(
        SearchTerm.objects.filter(any_group)
        .filter(Exists(items.filter(pk=OuterRef("item_id"))))
        .values(*item_fields, *department_fields)
        .annotate(**flags)
        .annotate(score=ExpressionWrapper(score, output_field=FloatField()))
        .order_by("-score", "item__name", "item__id")[:limit]
    )


def search_public(*, center: OrgUnit, text: str, limit: int = SEARCH_LIMIT) -> SearchResult:
    return search_in(published_items(center=center), text, limit=limit)


def search_misses(*, limit: int = 200) -> QuerySet[SearchMiss]:
    """The queries that found nothing good, most asked first: what to add synonyms for."""
    return SearchMiss.objects.order_by("-count", "-last_seen")[:limit]


def versions_of(hits: list[Hit]) -> dict[int, ItemVersion]:
    """The current versions of the items found, by item id: one query."""
    items = [h.item for h in hits]
    wanted = Q()
    for item in items:
        wanted |= Q(item_id=item.pk, number=item.version)
    if not items:
        return {}
    return {v.item_id: v for v in ItemVersion.objects.filter(wanted)}


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
