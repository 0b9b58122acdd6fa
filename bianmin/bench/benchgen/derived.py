"""Rows that follow from the cases, derived inside the database."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.db import connection

from bianmin.bench.benchgen.base import GeneratorBase
from bianmin.bench.benchgen.rows import Table, step

# A closed case's last event, by its status: delivered, refused at intake, or withdrawn by the applicant.
CLOSING_VERB = "CASE c.status WHEN 'delivered' THEN 'deliver' WHEN 'refused' THEN 'refuse' ELSE 'withdraw' END"
CLOSING_FROM = "CASE c.status WHEN 'delivered' THEN 'completed' WHEN 'refused' THEN 'received' ELSE 'accepted' END"


class DerivedPart(GeneratorBase):
    # -- rows that follow from the cases, derived inside the database
    def derived(self) -> None:
        from bianmin.cases.models import Case, CaseEvent, CaseMaterial, Notice
        from bianmin.frontdesk.models import Inquiry
        from bianmin.oversight.models import Rating

        case = Case._meta.db_table
        lo = self.case_id_floor
        new = f"FROM {case} c WHERE c.id > {int(lo)}"
        true = "TRUE"
        materials = Table(
            CaseMaterial,
            [
                "case_id",
                "name",
                "kind",
                "required_form",
                "sort_order",
                "presented",
                "presented_form",
                "received_at",
                "received_by_id",
                "custodian_id",
                "custody",
                "disposed_at",
                "disposed_by_id",
            ],
        )

        def material(j: int, name: str) -> int:
            return materials.insert_select(
                [
                    "c.id",
                    f"'{name}'",
                    "'main'",
                    "'original'",
                    str(j),
                    true,
                    "'original'",
                    "c.received_at",
                    "c.received_by_id",
                    "c.received_by_id",
                    "CASE WHEN c.status IN ('delivered', 'refused', 'withdrawn') THEN 'returned' ELSE 'held' END",
                    "c.closed_at",
                    "CASE WHEN c.closed_at IS NULL THEN NULL ELSE c.received_by_id END",
                ],
                new,
            )

        step(self.out, "materials 1", lambda: material(0, "居民身份证"))
        step(self.out, "materials 2", lambda: material(1, "申请表"))
        events = Table(CaseEvent, ["case_id", "actor_id", "verb", "from_state", "to_state", "created_at"])
        # The verbs the services write (`cases.timeline.Verb`), so that the staff timeline and the public progress page
        # show the generated history as they show a real one.
        step(
            self.out,
            "events rcv",
            lambda: events.insert_select(["c.id", "NULL", "'receive'", "''", "'received'", "c.received_at"], new),
        )
        step(
            self.out,
            "events acc",
            lambda: events.insert_select(
                ["c.id", "NULL", "'accept'", "'received'", "'accepted'", "c.accepted_at"],
                new + " AND c.accepted_at IS NOT NULL",
            ),
        )
        step(
            self.out,
            "events cmp",
            lambda: events.insert_select(
                ["c.id", "NULL", "'complete'", "'accepted'", "'completed'", "c.completed_at"],
                new + " AND c.completed_at IS NOT NULL",
            ),
        )
        step(
            self.out,
            "events end",
            lambda: events.insert_select(
                ["c.id", "NULL", CLOSING_VERB, CLOSING_FROM, "c.status", "c.closed_at"],
                new + " AND c.closed_at IS NOT NULL",
            ),
        )
        notices = Table(
            Notice, ["case_id", "center_id", "kind", "year", "serial", "number", "issued_at", "issued_by_id"]
        )
        step(
            self.out,
            "notices",
            lambda: notices.insert_select(
                [
                    "c.id",
                    "c.center_id",
                    "'acceptance'",
                    "c.year",
                    "c.serial",
                    "'S' || c.number",
                    "c.accepted_at",
                    "c.accepted_by_id",
                ],
                new + " AND c.accepted_by_id IS NOT NULL",
            ),
        )
        inquiries = Table(
            Inquiry,
            [
                "center_id",
                "number",
                "channel",
                "visitor_name",
                "visitor_phone",
                "received_at",
                "matter",
                "result",
                "case_number",
                "case_id",
                "first_contact_id",
                "window_id",
                "created_at",
            ],
        )
        # First-inquiry records for 3 cases in 7: a third of them led to the case, the rest were answered or referred.
        # (Every modulus here is prime to the number of centers, so that each center gets its share.)
        step(
            self.out,
            "inquiries",
            lambda: inquiries.insert_select(
                [
                    "c.center_id",
                    "'Q' || c.number",
                    "CASE WHEN c.id %% 13 < 3 THEN 'phone' ELSE 'in_person' END",
                    "c.applicant_name",
                    "c.applicant_phone",
                    "c.received_at",
                    "c.item_name",
                    "CASE WHEN c.id %% 3 = 0 THEN 'handled' WHEN c.id %% 3 = 1 THEN 'answered' "
                    "WHEN c.id %% 11 = 2 THEN 'outside_remit' ELSE 'referred' END",
                    "CASE WHEN c.id %% 3 = 0 THEN c.number ELSE '' END",
                    "CASE WHEN c.id %% 3 = 0 THEN c.id ELSE NULL END",
                    "c.received_by_id",
                    "c.window_id",
                    "c.received_at",
                ],
                new + " AND c.id %% 7 < 3 AND c.received_by_id IS NOT NULL",
            ),
        )
        from bianmin.api.models import OnlineApplication, Open311Client

        client = Open311Client.objects.create(name="bench", prefix="bench", key_hash=uuid.uuid4().hex * 2)
        online = Table(OnlineApplication, ["case_id", "client_id", "token", "service_notice", "created_at"])
        # One case in eleven came in online (Open311).
        step(
            self.out,
            "online",
            lambda: online.insert_select(
                [
                    "c.id",
                    str(int(client.pk)),
                    "c.public_token",
                    "'一次性告知：请携带居民身份证原件。'",
                    "c.received_at",
                ],
                new + " AND c.id %% 11 = 3",
            ),
        )

        def flag_online() -> int:
            with connection.cursor() as cur:
                cur.execute(
                    f"UPDATE {case} SET submitted_online = TRUE "  # noqa: S608 — the table's own name
                    "WHERE id IN (SELECT case_id FROM api_onlineapplication)"
                )
                return int(cur.rowcount)

        step(self.out, "online flag", flag_online)
        ratings = Table(Rating, ["case_id", "center_id", "overall", "efficiency", "service", "attitude", "created_at"])
        level = (
            "CASE WHEN c.id %% 41 = 0 THEN 1 WHEN c.id %% 23 = 0 THEN 2 WHEN c.id %% 11 = 0 THEN 3 "
            "WHEN c.id %% 3 = 0 THEN 4 ELSE 5 END"
        )
        # A third of the delivered cases were rated.
        step(
            self.out,
            "ratings",
            lambda: ratings.insert_select(
                ["c.id", "c.center_id", level, level, level, level, "c.delivered_at"],
                new + " AND c.status = 'delivered' AND c.id %% 3 = 1",
            ),
        )


# A data set generated before the events took the services' verbs (a history no page showed): its verbs renamed, and
# its completed cases given their `complete` event.
_ADD_COMPLETIONS = (
    "INSERT INTO cases_caseevent (case_id, actor_id, verb, from_state, to_state, created_at, note, data) "
    "SELECT c.id, NULL, 'complete', 'accepted', 'completed', c.completed_at, '', '{}' FROM cases_case c "
    "WHERE c.completed_at IS NOT NULL AND c.id IN "
    "(SELECT case_id FROM cases_caseevent WHERE actor_id IS NULL AND verb = 'received')"
)
_RENAME_VERBS = (
    "UPDATE cases_caseevent SET verb = CASE verb WHEN 'received' THEN 'receive' WHEN 'accepted' THEN 'accept' "
    "WHEN 'delivered' THEN 'deliver' WHEN 'refused' THEN 'refuse' ELSE 'withdraw' END "
    "WHERE actor_id IS NULL AND verb IN ('received', 'accepted', 'delivered', 'refused', 'withdrawn')"
)


def event_verbs(out: Any) -> bool:
    """Bring a data set generated before the services' verbs up to date, in place. False when there is nothing to do."""
    from bianmin.cases.models import CaseEvent

    if not CaseEvent.objects.filter(actor__isnull=True, verb="received").exists():
        return False
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(_ADD_COMPLETIONS)
        added = cur.rowcount
        cur.execute(_RENAME_VERBS)
        renamed = cur.rowcount
    out.write(f"{'events':<12} {renamed:>9} verbs renamed, {added} completions added {time.perf_counter() - t:6.1f}s\n")
    return True
