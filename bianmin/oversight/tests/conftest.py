from __future__ import annotations

import pytest

from bianmin.cases.tests.conftest import Clock, at, clock, login, world  # noqa: F401  (shared fixtures)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()
