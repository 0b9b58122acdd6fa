"""Every write of oversight: complaints, accountability, ratings; one module each, the complaint names re-exported
here so `services.<name>` keeps working."""

from bianmin.oversight.services.actors import Actor, acting_user
from bianmin.oversight.services.complaints import (
    PROPOSED,
    Proposed,
    complaint_assign,
    complaint_decide,
    complaint_due,
    complaint_file,
    complaint_reply,
    oversight_settings_set,
    settings_for,
)
from bianmin.oversight.services.ratings import rating_submit

__all__ = [
    "PROPOSED",
    "Actor",
    "Proposed",
    "acting_user",
    "complaint_assign",
    "complaint_decide",
    "complaint_due",
    "complaint_file",
    "complaint_reply",
    "oversight_settings_set",
    "rating_submit",
    "settings_for",
]
