"""Demo data for the interfaces: an Open311 client application whose api_key is `bianmin-demo-open311`, and, when
the demo catalog is there, one online application at the default center awaiting pre-review."""

from __future__ import annotations

from typing import Any

from bianmin.api.credentials import digest
from bianmin.api.models import OnlineApplication, Open311Client
from bianmin.api.services import open311_client_issue, open311_request_submit
from bianmin.cases.services import OnlineApplicant
from bianmin.catalog.selectors import current_version, published_items
from bianmin.org.selectors import default_center

DEMO_KEY = "bianmin-demo-open311"
DEMO_ID_NUMBER = "410108199003070017"


def load(stdout: Any) -> None:
    client = Open311Client.objects.filter(key_hash=digest(DEMO_KEY)).first()
    if client is None:
        client, _secret = open311_client_issue(
            name="便民服务演示应用", contact="演示用，api_key：bianmin-demo-open311", actor=None, secret=DEMO_KEY
        )
    center = default_center()
    if center is None or OnlineApplication.objects.filter(client=client).exists():
        return
    item = published_items(center=center).order_by("code").first()
    if item is None:
        return
    materials = [m["id"] for m in current_version(item).materials]
    open311_request_submit(
        client=client,
        center=center,
        item=item,
        applicant=OnlineApplicant(id_number=DEMO_ID_NUMBER, name="张明", phone="13803710001"),
        has=materials[:1],
        address_string="长兴路宏达小区 3 号楼",
        description="演示：网上申报，待预审。",
    )
    stdout.write("网上申报演示数据已就绪（Open311 api_key：bianmin-demo-open311）。\n")
