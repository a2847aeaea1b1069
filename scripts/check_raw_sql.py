#!/usr/bin/env python3
"""Raw SQL only where it is allowed (docs/style.md: "Raw SQL is for a primitive").

Fails when application code opens a database cursor (``connection.cursor()``),
runs ``Manager.raw()``/``QuerySet.extra()`` or builds ``RawSQL`` outside the
modules named in ALLOWED. Migrations, tests and benchmarks are not
application code and are not checked. Run by ``make lint``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "people", "catalog", "evidence", "applications", "workflow")
# module path -> why it may speak SQL itself
ALLOWED = {
    "portal/middleware.py": "the health probe's SELECT 1",
    "portal/upsert.py": "the upsert primitives (day counter, idempotency claim)",
}
CALLS = {"cursor", "raw", "extra"}


def offences(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in CALLS:
                found.append((node.lineno, f".{func.attr}()"))
            elif isinstance(func, ast.Name) and func.id == "RawSQL":
                found.append((node.lineno, "RawSQL()"))
    return found


def main() -> int:
    bad = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or rel in ALLOWED:
                continue
            bad += [(rel, line, what) for line, what in offences(path)]
    for rel, line, what in bad:
        print(f"{rel}:{line}: raw SQL ({what}) outside the allow-list in {__file__}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
