from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.api.credentials import OPEN311_PREFIX, TOKEN_PREFIX, digest, display_prefix, new_secret
from bianmin.api.materials import material_label
from bianmin.api.models import ApiToken, OnlineApplication, Open311Client
from bianmin.cases.models import Case
from bianmin.cases.services import OnlineApplicant, case_submit_online
from bianmin.catalog.models import ServiceItem
from bianmin.core.events import audit
from bianmin.org.models import OrgUnit


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


def one_time_notice(*, center: OrgUnit, case: Case, checklist: list[dict[str, Any]], has: set[int]) -> str:
    """§4(1) online: everything the applicant must still bring, main and general, told once and completely."""
    hall = center.display_hall_name
    missing_main = [material_label(m) for m in checklist if m["kind"] == "main" and m["id"] not in has]
    missing_general = [material_label(m) for m in checklist if m["kind"] != "main" and m["id"] not in has]
    ready = [m["name"] for m in checklist if m["id"] in has]
    lines = [
        _("网上申报已提交，办件编号 %(number)s，等待%(hall)s预审；预审意见可凭办件编号查询。")
        % {"number": case.number, "hall": hall}
    ]
    if missing_main or missing_general:
        lines.append(_("您尚需准备以下材料，到窗口办理时一并携带："))
        if missing_main:
            lines.append(_("主要材料：%(names)s（主要材料不全的不予受理）。") % {"names": "；".join(missing_main)})
        if missing_general:
            lines.append(
                _("一般材料：%(names)s（一般材料欠缺的可先受理，再限期补报）。") % {"names": "；".join(missing_general)}
            )
    else:
        lines.append(_("您已备齐本事项的全部申请材料。"))
    if ready:
        lines.append(_("已备齐的材料请携带原件到窗口核验：%(names)s。") % {"names": "、".join(ready)})
    where = "；".join(
        p for p in (center.address, _("咨询电话 %(phone)s") % {"phone": center.phone} if center.phone else "") if p
    )
    if where:
        lines.append(_("办理地点：%(where)s。") % {"where": where})
    return "\n".join(lines)


@transaction.atomic
def open311_request_submit(
    *,
    client: Open311Client,
    center: OrgUnit,
    item: ServiceItem,
    applicant: OnlineApplicant,
    has: list[int],
    address_string: str = "",
    address_id: str = "",
    lat: float | None = None,
    long: float | None = None,
    description: str = "",
    email: str = "",
    device_id: str = "",
    account_id: str = "",
) -> OnlineApplication:
    """An online application through Open311: a case awaiting pre-review, and the one-time notice to answer with."""
    case = case_submit_online(center=center, item=item, applicant=applicant, has=has, actor=None)
    checklist = case.item_version.materials
    return OnlineApplication.objects.create(
        case=case,
        client=client,
        token=secrets.token_urlsafe(12),
        address_string=address_string,
        address_id=address_id,
        lat=lat,
        long=long,
        description=description,
        email=email,
        device_id=device_id,
        account_id=account_id,
        has_materials=sorted(set(has)),
        service_notice=one_time_notice(center=center, case=case, checklist=checklist, has=set(has)),
    )
