"""Worker-side hooks for test_celery_deadlines (imported with --include).

The handler of every deadline of clocks of kind ``it_timed`` records one
audit entry ``it.deadline_acted`` naming the deadline, inside the sweep's
transaction: the test counts them to see that nothing was doubled or lost.

With IT_DEADLINE_HOLD set to a path that exists, the handler first writes
its entry, then creates ``<path>.started`` and waits until the path is
removed: the test kills the worker there, mid-transaction.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from portal import clocks
from portal.audit import audit_record

KIND = "it_timed"


def act(clock, deadline) -> None:
    audit_record(
        actor=None,
        action="it.deadline_acted",
        obj=clock,
        changes={"deadline": deadline.pk, "kind": deadline.kind},
    )
    hold = os.environ.get("IT_DEADLINE_HOLD")
    if hold and Path(hold).exists():
        Path(f"{hold}.started").write_text(str(deadline.pk))
        while Path(hold).exists():
            time.sleep(0.05)


for _kind in ("warning", "due", "escalation"):
    clocks.register_deadline_handler(KIND, _kind, act)
