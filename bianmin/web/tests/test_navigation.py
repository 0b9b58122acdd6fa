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


@pytest.mark.django_db
def test_the_written_menu_holds_every_link_of_the_role_and_the_back_office_only_for_an_administrator():
    import html as htmllib
    import re

    from django.urls import reverse

    unit = center()
    for role, back_office in ((Role.DIRECTOR, False), (Role.WINDOW, False), (Role.ADMIN, True)):
        client = Client()
        client.force_login(staff_user(role, unit).user)
        # given the menu written once per role, read twice (the second from what was written)
        for _n in range(2):
            page = client.get("/staff/").content.decode()
            menus = re.findall(r'<details class="menu"><summary>(.*?)</summary>(.*?)</details>', page, re.S)
            # then each group of the role, in order, holds its links (clickable, texts escaped), configuration last
            assert [htmllib.unescape(label) for label, _links in menus] == [g.label for g in staff_menu(role)]
            for (_label, links), group in zip(menus, staff_menu(role), strict=True):
                found = [
                    (htmllib.unescape(u), htmllib.unescape(t))
                    for u, t in re.findall(r'<a href="(.*?)">(.*?)</a>', links)
                ]
                expected = [(link.url, link.label) for link in group.links]
                if group.label == "系统配置":
                    expected += [(reverse("org:org_tree"), "组织机构"), (reverse("web:calendar"), "工作日历")]
                    if back_office:
                        expected.append((reverse("admin:index"), "管理后台"))
                assert found == expected, (role, group.label)
