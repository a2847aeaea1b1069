"""Queue outbox sends to Celery in batches, off the request's path.

After commit, services hand the ids of the outbox rows they wrote to
:func:`publish`. With ``settings.NOTIFY_PUBLISH_LINGER`` seconds > 0 a
thread of this process collects ids for that long and publishes one
``send_outbox_messages`` task for all of them: a busy web worker pays for
one broker message per batch, not per submission. A batch lost with its
process (killed between commit and publish) leaves its rows pending, and
the beat sweep sends them: the same guarantee as when the broker is down.
At a clean exit (:func:`flush`) what is still collected is queued at once.

With linger 0, or Celery in eager mode (tests), the task is published at
once in the caller's thread.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time

from celery import current_app
from django.conf import settings

logger = logging.getLogger(__name__)

_lock = threading.Lock()
# queue: ids waiting for the thread; pending: the batch it is collecting.
_state: dict = {"pid": None, "queue": None, "pending": None}


def publish(message_ids: list[int]) -> None:
    """Send these outbox rows soon (after commit; never raises)."""
    linger = settings.NOTIFY_PUBLISH_LINGER
    if linger <= 0 or current_app.conf.task_always_eager:
        _send(list(message_ids))
        return
    _queue(linger).put(list(message_ids))


def _queue(linger: float) -> queue.SimpleQueue:
    # One thread per process; a forked child (gunicorn, Celery prefork)
    # starts its own on first use.
    pid = os.getpid()
    if _state["pid"] != pid:
        with _lock:
            if _state["pid"] != pid:
                q: queue.SimpleQueue = queue.SimpleQueue()
                threading.Thread(
                    target=_run, args=(q, linger), daemon=True, name="outbox-publisher"
                ).start()
                _state.update(pid=pid, queue=q, pending=None)
    return _state["queue"]


def _run(q: queue.SimpleQueue, linger: float) -> None:
    while True:
        ids = list(q.get())
        with _lock:
            _state["pending"] = ids
        deadline = time.monotonic() + linger
        while (left := deadline - time.monotonic()) > 0:
            try:
                ids += q.get(timeout=left)
            except queue.Empty:
                break
        with _lock:
            _state["pending"] = None
        _send(ids)


@atexit.register
def flush() -> None:
    """At a clean exit, queue what the thread has not sent yet.

    (Were the thread sending the same batch at that moment, the task runs
    twice and sends once: outbox_send claims each row before sending.)
    """
    if _state["pid"] != os.getpid():
        return
    with _lock:
        ids = list(_state["pending"] or [])
        _state["pending"] = None
    q = _state["queue"]
    while True:
        try:
            ids += q.get_nowait()
        except queue.Empty:
            break
    if ids:
        _send(ids)


def _send(message_ids: list[int]) -> None:
    # Imported here: the task module imports the services that import this one.
    from people.tasks import send_outbox_messages

    try:
        send_outbox_messages.delay(message_ids)
    except Exception:  # broker down: the rows are pending, beat sends them
        logger.warning("notify.queue_failed message_ids=%s", message_ids, exc_info=True)
