import io
from collections import Counter

import pytest

from bianmin.catalog import demo
from bianmin.catalog.models import ItemVersion, Material, Mode, SearchTerm, ServiceItem


@pytest.mark.usefixtures("demo_catalog")
def test_demo_catalog_is_published_with_every_mode_and_shared_materials():
    items = ServiceItem.objects.all()
    assert items.count() >= 40
    assert not items.exclude(status=ServiceItem.Status.PUBLISHED).exists()

    modes = Counter(items.values_list("default_mode", flat=True))
    assert modes[Mode.DIRECT] >= 3
    assert modes[Mode.PROMISED] >= 3
    assert modes[Mode.JOINT] >= 3
    assert modes[Mode.FORWARDED] >= 3
    for item in items.filter(default_mode=Mode.JOINT):
        assert item.joint_departments.count() >= 2
    assert not items.filter(default_mode=Mode.FORWARDED, forward_to__code__isnull=True).exists()
    assert set(items.filter(default_mode=Mode.FORWARDED).values_list("forward_to__code", flat=True)) == {"410108"}

    needing = Counter(Material.objects.values_list("name", flat=True))
    assert needing["居民身份证"] >= 20
    assert needing["户口簿"] >= 20
    assert Material.objects.filter(kind=Material.Kind.GENERAL).exists()
    assert items.filter(is_free=False).count() < items.count() / 4

    names = set(items.values_list("name", flat=True))
    for expected in ("最低生活保障申请", "残疾人证办理（新办）", "居住证办理", "生育登记", "失业登记"):
        assert expected in names
    assert not items.exclude(windows__isnull=False).exists()  # every item is received at a window


@pytest.mark.usefixtures("demo_catalog")
def test_demo_catalog_reload_keeps_versions():
    before = ItemVersion.objects.count()

    demo.load(io.StringIO())

    assert ItemVersion.objects.count() == before
    assert set(ServiceItem.objects.values_list("version", flat=True)) == {1}
    assert not ServiceItem.objects.filter(search_text="").exists()
    assert SearchTerm.objects.filter(term="低保").exists()
