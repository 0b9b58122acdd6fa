import pytest
from django.core.exceptions import ValidationError

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
