"""One-time notification (§4(1)): what the checklist says about the materials presented. Pure, no ORM.

- every material present → accept;
- every main material present, some general missing → accept with a supplement notice;
- a main material missing → refuse (or, when the handler is away, receive and hand over).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAIN = "main"
GENERAL = "general"


class Decision:
    ACCEPT = "accept"
    ACCEPT_WITH_SUPPLEMENT = "accept_with_supplement"
    REFUSE = "refuse"
    RECEIVE_ONLY = "receive_only"

    LABELS: Mapping[str, str] = {
        ACCEPT: "受理（材料齐全）",
        ACCEPT_WITH_SUPPLEMENT: "受理并出具补报材料通知单",
        REFUSE: "不予受理",
        RECEIVE_ONLY: "先行接收材料，移交经办人处理",
    }


@dataclass(frozen=True)
class ChecklistResult:
    missing_main: list[dict[str, Any]]
    missing_general: list[dict[str, Any]]
    proposal: str
    allowed: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing_main and not self.missing_general


def assess(materials: Sequence[Mapping[str, Any]], presented_ids: Iterable[int]) -> ChecklistResult:
    present = set(presented_ids)
    missing_main = [dict(m) for m in materials if m["kind"] == MAIN and m["id"] not in present]
    missing_general = [dict(m) for m in materials if m["kind"] != MAIN and m["id"] not in present]
    if missing_main:
        # A main material missing: the application cannot be accepted (§4(1)).
        return ChecklistResult(missing_main, missing_general, Decision.REFUSE, (Decision.REFUSE, Decision.RECEIVE_ONLY))
    if missing_general:
        return ChecklistResult(
            missing_main,
            missing_general,
            Decision.ACCEPT_WITH_SUPPLEMENT,
            (Decision.ACCEPT_WITH_SUPPLEMENT, Decision.REFUSE, Decision.RECEIVE_ONLY),
        )
    # Complete, but a presented material may still need correcting or explaining: a supplement notice then.
    return ChecklistResult(
        missing_main,
        missing_general,
        Decision.ACCEPT,
        (Decision.ACCEPT, Decision.ACCEPT_WITH_SUPPLEMENT, Decision.REFUSE, Decision.RECEIVE_ONLY),
    )


class Issue:
    MISSING = "missing"
    CORRECT = "correct"
    EXPLAIN = "explain"

    LABELS: Mapping[str, str] = {MISSING: "补交", CORRECT: "更正", EXPLAIN: "说明"}


def item_key(item: Mapping[str, Any]) -> str:
    """What makes two supplement items "the same thing asked for": the checklist material, else the wording."""
    if item.get("material_id"):
        return f"m:{int(item['material_id'])}"
    return "t:" + "".join(str(item.get("name", "")).split())


def beyond_first_notice(
    requested: Sequence[Mapping[str, Any]], first_notice_items: Sequence[Mapping[str, Any]] | None
) -> list[dict[str, Any]]:
    """The requested items the first supplement notice did not list (all of them if there was none)."""
    listed = {item_key(i) for i in first_notice_items or []}
    return [dict(i) for i in requested if item_key(i) not in listed]
