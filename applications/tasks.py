"""Celery entry points of the applications app: thin, each calls one service."""

from celery import shared_task

from applications.services import notify


@shared_task(name="applications.tasks.send_outbox_message")
def send_outbox_message(message_id: int) -> bool:
    """Queued after commit; a second delivery finds the row sent and does nothing."""
    return notify.outbox_send(message_id=message_id)


@shared_task(name="applications.tasks.sweep_outbox")
def sweep_outbox() -> int:
    """Beat, every minute: retry what is due (failed sends, lost tasks)."""
    return notify.outbox_sweep()


@shared_task(name="applications.tasks.send_outbox_messages")
def send_outbox_messages(message_ids: list[int]) -> int:
    """Queued after commit with the rows of one event; returns how many this run sent."""
    return sum(1 for pk in message_ids if notify.outbox_send(message_id=pk))
