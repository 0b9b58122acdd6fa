"""What keeps search fast on a large catalog: word rarity read from the term frequencies, the best rows of each term
walked from the rank index and capped, exact scores for the candidates kept, a bounded number of queries."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bianmin.catalog import ranking, search
from bianmin.catalog.models import SearchTerm, ServiceItem, TermFrequency
from bianmin.catalog.search_upkeep import term_frequencies_refresh
from bianmin.catalog.selectors import search_public

_codes = itertools.count()


def _items(world, names, materials=()):
    items = ServiceItem.objects.bulk_create(
        ServiceItem(
            owner=world.center,
            name=name,
            code=f"SPEED-{next(_codes):05d}",
            item_type="public_service",
            department=world.department,
            status=ServiceItem.Status.PUBLISHED,
            version=1,
        )
        for name in names
    )
    SearchTerm.objects.bulk_create(
        SearchTerm(item=item, term=term, weight=weight)
        for item in items
        for term, weight in search.index_terms(name=item.name, materials=materials).items()
    )
    return items


def test_the_refresh_counts_the_items_of_every_term(world):
    _items(world, ["最低生活保障申请", "最低生活保障复核", "临时救助申请"])

    term_frequencies_refresh()

    assert TermFrequency.objects.get(term="最低生活保障").items == 2
    assert TermFrequency.objects.get(term="申请").items == 2
    assert TermFrequency.objects.get(term="临时救助").items == 1


def test_rarity_comes_from_the_term_frequencies_and_unknown_terms_are_counted(world):
    rescue, dibao = _items(world, ["临时救助", "最低生活保障"])
    term_frequencies_refresh()
    # Both words are as rare: the whole name 临时救助 outweighs 最低生活保障 found through its synonym 低保.
    assert [h.item for h in search_public(center=world.center, text="临时救助 低保").hits] == [rescue, dibao]

    # The table says 临时救助 is everywhere (as it would after a large import): the rarer word now counts more.
    TermFrequency.objects.filter(term="临时救助").update(items=10_000)
    assert next(h.item for h in search_public(center=world.center, text="临时救助 低保").hits) == dibao

    # A term the table does not know yet (indexed since the last refresh) is counted, not taken as absent.
    TermFrequency.objects.all().delete()
    assert [h.item for h in search_public(center=world.center, text="临时救助 低保").hits] == [rescue, dibao]


def test_an_item_beyond_a_common_words_first_rows_still_gets_its_share(world, monkeypatch):
    monkeypatch.setattr(ranking, "PER_TERM", 3)
    monkeypatch.setattr(ranking, "SPARE", 0)
    # Twelve short names with 申请 (its strongest rows), then the item meant: 申请 in a long name, and rarer words.
    _items(world, [f"甲{i}申请" for i in range(12)])
    (target,) = _items(world, ["城乡居民基本养老保险待遇申请"])
    _items(world, ["城乡居民基本养老保险参保登记"])
    term_frequencies_refresh()

    hits = search_public(center=world.center, text="养老保险待遇申请", limit=3).hits

    # Found through its rarer words, scored with every word it has (申请 included, though not among its first rows).
    assert hits[0].item == target
    assert hits[0].matched == len([g for g in search.parse_query("养老保险待遇申请") if not g.whole])


def test_a_word_most_items_have_reads_a_bounded_number_of_rows(world, django_assert_num_queries):
    # 身份证 is in the materials of every item; only one names it.
    _items(world, [f"事项{i}" for i in range(200)], materials=["居民身份证", "户口簿"])
    (target,) = _items(world, ["居民身份证办理"], materials=["户口簿"])
    term_frequencies_refresh()
    search_public(center=world.center, text="低保")  # the synonym sets are read once per worker

    with django_assert_num_queries(2):
        hits = search_public(center=world.center, text="身份证", limit=20).hits

    assert hits[0].item == target
    assert len(hits) <= 20


@pytest.mark.django_db
def test_the_search_page_is_four_queries_whatever_it_finds(client, world, django_assert_num_queries):
    _items(world, [f"事项{i}" for i in range(60)], materials=["居民身份证"])
    _items(world, ["居民身份证办理", "最低生活保障"])
    term_frequencies_refresh()
    url = reverse("catalog:search", args=[world.center.code])
    client.get(url, {"q": "低保"})

    # The center, the words' rarity, the ranked rows with their items and departments, the published names.
    for typed in ("身份证", "低保", "dbsq", "shenfen"):
        with django_assert_num_queries(4):
            response = client.get(url, {"q": typed})
        assert response.status_code == 200
        assert len(response.context["results"]) <= 20


def test_the_candidate_walk_starts_from_the_rank_index(world):
    _items(world, [f"事项{i}" for i in range(50)], materials=["居民身份证"])
    _items(world, ["居民身份证办理"])
    term_frequencies_refresh()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        search_public(center=world.center, text="身份证 dbsq")
    ranked = queries.captured_queries[-1]["sql"]

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {ranked}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "SCAN s " not in plan + " ", plan
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {ranked}")
            plan = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
            assert "Seq Scan on catalog_searchterm" not in plan, plan
    assert "search_term_rank_idx" in plan, plan
