"""Demo data for the interfaces: an Open311 client application whose api_key is `bianmin-demo-open311`, and, when
the demo catalog is there, two online applications at the default center: one awaiting pre-review, one pre-reviewed
with an item added beyond the catalog, waiting at window 2 to be accepted."""

from __future__ import annotations

from typing import Any

from bianmin.api.credentials import digest
from bianmin.api.models import OnlineApplication, Open311Client
from bianmin.api.services import open311_client_issue, open311_request_submit
from bianmin.cases.services import OnlineApplicant, case_prereview
from bianmin.catalog.selectors import current_version, published_items
from bianmin.org.models import Staff, Window
from bianmin.org.selectors import default_center

DEMO_KEY = "bianmin-demo-open311"
DEMO_ID_NUMBER = "410108199003070017"
DEMO_PREREVIEWED_ID_NUMBER = "410108199003070025"


PREREVIEWED = "演示：网上申报，已预审并增列材料，待窗口受理。"
# What the pre-review adds beyond the catalog: the applicant is told online and the window checks it.
PREREVIEW_EXTRA = "社区出具的居住证明"


def load(stdout: Any) -> None:
    client = Open311Client.objects.filter(key_hash=digest(DEMO_KEY)).first()
    if client is None:
        client, _secret = open311_client_issue(
            name="便民服务演示应用", contact="演示用，api_key：bianmin-demo-open311", actor=None, secret=DEMO_KEY
        )
    center = default_center()
    if center is None:
        return
    clerk = Staff.objects.filter(user__username="window_a").first()
    window = Window.objects.filter(center=center, number=2, is_active=True).first()
    items = published_items(center=center)
    # An item of the clerk's window, so the demo's pre-reviewed application is theirs to accept.
    item = (items.filter(windows=window).order_by("code").first() if window else None) or items.order_by("code").first()
    if item is None:
        return
    materials = [m["id"] for m in current_version(item).materials]
    if not OnlineApplication.objects.filter(client=client).exclude(description=PREREVIEWED).exists():
        open311_request_submit(
            client=client,
            center=center,
            item=item,
            applicant=OnlineApplicant(id_number=DEMO_ID_NUMBER, name="张明", phone="13803710001"),
            has=materials[:1],
            address_string="长兴路宏达小区 3 号楼",
            description="演示：网上申报，待预审。",
        )
    if (
        clerk is not None
        and window is not None
        and not OnlineApplication.objects.filter(description=PREREVIEWED).exists()
    ):
        application = open311_request_submit(
            client=client,
            center=center,
            item=item,
            applicant=OnlineApplicant(id_number=DEMO_PREREVIEWED_ID_NUMBER, name="李秀兰", phone="13803710002"),
            has=materials,
            address_string="长兴路宏达小区 5 号楼",
            description=PREREVIEWED,
        )
        case_prereview(
            case=application.case,
            actor=clerk.user,
            window=window,
            supplement=[PREREVIEW_EXTRA],
            note="申请人现居住地与户籍地不一致。",
        )
    stdout.write("网上申报演示数据已就绪（Open311 api_key：bianmin-demo-open311）。\n")
