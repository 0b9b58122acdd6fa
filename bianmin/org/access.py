"""Who may see and do what: roles, and the org-tree scope every selector applies (DESIGN "Scope").

A staff user's scope is their org unit and everything under it. Out-of-scope objects answer 404, the same as
missing ones; a role that may not use a page at all gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from bianmin.org.models import OrgUnit, Role, Staff

M = TypeVar("M", bound=Model)

ALL_ROLES = frozenset(Role.values)
MANAGERS = frozenset({Role.DIRECTOR, Role.ADMIN})


def staff_of(user: Any) -> Staff | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_bianmin_staff"):
        user._bianmin_staff = (
            Staff.objects.select_related("org_unit", "department").filter(user=user, is_active=True).first()
        )
    found: Staff | None = user._bianmin_staff
    return found


def remember_staff(user: Any, staff: Staff | None) -> None:
    """Tell `staff_of` the user's staff record, read with the user (the authentication backend joins it in)."""
    user._bianmin_staff = staff if staff is not None and staff.is_active else None


def role_of(user: Any) -> str | None:
    staff = staff_of(user)
    if staff is not None:
        return staff.role
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    return None


def scope_path(user: Any) -> str | None:
    """The path prefix of everything the user may see; "" for a superuser without a unit; None for no access."""
    staff = staff_of(user)
    if staff is not None:
        return staff.org_unit.path
    if getattr(user, "is_superuser", False):
        return ""
    return None


def scope_filter(qs: QuerySet[M], user: Any, path_field: str) -> QuerySet[M]:
    """`qs` narrowed to rows whose org unit lies in the user's scope (`path_field` is e.g. "center__path")."""
    prefix = scope_path(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(**{f"{path_field}__startswith": prefix})


def in_scope(user: Any, unit: OrgUnit) -> bool:
    prefix = scope_path(user)
    return prefix is not None and unit.path.startswith(prefix)


def get_in_scope(qs: QuerySet[M], user: Any, path_field: str, **lookup: Any) -> M:
    """One object the user may see, else Http404 — the same for "missing" and "not yours"."""
    try:
        return scope_filter(qs, user, path_field).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def has_role(user: Any, roles: frozenset[str] | set[str]) -> bool:
    role = role_of(user)
    return role is not None and role in roles


View = TypeVar("View", bound=Callable[..., HttpResponse])


def staff_required(roles: frozenset[str] | set[str] = ALL_ROLES) -> Callable[[View], View]:
    """Login required; then 403 unless the user has one of `roles`."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, roles):
                raise PermissionDenied("您没有使用该功能的权限。")
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
