from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from bianmin.catalog import demo
from bianmin.org import demo as org_demo
from bianmin.org.models import Department, OrgUnit, Role, Staff, Window
from bianmin.org.tests.factories import DepartmentFactory, WindowFactory, center, district, staff_user


@dataclass
class World:
    district: OrgUnit
    center: OrgUnit
    other: OrgUnit
    department: Department
    joint: Department
    window: Window
    director: Staff
    admin: Staff
    window_staff: Staff
    other_director: Staff


@pytest.fixture
def world(db) -> World:
    d = district(code="410100", name="测试区")
    c = center(parent=d, code="410100001", name="甲街道")
    other = center(parent=d, code="410100002", name="乙街道")
    department = DepartmentFactory.create(org_unit=c, code="MZ", name="民政办")
    joint = DepartmentFactory.create(org_unit=c, code="SB", name="社会保障所")
    window = WindowFactory.create(center=c, number=2, name="民政窗口")
    return World(
        district=d,
        center=c,
        other=other,
        department=department,
        joint=joint,
        window=window,
        director=staff_user(Role.DIRECTOR, c),
        admin=staff_user(Role.ADMIN, d),
        window_staff=staff_user(Role.WINDOW, c),
        other_director=staff_user(Role.DIRECTOR, other),
    )


@pytest.fixture
def demo_catalog(db) -> OrgUnit:
    org_demo.load(io.StringIO())
    demo.load(io.StringIO())
    return OrgUnit.objects.get(code="410108001")


@pytest.fixture(autouse=True)
def _shipped_synonyms():
    """A test that edits the synonym sets leaves the next one the shipped sets (the database rolls back; the process
    keeps what it installed)."""
    yield
    from django.core.cache import cache

    from bianmin.catalog import search, selectors

    if cache.get(selectors.SYNONYMS_VERSION_KEY) is not None:
        cache.delete(selectors.SYNONYMS_VERSION_KEY)
        search.use_synonyms(search.shipped_synonyms())
        selectors.forget_synonyms()


@pytest.fixture
def shipped_synonym_rows(db) -> None:
    """The shipped synonym sets as rows, as migration catalog.0004 loads them; a transactional test elsewhere on this
    worker may have flushed the tables since."""
    from bianmin.catalog.models import SynonymSet
    from bianmin.catalog.search import shipped_synonyms

    if not SynonymSet.objects.exists():
        SynonymSet.objects.bulk_create(SynonymSet(words=" ".join(group)) for group in shipped_synonyms())
