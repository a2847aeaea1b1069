"""Celery entry points of portal's base: thin, each calls one service."""

from celery import shared_task

from portal import clocks


@shared_task(name="portal.tasks.sweep_deadlines")
def sweep_deadlines() -> int:
    """Beat, every 60 s: act once on each open deadline whose time has come.

    Nothing about a deadline travels in the message: run late, twice, or
    after Redis lost the queue, the sweep reads what is due from PostgreSQL.
    """
    return clocks.deadlines_sweep()
