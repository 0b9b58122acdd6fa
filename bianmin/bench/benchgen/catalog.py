"""The catalog every district publishes; the first district's grown to `search_items` for the search bench."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from typing import Any

from bianmin.bench.benchgen.base import GeneratorBase
from bianmin.bench.benchgen.rows import Table
from bianmin.bench.benchgen.shapes import FIRST_DISTRICT, MATERIAL_SETS, catalog_names

MODES = ["promised"] * 6 + ["direct"] * 3 + ["joint"]


def _terms(names: Sequence[tuple[str, str]], ks: Sequence[int]) -> dict[int, dict[str, int]]:
    """The search terms of the names numbered `ks`, built by the catalog's own `index_terms`."""
    from bianmin.catalog import search

    terms_of: dict[int, dict[str, int]] = {}
    for k in ks:
        dept, name = names[k]
        terms_of[k] = search.index_terms(name=name, materials=MATERIAL_SETS[k % len(MATERIAL_SETS)], context=[dept])
    return terms_of


class CatalogPart(GeneratorBase):
    # -- catalog: every district publishes the catalog (its own items, versions, materials and search terms)
    def catalog(self) -> None:
        t = time.perf_counter()
        names = catalog_names(self.shape.items)
        terms_of = _terms(names, range(len(names)))
        entries = [(dist, k) for dist in self.districts for k in range(len(names))]
        created, vpk, n_mats, n_terms = self._publish(entries, names, terms_of, self.depts)
        self.items: dict[int, list[tuple[int, int, str, str, int]]] = {}
        for it in created:
            self.items.setdefault(it["owner_id"], []).append(
                (it["pk"], vpk[it["pk"]], it["name"], it["default_mode"], it["promised_limit"])
            )
        self.out.write(
            f"{'catalog':<12} {len(created):>9} items, {n_mats} materials, {n_terms} search terms "
            f"{time.perf_counter() - t:6.1f}s\n"
        )

    def search_catalog(self) -> bool:
        """Grow the first district's catalog to `search_items` (the real names again with qualifiers: 变更, 注销, …).

        Adds only what is missing, so that a data set generated before is topped up rather than rebuilt."""
        from bianmin.catalog.models import ServiceItem
        from bianmin.org.models import Department, OrgUnit

        s = self.shape
        if s.search_items <= s.items:
            return False
        t = time.perf_counter()
        district = OrgUnit.objects.get(code=FIRST_DISTRICT)
        have = set(ServiceItem.objects.filter(owner=district).values_list("code", flat=True))
        names = catalog_names(s.search_items)
        ks = [k for k in range(len(names)) if f"{district.code}-{k:05d}" not in have]
        if not ks:
            return False
        dept_names = list(dict.fromkeys(d for d, _ in names))
        known = dict(Department.objects.filter(org_unit=district).values_list("name", "pk"))
        Department.objects.bulk_create(
            Department(org_unit=district, code=f"D{n:03d}", name=name)
            for n, name in enumerate(dept_names)
            if name not in known
        )
        depts = {(district.pk, d.name): d.pk for d in Department.objects.filter(org_unit=district)}
        created, _, n_mats, n_terms = self._publish([(district, k) for k in ks], names, _terms(names, ks), depts)
        self.out.write(
            f"{'search':<12} {len(created):>9} items more in the first district, {n_mats} materials, "
            f"{n_terms} search terms {time.perf_counter() - t:6.1f}s\n"
        )
        return True

    def _publish(
        self,
        entries: Sequence[tuple[Any, int]],
        names: Sequence[tuple[str, str]],
        terms_of: dict[int, dict[str, int]],
        depts: dict[tuple[int, str], int],
    ) -> tuple[list[Any], dict[int, int], int, int]:
        """Published items (with version, materials and search terms) for (district, k): the k-th name."""
        from bianmin.catalog import search
        from bianmin.catalog.models import ItemVersion, Material, SearchTerm, ServiceItem

        items = []
        for dist, k in entries:
            dept, name = names[k]
            mode = MODES[k % len(MODES)]
            limit = 0 if mode == "direct" else (5, 10, 15, 20)[k % 4]
            items.append(
                ServiceItem(
                    owner=dist,
                    name=name,
                    code=f"{dist.code}-{k:05d}",
                    item_type="public_service",
                    department_id=depts[(dist.pk, dept)],
                    implementing_level="subdistrict",
                    default_mode=mode,
                    statutory_limit=limit * 2,
                    promised_limit=limit,
                    status=ServiceItem.Status.PUBLISHED,
                    version=1,
                    published_at=self.now - dt.timedelta(days=1500),
                    search_text=search.search_text(terms_of[k]),
                )
            )
        ServiceItem.objects.bulk_create(items, batch_size=1000)
        created = list(
            ServiceItem.objects.filter(code__in=[it.code for it in items])
            .order_by("owner_id", "code")
            .values("pk", "owner_id", "code", "name", "default_mode", "promised_limit", "department_id")
        )
        mats: list[Material] = []
        for it in created:
            k = int(it["code"].rsplit("-", 1)[1])
            for j, mname in enumerate(MATERIAL_SETS[k % len(MATERIAL_SETS)]):
                mats.append(Material(item_id=it["pk"], name=mname, kind="main", form="original", sort_order=j))
        Material.objects.bulk_create(mats, batch_size=2000)
        mat_rows: dict[int, list[dict[str, Any]]] = {}
        for m in Material.objects.filter(item_id__in=[it["pk"] for it in created]).order_by("item_id", "sort_order"):
            mat_rows.setdefault(m.item_id, []).append(
                {
                    "id": m.pk,
                    "name": m.name,
                    "kind": m.kind,
                    "form": m.form,
                    "copies": 1,
                    "source": "applicant",
                    "notes": "",
                    "blank_form": "",
                    "sample": "",
                }
            )
        dept_name = {pk: name for (_, name), pk in depts.items()}
        versions = []
        for it in created:
            snap = {
                "id": it["pk"],
                "name": it["name"],
                "code": it["code"],
                "basic_code": "",
                "item_type": "public_service",
                "department": dept_name[it["department_id"]],
                "department_id": it["department_id"],
                "mode": it["default_mode"],
                "joint_department_ids": [],
                "forward_to_id": None,
                "statutory_limit": it["promised_limit"] * 2,
                "promised_limit": it["promised_limit"],
                "limit_unit": "working",
                "visits": 1,
                "is_free": True,
                "fee_standard": "",
                "fee_basis": "",
                "legal_basis": "",
                "conditions": "",
                "materials": mat_rows.get(it["pk"], []),
                "steps": [],
                "owner_id": it["owner_id"],
                "implementing_level": "subdistrict",
                "implementing_body": "",
                "description": "",
                "joint_departments": [],
                "forward_to": "",
                "windows": [],
                "themes": [],
                "theme_ids": [],
                "consultation_phone": "",
                "complaint_channel": "",
                "offers_appointment": True,
                "offers_proxy": False,
                "offers_home_visit": False,
            }
            versions.append(ItemVersion(item_id=it["pk"], number=1, snapshot=snap))
        ItemVersion.objects.bulk_create(versions, batch_size=1000)
        vpk = dict(ItemVersion.objects.filter(item_id__in=[it["pk"] for it in created]).values_list("item_id", "pk"))

        def term_rows() -> Iterator[tuple[Any, ...]]:
            for it in created:
                k = int(it["code"].rsplit("-", 1)[1])
                weights = dict(terms_of[k])
                weights[it["code"].lower()] = search.W_CODE
                for term, weight in weights.items():
                    yield (it["pk"], term, weight)

        n_terms = Table(SearchTerm, ["item_id", "term", "weight"]).write(term_rows())
        return created, vpk, len(mats), n_terms
