"""The site's menus, assembled from each app's `nav.py`, so apps add pages without editing shared templates.

An app's `nav.py` defines `STAFF_NAV` and/or `PUBLIC_NAV`: lists of `bianmin.core.navigation.NavItem`. Staff entries
carry the roles that see them (empty = every staff role).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from bianmin.core.navigation import NavItem
from bianmin.core.templating import generation


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    group: str = ""


# Staff menu groups, in display order; an app's entries fall into its group unless named in GROUP_OF_URL.
MENU_GROUPS = ["办件", "窗口服务", "信访督办", "人员管理", "监督考核", "系统配置"]
GROUP_OF_APP = {
    "cases": "办件",
    "catalog": "系统配置",
    "frontdesk": "窗口服务",
    "hall": "窗口服务",
    "petitions": "信访督办",
    "assignments": "信访督办",
    "notify": "信访督办",
    "web": "系统配置",
    "staffing": "人员管理",
    "oversight": "监督考核",
    "reports": "监督考核",
    "api": "系统配置",
}
GROUP_OF_URL = {"web:staff_health": "系统配置", "web:lockouts": "系统配置"}
# The group that also holds the links every staff member has (organization, calendar) and the admin's back office.
CONFIGURATION = "系统配置"


@dataclass(frozen=True)
class MenuGroup:
    label: str
    links: tuple[Link, ...]


_app_of_url: dict[str, str] = {}


@lru_cache(maxsize=1)
def _items() -> tuple[tuple[NavItem, ...], tuple[NavItem, ...]]:
    staff: list[NavItem] = []
    public: list[NavItem] = []
    _app_of_url.clear()
    for config in apps.get_app_configs():
        if not config.name.startswith("bianmin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.nav":
                continue
            raise
        for item in getattr(module, "STAFF_NAV", []):
            _app_of_url[item.url_name] = config.label
            staff.append(item)
        public.extend(getattr(module, "PUBLIC_NAV", []))
    return tuple(sorted(staff, key=lambda i: i.order)), tuple(sorted(public, key=lambda i: i.order))


def _links(items: tuple[NavItem, ...], role: str | None) -> list[Link]:
    links = []
    for item in items:
        if item.roles and role not in item.roles:
            continue
        try:
            group = GROUP_OF_URL.get(item.url_name) or GROUP_OF_APP.get(_app_of_url.get(item.url_name, ""), "")
            links.append(Link(str(item.label), reverse(item.url_name), group))
        except NoReverseMatch:
            continue
    return links


def staff_links(role: str | None) -> list[Link]:
    return _links(_items()[0], role)


def public_links() -> tuple[Link, ...]:
    return _public_links(get_language(), get_script_prefix())


def staff_menu(role: str | None) -> tuple[MenuGroup, ...]:
    """The staff links of `role` in menu groups, in MENU_GROUPS order; empty groups are left out.

    Built once per role, language and script prefix in each process (the menus are code, not data: they change only
    with a deployment), so a page does not reverse forty URLs and translate their labels on every request."""
    return _staff_menu(role, get_language(), get_script_prefix())


@lru_cache(maxsize=64)
def _public_links(language: str | None, prefix: str) -> tuple[Link, ...]:
    return tuple(_links(_items()[1], None))


@lru_cache(maxsize=256)
def _staff_menu(role: str | None, language: str | None, prefix: str) -> tuple[MenuGroup, ...]:
    links = staff_links(role)
    order = {name: i for i, name in enumerate(MENU_GROUPS)}
    groups: dict[str, list[Link]] = {}
    for link in links:
        groups.setdefault(link.group or "其他", []).append(link)
    groups.setdefault(CONFIGURATION, [])  # organization, calendar and admin links are always there
    return tuple(
        MenuGroup(name, tuple(items)) for name, items in sorted(groups.items(), key=lambda kv: order.get(kv[0], 99))
    )


def staff_menu_html(role: str, admin: bool) -> SafeString:
    """`staff_menu(role)` written as the header's menu groups (`admin`: with the back office link), once per role,
    language, script prefix and URL configuration in each process: as a template loop over forty links it was about a
    fifth of every staff page's shell."""
    return _staff_menu_html(role, admin, get_language(), get_script_prefix(), get_urlconf(), generation.current)


@lru_cache(maxsize=256)
def _staff_menu_html(
    role: str, admin: bool, _language: str | None, _prefix: str, _urlconf: Any, _generation: int
) -> SafeString:
    # The language, prefix, URL configuration and generation are part of the key only: staff_menu(), reverse() and
    # gettext() read them themselves.
    parts = []
    for group in staff_menu(role):
        links = format_html_join("", '<a href="{}">{}</a>', ((link.url, link.label) for link in group.links))
        if group.label == CONFIGURATION:
            extra = [(reverse("org:org_tree"), gettext("组织机构")), (reverse("web:calendar"), gettext("工作日历"))]
            if admin:
                extra.append((reverse("admin:index"), gettext("管理后台")))
            links = format_html("{}{}", links, format_html_join("\n", '<a href="{}">{}</a>', extra))
        parts.append(
            format_html(
                '<details class="menu"><summary>{}</summary>\n<div class="menu-items">\n{}\n</div>\n</details>',
                group.label,
                links,
            )
        )
    return mark_safe("\n".join(parts))  # each part built by format_html


def clear_menu_cache() -> None:
    """Forget the built menus and their HTML (tests that change URLconfs or nav entries)."""
    _public_links.cache_clear()
    _staff_menu.cache_clear()
    _staff_menu_html.cache_clear()
