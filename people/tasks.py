"""Celery entry points of people: thin, each calls one service."""

from celery import shared_task

from people.services import otp_codes, outbox


@shared_task(name="people.tasks.send_outbox_message")
def send_outbox_message(message_id: int) -> bool:
    """Queued after commit; a second delivery finds the row sent and does nothing."""
    return outbox.outbox_send(message_id=message_id)


@shared_task(name="people.tasks.sweep_outbox")
def sweep_outbox() -> int:
    """Beat, every minute: send what is due (failed sends, lost tasks) until
    none is left or the run's time budget is spent."""
    return outbox.outbox_sweep()


@shared_task(name="people.tasks.send_outbox_messages")
def send_outbox_messages(message_ids: list[int]) -> int:
    """Queued after commit with the rows of one batch; returns how many this run sent."""
    return sum(1 for pk in message_ids if outbox.outbox_send(message_id=pk))


@shared_task(name="people.tasks.deliver_one_time_code")
def deliver_one_time_code(code_id: int) -> bool:
    """Queued after a code is requested: generate it, keep its hash, send it.

    Takes the row's id only (the code is made here, never passed around); a
    second delivery finds the hash set and sends nothing.
    """
    return otp_codes.otp_deliver(code_id=code_id)
