import pytest
from django.core.exceptions import ValidationError

from bianmin.catalog.models import ServiceItem
from bianmin.catalog.services import item_publish
from bianmin.catalog.tests.factories import ServiceItemFactory, published_item


@pytest.mark.django_db
def test_publish_freezes_materials_by_kind_and_bumps_version():
    version = published_item(main=("居民身份证", "申请书"), general=("户口簿",))

    assert version.number == 1
    assert [m["name"] for m in version.main_materials] == ["居民身份证", "申请书"]
    assert [m["name"] for m in version.general_materials] == ["户口簿"]
    assert version.item.status == ServiceItem.Status.PUBLISHED

    again = item_publish(item=version.item, actor=None)
    assert again.number == 2


@pytest.mark.django_db
def test_publish_refuses_a_promised_item_without_time_limit():
    item = ServiceItemFactory.create(promised_limit=0)

    with pytest.raises(ValidationError) as exc:
        item_publish(item=item, actor=None)

    assert "承诺时限" in str(exc.value)
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.DRAFT
