"""What public tracking shows of a routed application (applications.hooks.Progress).

Registered at start-up (WorkflowConfig.ready) as applications' progress
provider: the case's current stage and its promised clock's due date as it
stands now (moved by suspensions and an approved extension). Two indexed
reads by primary and subject keys; no personal data.
"""

from __future__ import annotations

from applications.hooks import Progress
from portal.models import Clock

from . import constants as c
from .models import Case


def application_progress(application) -> Progress | None:
    case = (
        Case.objects.filter(application_id=application.pk)
        .select_related("current_stage")
        .first()
    )
    if case is None:
        return None
    stage = case.current_stage.name if case.current_stage is not None else ""
    if case.state == c.CaseState.SUSPENDED:
        stage = f"{stage}（{c.CaseState.SUSPENDED.label}）" if stage else stage
    promised = (
        Clock.objects.filter(
            subject_type=c.SUBJECT_CASE,
            subject_id=case.pk,
            kind=c.CLOCK_CASE_PROMISED,
        )
        .values("due_on", "provisional")
        .first()
    )
    if promised is None or promised["due_on"] is None:
        return Progress(stage=stage, promised_date=None, provisional=False)
    return Progress(
        stage=stage,
        promised_date=promised["due_on"],
        provisional=promised["provisional"],
    )
