"""The A/B cover rule of §6(1), as one pure function.

At any moment a window's on-duty staff member is its A post if A is checked in and not on leave, else its B post
if B is, else — inside a rostered duty shift for that window — the rostered staff member if they are; otherwise
nobody is on duty. Several holders of the same kind are tried in posting order. The selector
`bianmin.staffing.selectors.on_duty` gathers the facts from the database and asks `decide_duty`; every screen
and routing decision goes through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

KIND_ORDER = {"A": 0, "B": 1, "duty": 2}


@dataclass(frozen=True)
class Holder:
    """One person who could staff a window at the moment, with what we know of them then."""

    staff_id: int
    name: str
    kind: str  # "A", "B" or "duty" (rostered for this window in a duty shift)
    checked_in: bool
    on_leave: bool
    leave_label: str = ""
    checked_out: bool = False  # checked in earlier today and gone
    check_in_at: dt.datetime | None = None
    check_out_at: dt.datetime | None = None
    leave_from: dt.datetime | None = None
    leave_until: dt.datetime | None = None

    @property
    def available(self) -> bool:
        return self.checked_in and not self.on_leave

    @property
    def state(self) -> str:
        if self.on_leave:
            return "on_leave"
        if self.checked_in:
            return "present"
        if self.checked_out:
            return "checked_out"
        return "absent"


@dataclass(frozen=True)
class Duty:
    window_id: int
    holder: Holder | None
    holders: tuple[Holder, ...] = field(default_factory=tuple)

    @property
    def unmanned(self) -> bool:
        return self.holder is None

    @property
    def kind(self) -> str:
        return self.holder.kind if self.holder else ""

    @property
    def staff_id(self) -> int | None:
        return self.holder.staff_id if self.holder else None

    @property
    def name(self) -> str:
        return self.holder.name if self.holder else ""

    @property
    def covering(self) -> bool:
        """Someone other than an A post holds the window: B cover or a rostered shift."""
        return self.holder is not None and self.holder.kind != "A"

    @property
    def a_holders(self) -> list[Holder]:
        return self.of_kind("A")

    @property
    def b_holders(self) -> list[Holder]:
        return self.of_kind("B")

    @property
    def rostered(self) -> list[Holder]:
        return self.of_kind("duty")

    def of_kind(self, kind: str) -> list[Holder]:
        return [h for h in self.holders if h.kind == kind]


def decide_duty(window_id: int, holders: Iterable[Holder]) -> Duty:
    """A if available, else B if available, else the rostered staff if available, else nobody (unmanned).
    `holders` of the same kind keep their given (posting) order."""
    ordered = tuple(sorted(holders, key=lambda h: KIND_ORDER.get(h.kind, 9)))
    on_duty = next((h for h in ordered if h.available), None)
    return Duty(window_id, on_duty, ordered)
