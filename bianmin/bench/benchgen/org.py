"""Organization, staff, windows and posts of the city."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.utils import timezone

from bianmin.bench.benchgen.base import CenterInfo, GeneratorBase
from bianmin.bench.benchgen.rows import Table
from bianmin.bench.benchgen.shapes import (
    BENCH_DIRECTOR,
    BENCH_DISTRICT,
    BENCH_PASSWORD,
    BENCH_WINDOW,
    FIRST_CENTER,
    GIVEN_NAMES,
    STAFF_NAMES,
    WINDOW_NAMES,
    item_names,
)


class OrgPart(GeneratorBase):
    # -- organization, staff, windows, posts
    def org(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from bianmin.core.personal_data import encrypt
        from bianmin.org.models import Department, OrgUnit, Post, Role, Staff, Window

        t = time.perf_counter()
        s = self.shape
        names = item_names()
        dept_names = list(dict.fromkeys(d for d, _ in names[: s.items]))
        units: list[OrgUnit] = []
        for d in range(1, s.districts + 1):
            dcode = f"5116{d:02d}"
            units.append(
                OrgUnit(
                    code=dcode,
                    name=f"第{d}区",
                    short_name=f"{d}区",
                    level="district",
                    hall_kind="district_center",
                    path="",
                    depth=1,
                )
            )
        OrgUnit.objects.bulk_create(units)
        districts = list(OrgUnit.objects.filter(code__in=[u.code for u in units]).order_by("code"))
        for u in districts:
            u.path = f"{u.pk:06d}/"
        OrgUnit.objects.bulk_update(districts, ["path"])
        centers: list[OrgUnit] = []
        for d, dist in enumerate(districts, 1):
            for c in range(1, s.centers + 1):
                centers.append(
                    OrgUnit(
                        code=f"{dist.code}{c:03d}",
                        name=f"第{d}区第{c}街道",
                        short_name=f"{d}区{c}街",
                        level="subdistrict",
                        parent=dist,
                        hall_kind="center",
                        address=f"第{d}区中心路 {c} 号",
                        phone=f"0826-{d:02d}{c:02d}0000",
                        path="",
                        depth=2,
                    )
                )
        OrgUnit.objects.bulk_create(centers)
        centers = list(OrgUnit.objects.filter(code__in=[u.code for u in centers]).order_by("code"))
        by_pk = {u.pk: u for u in districts}
        for u in centers:
            u.path = by_pk[u.parent_id or 0].path + f"{u.pk:06d}/"
        OrgUnit.objects.bulk_update(centers, ["path"], batch_size=1000)
        points = [
            OrgUnit(
                code=f"{cen.code}{p:03d}",
                name=f"{cen.name}第{p}社区",
                level="community",
                parent=cen,
                hall_kind="point",
                path="",
                depth=3,
            )
            for cen in centers
            for p in range(1, s.points + 1)
        ]
        OrgUnit.objects.bulk_create(points, batch_size=1000)
        points = list(OrgUnit.objects.filter(parent__in=centers).only("pk", "parent_id"))
        cpk = {u.pk: u for u in centers}
        for u in points:
            u.path = cpk[u.parent_id or 0].path + f"{u.pk:06d}/"
        OrgUnit.objects.bulk_update(points, ["path"], batch_size=1000)

        depts = [
            Department(org_unit=dist, code=f"D{k:03d}", name=name)
            for dist in districts
            for k, name in enumerate(dept_names)
        ]
        Department.objects.bulk_create(depts, batch_size=1000)
        self.depts = {(dep.org_unit_id, dep.name): dep.pk for dep in Department.objects.filter(org_unit__in=districts)}

        windows = [
            Window(center=cen, number=w, name=f"{WINDOW_NAMES[(w - 1) % len(WINDOW_NAMES)]}窗口")
            for cen in centers
            for w in range(1, s.windows + 1)
        ]
        Window.objects.bulk_create(windows, batch_size=1000)
        win_by_center: dict[int, list[int]] = {}
        for wrow in Window.objects.filter(center__in=centers).order_by("center_id", "number").values("pk", "center_id"):
            win_by_center.setdefault(wrow["center_id"], []).append(wrow["pk"])

        User = get_user_model()
        password = make_password(BENCH_PASSWORD)
        phone_tokens = [encrypt(f"1390826{k:04d}") for k in range(20)]
        users: list[Any] = []
        plan: list[tuple[str, int, str, str]] = []  # username, unit pk, role, name
        for d, dist in enumerate(districts):
            username = BENCH_DISTRICT if d == 0 else f"d{dist.code}"
            plan.append((username, dist.pk, Role.DISTRICT, f"区中心{d + 1}"))
        for cen in centers:
            for k in range(s.staff):
                role = Role.DIRECTOR if k == 0 else Role.INSPECTOR if k == 1 else Role.HANDLER if k < 4 else Role.WINDOW
                username = f"s{cen.code}{k:02d}"
                if cen.code == FIRST_CENTER and k == 0:
                    username = BENCH_DIRECTOR
                if cen.code == FIRST_CENTER and k == 4:
                    username = BENCH_WINDOW
                name = STAFF_NAMES[(cen.pk * 7 + k) % len(STAFF_NAMES)] + GIVEN_NAMES[k % len(GIVEN_NAMES)]
                plan.append((username, cen.pk, role, name))
        for username, _unit, _role, _name in plan:
            users.append(User(username=username, password=password, is_active=True))
        User.objects.bulk_create(users, batch_size=1000)
        uid = dict(User.objects.filter(username__in=[p[0] for p in plan]).values_list("username", "pk"))
        staff = [
            Staff(
                user_id=uid[username],
                name=name,
                org_unit_id=unit,
                role=role,
                employment="temporary" if k % 5 == 4 else "formal",
                badge_number=f"{k:05d}",
                phone=phone_tokens[k % len(phone_tokens)],
            )
            for k, (username, unit, role, name) in enumerate(plan)
        ]
        # The tokens are already ciphertext: write them as they are (the field would encrypt them again).
        Table(Staff, ["user_id", "name", "org_unit_id", "role", "employment", "badge_number", "phone"]).write(
            (x.user_id, x.name, x.org_unit_id, x.role, x.employment, x.badge_number, x.phone) for x in staff
        )
        staff_rows = Staff.objects.filter(org_unit__in=centers).order_by("org_unit_id", "badge_number")
        by_center: dict[int, list[tuple[int, str]]] = {}
        for row in staff_rows.values("pk", "org_unit_id", "role"):
            by_center.setdefault(row["org_unit_id"], []).append((row["pk"], row["role"]))
        self.centers: list[CenterInfo] = []
        posts = []
        today = timezone.localdate()
        for cen in centers:
            members = by_center[cen.pk]
            workers = [pk for pk, role in members if role in (Role.WINDOW, Role.HANDLER)]
            window_staff = [pk for pk, role in members if role == Role.WINDOW]
            info = CenterInfo(
                pk=cen.pk,
                code=cen.code,
                district_pk=cen.parent_id or 0,
                windows=win_by_center[cen.pk],
                window_staff=workers,
                all_staff=[pk for pk, _ in members],
                director=members[0][0],
            )
            self.centers.append(info)
            for w, wpk in enumerate(info.windows):
                a = window_staff[w % len(window_staff)]
                b = window_staff[(w + 1) % len(window_staff)]
                posts.append(Post(window_id=wpk, staff_id=a, kind="A", valid_from=today - dt.timedelta(days=400)))
                if b != a:
                    posts.append(Post(window_id=wpk, staff_id=b, kind="B", valid_from=today - dt.timedelta(days=400)))
        Post.objects.bulk_create(posts, batch_size=1000)
        self.districts = districts
        n = len(districts) + len(centers) + len(points)
        self.out.write(
            f"{'org':<12} {n:>9} units, {len(staff)} staff, {len(windows)} windows, {len(posts)} posts "
            f"{time.perf_counter() - t:6.1f}s\n"
        )
