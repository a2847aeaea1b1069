"""Celery entry points of applications: thin, each calls one service.

Both are beat sweeps over stored dates (applications.services.timers); run
twice, the second run finds nothing to do.
"""

from celery import shared_task

from applications.services import timers


@shared_task(name="applications.tasks.deem_overdue_acceptances")
def deem_overdue_acceptances() -> int:
    """Beat: deem accepted (Art. 32) what waited past its acceptance window."""
    return timers.applications_deem_overdue()


@shared_task(name="applications.tasks.close_lapsed_supplements")
def close_lapsed_supplements() -> int:
    """Beat: close applications whose one-time notice's due date passed."""
    return timers.supplements_close_lapsed()
