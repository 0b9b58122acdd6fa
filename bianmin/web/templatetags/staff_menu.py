"""The staff pages' menu, written once per role, language, script prefix and URL configuration in each process: its
groups and forty links were a template loop run on every staff page (about a fifth of a page's shell)."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from bianmin.core.templating import generation
from bianmin.web.navigation import staff_menu

register = template.Library()

# The group that also holds the links every staff member has (organization, calendar) and the admin's back office.
CONFIGURATION = "系统配置"


@register.simple_tag(takes_context=True)
def staff_menu_groups(context: Any) -> SafeString:
    """The menu's groups for the signed-in staff member (`current_role` from the context processor; the back office
    link for an administrator or a superuser)."""
    role = context.get("current_role")
    if not role:
        return mark_safe("")
    user = context.get("user")
    admin = role == "admin" or bool(getattr(user, "is_superuser", False))
    return _groups_html(role, admin, get_language(), get_script_prefix(), get_urlconf(), generation.current)


@functools.lru_cache(maxsize=256)
def _groups_html(
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
