from __future__ import annotations

from typing import Any

import factory

from bianmin.catalog.models import ItemType, ItemVersion, Material, Mode, ServiceItem, Step, Theme
from bianmin.catalog.services import item_publish
from bianmin.org.tests.factories import DepartmentFactory, OrgUnitFactory


class ServiceItemFactory(factory.django.DjangoModelFactory[ServiceItem]):
    class Meta:
        model = ServiceItem

    owner = factory.SubFactory(OrgUnitFactory)
    name = factory.Sequence(lambda n: f"测试事项{n}")
    code = factory.Sequence(lambda n: f"TEST-{n:06d}")
    item_type = ItemType.PUBLIC_SERVICE
    department = factory.SubFactory(DepartmentFactory)
    default_mode = Mode.PROMISED
    statutory_limit = 20
    promised_limit = 5


class MaterialFactory(factory.django.DjangoModelFactory[Material]):
    class Meta:
        model = Material

    item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"材料{n}")
    kind = Material.Kind.MAIN


def published_item(
    *, main: tuple[str, ...] = ("居民身份证",), general: tuple[str, ...] = ("户口簿",), **kwargs: Any
) -> ItemVersion:
    """A published item with the given main and general materials; returns its current version."""
    item = ServiceItemFactory.create(**kwargs)
    for order, name in enumerate(main):
        MaterialFactory.create(item=item, name=name, kind=Material.Kind.MAIN, sort_order=order)
    for order, name in enumerate(general, start=len(main)):
        MaterialFactory.create(item=item, name=name, kind=Material.Kind.GENERAL, sort_order=order)
    return item_publish(item=item, actor=None)


class ThemeFactory(factory.django.DjangoModelFactory[Theme]):
    class Meta:
        model = Theme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"theme{n}")
    name = factory.Sequence(lambda n: f"主题{n}")


class StepFactory(factory.django.DjangoModelFactory[Step]):
    class Meta:
        model = Step

    item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"环节{n}")
    duration_days = 1


def complete_item(**kwargs: Any) -> ServiceItem:
    """A draft that passes review: a main material, a general one, and two steps."""
    item = ServiceItemFactory.create(**kwargs)
    MaterialFactory.create(item=item, name="居民身份证", kind=Material.Kind.MAIN, sort_order=0)
    MaterialFactory.create(item=item, name="户口簿", kind=Material.Kind.GENERAL, sort_order=1)
    StepFactory.create(item=item, name="受理", sort_order=0)
    StepFactory.create(item=item, name="办结", sort_order=1)
    return item
