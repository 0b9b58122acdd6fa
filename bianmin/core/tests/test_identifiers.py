import datetime as dt
from pathlib import Path

import pytest
import stdnum
import stdnum.exceptions
from django.core.exceptions import ValidationError
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from bianmin.core.identifiers import clean_credit_code, clean_phone, clean_resident_id


def test_valid_resident_id_is_normalized():
    assert clean_resident_id("11010519491231002x") == "11010519491231002X"
    assert clean_resident_id(" 110105 19491231 002X ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("110105194912310021", "校验位"),
        ("1101051949123100", "18 位"),
        ("110105194913310021", "出生日期"),
        ("", "18 位"),
    ],
)
def test_invalid_resident_ids_get_a_chinese_reason(value, message):
    with pytest.raises(ValidationError) as exc:
        clean_resident_id(value)
    assert message in exc.value.messages[0]


def test_credit_code_checksum():
    assert clean_credit_code("91110000600037341L") == "91110000600037341L"
    with pytest.raises(ValidationError) as exc:
        clean_credit_code("91110000600037341M")
    assert "校验位" in exc.value.messages[0]


def test_phones():
    assert clean_phone("139 0371 1234") == "13903711234"
    assert clean_phone("+8613903711234") == "13903711234"
    assert clean_phone("0371-63381234") == "0371-63381234"
    with pytest.raises(ValidationError):
        clean_phone("12345")


# --- resident ID numbers of citizens older than the district that issued them (issue 15, item 1) ---------------


def _resident_id(region: str, birth: dt.date, sequence: int = 123) -> str:
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def _region_codes() -> list[str]:
    """Every six-digit region code in python-stdnum's table, current and abolished."""
    codes, province = [], ""
    for line in (Path(stdnum.__file__).parent / "cn" / "loc.dat").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith(" "):
            codes.append(province + line.split()[0])
        else:
            province = line.split()[0]
    return codes


REGION_CODES = _region_codes()
TODAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("region", "birth"),
    [
        ("410108", dt.date(1936, 5, 17)),  # 惠济区 (邙山区 from 1987)
        ("440106", dt.date(1941, 2, 8)),  # 天河区 (from 1985)
        ("110118", dt.date(1950, 10, 1)),  # 密云区 (from 2015)
        ("110103", dt.date(2012, 1, 1)),  # 崇文区 (until 2010): a number issued before the merger stays valid
    ],
)
def test_region_code_younger_or_older_than_its_holder_is_accepted(region, birth):
    number = _resident_id(region, birth)
    with pytest.raises(stdnum.exceptions.InvalidComponent):
        ric.validate(number)  # the library's own rule refuses these: the reason for our own
    assert clean_resident_id(number, today=TODAY) == number


def test_region_code_unknown_to_the_table_is_accepted_under_a_known_province():
    number = _resident_id("419999", dt.date(1948, 3, 1))
    assert clean_resident_id(number, today=TODAY) == number


@pytest.mark.parametrize("region", ["990101", "000000", "200101"])
def test_region_code_without_a_known_province_is_refused(region):
    with pytest.raises(ValidationError) as exc:
        clean_resident_id(_resident_id(region, dt.date(1948, 3, 1)), today=TODAY)
    assert exc.value.messages == ["公民身份号码中的出生日期或地区码无效。"]


@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        (dt.date(1879, 12, 31), False),
        (dt.date(1880, 1, 1), True),
        (TODAY, True),
        (TODAY + dt.timedelta(days=1), False),
    ],
)
def test_birth_date_between_1880_and_today(birth, ok):
    number = _resident_id("110105", birth)
    if ok:
        assert clean_resident_id(number, today=TODAY) == number
    else:
        with pytest.raises(ValidationError) as exc:
            clean_resident_id(number, today=TODAY)
        assert exc.value.messages == ["公民身份号码中的出生日期或地区码无效。"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002Y", "公民身份号码校验位不正确，请核对。"),
        ("1101051949123100AX", "公民身份号码格式不正确。"),
        ("110105194902300020", "公民身份号码中的出生日期或地区码无效。"),  # 30 February
        ("1101051949123100211", "公民身份号码应为 18 位。"),
    ],
)
def test_malformed_resident_ids_keep_their_messages(value, message):
    with pytest.raises(ValidationError) as exc:
        clean_resident_id(value, today=TODAY)
    assert exc.value.messages == [message]


@settings(max_examples=300, deadline=None)
@given(
    region=st.sampled_from(REGION_CODES),
    birth=st.dates(min_value=dt.date(1880, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_any_known_region_and_real_birth_date_with_the_right_check_character_is_accepted(region, birth, sequence):
    number = _resident_id(region, birth, sequence)
    assert clean_resident_id(number.lower(), today=TODAY) == number


@settings(max_examples=300, deadline=None)
@given(
    region=st.sampled_from(REGION_CODES),
    birth=st.dates(min_value=dt.date(1880, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
    wrong=st.sampled_from("0123456789X"),
)
def test_any_wrong_check_character_is_refused(region, birth, sequence, wrong):
    number = _resident_id(region, birth, sequence)
    assume(wrong != number[-1])
    with pytest.raises(ValidationError) as exc:
        clean_resident_id(number[:-1] + wrong, today=TODAY)
    assert exc.value.messages == ["公民身份号码校验位不正确，请核对。"]
