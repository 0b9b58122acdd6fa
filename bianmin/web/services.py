"""Account security: password changes, the change an administrator's password demands, lockout unlocks, the second
factor. Each writes an audit row (bianmin.core.events.audit)."""

from __future__ import annotations

import secrets
from typing import Any

from axes.models import AccessAttempt
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bianmin.core.events import audit
from bianmin.web.models import AccountSecurity

RECOVERY_CODE_COUNT = 10


@transaction.atomic
def account_password_set_by_admin(*, user: Any, actor: Any) -> None:
    """The password was just set by someone other than its holder: the holder must change it at the next login."""
    AccountSecurity.objects.update_or_create(user=user, defaults={"must_change_password": True})
    audit(actor=actor, target=user, verb="password_set_by_admin")


@transaction.atomic
def account_password_changed(*, user: Any, actor: Any) -> None:
    """The holder changed their own password (the form has saved it)."""
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"must_change_password": False, "password_changed_at": timezone.now()}
    )
    audit(actor=actor, target=user, verb="password_changed")


def account_must_change_password(*, user: Any) -> bool:
    return AccountSecurity.objects.filter(user=user, must_change_password=True).exists()


@transaction.atomic
def lockout_unlock(*, attempt: AccessAttempt, actor: Any) -> None:
    """An administrator lifts a lockout: the failures of that account at that address are forgotten."""
    audit(
        actor=actor,
        target=attempt,
        verb="login_unlocked",
        data={"username": attempt.username or "", "ip": attempt.ip_address or ""},
    )
    AccessAttempt.objects.filter(pk=attempt.pk).delete()
    if attempt.username:
        AccessAttempt.objects.filter(username=attempt.username).delete()
    if attempt.ip_address:
        AccessAttempt.objects.filter(ip_address=attempt.ip_address).delete()


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The unconfirmed TOTP device an enrolment shows as a QR code (made once, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, device: TOTPDevice, actor: Any) -> list[str]:
    """The user proved the authenticator app works: the device counts, older ones go, and fresh recovery codes
    (shown once) replace any earlier ones."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    static = StaticDevice.objects.create(user=device.user, name="恢复码", confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    audit(actor=actor, target=device.user, verb="two_factor_enrolled")
    return codes


def two_factor_enrolled(*, user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
