"""`any_of`: the same rows as `in`, the list as one array parameter on PostgreSQL (on a key, a foreign key and a
text), `IN (…)` elsewhere; an empty list matches nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.core.models import PersonalDataReveal


@pytest.fixture
def reveals(db):
    users = [get_user_model().objects.create(username=f"u{i}") for i in range(4)]
    kinds = list(ContentType.objects.order_by("id")[:3])
    for i, user in enumerate(users):
        for kind in kinds[: i % 3 + 1]:
            PersonalDataReveal.objects.create(actor=user, content_type=kind, object_id=str(i), field="phone")
    return users, kinds


def test_any_of_matches_what_in_matches(reveals):
    users, kinds = reveals
    for lookup, values in (
        ("id", list(PersonalDataReveal.objects.values_list("id", flat=True)[:3])),
        ("actor_id", [users[1].pk, users[3].pk]),
        ("content_type", [kinds[0].pk, kinds[2].pk]),
        ("object_id", ["1", "2", "nine"]),
    ):
        expected = set(PersonalDataReveal.objects.filter(**{f"{lookup}__in": values}).values_list("id", flat=True))
        for given in (values, frozenset(values)):  # a list, or a set (which Django does not walk element by element)
            with CaptureQueriesContext(connection) as ctx:
                found = set(
                    PersonalDataReveal.objects.filter(**{f"{lookup}__any_of": given}).values_list("id", flat=True)
                )
            assert found == expected, lookup
            assert found, lookup
            sql = ctx.captured_queries[0]["sql"]
            assert ("= ANY(" in sql) == (connection.vendor == "postgresql"), sql


def test_any_of_an_empty_list_matches_nothing_without_a_query(reveals):
    with CaptureQueriesContext(connection) as ctx:
        assert list(PersonalDataReveal.objects.filter(actor_id__any_of=[])) == []
    assert ctx.captured_queries == []
