"""Ratings (好差评): the applicant's after completion, the kiosk's per counter visit,
and appeals of an unfair rating.

One rating per application or visit: the model's one-to-one fields hold it in
the database, the services say so first (``rating_exists``, 409). A bad rating
(不满意, 非常不满意) opens its rectification in the same transaction.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.services.status import lock_for_update
from portal.audit import audit_record
from portal.errors import NotFoundError, PermissionDeniedError, ServiceError

from .. import constants as c
from ..models import Appeal, Rating, Visit
from .common import COMMENT_MAX, TEXT_MAX, clean_level, clean_tags, clean_text
from .people import clerk_hall_id, head_department_id, is_supervisor
from .rectifications import rectification_open_locked, rectification_void_locked

VISIT_REFERENCE_RE = re.compile(r"^[A-Za-z0-9-]{1,40}$")


def rating_exists() -> ServiceError:
    return ServiceError(
        "rating_exists", _("已经评价过，每次办理只能评价一次"), status=409
    )


def is_completed(application: Application) -> bool:
    """Completed for rating (constants.RATEABLE_STATUSES; a withdrawal is not)."""
    return (
        application.status in c.RATEABLE_STATUSES and application.withdrawn_at is None
    )


def _create(rating: Rating, *, actor) -> Rating:
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        if "application_id" in str(exc) or "visit_id" in str(exc):
            raise rating_exists() from exc
        raise
    audit_record(
        actor=actor,
        action="supervision.rated",
        obj=rating,
        changes={
            "level": rating.level,
            "channel": rating.channel,
            "application": rating.application_id,
            "visit": rating.visit_id,
            "department": rating.department_id,
            "tags": rating.tags,
        },
    )
    if rating.is_bad:
        rectification_open_locked(rating, actor=actor)
    return rating


def rating_submit(
    *, application: Application, user, level, comment: str = "", tags=None
) -> Rating:
    """The applicant rates a completed application, once.

    The caller found the application among those the user may see (else
    404). Refused: not the applicant (403 ``rating_not_applicant``: an agent or
    an enterprise colleague sees it but does not rate), not completed (409
    ``rating_not_completed``), rated already (409 ``rating_exists``), a level
    outside the five, unknown tags, a comment over 500 characters.
    """
    level = clean_level(level)
    tags = clean_tags(tags)
    comment = clean_text(
        comment,
        field="comment",
        code="rating_comment_invalid",
        required=False,
        maximum=COMMENT_MAX,
    )
    with transaction.atomic():
        locked = lock_for_update(application)
        if locked.applicant_id != getattr(user, "pk", None):
            raise PermissionDeniedError(
                "rating_not_applicant", _("只有申请人本人可以评价")
            )
        if not is_completed(locked):
            raise ServiceError(
                "rating_not_completed", _("办件办结后才能评价"), status=409
            )
        if Rating.objects.filter(application=locked).exists():
            raise rating_exists()
        return _create(
            Rating(
                application=locked,
                channel=c.RatingChannel.ONLINE,
                department_id=locked.implementation.department_id,
                rater=user,
                level=level,
                comment=comment,
                tags=tags,
            ),
            actor=user,
        )


def visit_open(*, clerk, reference: str) -> Visit:
    """A clerk starts the kiosk's rating of one counter visit in their hall.

    ``reference``: the visit's ticket (letters, digits, hyphens, up to 40).
    The rated department is the clerk's own department, if they have one.
    Refused: not a clerk of a hall (404), a bad reference, a reference the
    hall used already (409 ``visit_exists``).
    """
    hall_id = clerk_hall_id(clerk)
    if hall_id is None:
        raise NotFoundError("visit_not_found", _("未找到该来访记录"))
    reference = (reference or "").strip().upper() if isinstance(reference, str) else ""
    if not VISIT_REFERENCE_RE.match(reference):
        raise ServiceError(
            "visit_reference_invalid",
            _("来访编号为1至40位字母、数字或连字符"),
            field="reference",
        )
    with transaction.atomic():
        visit = Visit(
            hall_id=hall_id,
            reference=reference,
            department_id=clerk.staff_profile.department_id,
            served_by=clerk,
        )
        try:
            with transaction.atomic():
                visit.save()
        except IntegrityError as exc:
            raise ServiceError(
                "visit_exists",
                _("该来访编号已登记过"),
                field="reference",
                status=409,
            ) from exc
        audit_record(
            actor=clerk,
            action="supervision.visit_opened",
            obj=visit,
            changes={"hall": hall_id, "reference": reference},
        )
    return visit


def visit_rate(*, visit: Visit, clerk, level, comment: str = "", tags=None) -> Rating:
    """The applicant at the counter rates the visit on the hall's tablet, once.

    The tablet is signed in as a clerk of the visit's hall (anyone else: 404).
    """
    level = clean_level(level)
    tags = clean_tags(tags)
    comment = clean_text(
        comment,
        field="comment",
        code="rating_comment_invalid",
        required=False,
        maximum=COMMENT_MAX,
    )
    with transaction.atomic():
        locked = Visit.objects.select_for_update().filter(pk=visit.pk).first()
        if locked is None or locked.hall_id != clerk_hall_id(clerk):
            raise NotFoundError("visit_not_found", _("未找到该来访记录"))
        if Rating.objects.filter(visit=locked).exists():
            raise rating_exists()
        return _create(
            Rating(
                visit=locked,
                channel=c.RatingChannel.COUNTER,
                department_id=locked.department_id,
                rater=None,
                level=level,
                comment=comment,
                tags=tags,
            ),
            actor=clerk,
        )


def _lock_rating(rating: Rating) -> Rating:
    locked = Rating.objects.select_for_update().filter(pk=rating.pk).first()
    if locked is None:
        raise NotFoundError("rating_not_found", _("未找到该评价"))
    return locked


def appeal_file(*, rating: Rating, user, reason: str) -> Appeal:
    """The rated department's head asks for a re-check of a bad rating, once.

    Refused: not the head of the rated department (404), a rating that is
    not bad (409 ``appeal_not_bad``), a second appeal (409 ``appeal_exists``),
    no reason.
    """
    reason = clean_text(
        reason,
        field="reason",
        code="appeal_reason_invalid",
        required=True,
        maximum=TEXT_MAX,
    )
    with transaction.atomic():
        locked = _lock_rating(rating)
        department_id = head_department_id(user)
        if department_id is None or locked.department_id != department_id:
            raise NotFoundError("rating_not_found", _("未找到该评价"))
        if not locked.is_bad:
            raise ServiceError("appeal_not_bad", _("只有差评可以申诉"), status=409)
        if locked.appeal_state or Appeal.objects.filter(rating=locked).exists():
            raise ServiceError("appeal_exists", _("该评价已经申诉过"), status=409)
        appeal = Appeal.objects.create(
            rating=locked, filed_by=user, filed_at=timezone.now(), reason=reason
        )
        locked.appeal_state = c.AppealState.PENDING
        locked.save(update_fields=["appeal_state"])
        audit_record(
            actor=user,
            action="supervision.appeal_filed",
            obj=appeal,
            changes={"rating": locked.pk},
        )
    return appeal


def appeal_decide(*, appeal: Appeal, supervisor, upheld: bool, note: str) -> Appeal:
    """A supervisor re-checks: the rating stays, marked with the outcome.

    Upheld: the rating no longer counts against the department and an
    unfinished rectification is voided (its clock stopped). Refused: not a
    supervisor (404), decided already (409 ``appeal_decided``), no note.
    """
    note = clean_text(
        note, field="note", code="appeal_note_invalid", required=True, maximum=TEXT_MAX
    )
    if not isinstance(upheld, bool):
        raise ServiceError(
            "appeal_outcome_invalid", _("请选择复核结论"), field="upheld"
        )
    if not is_supervisor(supervisor):
        raise NotFoundError("appeal_not_found", _("未找到该申诉"))
    with transaction.atomic():
        rating = _lock_rating(appeal.rating)
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.decided_at is not None:
            raise ServiceError("appeal_decided", _("该申诉已复核"), status=409)
        locked.decided_by = supervisor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["decided_by", "decided_at", "decision_note"])
        rating.appeal_state = (
            c.AppealState.UPHELD if upheld else c.AppealState.DISMISSED
        )
        rating.save(update_fields=["appeal_state"])
        if upheld:
            rectification_void_locked(rating, actor=supervisor)
        audit_record(
            actor=supervisor,
            action="supervision.appeal_decided",
            obj=locked,
            changes={"rating": rating.pk, "outcome": rating.appeal_state},
        )
    return locked
