import pytest
from django.core.exceptions import ImproperlyConfigured

from bianmin.core.checks import personal_data_keys
from bianmin.core.personal_data import (
    SM4_PREFIX,
    UNREADABLE,
    EncryptedCharField,
    blind_index,
    decrypt,
    encrypt,
    is_current,
    mask_id_number,
    mask_name,
    mask_phone,
    sm4_unavailable_reason,
)


def test_encryption_round_trips_and_is_not_deterministic():
    token = encrypt("11010519491231002X")
    assert token != "11010519491231002X"
    assert decrypt(token) == "11010519491231002X"
    assert encrypt("11010519491231002X") != token


def test_blind_index_matches_normalized_values_only():
    assert blind_index("11010519491231002x", purpose="id") == blind_index(" 11010519491231002X ", purpose="id")
    assert blind_index("11010519491231002X", purpose="id") != blind_index("11010519491231002X", purpose="phone")
    assert blind_index("110105194912310029", purpose="id") != blind_index("11010519491231002X", purpose="id")


def test_masks():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_phone("13903711234") == "139****1234"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳晓明") == "欧***"


# --- keys, ciphers, the startup checks ------------------------------------------------------------------------

OLD = "old-personal-data-key-0123456789abcdefghij"
NEW = "new-personal-data-key-0123456789abcdefghij"
needs_sm4 = pytest.mark.skipif(sm4_unavailable_reason() is not None, reason=str(sm4_unavailable_reason()))
CIPHERS = ["fernet", pytest.param("sm4", marks=needs_sm4)]


@pytest.mark.parametrize("cipher", CIPHERS)
def test_an_old_key_still_decrypts_after_a_new_one_is_put_first(settings, cipher):
    settings.PERSONAL_DATA_CIPHER = cipher
    settings.PERSONAL_DATA_KEYS = [OLD]
    token = encrypt("13903711234")
    assert is_current(token)

    settings.PERSONAL_DATA_KEYS = [NEW, OLD]

    assert decrypt(token) == "13903711234"
    assert not is_current(token)
    assert is_current(encrypt("13903711234"))


@needs_sm4
def test_sm4_tokens_are_versioned_authenticated_and_coexist_with_fernet(settings):
    settings.PERSONAL_DATA_KEYS = [NEW]
    fernet_token = encrypt("11010519491231002X")
    settings.PERSONAL_DATA_CIPHER = "sm4"
    sm4_token = encrypt("11010519491231002X")

    assert sm4_token.startswith(SM4_PREFIX)
    assert not fernet_token.startswith(SM4_PREFIX)
    assert decrypt(sm4_token) == decrypt(fernet_token) == "11010519491231002X"
    assert not is_current(fernet_token)
    tampered = sm4_token[:-6] + ("A" if sm4_token[-6] != "A" else "B") + sm4_token[-5:]
    with pytest.raises(ValueError, match="无法解密"):
        decrypt(tampered)


@needs_sm4
def test_the_blind_index_follows_the_cipher(settings):
    settings.PERSONAL_DATA_KEYS = [NEW]
    sha = blind_index("13903711234", purpose="phone")
    settings.PERSONAL_DATA_CIPHER = "sm4"
    sm3 = blind_index("13903711234", purpose="phone")

    assert sm3 != sha
    assert len(sm3) == 64
    assert sm3 == blind_index(" 13903711234", purpose="phone")


def test_a_wrong_key_shows_a_placeholder_and_saving_keeps_the_stored_token(settings):
    settings.PERSONAL_DATA_KEYS = [OLD]
    field = EncryptedCharField()
    token = encrypt("13903711234")
    settings.PERSONAL_DATA_KEYS = [NEW]

    shown = field.from_db_value(token, None, None)

    assert shown == UNREADABLE
    assert field.get_prep_value(shown) == token


def test_no_key_at_all_refuses_to_encrypt(settings):
    settings.PERSONAL_DATA_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="PERSONAL_DATA_KEY"):
        encrypt("13903711234")


def test_in_production_a_missing_or_short_key_is_a_startup_error(settings):
    settings.DEBUG = False
    settings.PERSONAL_DATA_KEYS = []
    assert [e.id for e in personal_data_keys()] == ["bianmin.E010"]
    assert "PERSONAL_DATA_KEY" in str(personal_data_keys()[0].hint)

    settings.PERSONAL_DATA_KEYS = [NEW, "short"]
    assert [e.id for e in personal_data_keys()] == ["bianmin.E011"]

    settings.PERSONAL_DATA_KEYS = [NEW]
    assert personal_data_keys() == []
    settings.DEBUG = True
    settings.PERSONAL_DATA_KEYS = ["short"]
    assert personal_data_keys() == []


def test_an_unknown_cipher_is_a_startup_error(settings):
    settings.PERSONAL_DATA_CIPHER = "des"
    assert [e.id for e in personal_data_keys()] == ["bianmin.E013"]


def test_sm4_on_an_openssl_without_it_is_a_startup_error_that_says_so(settings, monkeypatch):
    import bianmin.core.personal_data as personal_data

    monkeypatch.setattr(personal_data, "sm4_unavailable_reason", lambda: "本机 OpenSSL 不支持 SM4")
    settings.PERSONAL_DATA_CIPHER = "sm4"

    errors = personal_data_keys()

    assert [e.id for e in errors] == ["bianmin.E014"]
    assert "不支持 SM4" in errors[0].msg
