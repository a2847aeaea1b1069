"""people.outbox.publisher: batches of outbox ids, one task per batch."""

import logging
import threading
import time

import pytest
from celery import current_app

from people.outbox import publisher as outbox_publisher


@pytest.fixture
def sent(monkeypatch):
    """What the publisher thread queued, batch by batch (no broker)."""
    batches: list[list[int]] = []
    done = threading.Event()

    def fake_send(ids):
        batches.append(ids)
        done.set()

    monkeypatch.setattr(outbox_publisher, "_send", fake_send)
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    # A fresh thread for this test, whatever an earlier one left.
    monkeypatch.setattr(outbox_publisher, "_state", {"pid": None, "queue": None})
    return batches, done


def test_ids_within_the_linger_go_as_one_batch(settings, sent):
    batches, done = sent
    settings.NOTIFY_PUBLISH_LINGER = 0.3
    outbox_publisher.publish([1])
    outbox_publisher.publish([2, 3])
    assert done.wait(5)
    assert batches == [[1, 2, 3]]


def test_later_ids_make_a_later_batch(settings, sent):
    batches, done = sent
    settings.NOTIFY_PUBLISH_LINGER = 0.05
    outbox_publisher.publish([1])
    assert done.wait(5)
    done.clear()
    time.sleep(0.1)
    outbox_publisher.publish([2])
    assert done.wait(5)
    assert batches == [[1], [2]]


def test_linger_zero_sends_in_the_callers_thread(settings, sent):
    batches, _ = sent
    settings.NOTIFY_PUBLISH_LINGER = 0
    outbox_publisher.publish([7])
    assert batches == [[7]]


def test_eager_celery_sends_in_the_callers_thread(settings, sent, monkeypatch):
    batches, _ = sent
    settings.NOTIFY_PUBLISH_LINGER = 0.3
    monkeypatch.setitem(current_app.conf, "task_always_eager", True)
    outbox_publisher.publish([8])
    assert batches == [[8]]


def test_broker_down_is_logged_not_raised(monkeypatch, caplog):
    from people.tasks import send_outbox_messages

    def down(ids):
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(send_outbox_messages, "delay", down)
    logger = logging.getLogger("people.outbox.publisher")
    logger.addHandler(caplog.handler)
    try:
        outbox_publisher._send([9])  # the rows stay pending for the beat sweep
    finally:
        logger.removeHandler(caplog.handler)
    assert "notify.queue_failed" in caplog.text


def test_flush_at_exit_queues_what_is_still_collected(settings, sent):
    batches, done = sent
    settings.NOTIFY_PUBLISH_LINGER = 5  # the thread would wait that long
    outbox_publisher.publish([1])
    time.sleep(0.1)  # the thread holds [1] in its batch
    outbox_publisher.publish([2])
    outbox_publisher.flush()
    assert batches == [[1, 2]]
