"""The one place an application's status changes, and the row lock it needs.

Every use case of applications.services opens a transaction, locks the
application row (:func:`lock_for_update`), checks its rules and changes the
status through :func:`transition_locked` only, which enforces
``constants.TRANSITIONS`` and writes a StatusChange row and an audit entry.
Later apps (workflow) use the public wrapper :func:`application_transition`.

Notifications: :func:`transition_locked` enqueues the applicant's e-mail and
SMS (applications.services.notify) right after it writes the StatusChange
row, inside the same transaction, for every status that has a message
(submitted, accepted, supplement requested, refused, withdrawn, approved,
rejected, delivered, and closed for a lapsed supplement: see
notify.notification_wanted). The outbox rows commit or roll back with the change and go out
after commit, so every service, and the workflow app through
:func:`application_transition`, notifies without a call of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.errors import ServiceError

from .. import constants as c
from ..models import Application, StatusChange
from ..selectors import application_not_found
from .notify import Recipient, notification_enqueue, notification_wanted
from .tolerance import STOPPING_STATUSES, tolerance_clocks_stop

S = c.ApplicationStatus


def status_label(status: str) -> str:
    try:
        return str(S(status).label)
    except ValueError:
        return status


def transition_forbidden(from_status: str, to_status: str) -> ServiceError:
    """The one refusal of a status change the table (or a service) forbids.

    Services that allow fewer edges than the table (the system's timers, the
    archive close) refuse with this too, so a wrong state answers the same
    way whoever asks.
    """
    return ServiceError(
        "transition_forbidden",
        _("办件状态不能从“%(from)s”变为“%(to)s”")
        % {"from": status_label(from_status), "to": status_label(to_status)},
        status=409,
    )


def require_from(application: Application, to_status: str, allowed: set[str]) -> None:
    """Refuse unless the application is in one of ``allowed`` (and the table agrees)."""
    if application.status not in allowed or to_status not in c.TRANSITIONS.get(
        application.status, set()
    ):
        raise transition_forbidden(application.status, to_status)


def lock_for_update(application: Application) -> Application:
    """The application's row, locked until commit, with version and implementation."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("version", "implementation")
        .filter(pk=application.pk)
        .first()
    )
    if locked is None:
        raise application_not_found()
    return locked


def transition_locked(
    application: Application,
    to_status: str,
    *,
    actor,
    reason: str = "",
    fields: Iterable[str] = (),
    changes: dict | None = None,
    recipients: list[Recipient] | None = None,
) -> StatusChange:
    """Change the status of a LOCKED application; save it with ``fields``.

    ``recipients``: the applicant's contacts, when the caller has read them
    in this transaction already (else the message reads them).
    """
    from_status = application.status
    if to_status not in c.TRANSITIONS.get(from_status, set()):
        raise transition_forbidden(from_status, to_status)
    application.status = to_status
    application.save(update_fields=["status", "updated_at", *fields])
    change = StatusChange.objects.create(
        application=application,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        at=timezone.now(),
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=f"applications.{to_status}",
        obj=application,
        changes={"from": from_status, "to": to_status, **(changes or {})},
    )
    if to_status in STOPPING_STATUSES:
        tolerance_clocks_stop(
            application,
            on=timezone.localdate(change.at),
            outcome=to_status,
            actor=actor,
        )
    if notification_wanted(application=application, event=to_status):
        # After the StatusChange row (the message counts it) and in the same
        # transaction: the outbox rows roll back with a failed change.
        notification_enqueue(
            application=application, event=to_status, recipients=recipients
        )
    return change


def application_transition(
    *, application: Application, to_status: str, actor, reason: str = ""
) -> Application:
    """Change status by the table; later apps (workflow) use this entry point."""
    with transaction.atomic():
        locked = lock_for_update(application)
        transition_locked(locked, to_status, actor=actor, reason=reason)
    application.status = locked.status
    return locked
