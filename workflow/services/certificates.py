"""The seam for issuing a certificate when a case is approved.

evidence sits below workflow (docs/architecture.md), so it cannot register a
hook here and workflow will call evidence's service directly once it exists.
Until then this is a documented no-op: approval records the decision and
starts the delivery clock, and no certificate is issued.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def certificate_issue_on_approval(*, case, actor) -> None:
    """Issue the item's result certificate for an approved case (no-op for now).

    Runs in the decision's transaction, with the case and application locked,
    after ``application_decide``; an exception would roll the decision back.
    The evidence issue replaces the body with a call to its issuing service.
    """
    logger.info("workflow.certificate_seam case_id=%s issued=0", case.pk)
