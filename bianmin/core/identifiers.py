"""Checksums and formats of the identifiers citizens and organizations give (GB 11643, GB 32100)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def clean_resident_id(value: str) -> str:
    """The normalized 18-character resident ID number, or a ValidationError in Chinese."""
    compact = ric.compact("".join((value or "").split()))
    try:
        return str(ric.validate(compact))
    except InvalidLength as exc:
        raise ValidationError(_("公民身份号码应为 18 位。"), code="length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("公民身份号码校验位不正确，请核对。"), code="checksum") from exc
    except InvalidComponent as exc:
        raise ValidationError(_("公民身份号码中的出生日期或地区码无效。"), code="component") from exc
    except (InvalidFormat, StdnumError) as exc:
        raise ValidationError(_("公民身份号码格式不正确。"), code="format") from exc


def clean_credit_code(value: str) -> str:
    """The normalized unified social credit code (统一社会信用代码), or a ValidationError in Chinese."""
    compact = uscc.compact("".join((value or "").split()))
    try:
        return str(uscc.validate(compact))
    except InvalidLength as exc:
        raise ValidationError(_("统一社会信用代码应为 18 位。"), code="length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对。"), code="checksum") from exc
    except (InvalidFormat, InvalidComponent, StdnumError) as exc:
        raise ValidationError(_("统一社会信用代码格式不正确。"), code="format") from exc


def clean_phone(value: str) -> str:
    compact = re.sub(r"[\s()（）]", "", value or "")
    if compact.startswith("+86"):
        compact = compact[3:]
    if MOBILE_RE.match(compact) or LANDLINE_RE.match(compact):
        return compact
    raise ValidationError(_("请填写正确的手机号码或固定电话（含区号）。"), code="phone")
