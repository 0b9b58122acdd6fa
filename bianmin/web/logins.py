"""What happens at a login and at a failed one: the session learns what the account must still do (change an
administrator's password, give a second factor), and the audit trail records both."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from bianmin.core.events import audit
from bianmin.core.http import client_ip
from bianmin.org.access import role_of
from bianmin.org.models import Role
from bianmin.web import middleware
from bianmin.web.services import account_must_change_password

SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR})


def needs_second_factor(user: Any) -> bool:
    return bool(settings.BIANMIN_REQUIRE_2FA) and role_of(user) in SECOND_FACTOR_ROLES


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[middleware.LOGIN_AT] = now
    request.session[middleware.SEEN_AT] = now
    request.session[middleware.MUST_CHANGE_PASSWORD] = account_must_change_password(user=user)
    request.session[middleware.NEEDS_SECOND_FACTOR] = needs_second_factor(user)
    audit(actor=user, target=user, verb="login", data={"ip": client_ip(request)})


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Every failure is kept by django-axes (AccessFailureLog); one against an existing account also goes into
    that account's audit trail."""
    username = credentials.get("username") or ""
    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is not None:
        audit(actor=None, target=user, verb="login_failed", data={"ip": client_ip(request) if request else ""})
