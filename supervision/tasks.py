"""Celery entry points of supervision: thin, each calls one service."""

from celery import shared_task

from supervision import figures


@shared_task(name="supervision.tasks.refresh_figures")
def refresh_figures() -> dict:
    """Beat, every 60 s: apply the audit entries the figures have not seen.

    Nothing travels in the message; run late, twice or concurrently it reads
    the chains after their cursors (supervision.figures.refresh), so it is
    idempotent.
    """
    result = figures.refresh_pending()
    return {"entries": result["entries"], "facts": result["facts"]}
