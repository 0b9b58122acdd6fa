"""Key rotation round trip over real case rows: new key first, old key still reads, `rotate_personal_data_key`
re-encrypts every row and rebuilds the blind index, in batches, resumable; also from Fernet to SM4 and back."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, TextField
from django.db.models.functions import Cast

from bianmin.cases.models import Case
from bianmin.cases.search import case_search
from bianmin.cases.tests.factories import intake, item_for, make_world, resident_id
from bianmin.core.checks import personal_data_decrypts
from bianmin.core.personal_data import SM4_PREFIX, UNREADABLE, is_current, sm4_unavailable_reason
from bianmin.core.services import personal_data_rotate

pytestmark = pytest.mark.django_db

OLD = "old-personal-data-key-0123456789abcdefghij"
NEW = "new-personal-data-key-0123456789abcdefghij"
needs_sm4 = pytest.mark.skipif(sm4_unavailable_reason() is not None, reason=str(sm4_unavailable_reason()))


def _tokens() -> list[str]:
    raw = Case.objects.annotate(raw=Cast(F("applicant_id_number"), output_field=TextField()))
    return list(raw.order_by("pk").values_list("raw", flat=True))


@pytest.fixture
def cases(settings):
    settings.PERSONAL_DATA_CIPHER = "fernet"
    settings.PERSONAL_DATA_KEYS = [OLD]
    world = make_world()
    version = item_for(world)
    made = [intake(world, version, n=n) for n in range(1, 6)]
    return world, made


@pytest.mark.parametrize(
    ("start", "target"),
    [("fernet", "fernet"), pytest.param("fernet", "sm4", marks=needs_sm4), pytest.param("sm4", "sm4", marks=needs_sm4)],
)
def test_rotation_re_encrypts_every_row_and_rebuilds_the_index(settings, cases, start, target):
    world, made = cases
    if start != "fernet":
        settings.PERSONAL_DATA_CIPHER = start
        personal_data_rotate()
    settings.PERSONAL_DATA_KEYS = [NEW, OLD]
    settings.PERSONAL_DATA_CIPHER = target
    # Before rotation the old rows still read, but the index under the new key does not find them.
    assert Case.objects.get(pk=made[0].pk).applicant_id_number == resident_id(1)
    assert case_search(user=world.director.user, query=resident_id(2)) == []

    out = StringIO()
    call_command("rotate_personal_data_key", "--batch-size", "2", stdout=out)

    assert "cases.Case: 5/5" in out.getvalue()
    settings.PERSONAL_DATA_KEYS = [NEW]  # the old key is gone: everything must read under the new one alone
    tokens = _tokens()
    assert all(is_current(t) for t in tokens)
    assert all(t.startswith(SM4_PREFIX) == (target == "sm4") for t in tokens)
    assert [c.applicant_id_number for c in Case.objects.order_by("pk")] == [resident_id(n) for n in range(1, 6)]
    assert [r.pk for r in case_search(user=world.director.user, query=resident_id(2))] == [made[1].pk]


def test_a_second_run_after_an_interruption_goes_on_where_the_first_stopped(settings, cases):
    settings.PERSONAL_DATA_KEYS = [NEW, OLD]
    calls = []

    def stop_after_first_batch(progress):
        calls.append(progress)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        personal_data_rotate(batch_size=2, progress=stop_after_first_batch)
    assert [is_current(t) for t in _tokens()] == [True, True, False, False, False]

    rewritten = personal_data_rotate(batch_size=2)

    assert rewritten["cases.Case"] == 3
    assert all(is_current(t) for t in _tokens())


def test_a_row_no_key_decrypts_stops_rotation_and_the_check_reports_it(settings, cases):
    _world, made = cases
    settings.PERSONAL_DATA_KEYS = [NEW]  # the old key was lost

    assert Case.objects.get(pk=made[0].pk).applicant_id_number == UNREADABLE  # a placeholder, not a 500
    errors = personal_data_decrypts(databases=["default"])
    assert {e.id for e in errors} == {"bianmin.E012"}
    assert "cases.Case.applicant_id_number" in " ".join(e.msg for e in errors)
    with pytest.raises(CommandError, match="无法用已配置的任何密钥解密"):
        call_command("rotate_personal_data_key", stdout=StringIO())

    settings.PERSONAL_DATA_KEYS = [NEW, OLD]
    assert personal_data_decrypts(databases=["default"]) == []


def test_a_staff_case_page_under_a_wrong_key_still_answers(client, settings, cases):
    world, made = cases
    settings.PERSONAL_DATA_KEYS = [NEW]
    client.force_login(world.director.user)

    response = client.get(f"/staff/cases/c/{made[0].number}/")

    assert response.status_code == 200
