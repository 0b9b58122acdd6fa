"""The staff pages' menu groups in the header (written once per role and language by `navigation.staff_menu_html`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from bianmin.web.navigation import staff_menu_html

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_menu_groups(context: Any) -> SafeString:
    """The menu's groups for the signed-in staff member (`current_role` from the context processor; the back office
    link for an administrator or a superuser)."""
    role = context.get("current_role")
    if not role:
        return mark_safe("")
    user = context.get("user")
    return staff_menu_html(role, admin=role == "admin" or bool(getattr(user, "is_superuser", False)))
