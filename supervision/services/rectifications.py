"""差评整改: a bad rating's rectification by the handling department.

Open (a clock of settings.RECTIFICATION_WORKING_DAYS working days starts) →
the head records the call-back to the applicant and the measures taken →
submitted → a supervisor accepts (done, clock stopped) or returns it (open
again, the clock runs on). An upheld appeal voids it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.clocks import clock_stop
from portal.errors import NotFoundError, ServiceError

from .. import constants as c
from ..models import Rating, Rectification
from .common import TEXT_MAX, clean_text, start_handling_clock
from .people import head_department_id, heads_of, is_supervisor, staff_notify

S = c.RectificationState


def rectification_open_locked(rating: Rating, *, actor) -> Rectification:
    """Open the rectification of a bad rating (inside the rating's transaction)."""
    rectification = Rectification.objects.create(
        rating=rating, department_id=rating.department_id
    )
    clock = start_handling_clock(
        rectification,
        subject_type=c.RECTIFICATION_SUBJECT,
        kind=c.RECTIFICATION_CLOCK,
        limit_days=settings.RECTIFICATION_WORKING_DAYS,
        warn_days=settings.RECTIFICATION_WARN_DAYS,
        label=_("差评整改 %(id)s") % {"id": rectification.pk},
        actor=actor,
    )
    rectification.save(update_fields=["clock", "due_on"])
    audit_record(
        actor=actor,
        action="supervision.rectification_opened",
        obj=rectification,
        changes={
            "rating": rating.pk,
            "department": rating.department_id,
            "due_on": clock.due_on.isoformat() if clock.due_on else None,
        },
    )
    staff_notify(
        users=heads_of(rating.department_id),
        about=rectification,
        key=f"rectification:{rectification.pk}:opened",
        subject=_("差评整改通知"),
        body=_("收到一条差评，请于%(due)s前完成回访和整改。")
        % {"due": clock.due_on.isoformat() if clock.due_on else "—"},
    )
    return rectification


def _lock(rectification: Rectification) -> Rectification:
    locked = (
        Rectification.objects.select_for_update().filter(pk=rectification.pk).first()
    )
    if locked is None:
        raise _not_found()
    return locked


def _not_found() -> NotFoundError:
    return NotFoundError("rectification_not_found", _("未找到该整改记录"))


def _lock_for_head(rectification: Rectification, user) -> Rectification:
    locked = _lock(rectification)
    department_id = head_department_id(user)
    if department_id is None or locked.department_id != department_id:
        raise _not_found()
    return locked


def _wrong_state() -> ServiceError:
    return ServiceError(
        "rectification_state", _("整改记录当前状态不允许此操作"), status=409
    )


def rectification_callback(*, rectification: Rectification, user, note: str):
    """The head records the call-back to the applicant (回访). Open only."""
    note = clean_text(
        note,
        field="note",
        code="callback_note_invalid",
        required=True,
        maximum=TEXT_MAX,
    )
    with transaction.atomic():
        locked = _lock_for_head(rectification, user)
        if locked.state != S.OPEN:
            raise _wrong_state()
        locked.callback_at = timezone.now()
        locked.callback_by = user
        locked.callback_note = note
        locked.save(update_fields=["callback_at", "callback_by", "callback_note"])
        audit_record(
            actor=user, action="supervision.rectification_callback", obj=locked
        )
    return locked


def rectification_submit(*, rectification: Rectification, user, measures: str):
    """The head reports the measures taken; a call-back must be on record."""
    measures = clean_text(
        measures,
        field="measures",
        code="measures_invalid",
        required=True,
        maximum=TEXT_MAX,
    )
    with transaction.atomic():
        locked = _lock_for_head(rectification, user)
        if locked.state != S.OPEN:
            raise _wrong_state()
        if locked.callback_at is None:
            raise ServiceError(
                "rectification_callback_missing",
                _("请先记录对申请人的回访"),
                status=409,
            )
        locked.measures = measures
        locked.submitted_at = timezone.now()
        locked.submitted_by = user
        locked.state = S.SUBMITTED
        locked.save(update_fields=["measures", "submitted_at", "submitted_by", "state"])
        audit_record(
            actor=user, action="supervision.rectification_submitted", obj=locked
        )
    return locked


def rectification_review(
    *, rectification: Rectification, supervisor, outcome: str, note: str
) -> Rectification:
    """A supervisor checks the submitted rectification: accepted or returned."""
    if outcome not in c.ReviewOutcome.values:
        raise ServiceError(
            "review_outcome_invalid", _("请选择复核结论"), field="outcome"
        )
    note = clean_text(
        note, field="note", code="review_note_invalid", required=True, maximum=TEXT_MAX
    )
    if not is_supervisor(supervisor):
        raise _not_found()
    with transaction.atomic():
        locked = _lock(rectification)
        if locked.state != S.SUBMITTED:
            raise _wrong_state()
        locked.review_outcome = outcome
        locked.review_note = note
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = supervisor
        if outcome == c.ReviewOutcome.ACCEPTED:
            locked.state = S.DONE
            if locked.clock_id:
                clock_stop(
                    locked.clock,
                    on=timezone.localdate(),
                    outcome="done",
                    actor=supervisor,
                )
        else:
            locked.state = S.OPEN
        locked.save(
            update_fields=[
                "review_outcome",
                "review_note",
                "reviewed_at",
                "reviewed_by",
                "state",
            ]
        )
        audit_record(
            actor=supervisor,
            action="supervision.rectification_reviewed",
            obj=locked,
            changes={"outcome": outcome},
        )
    return locked


def rectification_void_locked(rating: Rating, *, actor) -> None:
    """An upheld appeal: an unfinished rectification ends without measures."""
    locked = Rectification.objects.select_for_update().filter(rating=rating).first()
    if locked is None or locked.state not in (S.OPEN, S.SUBMITTED):
        return
    locked.state = S.VOIDED
    locked.save(update_fields=["state"])
    if locked.clock_id:
        clock_stop(locked.clock, on=timezone.localdate(), outcome="voided", actor=actor)
    audit_record(actor=actor, action="supervision.rectification_voided", obj=locked)
