import pytest

from bianmin.petitions.tests.factories import office


@pytest.fixture
def org(db):
    return office()
