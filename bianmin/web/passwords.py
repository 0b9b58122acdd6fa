"""Password rules beyond Django's validators: the demo password is for trying the system under `make run` only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from bianmin.core.compiled import CompiledRead
from bianmin.org.access import remember_staff
from bianmin.org.demo import DEMO_PASSWORD


def _signed_in(pk: int) -> QuerySet[Any]:
    return (
        get_user_model()
        ._default_manager.select_related("staff__org_unit", "staff__department", "notify_inbox")
        .filter(pk=pk)
    )


# Compiled once per process (bianmin.core.compiled): every request of a signed-in user reads it.
_SIGNED_IN = CompiledRead(_signed_in, keyed=True)


class PasswordBackend(ModelBackend):
    """Django's model backend; with DEBUG off the published demo password never authenticates, whatever account
    carries it (the demo loader refuses to run then, but a database copied from a demo must not open either)."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if password == DEMO_PASSWORD and not settings.DEBUG:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        """The signed-in user with their staff record, its unit and department, and the bell's unread count
        (`notify.Inbox`) in one query: every staff page needs them (`org.access.staff_of` and the bell then read no
        more). A session naming no user that exists (or no number) is signed out."""
        try:
            found = _SIGNED_IN.objects(int(user_id))
        except (TypeError, ValueError):
            return None
        if not found:
            return None
        user = found[0]
        if not self.user_can_authenticate(user):
            return None
        remember_staff(user, getattr(user, "staff", None))
        return user


class NotDemoPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if password == DEMO_PASSWORD:
            raise ValidationError(_("该密码是公开的演示密码，不能使用。"), code="password_is_demo")

    def get_help_text(self) -> str:
        return _("不能使用公开的演示密码。")
