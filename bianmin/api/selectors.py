from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bianmin.api.access import TOKEN_ADMINS
from bianmin.api.credentials import digest
from bianmin.api.models import ApiToken, OnlineApplication, Open311Client
from bianmin.cases.models import Status
from bianmin.org.access import get_in_scope, has_role, scope_filter


def api_token_by_secret(secret: str) -> ApiToken | None:
    """The active token with this secret, with its user; None for unknown or revoked."""
    if not secret or "\x00" in secret or len(secret) > 200:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def open311_client_by_key(secret: str) -> Open311Client | None:
    if not secret or "\x00" in secret or len(secret) > 200:
        return None
    return Open311Client.objects.filter(key_hash=digest(secret), revoked_at__isnull=True).first()


def api_tokens(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens; an administrator sees the tokens of every account in their scope."""
    qs = ApiToken.objects.select_related("user", "user__staff", "revoked_by")
    if has_role(user, TOKEN_ADMINS):
        if getattr(user, "is_superuser", False):
            return qs
        own = qs.filter(user=user)
        return own | scope_filter(qs, user, "user__staff__org_unit__path")
    return qs.filter(user=user)


def open311_clients() -> QuerySet[Open311Client]:
    return Open311Client.objects.select_related("created_by", "revoked_by")


def online_applications_for_review(*, user: Any) -> QuerySet[OnlineApplication]:
    """Online applications of the user's centers still to be pre-reviewed or taken in at the window."""
    qs = OnlineApplication.objects.select_related("case", "case__center", "case__window", "client").filter(
        case__status__in=[Status.SUBMITTED, Status.RECEIVED]
    )
    return scope_filter(qs, user, "case__center__path").order_by("case__status", "case__received_at", "id")


def online_application_for_user(*, user: Any, number: str) -> OnlineApplication:
    return get_in_scope(
        OnlineApplication.objects.select_related("case", "case__center", "case__window", "case__item", "client"),
        user,
        "case__center__path",
        case__number=number,
    )
