"""Who may use which API route: the same roles as the pages, and the tokens' own rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from bianmin.org.access import has_role
from bianmin.org.models import Role

# Issuing tokens is for the roles that connect other systems to this one; window and community staff do not.
TOKEN_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR})
# An administrator sees the tokens of every account in their scope; everyone else only their own.
TOKEN_ADMINS = frozenset({Role.ADMIN})
# Read cases, first inquiries and petitions: every staff role, as on the pages (the selectors limit the scope).
READ_ROLES = frozenset(Role.values)
# Register a first inquiry: every staff member is a first-inquiry person (首问责任人).
REGISTER_ROLES = frozenset(Role.values)


def require_role(request: HttpRequest, roles: frozenset[str] | set[str]) -> Any:
    """The acting user, or 403 when their role may not use this route (the same roles as the pages)."""
    user = request.user
    if not has_role(user, roles):
        raise PermissionDenied(_("您的角色不能使用该接口。"))
    return user
