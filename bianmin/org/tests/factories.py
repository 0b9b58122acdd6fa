from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from bianmin.org.models import Department, OrgUnit, Post, Role, Staff, Window


class OrgUnitFactory(factory.django.DjangoModelFactory[OrgUnit]):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"9{n:08d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    short_name = factory.Sequence(lambda n: f"测{n}")
    level = OrgUnit.Level.SUBDISTRICT
    hall_kind = OrgUnit.HallKind.CENTER
    address = "测试路 1 号"
    phone = "0371-63380001"
    complaint_phone = "0371-63380000"


def district(**kwargs: object) -> OrgUnit:
    return OrgUnitFactory.create(level=OrgUnit.Level.DISTRICT, hall_kind=OrgUnit.HallKind.DISTRICT_CENTER, **kwargs)


def center(parent: OrgUnit | None = None, **kwargs: object) -> OrgUnit:
    return OrgUnitFactory.create(
        level=OrgUnit.Level.SUBDISTRICT, hall_kind=OrgUnit.HallKind.CENTER, parent=parent, **kwargs
    )


def community(parent: OrgUnit, **kwargs: object) -> OrgUnit:
    return OrgUnitFactory.create(
        level=OrgUnit.Level.COMMUNITY, hall_kind=OrgUnit.HallKind.POINT, parent=parent, **kwargs
    )


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department

    org_unit = factory.SubFactory(OrgUnitFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"部门{n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-123456")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory[Staff]):
    class Meta:
        model = Staff

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"人员{n}")
    job_title = "科员"
    org_unit = factory.SubFactory(OrgUnitFactory)
    role = Role.WINDOW
    employment = Staff.Employment.FORMAL


class WindowFactory(factory.django.DjangoModelFactory[Window]):
    class Meta:
        model = Window

    center = factory.SubFactory(OrgUnitFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"窗口{n}")
    business_scope = "综合受理"


class PostFactory(factory.django.DjangoModelFactory[Post]):
    class Meta:
        model = Post

    window = factory.SubFactory(WindowFactory)
    staff = factory.SubFactory(StaffFactory)
    kind = Post.Kind.A
    valid_from = dt.date(2026, 1, 1)


def staff_user(role: str, unit: OrgUnit, **kwargs: object) -> Staff:
    """A staff member with a login, in `unit`, with `role`."""
    staff = StaffFactory.create(role=role, org_unit=unit, **kwargs)
    if role == Role.ADMIN:
        staff.user.is_staff = staff.user.is_superuser = True
        staff.user.save()
    return staff
