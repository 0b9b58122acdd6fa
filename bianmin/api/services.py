from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.api.credentials import OPEN311_PREFIX, TOKEN_PREFIX, digest, display_prefix, new_secret
from bianmin.api.models import ApiToken, Open311Client
from bianmin.core.events import audit


@transaction.atomic
def api_token_issue(*, user: Any, name: str, actor: Any) -> tuple[ApiToken, str]:
    """A new token for `user`; the secret is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌用途，例如对接的系统名称。")})
    secret = new_secret(TOKEN_PREFIX)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=display_prefix(secret), key_hash=digest(secret), created_by=actor
    )
    audit(actor=actor, target=token, verb="api_token_issue", note=name, data={"user": user.pk})
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(
            _("该令牌已于 %(at)s 吊销。") % {"at": f"{timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M}"}
        )
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit(actor=actor, target=token, verb="api_token_revoke", note=token.name)
    return token


@transaction.atomic
def open311_client_issue(
    *, name: str, contact: str = "", actor: Any, secret: str | None = None
) -> tuple[Open311Client, str]:
    """A new client application with its api_key; the key is returned once. `secret` fixes the key (demo data)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写应用名称。")})
    secret = secret or new_secret(OPEN311_PREFIX)
    if Open311Client.objects.filter(key_hash=digest(secret)).exists():
        raise ValidationError(_("该密钥已被使用。"))
    client = Open311Client.objects.create(
        name=name,
        contact=contact.strip(),
        prefix=display_prefix(secret),
        key_hash=digest(secret),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit(actor=actor, target=client, verb="open311_client_issue", note=name)
    return client, secret


@transaction.atomic
def open311_client_revoke(*, client: Open311Client, actor: Any) -> Open311Client:
    client = Open311Client.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        raise ValidationError(_("该应用的密钥已吊销。"))
    client.revoked_at = timezone.now()
    client.revoked_by = actor
    client.save(update_fields=["revoked_at", "revoked_by"])
    audit(actor=actor, target=client, verb="open311_client_revoke", note=client.name)
    return client


def credential_touch(credential: ApiToken | Open311Client) -> None:
    """Record use, at most once a minute, so a busy integration does not write on every request."""
    now = timezone.now()
    if credential.last_used_at is None or (now - credential.last_used_at).total_seconds() > 60:
        type(credential).objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
