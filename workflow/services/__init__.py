"""Every state change of workflow, one function a use case (see each module)."""

from .certificates import certificate_issue_on_approval
from .consultations import consultation_invite
from .extensions import extension_approve, extension_refuse, extension_request
from .inspections import inspection_record_finding, inspection_schedule
from .procedures import task_special_procedure_end, task_special_procedure_start
from .routing import case_decide_immediately, case_open_on_acceptance, case_withdraw
from .supplements import case_supplement_received, task_request_supplement
from .tasks import task_claim, task_comment, task_decide, task_reassign, task_release

__all__ = [
    "case_decide_immediately",
    "case_open_on_acceptance",
    "case_supplement_received",
    "case_withdraw",
    "certificate_issue_on_approval",
    "consultation_invite",
    "extension_approve",
    "extension_refuse",
    "extension_request",
    "inspection_record_finding",
    "inspection_schedule",
    "task_claim",
    "task_comment",
    "task_decide",
    "task_reassign",
    "task_release",
    "task_request_supplement",
    "task_special_procedure_end",
    "task_special_procedure_start",
]
