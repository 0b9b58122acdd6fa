"""What every write of the hall shares: the acting user, the moment, the cleaning of names and phones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.models import Case
from bianmin.core.identifiers import clean_phone, clean_resident_id
from bianmin.core.personal_data import blind_index
from bianmin.org.models import OrgUnit, Staff


def event_actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def moment_or_now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def clean_person_name(value: str, field: str = "name") -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: _("请填写姓名。")})
    if len(value) > 50:
        raise ValidationError({field: _("姓名不能超过 50 个字。")})
    return value


def clean_phone_field(value: str, field: str = "phone") -> str:
    try:
        return clean_phone(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def clean_id_field(value: str, field: str = "id_number") -> str:
    if not (value or "").strip():
        return ""
    try:
        return clean_resident_id(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def phone_blind_index(phone: str) -> str:
    return blind_index(phone, purpose="phone")


def staff_in_center(staff: Staff, center: OrgUnit) -> bool:
    return staff.org_unit.path.startswith(center.path)


def case_of_center(center: OrgUnit, number: str) -> Case:
    """The case with the number staff typed, received by `center` or a unit under it; linked by key from then on."""
    number = "".join((number or "").split())
    case = Case.objects.filter(number=number, center__path__startswith=center.path).first() if number else None
    if case is None:
        raise ValidationError(
            {"case_number": _("未找到本中心编号为“%(number)s”的办件，请核对办件编号。") % {"number": number}}
        )
    return case
