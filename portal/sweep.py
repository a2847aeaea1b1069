"""A beat sweep's loop: due ids in batches, one at a time, within a time budget.

Sweeps (the outbox, the lifecycle timers) find due rows by a query, handle
each on its own, and must stop before the next beat run starts. ``Drain``
holds that loop once: it asks ``fetch(exclude, take)`` for the next ids,
hands them out one by one, and stops when none is due, when ``limit`` ids
were handed out, or when ``budget_seconds`` are spent (then ``exhausted`` is
true). A caller adds to ``exclude`` the ids not to fetch again in this run
(skipped or failed ones that are still due).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator


class Drain:
    def __init__(
        self,
        fetch: Callable[[set[int], int], list[int]],
        *,
        batch: int,
        budget_seconds: float,
        limit: int | None = None,
    ) -> None:
        self.fetch = fetch
        self.batch = batch
        self.limit = limit
        self.deadline = time.monotonic() + budget_seconds
        self.exclude: set[int] = set()
        self.exhausted = False

    def __iter__(self) -> Iterator[int]:
        handed = 0
        while self.limit is None or handed < self.limit:
            take = (
                self.batch
                if self.limit is None
                else min(self.batch, self.limit - handed)
            )
            ids = self.fetch(self.exclude, take)
            if not ids:
                return
            for pk in ids:
                if time.monotonic() >= self.deadline:
                    self.exhausted = True
                    return
                handed += 1
                yield pk
