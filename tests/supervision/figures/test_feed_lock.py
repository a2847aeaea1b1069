"""The feed's lock: a run that finds another one writing leaves the entries
to it (a transactional test, in a module of its own: the other modules here
share one data set in a transaction held for the module, tests/shared_data.py)."""

import pytest

from supervision import figures
from supervision.models import ApplicationFact, FeedCursor


@pytest.mark.django_db(transaction=True)
def test_a_run_that_finds_another_writing_leaves_the_entries_to_it():
    import threading

    from django.db import connection, transaction

    from supervision.figures.refresh import LOCK_CHAIN
    from tests.workflow.factories import accepted, department, routed_item

    dep = department("甲局")
    app = accepted(routed_item([[dep]], lead=dep))
    FeedCursor.objects.get_or_create(chain=LOCK_CHAIN)
    held, release = threading.Event(), threading.Event()

    def other_writer():
        with transaction.atomic():
            FeedCursor.objects.select_for_update().get(pk=LOCK_CHAIN)
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    held.wait(10)
    try:
        assert figures.refresh_pending() == {"entries": 0, "facts": 0}
        assert not ApplicationFact.objects.filter(pk=app.pk).exists()
    finally:
        release.set()
        thread.join()
    assert figures.refresh_pending()["facts"] >= 1
    assert ApplicationFact.objects.filter(pk=app.pk).exists()
