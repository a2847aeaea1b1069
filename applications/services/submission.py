"""Submitting: the one path from a draft (or nothing) to a numbered application.

Every channel (online wizard, counter, agent desk, API, kiosk) submits
through :func:`application_submit` or, creating and submitting in one
request, :func:`application_start`; there is no second implementation
(docs/adr/0006). Both take an optional Idempotency-Key (portal.idempotency).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import constants as cc
from catalog.models import Implementation
from portal.audit import audit_batch
from portal.errors import PermissionDeniedError, ServiceError
from portal.idempotency import request_fingerprint, run_idempotent
from portal.workdays import add_working_days

from .. import constants as c
from ..models import (
    AgentAuthorization,
    Application,
    ApplicationMaterial,
    IdempotencyRecord,
    StatusChange,
    SupplementNotice,
)
from ..selectors import application_problems, may_edit, prefill_related
from .drafts import EDITABLE, create_draft, require_agent_still_authorized
from .materials import application_provide_material
from .notify import Recipient
from .numbering import application_number_next, new_query_code
from .status import lock_for_update, transition_locked

S = c.ApplicationStatus


def submit_locked(
    locked: Application,
    *,
    user,
    created: bool = False,
    materials: list[ApplicationMaterial] | None = None,
    recipients: list[Recipient] | None = None,
) -> StatusChange:
    """Submit a LOCKED application; returns its StatusChange row.

    ``created``: the application was created earlier in this same transaction
    (application_start), so no other transaction can see or change it, and
    its version was read as the item's version in force by that transaction;
    the version is not looked up again. ``materials``: its material rows as
    they stand (files loaded), when the caller holds them. ``recipients``:
    the applicant's contacts read in this transaction, if the caller has them.
    """
    if locked.status in EDITABLE:
        require_agent_still_authorized(locked, user)
    if not may_edit(user=user, application=locked):
        raise PermissionDeniedError(
            "not_application_editor", _("只有申请人或录入人可以提交该办件")
        )
    if locked.status not in EDITABLE:
        if locked.submitted_at is None or locked.status in (
            S.WITHDRAWN,
            S.REFUSED,
            S.CLOSED,
        ):
            raise ServiceError(
                "application_not_editable",
                _("办件当前状态为“%(status)s”，不能提交")
                % {"status": locked.get_status_display()},
                status=409,
            )
        raise ServiceError(
            "already_submitted",
            _("该办件已提交（办件编号 %(number)s），请勿重复提交")
            % {"number": locked.number},
            status=409,
        )
    resubmission = locked.status == S.SUPPLEMENT_REQUESTED
    if not resubmission and not created:
        version = locked.version
        current_id = (
            Implementation.objects.filter(pk=locked.implementation_id)
            .values_list("item__current_version_id", flat=True)
            .first()
        )
        if version.status != cc.VersionStatus.PUBLISHED or current_id != version.pk:
            raise ServiceError(
                "version_retired",
                _(
                    "该事项的办事指南已更新或废止，本草稿不能再提交，请按现行指南重新申请"
                ),
                status=409,
            )
    problems = application_problems(application=locked, materials=materials)
    if problems:
        first = problems[0]
        if len(problems) == 1:
            raise ServiceError(
                first.code, first.detail, field=first.field, errors=problems
            )
        raise ServiceError(
            "application_incomplete",
            _("申请还有%(count)s处需要完善，请修改后再提交") % {"count": len(problems)},
            errors=problems,
        )
    now = timezone.now()
    today = timezone.localdate(now)
    due, provisional = add_working_days(today, c.ACCEPTANCE_WINDOW_WORKING_DAYS)
    fields = ["submitted_at", "acceptance_due", "dates_provisional"]
    if not locked.number:
        locked.number = application_number_next(
            implementation_code=locked.implementation.code, day=today
        )
        locked.query_code = new_query_code()
        fields += ["number", "query_code"]
    locked.submitted_at = now
    locked.acceptance_due = due
    locked.dates_provisional = locked.dates_provisional or provisional
    if resubmission:
        SupplementNotice.objects.filter(
            application=locked, resolved_at__isnull=True
        ).update(resolved_at=now)
    return transition_locked(
        locked,
        S.SUBMITTED,
        actor=user,
        reason="补正后重新提交" if resubmission else "",
        fields=fields,
        changes={"number": locked.number, "acceptance_due": due.isoformat()},
        recipients=recipients,
    )


def application_submit(
    *, application: Application, user, idempotency_key: str | None = None
) -> Application:
    """Submit (or resubmit after a one-time notice); assigns number and query code.

    With ``idempotency_key`` a repeated call (a double click, a retried
    request) returns the application as the first call left it.
    """

    def run() -> Application:
        locked = lock_for_update(application)
        submit_locked(locked, user=user)
        return locked

    if idempotency_key:
        result, _replayed = run_idempotent(
            records=IdempotencyRecord,
            result_field="application",
            user=user,
            scope=f"submit:{application.pk}",
            key=idempotency_key,
            fingerprint="submit",
            action=run,
        )
        return result
    with transaction.atomic():
        return run()


def application_start(
    *,
    user,
    implementation: Implementation | None = None,
    implementation_code: str | None = None,
    channel: str,
    applicant=None,
    enterprise=None,
    hall=None,
    agent_authorization: AgentAuthorization | None = None,
    form_data: dict | None = None,
    materials: list[dict] | None = None,
    submit: bool = False,
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> tuple[Application, bool]:
    """Create, provide non-upload materials and optionally submit, in one go.

    All or nothing: if submission fails the draft is not kept either. Returns
    (application, replayed) where replayed means the Idempotency-Key was seen.
    The implementation is given, or named by ``implementation_code``.

    The application is created in this transaction, so it is submitted as it
    was created, without locking and reading it back. Unless materials were
    provided (they change its material rows), the application returned
    carries its material rows, history and notices as they stand
    (selectors.application_detail_for_user reads them instead of fetching).
    """

    def run() -> Application:
        with audit_batch():  # create and submit: one head move, at the end
            app, rows, recipients = create_draft(
                user=user,
                implementation=implementation,
                implementation_code=implementation_code,
                applicant=applicant,
                enterprise=enterprise,
                channel=channel,
                hall=hall,
                agent_authorization=agent_authorization,
                form_data=form_data,
            )
            if materials:
                rows = None  # providing materials changes the rows: read again
            for i, item in enumerate(materials or []):
                try:
                    application_provide_material(
                        application=app,
                        user=user,
                        material=item.get("material"),
                        provision=item.get("provision", ""),
                        promise_text=item.get("promise_text", ""),
                        promised_by=item.get("promised_by"),
                        certificate_ref=item.get("certificate_ref", ""),
                        certificate_consent=item.get("certificate_consent", False),
                    )
                except ServiceError as exc:
                    exc.field = f"materials[{i}].{exc.field or 'material'}"
                    raise
            history = []
            if submit:
                change = submit_locked(
                    app,
                    user=user,
                    created=True,
                    materials=rows,
                    recipients=recipients,
                )
                history.append(change)
        if rows is not None:
            prefill_related(app, "materials", rows)
            prefill_related(app, "history", history)
            prefill_related(app, "supplement_notices", [])
        return app

    if idempotency_key:
        return run_idempotent(
            records=IdempotencyRecord,
            result_field="application",
            user=user,
            scope="application_create",
            key=idempotency_key,
            fingerprint=fingerprint or request_fingerprint({}),
            action=run,
        )
    with transaction.atomic():
        return run(), False
