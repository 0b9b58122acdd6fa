from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from bianmin.api.tests.factories import token_for
from bianmin.catalog.models import ItemVersion
from bianmin.catalog.tests.factories import published_item
from bianmin.org.models import OrgUnit, Role, Staff, Window
from bianmin.org.tests.factories import DepartmentFactory, PostFactory, WindowFactory, center, district, staff_user


@dataclass
class World:
    district: OrgUnit
    center: OrgUnit
    other: OrgUnit
    window: Window
    staff: dict[str, Staff]
    version: ItemVersion
    other_version: ItemVersion


class ApiClient:
    """A test client that sends a bearer token."""

    def __init__(self, secret: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, data: Any = None) -> Any:
        return self.client.post(path, data, content_type="application/json", headers=self.headers)


@pytest.fixture
def world(db) -> World:
    d = district(code="D1", name="测试区")
    c = center(parent=d, code="C1", name="长兴路街道", address="长兴路 88 号")
    o = center(parent=d, code="C2", name="迎宾路街道")
    dept = DepartmentFactory.create(org_unit=c, name="民政办")
    w = WindowFactory.create(center=c, number=2, name="民政窗口")
    w.departments.set([dept])
    staff = {
        "window": staff_user(Role.WINDOW, c, name="何春燕", department=dept),
        "director": staff_user(Role.DIRECTOR, c, name="毛丽华"),
        "handler": staff_user(Role.HANDLER, c),
        "inspector": staff_user(Role.INSPECTOR, c),
        "district": staff_user(Role.DISTRICT, d),
        "admin": staff_user(Role.ADMIN, d),
        "other_director": staff_user(Role.DIRECTOR, o, name="陈静"),
    }
    PostFactory.create(window=w, staff=staff["window"], kind="A")
    version = published_item(
        owner=c,
        department=dept,
        name="最低生活保障申请",
        code="MZ-001",
        main=("居民身份证", "户口簿"),
        general=("家庭成员收入情况说明",),
    )
    version.item.windows.set([w])
    other_version = published_item(owner=o, name="迎宾事项", code="YB-001")
    return World(d, c, o, w, staff, version, other_version)


@pytest.fixture
def as_role(world):
    def make(role: str) -> ApiClient:
        _token, secret = token_for(world.staff[role].user)
        return ApiClient(secret)

    return make
