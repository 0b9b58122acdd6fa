"""Data written through the OLD version's manage.py shell before the upgrade (tests/deploy/test_install.py).

Plain ORM and services only (factory-boy is a development tool, absent from a release): a district, a center with a
department, a window and a clerk on its A post, a published item and one accepted case with an ID number and a phone
(stored encrypted with the installation's PERSONAL_DATA_KEY). Prints the case number. Kept to models and services that
the pinned old version has; the new version must read all of it after the upgrade."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from bianmin.cases.services import ApplicantInput, case_intake
from bianmin.catalog.models import Material, Mode, ServiceItem
from bianmin.catalog.services import item_publish
from bianmin.org.models import Department, OrgUnit, Post, Role, Staff, Window

district = OrgUnit.objects.create(
    code="410108000",
    name="升级测试区",
    short_name="升级",
    level=OrgUnit.Level.DISTRICT,
    hall_kind=OrgUnit.HallKind.DISTRICT_CENTER,
)
center = OrgUnit.objects.create(
    code="410108901",
    name="升级测试街道",
    short_name="升测",
    level=OrgUnit.Level.SUBDISTRICT,
    hall_kind=OrgUnit.HallKind.CENTER,
    parent=district,
)
department = Department.objects.create(org_unit=center, code="MZ", name="民政办")
window = Window.objects.create(center=center, number=1, name="综合窗口", business_scope="综合受理")
user = get_user_model().objects.create_user(username="upgrade-clerk", password="Upgrade-Test-123456")
clerk = Staff.objects.create(
    user=user,
    name="何春燕",
    org_unit=center,
    role=Role.WINDOW,
    department=department,
    employment=Staff.Employment.FORMAL,
)
Post.objects.create(
    window=window, staff=clerk, kind=Post.Kind.A, valid_from=timezone.localdate() - dt.timedelta(days=30)
)
item = ServiceItem.objects.create(
    owner=center,
    name="升级测试事项",
    code="UPGRADE-000001",
    department=department,
    default_mode=Mode.PROMISED,
    statutory_limit=20,
    promised_limit=5,
)
Material.objects.create(item=item, name="居民身份证", kind=Material.Kind.MAIN, sort_order=0)
item.windows.set([window])
version = item_publish(item=item, actor=None)
case = case_intake(
    actor=user,
    center=center,
    window=window,
    item=version.item,
    applicant=ApplicantInput(kind="person", name="张三", id_number="410108199001010010", phone="13903711234"),
    presented={m["id"]: "copy" for m in version.materials},
    decision="accept",
)
print("CASE", case.number)
