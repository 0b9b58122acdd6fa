from bianmin.core.personal_data import blind_index, decrypt, encrypt, mask_id_number, mask_name, mask_phone


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
