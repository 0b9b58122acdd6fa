"""Rate limits on anonymous public writes, per client address and per phone number (and, for Open311, per API key).

Counted in the database (PublicWrite rows), not in a per-process cache: under `make run` two gunicorn workers each
have their own local-memory cache, and a limit kept there would let twice as much through. Two requests racing on
the last free place may both pass; the limit is a flood brake, not an exact quota."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.http import client_ip
from bianmin.core.models import PublicWrite


class PublicWriteLimited(ValidationError):
    pass


def client_key(request: HttpRequest) -> str:
    return "ip:" + client_ip(request)


def phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return "phone:" + digits[-11:] if digits else ""


def _hashed(key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()


def _limit(scope: str) -> tuple[int, dt.timedelta]:
    limits: dict[str, int] = getattr(settings, "BIANMIN_PUBLIC_WRITE_LIMITS", {})
    count = limits.get(scope, settings.BIANMIN_PUBLIC_WRITE_LIMIT)
    return count, dt.timedelta(seconds=settings.BIANMIN_PUBLIC_WRITE_WINDOW_SECONDS)


def public_write_check(*, scope: str, keys: list[str]) -> None:
    """Raise PublicWriteLimited (a Chinese message) if any key has used up its writes in the window."""
    count, window = _limit(scope)
    since = timezone.now() - window
    for key in filter(None, keys):
        if PublicWrite.objects.filter(scope=scope, key=_hashed(key), at__gte=since).count() >= count:
            raise PublicWriteLimited(
                _("提交过于频繁，请稍后再试；如有急事，请拨打中心电话或到窗口办理。"), code="rate_limited"
            )


def public_write_record(*, scope: str, keys: list[str]) -> None:
    """Count one accepted write against each key, and forget writes older than the window."""
    _count, window = _limit(scope)
    now = timezone.now()
    PublicWrite.objects.filter(scope=scope, at__lt=now - window).delete()
    PublicWrite.objects.bulk_create([PublicWrite(scope=scope, key=_hashed(k), at=now) for k in filter(None, keys)])
