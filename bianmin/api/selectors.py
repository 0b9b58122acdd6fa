from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bianmin.api.access import TOKEN_ADMINS
from bianmin.api.credentials import digest
from bianmin.api.models import ApiToken, Open311Client
from bianmin.org.access import has_role, scope_filter


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
