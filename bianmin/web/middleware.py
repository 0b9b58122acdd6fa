"""Per request, for a logged-in user: the idle and absolute session limits, the password change an administrator's
password demands, and the second factor administrators and directors must give when BIANMIN_REQUIRE_2FA is on.
What the login decided is kept in the session (see bianmin.web.logins), so an ordinary request costs no query."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

LOGIN_AT = "bianmin_login_at"
SEEN_AT = "bianmin_seen_at"
MUST_CHANGE_PASSWORD = "bianmin_must_change_password"  # noqa: S105 - a session key, not a password
NEEDS_SECOND_FACTOR = "bianmin_needs_second_factor"
# The last-seen time is written back at most this often, so not every request saves the session.
SEEN_RESOLUTION_SECONDS = 60

OPEN_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz", "/accounts/logout/")


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The session alone tells whether someone is logged in: no user query for requests that need none
        # (the hall screen polls every second).
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = time.time()
        login_at = float(session.get(LOGIN_AT) or now)
        seen_at = float(session.get(SEEN_AT) or now)
        idle = now - seen_at > settings.SESSION_COOKIE_AGE
        if idle or now - login_at > settings.BIANMIN_SESSION_ABSOLUTE_SECONDS:
            logout(request)
            messages.info(request, _("登录已超时，请重新登录。"))
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        if LOGIN_AT not in session:
            session[LOGIN_AT] = login_at
        if SEEN_AT not in session or now - seen_at >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_AT] = now
        if request.path.startswith(OPEN_PREFIXES):
            return None
        if session.get(MUST_CHANGE_PASSWORD):
            target = reverse("web:password_change")
            if request.path != target:
                messages.warning(request, _("您的密码由管理员设置，请先修改为只有您知道的密码。"))
                return redirect(target)
            return None
        if session.get(NEEDS_SECOND_FACTOR) and not request.user.is_verified():  # type: ignore[union-attr]
            target = reverse("web:two_factor")
            if request.path != target:
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return None
