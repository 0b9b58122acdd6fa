"""The catalog's item guide offers booking the item; the link, provided by the hall, leads to the booking page with
the item and its category already chosen."""

import pytest
from django.test import Client
from django.urls import reverse

from bianmin.catalog.tests.factories import published_item
from bianmin.hall.tests.factories import future_slot, hall

pytestmark = pytest.mark.django_db


def test_the_item_guide_links_to_booking_with_the_item_chosen():
    h = hall()
    version = published_item(owner=h.center, name="临时救助申请")
    version.item.windows.set([h.windows[3]])  # window 3 calls category B only
    future_slot(h, h.b)
    client = Client()

    guide = client.get(reverse("catalog:guide_item", args=[h.center.code, version.item_id])).content.decode()
    url = f"/hall/{h.center.code}/book/?item={version.item_id}"
    book = client.get(url)

    assert f'<a class="btn primary" href="{url}" data-guide-action>预约办理</a>' in guide
    assert book.status_code == 200
    assert book.context["category"] == h.b
    assert f'<option value="{version.item_id}" selected>临时救助申请</option>' in book.content.decode()


def test_no_booking_link_for_an_item_no_category_serves():
    h = hall()
    version = published_item(owner=h.center, name="公共法律服务咨询")  # no window handles it

    guide = Client().get(reverse("catalog:guide_item", args=[h.center.code, version.item_id])).content.decode()
    book = Client().get(f"/hall/{h.center.code}/book/?item={version.item_id}")

    assert "data-guide-action" not in guide
    assert book.status_code == 200
    assert book.context["category"] is None  # the citizen chooses the category as before


def test_a_malformed_or_huge_item_is_ignored():
    h = hall()
    for value in ("abc", "99999999999999999999", "-3"):
        assert Client().get(f"/hall/{h.center.code}/book/?item={value}").status_code == 200
