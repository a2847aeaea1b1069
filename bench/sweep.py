"""Benchmark: the deadline sweep at 100,000 and 1,000,000 open deadlines, 1,000 due.

For each size a database of its own (``ganzi_bench_sweep_<size>``) holds that
many open deadlines (two per clock: a warning and a due deadline), of which
``--due`` warnings have a fire_at in the hour before the benchmark's fixed
"now" and the rest lie up to 60 days after it. The data are generated once
with bulk INSERT … SELECT (not the services; re-used on later runs unless
--regenerate). Each round puts the due ones back to open, VACUUM ANALYZEs,
and times ``portal.clocks.deadlines_sweep(now=NOW)`` acting on all of them:
the claim through the partial index, one transaction per deadline (clock and
deadline locked SKIP LOCKED, a no-op handler, marked fired, audited). Both
sizes are reported side by side; the target is the 1M run within 1.5x the
100k run (docs/adr/0009-durable-deadlines.md).

    .venv/bin/python bench/sweep.py [--sizes 100000,1000000] [--due 1000]
        [--rounds 3] [--regenerate]

Each size runs in a child process (one Django setup per database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

NOW = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)  # 12:00 in Asia/Shanghai
KIND = "bench"


def _generate(cursor, size: int, due: int) -> None:
    clocks = size // 2
    cursor.execute(
        "TRUNCATE portal_deadline, portal_clocksegment, portal_clock RESTART IDENTITY"
    )
    cursor.execute(
        """
        INSERT INTO portal_clock (subject_type, subject_id, kind, label, unit,
            limit_days, extension_days, warn_days, started_on, state, due_on,
            provisional, calendar_revision, outcome, created_at)
        SELECT 'bench.thing', g, %s, '', 'working', 20, 0, 1, DATE '2026-05-01',
            'running', DATE '2026-07-01', false, 0, '', now()
        FROM generate_series(1, %s) AS g
        """,
        [KIND, clocks],
    )
    cursor.execute(
        """
        INSERT INTO portal_clocksegment (clock_id, state, reason, note, first,
            created_at)
        SELECT id, 'running', '', '', started_on, now() FROM portal_clock
        """
    )
    # Random order of fire_at; the due ones are warnings of the first clocks.
    cursor.execute(
        """
        INSERT INTO portal_deadline (clock_id, kind, fire_at, state,
            calendar_revision, created_at)
        SELECT c.id, k.kind,
            CASE WHEN k.kind = 'warning' AND c.subject_id <= %(due)s
                THEN %(now)s - (1 + random() * 3599) * interval '1 second'
                ELSE %(now)s + (1 + random() * 86400 * 60) * interval '1 second'
            END,
            'open', 0, now()
        FROM portal_clock c CROSS JOIN (VALUES ('warning'), ('due')) AS k(kind)
        ORDER BY random()
        """,
        {"due": due, "now": NOW},
    )
    cursor.execute("VACUUM ANALYZE portal_clock")
    cursor.execute("VACUUM ANALYZE portal_deadline")


def run_one(size: int, due: int, rounds: int, regenerate: bool) -> dict:
    from _setup import setup_django

    setup_django(f"ganzi_bench_sweep_{size}")
    from django.db import connection

    from portal import clocks
    from portal.models import Deadline, DeadlineState

    connection.ensure_connection()
    connection.connection.autocommit = True  # VACUUM outside a transaction
    with connection.cursor() as cursor:
        have_open = Deadline.objects.filter(state=DeadlineState.OPEN).count()
        have_due = Deadline.objects.filter(
            kind="warning", clock__subject_id__lte=due
        ).count()
        if regenerate or have_open != size or have_due != due:
            started = time.perf_counter()
            _generate(cursor, size, due)
            print(
                f"  generated {size:,} open deadlines in "
                f"{time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )

    for kind in ("warning", "due", "escalation"):
        clocks.register_deadline_handler(KIND, kind, lambda clock, deadline: None)

    timings = []
    plan = ""
    for _round in range(rounds):
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE portal_deadline d SET state = 'open', fired_at = NULL
                FROM portal_clock c
                WHERE d.clock_id = c.id AND d.kind = 'warning'
                    AND c.subject_id <= %s AND d.state <> 'open'
                """,
                [due],
            )
            cursor.execute("VACUUM ANALYZE portal_deadline")
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT id, clock_id FROM portal_deadline "
                "WHERE state = 'open' AND fire_at <= %s ORDER BY fire_at LIMIT 50",
                [NOW],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
        started = time.perf_counter()
        acted = clocks.deadlines_sweep(now=NOW, budget=3600)
        timings.append(time.perf_counter() - started)
        if acted != due:
            raise SystemExit(f"the sweep acted on {acted}, expected {due}")
    open_left = Deadline.objects.filter(state=DeadlineState.OPEN).count()
    return {
        "size": size,
        "due": due,
        "open_after": open_left,
        "rounds": timings,
        "median": statistics.median(timings),
        "plan": plan,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        result = run_one(args.one, args.due, args.rounds, args.regenerate)
        print(json.dumps(result))
        return 0

    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        print(f"size {size:,}: running {args.rounds} rounds ...", file=sys.stderr)
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            f"--one={size}",
            f"--due={args.due}",
            f"--rounds={args.rounds}",
        ]
        if args.regenerate:
            cmd.append("--regenerate")
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        sys.stderr.write(out.stderr)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))

    base = results[0]["median"]
    print()
    print(
        f"{'open deadlines':>15} {'due':>6} {'sweep (median)':>15} {'per deadline':>13}"
        f" {'rounds':>24} {'vs first':>9}"
    )
    for r in results:
        rounds = " ".join(f"{t:.2f}" for t in r["rounds"])
        print(
            f"{r['size']:>15,} {r['due']:>6,} {r['median']:>13.2f} s"
            f" {r['median'] / r['due'] * 1000:>10.2f} ms {rounds:>24}"
            f" {r['median'] / base:>8.2f}x"
        )
    for r in results:
        print(f"\nclaim query plan at {r['size']:,} open deadlines:\n{r['plan']}")
    ratio = results[-1]["median"] / base
    verdict = "PASS" if ratio <= 1.5 else "FAIL"
    print(
        f"\n{verdict}: {results[-1]['size']:,} within {ratio:.2f}x of "
        f"{results[0]['size']:,} (target <= 1.5x)"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
