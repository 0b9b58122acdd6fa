"""The search's SQL: typed words' rarity from the term frequencies, then the best items in one statement.

Written as SQL (same text on PostgreSQL and SQLite) because the ORM spent more time building the ranked query than
the database spent running it, and because the plan has to be this one on both databases:

1. **Rarity** (`frequencies`): how many items have each typed term, read by key from `TermFrequency` (a term not
   there yet is counted in `SearchTerm`), and how many items there are.
2. **Candidates**: for every term a typed word may match (the word, its synonyms, its sound, a latin prefix), the
   strongest rows of that term among the items in scope, walked from the index on (term, weight DESC, item) and
   cut at `PER_TERM` rows. A word 6,000 items have (身份证, in their materials) costs `PER_TERM` rows, not 6,000.
3. Candidates are scored from those rows (per typed word, its rarity times the best weight reached, summed) and the
   best (the page's length and `SPARE` more) are kept; for them every matching row is read again (by item), so
   their scores are exact: an item outside one word's first rows still gets that word's share.

Only constants, integers and the scope's own SQL (built here or by the ORM) are put into the text; every value
typed or stored is a parameter.

The score of the final rows is computed by the caller (a few hundred rows at most).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from bianmin.catalog import search

# Rows read per matched term, the best ones (and at least the candidates kept): bounds the work for common words.
PER_TERM = 60
RANGE_ROWS = 2000  # rows a latin prefix may read before keeping its best (a two-letter prefix matches thousands)
SPARE = 30  # candidates scored exactly beyond the page's length, so that exact scoring can reorder them


@dataclass(frozen=True)
class Probe:
    """One way a typed word matches a term: `term` exactly, or (`prefix`) every term starting with it."""

    group: int
    term: str
    tenths: int  # what a row's weight counts, in tenths: exact 10, prefix 8, sound 5, part 5
    min_weight: int = 1
    prefix: bool = False


@dataclass(frozen=True)
class Scope:
    """Which items may be found: an SQL condition on the item table, aliased `i`."""

    sql: str
    params: Sequence[object] = field(default_factory=tuple)


def probes(groups: Sequence[search.Group], common: Sequence[bool]) -> list[Probe]:
    """How each typed word matches, strongest way first; a word most items have is matched in names only."""
    out: list[Probe] = []
    for index, (group, is_common) in enumerate(zip(groups, common, strict=True)):
        floor = search.W_MATERIAL + 1 if is_common else 1
        if group.whole:
            # The whole text typed counts only as a whole name (or a variant of it); its sound as a name's sound.
            kinds = [(sorted(group.exact), search.EXACT, search.W_VARIANT)]
            kinds.append((sorted(group.sound - group.exact), search.EXACT, search.W_PINYIN))
            prefix = [(group.prefix, search.PREFIX, search.W_PINYIN)] if group.prefix else []
        else:
            taken = set(group.exact)
            kinds = [(sorted(group.exact), search.EXACT, floor)]
            kinds.append((sorted(group.sound - taken), search.SOUND, floor))
            kinds.append((sorted(group.parts - taken - group.sound), search.PART, floor))
            prefix = [(group.prefix, search.PREFIX, floor)] if group.prefix else []
        for terms, tenths, min_weight in kinds:
            out.extend(Probe(index, term, tenths, min_weight) for term in terms)
        out.extend(Probe(index, p, tenths, min_weight, prefix=True) for p, tenths, min_weight in prefix)
    return out


def _like(prefix: str) -> tuple[str, list[Any]]:
    """A prefix condition the term index serves: a range on SQLite (whose LIKE ignores case and any index), LIKE
    on PostgreSQL (the pattern operator class)."""
    if connection.vendor == "sqlite":
        return "BETWEEN %s AND %s", [prefix, prefix + "\U0010ffff"]
    return "LIKE %s", [prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"]


def frequencies(groups: Sequence[search.Group]) -> tuple[int, list[int]]:
    """The number of items, and per typed word the items having its most frequent term (one query)."""
    terms = sorted({t for g in groups for t in (g.exact | g.sound | g.parts)})
    prefixes = sorted({g.prefix for g in groups if g.prefix})
    arms: list[str] = []
    params: list[Any] = []
    for term in terms:
        arms.append(
            "SELECT 0 AS kind, %s AS term, COALESCE((SELECT f.items FROM catalog_termfrequency f WHERE f.term = %s),"
            " (SELECT COUNT(*) FROM catalog_searchterm s WHERE s.term = %s)) AS n"
        )
        params += [term, term, term]
    for prefix in prefixes:
        cond, cond_params = _like(prefix)
        arms.append(
            "SELECT 1 AS kind, %s AS term, COALESCE("  # noqa: S608 - see the module's docstring
            f"(SELECT MAX(fp.items) FROM (SELECT f.items FROM catalog_termfrequency f WHERE f.term {cond} "
            f"LIMIT {RANGE_ROWS}) AS fp),"
            f" (SELECT COUNT(*) FROM (SELECT 1 FROM catalog_searchterm s WHERE s.term {cond} LIMIT {RANGE_ROWS})"
            " AS sp)) AS n"
        )
        params += [prefix, *cond_params, *cond_params]
    arms.append("SELECT 2 AS kind, '' AS term, (SELECT COUNT(*) FROM catalog_serviceitem) AS n")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(arms), params)
        found = {(kind, term): n or 0 for kind, term, n in cursor.fetchall()}
    documents = found.get((2, ""), 0)
    counts = []
    for g in groups:
        wanted = [found.get((0, t), 0) for t in g.exact | g.sound | g.parts]
        if g.prefix:
            wanted.append(found.get((1, g.prefix), 0))
        counts.append(max(wanted, default=0))
    return documents, counts


def ranked_rows(
    probe_list: Sequence[Probe],
    factors: Sequence[float],
    scope: Scope,
    item_columns: Sequence[str],
    department_columns: Sequence[str],
    limit: int,
) -> list[tuple[Any, ...]]:
    """(item id, term, weight, *item columns, *department columns) of every row matching a probe, for the best
    `limit + SPARE` candidates in scope."""
    top = limit + SPARE
    per_term = max(PER_TERM, top)
    arms: list[str] = []
    params: list[Any] = []
    for n, probe in enumerate(probe_list):
        factor = factors[probe.group] * probe.tenths
        if probe.prefix:
            cond, cond_params = _like(probe.term)
            arms.append(
                f"SELECT * FROM (SELECT item_id, w, g FROM (SELECT s.item_id, s.weight * %s AS w, {probe.group} AS g"  # noqa: S608
                f" FROM catalog_searchterm s CROSS JOIN catalog_serviceitem i"
                f" WHERE s.term {cond} AND i.id = s.item_id AND s.weight >= %s AND ({scope.sql})"
                f" LIMIT {RANGE_ROWS}) AS r{n}"
                f" ORDER BY w DESC LIMIT {per_term}) AS p{n}"
            )
            params += [factor, *cond_params, probe.min_weight, *scope.params]
        else:
            arms.append(
                f"SELECT * FROM (SELECT s.item_id, s.weight * %s AS w, {probe.group} AS g"  # noqa: S608
                " FROM catalog_searchterm s CROSS JOIN catalog_serviceitem i"
                f" WHERE s.term = %s AND i.id = s.item_id AND s.weight >= %s AND ({scope.sql})"
                f" ORDER BY s.weight DESC LIMIT {per_term}) AS p{n}"
            )
            params += [factor, probe.term, probe.min_weight, *scope.params]
    exact = sorted({p.term for p in probe_list if not p.prefix})
    matches = []
    match_params: list[Any] = []
    if exact:
        matches.append(f"s.term IN ({', '.join(['%s'] * len(exact))})")
        match_params += exact
    for prefix in sorted({p.term for p in probe_list if p.prefix}):
        cond, cond_params = _like(prefix)
        matches.append(f"s.term {cond}")
        match_params += cond_params
    columns = ", ".join([f"i.{c}" for c in item_columns] + [f"d.{c}" for c in department_columns])
    sql = (
        f"WITH hits AS ({' UNION ALL '.join(arms)}),"  # noqa: S608
        " best AS (SELECT item_id, g, MAX(w) AS w FROM hits GROUP BY item_id, g),"
        f" top AS (SELECT item_id, SUM(w) AS score FROM best GROUP BY item_id ORDER BY score DESC, item_id LIMIT {top})"
        f" SELECT s.item_id, s.term, s.weight, {columns}"
        " FROM top CROSS JOIN catalog_serviceitem i CROSS JOIN catalog_searchterm s"
        " LEFT JOIN org_department d ON d.id = i.department_id"
        f" WHERE i.id = top.item_id AND s.item_id = top.item_id AND ({' OR '.join(matches)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + match_params)
        return cursor.fetchall()


def best_weights(
    rows: Sequence[tuple[Any, ...]], probe_list: Sequence[Probe], factors: Sequence[float]
) -> dict[int, dict[int, float]]:
    """Per item, per typed word: the best weight it reached times the word's rarity (exact over the rows read)."""
    by_term: dict[str, list[tuple[int, float, int]]] = {}
    prefixed = [(p.term, p.group, p.tenths * factors[p.group], p.min_weight) for p in probe_list if p.prefix]
    for p in probe_list:
        if not p.prefix:
            by_term.setdefault(p.term, []).append((p.group, p.tenths * factors[p.group], p.min_weight))
    best: dict[int, dict[int, float]] = {}
    for item_id, term, weight, *_ in rows:
        matching = by_term.get(term, [])
        if prefixed:
            matching = matching + [(g, f, m) for prefix, g, f, m in prefixed if term.startswith(prefix)]
        groups = best.setdefault(item_id, {})
        for group, factor, min_weight in matching:
            value = weight * factor
            if weight >= min_weight and value > groups.get(group, 0.0):
                groups[group] = value
        if not groups:
            del best[item_id]
    return best
