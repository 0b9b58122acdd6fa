from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bianmin.catalog.models import SearchMiss, SynonymSet
from bianmin.catalog.search_upkeep import catalog_reindex_all, search_miss_record
from bianmin.catalog.selectors import search_public
from bianmin.catalog.tests.factories import published_item
from bianmin.core.models import AuditEvent


def test_catalog_manager_adds_a_synonym_and_search_finds_the_item(client, world, django_capture_on_commit_callbacks):
    item = published_item(owner=world.center, department=world.department, name="城乡居民基本养老保险参保登记").item
    assert search_public(center=world.center, text="农保").hits == []
    client.force_login(world.director.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("catalog:synonyms"), {"words": "城乡居民基本养老保险  农保，农民养老金"})

    assert response.status_code == 302
    assert SynonymSet.objects.filter(words="城乡居民基本养老保险 农保 农民养老金").exists()
    assert AuditEvent.objects.filter(verb="create").count() == 1
    # The index is rebuilt in the background: a job is queued; the worker runs it.
    assert DBTaskResult.objects.filter(task_path="bianmin.catalog.tasks.reindex_catalog").count() == 1
    catalog_reindex_all()
    assert search_public(center=world.center, text="农保").hits[0].item == item
    assert search_public(center=world.center, text="nmylj").hits[0].item == item


def test_catalog_manager_edits_and_deletes_a_synonym_set(client, world, shipped_synonym_rows):
    synonym_set = SynonymSet.objects.get(words__startswith="法律援助 ")
    client.force_login(world.director.user)

    client.post(reverse("catalog:synonym_edit", args=[synonym_set.pk]), {"words": "法律援助 法援 打官司"})
    synonym_set.refresh_from_db()
    assert synonym_set.words == "法律援助 法援 打官司"

    bad = client.post(reverse("catalog:synonym_edit", args=[synonym_set.pk]), {"words": "法律援助"})
    assert bad.status_code == 400
    assert "请填写至少两个词" in bad.content.decode()

    client.post(reverse("catalog:synonym_delete", args=[synonym_set.pk]))
    assert not SynonymSet.objects.filter(pk=synonym_set.pk).exists()


def test_synonym_page_lists_queries_that_found_nothing_for_managers_only(client, world, shipped_synonym_rows):
    for _ in range(3):
        search_miss_record(text="宇航员")
    search_miss_record(text="火箭")
    client.force_login(world.window_staff.user)
    assert client.get(reverse("catalog:synonyms")).status_code == 403

    client.force_login(world.director.user)
    page = client.get(reverse("catalog:synonyms")).content.decode()

    assert page.index("宇航员") < page.index("火箭")
    assert SearchMiss.objects.get(text="宇航员").count == 3
    assert "最低生活保障 低保" in page  # the shipped sets
    assert SynonymSet.objects.count() >= 150
