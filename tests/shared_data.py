"""Data built once for a test module, rolled back at the module's end.

A data set built through the real services for every test can cost more
than the test itself. Built once, inside a transaction the module holds open
(as tests/demo/fixtures.py loads the demo), it is there for each test, whose
own transaction is a savepoint inside it: a test's writes still go back
before the next test. Each test gets a deep copy of the built objects, so an
attribute one test changes in memory is not seen by the next.

Only for modules whose tests use the ordinary ``db`` (no ``transaction=True``
test may run in a module while the transaction is open: such a test goes
to a module of its own).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import transaction
from django.test import override_settings

T = TypeVar("T")


def built_for_module(
    django_db_blocker, build: Callable[[], T], **settings
) -> Iterator[T]:
    """Yield ``build()``'s result, built with ``settings`` overridden, in a
    transaction rolled back when the generator is closed. The database is
    blocked again between tests: only a test that asks for it reaches it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(**settings):
                built = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fresh(built: T) -> T:
    """One test's own copy of the module's objects."""
    return copy.deepcopy(built)
