"""What happens at a login: the session learns what the account must still do (change an administrator's password,
give a second factor). Logins, failures and logouts are recorded in the audit chain by bianmin.core.audit; failures
are also kept by django-axes (AccessFailureLog)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

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
