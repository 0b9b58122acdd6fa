import pytest

from bianmin.frontdesk.tests.factories import desk_world


@pytest.fixture
def desk(db):
    return desk_world()
