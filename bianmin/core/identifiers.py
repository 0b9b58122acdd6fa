"""Checksums and formats of the identifiers citizens and organizations give (GB 11643, GB 32100)."""

from __future__ import annotations

import datetime as dt
import functools
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
EARLIEST_BIRTH_DATE = dt.date(1880, 1, 1)


def _validate_resident_id(number: str, today: dt.date) -> str:
    """python-stdnum's `ric.validate` without its "region code existed in the birth year" rule: the region code
    records where the number was issued (mostly in the 1980s–90s), not where the holder was born, so an elderly
    citizen's number regularly names a district younger than its holder. A code the library's table knows under
    any name and period is accepted; one it does not know yet (new districts appear every year) needs a known
    province prefix."""
    if len(number) != 18:
        raise InvalidLength()
    if not number[:-1].isdigit() or not number[:-1].isascii():
        raise InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidChecksum()
    birth = ric.get_birth_date(number)
    if not EARLIEST_BIRTH_DATE <= birth <= today:
        raise InvalidComponent()
    if not _known_region(number[:6]):
        raise InvalidComponent()
    return number


@functools.lru_cache(maxsize=8192)
def _known_region(code: str) -> bool:
    """Whether a number's six-digit region code has a province the library's table knows (remembered per code: the
    table lookup cost more than the rest of the check; a region code says nothing of its holder)."""
    levels = dict(numdb.get("cn/loc").info(code))
    return bool(levels.get(code[:2], {}).get("province"))


def clean_resident_id(value: str, *, today: dt.date | None = None) -> str:
    """The normalized 18-character resident ID number, or a ValidationError in Chinese."""
    compact = ric.compact("".join((value or "").split()))
    try:
        return _validate_resident_id(compact, today or timezone.localdate())
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
