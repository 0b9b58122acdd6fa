"""Every write on a case: one function per business action, each in one transaction with its event rows.

Concurrency: every action on an existing case first locks its row (`select_for_update`) and then checks the
state, so of two staff accepting or completing the same case at once exactly one succeeds; the other gets a
`CaseStateError` saying what happened. Case and notice numbers come from `core.numbering` in the same
transaction, so they are unique and gap-free under parallel intakes.

The package is split along the kinds of action; every public name is re-exported here, so
`from bianmin.cases.services import X` and `services.X` work as before.
"""

from bianmin.cases.services._common import (
    DELAY_REASON_VERB,
    ID_INDEX_PURPOSE,
    REFUSAL_OVERTURNED_VERB,
    ApplicantInput,
    CleanApplicant,
    ProxyInput,
    TaskInput,
    applicant_index,
    clean_applicant,
    compute_deadline,
    unaccounted_materials,
)
from bianmin.cases.services.calendar import OPEN_CLOCK_STATUSES, cases_recompute_due, cases_recompute_open_due
from bianmin.cases.services.facts import case_overturn_refusal, case_record_delay_reason
from bianmin.cases.services.forwarding import case_forward, forwarding_result, forwarding_update
from bianmin.cases.services.handling import (
    DELIVERY_METHODS,
    case_complete,
    case_deliver,
    case_start,
    case_withdraw,
    material_dispose,
)
from bianmin.cases.services.handover import case_handover, handover_acknowledge, handovers_acknowledge_many
from bianmin.cases.services.intake import (
    case_accept,
    case_intake,
    case_refuse,
    item_is_for_window,
    item_windows,
    referral_record,
)
from bianmin.cases.services.joint import TaskDueRange, can_work_task, case_split, task_complete, task_due_range
from bianmin.cases.services.online import OnlineApplicant, case_materials_present, case_prereview, case_submit_online
from bianmin.cases.services.proxy import case_mark_received_at_home, center_path_of, proxy_authorize
from bianmin.cases.services.supplement import (
    PREREVIEW_VERB,
    case_receive_supplement,
    case_request_supplement,
    online_notice_items,
    prereview_notice_items,
    supplement_request_decide,
)

__all__ = [
    "DELAY_REASON_VERB",
    "DELIVERY_METHODS",
    "ID_INDEX_PURPOSE",
    "OPEN_CLOCK_STATUSES",
    "PREREVIEW_VERB",
    "REFUSAL_OVERTURNED_VERB",
    "ApplicantInput",
    "CleanApplicant",
    "OnlineApplicant",
    "ProxyInput",
    "TaskDueRange",
    "TaskInput",
    "applicant_index",
    "can_work_task",
    "case_accept",
    "case_complete",
    "case_deliver",
    "case_forward",
    "case_handover",
    "case_intake",
    "case_mark_received_at_home",
    "case_materials_present",
    "case_overturn_refusal",
    "case_prereview",
    "case_receive_supplement",
    "case_record_delay_reason",
    "case_refuse",
    "case_request_supplement",
    "case_split",
    "case_start",
    "case_submit_online",
    "case_withdraw",
    "cases_recompute_due",
    "cases_recompute_open_due",
    "center_path_of",
    "clean_applicant",
    "compute_deadline",
    "forwarding_result",
    "forwarding_update",
    "handover_acknowledge",
    "handovers_acknowledge_many",
    "item_is_for_window",
    "item_windows",
    "material_dispose",
    "online_notice_items",
    "prereview_notice_items",
    "proxy_authorize",
    "referral_record",
    "supplement_request_decide",
    "task_complete",
    "task_due_range",
    "unaccounted_materials",
]
