import pytest
from django.test import Client

from bianmin.org.models import Role
from bianmin.org.tests.factories import center, staff_user
from bianmin.web.navigation import public_links, staff_links, staff_menu


def test_staff_menu_groups_links_in_order_and_always_offers_configuration():
    groups = staff_menu(Role.DIRECTOR)
    labels = [g.label for g in groups]

    assert labels[0] == "办件"
    assert labels[-1] == "系统配置"
    cases = groups[0]
    assert "办件督办" in [link.label for link in cases.links]
    assert "网上预审" in [link.label for link in cases.links]  # an api page filed with the cases group


def test_roles_only_see_their_entries():
    window_links = {link.label for g in staff_menu(Role.WINDOW) for link in g.links}
    assert "办件督办" not in window_links
    assert "我的办件" in window_links


@pytest.mark.django_db
def test_staff_pages_render_the_grouped_menu():
    staff = staff_user(Role.DIRECTOR, center())
    client = Client()
    client.force_login(staff.user)

    html = client.get("/staff/").content.decode()

    assert '<details class="menu"><summary>办件</summary>' in html
    assert "工作日历" in html


def test_menus_offer_the_hall_pages():
    assert {link.label for link in public_links()} >= {"办公时间与特色服务", "预约办理"}
    assert {link.label for link in staff_links(Role.WINDOW)} >= {"叫号", "大厅服务"}
    assert "叫号" not in {link.label for link in staff_links(Role.HANDLER)}


def test_the_built_menu_is_reused_and_follows_the_script_prefix():
    from django.urls import set_script_prefix

    # Built once per role: the same object comes back, not forty URLs reversed again
    assert staff_menu(Role.WINDOW) is staff_menu(Role.WINDOW)
    assert staff_menu(Role.WINDOW) is not staff_menu(Role.DIRECTOR)
    # Served under a sub-path (SCRIPT_NAME), the links carry it: the prefix is part of what the cache is keyed by
    try:
        set_script_prefix("/bianmin/")
        links = [link.url for g in staff_menu(Role.WINDOW) for link in g.links]
        assert links
        assert all(url.startswith("/bianmin/") for url in links)
    finally:
        set_script_prefix("/")
    assert not any(link.url.startswith("/bianmin/") for g in staff_menu(Role.WINDOW) for link in g.links)
