"""Tables and the rules of one record. Importing this package registers every table."""

from desk.models.office import (
    AuditEvent,
    CalendarOverride,
    DatabaseIdentity,
    Handover,
    SerialCounter,
    Setting,
    Shift,
)
from desk.models.people import Resident, Staff, Unit
from desk.models.records import Call, Loan, LoanItem, Visit
from desk.models.signed import SignedCopy, SignedWait
from desk.models.work import (
    Callback,
    Complaint,
    ComplaintAttachment,
    WorkOrder,
    WorkOrderMaterial,
)

# the table of each record kind of desk.models.kinds
MODELS: dict[str, type] = {
    "visit": Visit,
    "call": Call,
    "workorder": WorkOrder,
    "complaint": Complaint,
    "loan": Loan,
}

__all__ = [
    "MODELS",
    "AuditEvent",
    "CalendarOverride",
    "Call",
    "Callback",
    "Complaint",
    "ComplaintAttachment",
    "DatabaseIdentity",
    "Handover",
    "Loan",
    "LoanItem",
    "Resident",
    "SerialCounter",
    "Setting",
    "Shift",
    "SignedCopy",
    "SignedWait",
    "Staff",
    "Unit",
    "Visit",
    "WorkOrder",
    "WorkOrderMaterial",
]
