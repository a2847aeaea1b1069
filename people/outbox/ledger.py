"""What a development backend has accepted, by client message id.

Real SMS gateways and mail systems drop a repeat of a message id they have
accepted already (the outbox passes its row's id as that id). The
development backends do the same through a ledger: a file of JSON lines,
one per accepted message, with its ``reference``. Accepting reads what other
processes appended since this process last looked and appends under an
exclusive lock (``flock``), so concurrent workers never both accept the same
id. The line is written before the call returns: a sender that dies after
this has been delivered, as with a real gateway.

Development and tests only; the file lives under NOTIFY_FILE_DIR, never in
the logs.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from pathlib import Path

_lock = threading.Lock()
# path -> (inode, offset read up to, references seen)
_seen: dict[str, tuple[int, int, set[str]]] = {}


def accept_once(path: Path | str, reference: str, record: dict) -> bool:
    """Append ``record`` (with ``reference``) unless the id is there; True if new.

    ``record`` is what the stand-in gateway keeps (for the file SMS backend
    the whole text; for the console backends the id and time only).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**record, "reference": reference}, ensure_ascii=False)
    key = str(path.resolve())
    with _lock, path.open("a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            inode = os.fstat(fh.fileno()).st_ino
            size = os.fstat(fh.fileno()).st_size
            known_inode, offset, seen = _seen.get(key, (inode, 0, set()))
            if known_inode != inode or offset > size:  # replaced or truncated
                offset, seen = 0, set()
            fh.seek(offset)
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break  # a line still being written (never by a lock holder)
                offset += len(raw)
                try:
                    seen.add(str(json.loads(raw)["reference"]))
                except (ValueError, KeyError, TypeError):
                    continue
            _seen[key] = (inode, offset, seen)
            if reference in seen:
                return False
            # One write of one whole line in append mode.
            data = (line + "\n").encode("utf-8")
            fh.write(data)
            fh.flush()
            seen.add(reference)
            _seen[key] = (inode, offset + len(data), seen)
            return True
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
