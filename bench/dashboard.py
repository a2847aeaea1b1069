"""Benchmark: the supervisor dashboard's summary at 100,000 and 1,000,000 applications.

For each size a database of its own (``ganzi_bench_dashboard_<size>``)
holds a year (2026) of applications over the prefecture and its 18 counties
(Kangding and the 17 counties): 10 departments and 60 items per county (1,080
implementations), with a case, one stage and three tasks per accepted
application (3,000,000 tasks at 1M), generated with bulk INSERT … SELECT
(not the services). The facts (supervision_applicationfact) are generated
the same way from the generated rows, with plausible due days, on-time and
breach flags, working days, ratings and open cases with cards; the roll-up
cells are then built by the real code (``supervision.figures.cells.rebuild_cells``,
timed). Data are re-used on later runs unless --regenerate.

Each round times ``supervision.figures.summary`` for the whole prefecture
and the calendar year (by department: the dashboard's first table), plus by
item, a year not on month bounds, a week, 30 days, a county supervisor's
year, the weekly rows of the year and a drill-down's count.
Target: the whole-year summary under 300 ms at 1M and within 3x of 100k.

    .venv/bin/python bench/dashboard.py [--sizes 100000,1000000] [--rounds 5]
        [--regenerate] [--rebuild-cells]

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

COUNTIES = ["513301"] + [str(c) for c in range(513322, 513339)]  # 18
DEPARTMENTS_PER_COUNTY = 10
ITEMS = 60
YEAR = 2026
# A pseudo-random integer in [0, n) from the row number g and a salt, in SQL.
H = "((({g}::bigint * 2654435761 + {salt}) % 4294967296) % {n})"


def h(g: str, salt: int, n: int) -> str:
    return H.format(g=g, salt=salt * 40503, n=n)


def _catalog() -> None:
    """Regions, departments, items and their implementations (ORM, small)."""
    from catalog.models import (
        Department,
        Implementation,
        Region,
        ServiceItem,
        ServiceItemVersion,
    )
    from people.codes import make_credit_code
    from portal.models import User

    User.objects.get_or_create(username="bench-applicant")
    pref, _ = Region.objects.get_or_create(
        code="513300", defaults={"name": "甘孜藏族自治州", "level": "prefecture"}
    )
    regions = [
        Region.objects.get_or_create(
            code=code, defaults={"name": f"县{code}", "level": "county", "parent": pref}
        )[0]
        for code in COUNTIES
    ]
    depts = {}
    for r_i, region in enumerate(regions):
        for d in range(DEPARTMENTS_PER_COUNTY):
            depts[(r_i, d)] = Department.objects.create(
                name=f"{region.name}第{d + 1}局",
                credit_code=make_credit_code(f"11{region.code}{r_i:02d}{d:07d}"),
                region=region,
                level="4",
                kind=f"k{d}",
            )
    for i in range(ITEMS):
        item = ServiceItem.objects.create(
            basic_code=f"99{i:010d}", name=f"基准事项{i + 1}", item_type="01"
        )
        version = ServiceItemVersion.objects.create(
            item=item,
            version=1,
            name=item.name,
            item_type="01",
            depth=1 + i % 4,
        )
        ServiceItem.objects.filter(pk=item.pk).update(current_version=version)
        for r_i, region in enumerate(regions):
            dept = depts[(r_i, i % DEPARTMENTS_PER_COUNTY)]
            Implementation.objects.create(
                item=item,
                region=region,
                department=dept,
                code=f"{dept.credit_code}4{item.basic_code}",
            )


def _generate(cursor, size: int) -> None:
    cursor.execute(
        "TRUNCATE supervision_figurecell, supervision_applicationfact, workflow_task, "
        "workflow_casestage, workflow_case, applications_application, "
        "catalog_implementation, catalog_serviceitemversion, catalog_serviceitem, "
        "catalog_department, catalog_region RESTART IDENTITY CASCADE"
    )
    _catalog()
    cursor.execute("SELECT count(*) FROM catalog_implementation")
    impls = cursor.fetchone()[0]
    g = "g"
    # Outcome bucket r (0-99): 0-1 withdrawn, 2-3 refused, 4-9 open, else decided.
    cursor.execute(
        f"""
        CREATE TEMP TABLE gen AS
        SELECT g,
            1 + {h(g, 1, impls)} AS impl,
            timestamptz '{YEAR}-01-01 01:00+00'
                + ((g - 1) * (365.0 * 86400 - 36000) / {size}) * interval '1 second'
                AS submitted_at,
            {h(g, 2, 100)} AS r,
            1 + {h(g, 3, 30)} AS days,
            {h(g, 4, 10)} AS c,
            {h(g, 5, 100)} AS q
        FROM generate_series(1, {size}) AS g
        """
    )
    cursor.execute(
        """
        INSERT INTO applications_application (id, query_code, applicant_kind, channel,
            status, form_data, created_at, updated_at, submitted_at, accepted_at,
            dates_provisional, refusal_reason, refusal_basis, decided_at, withdrawn_at,
            applicant_id, implementation_id, submitted_by_id, version_id,
            acceptance_deemed, closure_reason, decision, decision_basis,
            delivery_method)
        SELECT gen.g, '', 'natural',
            (ARRAY['online','online','online','counter','counter','counter','agent',
                   'api','online','counter'])[gen.c + 1],
            CASE WHEN gen.r < 2 THEN 'withdrawn' WHEN gen.r < 4 THEN 'refused'
                 WHEN gen.r < 10 THEN 'in_review'
                 WHEN gen.q < 92 THEN 'approved' ELSE 'rejected' END,
            '{}', gen.submitted_at, gen.submitted_at, gen.submitted_at,
            CASE WHEN gen.r >= 2 AND NOT (gen.r BETWEEN 2 AND 3)
                 THEN gen.submitted_at + interval '1 hour' END,
            false, '', '',
            CASE WHEN gen.r >= 10 THEN gen.submitted_at + gen.days * interval '1 day' END,
            CASE WHEN gen.r < 2 THEN gen.submitted_at + interval '2 days' END,
            u.id, i.id, u.id, v.id,
            gen.q = 99, '',
            CASE WHEN gen.r < 10 THEN '' WHEN gen.q < 92 THEN 'approved'
                 ELSE 'rejected' END,
            '', ''
        FROM gen
        JOIN catalog_implementation i ON i.id = gen.impl
        JOIN catalog_serviceitem it ON it.id = i.item_id
        JOIN catalog_serviceitemversion v ON v.id = it.current_version_id
        CROSS JOIN (SELECT id FROM portal_user WHERE username = 'bench-applicant') u
        """
    )
    cursor.execute(
        """
        INSERT INTO workflow_case (id, state, joint, statutory_days, statutory_unit,
            promised_days, promised_unit, immediate, opened_on, opened_at, closed_at,
            application_id)
        SELECT a.id,
            CASE a.status WHEN 'withdrawn' THEN 'withdrawn' WHEN 'in_review' THEN 'open'
                ELSE a.status END,
            false, 20, 'working', 10, 'working', false,
            (a.accepted_at AT TIME ZONE 'Asia/Shanghai')::date, a.accepted_at,
            coalesce(a.decided_at, a.withdrawn_at), a.id
        FROM applications_application a WHERE a.accepted_at IS NOT NULL
        """
    )
    cursor.execute(
        """
        INSERT INTO workflow_casestage (id, "order", name, state, opened_at, closed_at,
            case_id)
        SELECT c.id, 1, '审查', CASE WHEN c.state = 'open' THEN 'open' ELSE 'done' END,
            c.opened_at, c.closed_at, c.id
        FROM workflow_case c
        """
    )
    # Three tasks per case: the implementing department and the next two of its county.
    cursor.execute(
        f"""
        INSERT INTO workflow_task (step_ids, name, limit_days, state, opened_at, due_on,
            decided_at, site_inspection, special_procedure, case_id, department_id,
            stage_id)
        SELECT '[]', '审查', 5,
            CASE WHEN c.state = 'open' THEN 'open' WHEN c.state = 'withdrawn'
                THEN 'cancelled' ELSE 'approved' END,
            c.opened_at, c.opened_on + 7,
            CASE WHEN c.state IN ('approved', 'rejected') THEN c.closed_at END,
            false, false, c.id,
            d.id - ((d.id - 1) % {DEPARTMENTS_PER_COUNTY})
                + ((d.id - 1 + k) % {DEPARTMENTS_PER_COUNTY}),
            c.id
        FROM workflow_case c
        JOIN applications_application a ON a.id = c.application_id
        JOIN catalog_implementation i ON i.id = a.implementation_id
        JOIN catalog_department d ON d.id = i.department_id
        CROSS JOIN generate_series(0, 2) AS k
        """
    )
    # The facts, as supervision.figures.builder would derive them from these rows
    # (due days and working days approximated in SQL: 5 of 7 days are working).
    local = "AT TIME ZONE 'Asia/Shanghai')::date"
    cursor.execute(
        f"""
        INSERT INTO supervision_applicationfact (application_id, department_id,
            item_id, region_id, region_code, channel, depth, submitted_on, accepted_on,
            deemed, refused_on, withdrawn_on, decided_on, decision, completed_on,
            promised_due, statutory_due, on_time, statutory_breach, working_days,
            suspended_days, extension_days, late_steps, steps, materials_total,
            materials_certificate, is_open, card_now, rated_on, rating_level,
            rectification_state, refreshed_at)
        SELECT a.id, i.department_id, i.item_id, i.region_id, rg.code, a.channel,
            v.depth, (a.submitted_at {local}, (a.accepted_at {local},
            a.acceptance_deemed,
            CASE WHEN a.status = 'refused' THEN (a.submitted_at {local} + 1 END,
            (a.withdrawn_at {local}, (a.decided_at {local}, a.decision,
            (a.decided_at {local},
            (a.accepted_at {local} + 14, (a.accepted_at {local} + 28,
            CASE WHEN a.decided_at IS NOT NULL
                THEN (a.decided_at {local} <= (a.accepted_at {local} + 14 END,
            CASE WHEN a.decided_at IS NOT NULL
                THEN (a.decided_at {local} > (a.accepted_at {local} + 28 END,
            CASE WHEN a.decided_at IS NOT NULL
                THEN ((a.decided_at {local} - (a.accepted_at {local}) * 5 / 7 END,
            0, 0,
            CASE WHEN a.decided_at IS NOT NULL AND a.id % 10 = 0 THEN 1 ELSE 0 END,
            CASE WHEN a.decided_at IS NOT NULL THEN 3 ELSE 0 END,
            3, a.id % 3 - (a.id % 3) / 2,
            a.status = 'in_review',
            CASE WHEN a.status <> 'in_review' THEN ''
                 WHEN a.id % 7 = 0 THEN 'red' WHEN a.id % 5 = 0 THEN 'yellow'
                 ELSE '' END,
            CASE WHEN a.decided_at IS NOT NULL AND a.id % 3 = 0
                THEN (a.decided_at {local} + 1 END,
            CASE WHEN a.decided_at IS NOT NULL AND a.id % 3 = 0
                THEN 5 - (a.id / 3) % 5 END,
            CASE WHEN a.decided_at IS NOT NULL AND a.id % 3 = 0 AND (a.id / 3) % 5 >= 3
                THEN (CASE WHEN a.id % 2 = 0 THEN 'done' ELSE 'open' END) ELSE '' END,
            now()
        FROM applications_application a
        JOIN catalog_implementation i ON i.id = a.implementation_id
        JOIN catalog_region rg ON rg.id = i.region_id
        JOIN catalog_serviceitemversion v ON v.id = a.version_id
        """
    )
    for table in (
        "applications_application",
        "workflow_case",
        "workflow_casestage",
        "workflow_task",
        "supervision_applicationfact",
    ):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
            if table != "supervision_applicationfact"
            else "SELECT 1"
        )
        cursor.execute(f"VACUUM ANALYZE {table}")


def _time(fn, rounds: int) -> list[float]:
    fn()  # warm: Django's first query of a shape, the catalog's labels
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def run_one(size: int, rounds: int, regenerate: bool, rebuild: bool) -> dict:
    from _setup import setup_django

    setup_django(f"ganzi_bench_dashboard_{size}")
    from django.db import connection

    from applications.models import Application
    from supervision import figures
    from supervision.figures.cells import rebuild_cells
    from supervision.models import FigureCell
    from supervision.scope import SupervisorScope
    from workflow.models import Task

    connection.ensure_connection()
    connection.connection.autocommit = True  # VACUUM outside a transaction
    generated = build = None
    if regenerate or Application.objects.count() != size:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            _generate(cursor, size)
        generated = time.perf_counter() - started
        print(
            f"  generated {size:,} applications in {generated:.0f} s", file=sys.stderr
        )
    if generated or rebuild or not FigureCell.objects.filter(grain="week").exists():
        started = time.perf_counter()
        rebuild_cells()
        build = time.perf_counter() - started
        print(f"  built the cells in {build:.0f} s", file=sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE supervision_figurecell")
    whole = figures.resolve_filters(SupervisorScope(), None, None)
    county = figures.resolve_filters(SupervisorScope(prefix="513330"), None, None)
    year = figures.Period(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    unaligned = figures.Period(dt.date(YEAR, 1, 15), dt.date(YEAR, 12, 14))
    week = figures.Period(dt.date(YEAR, 6, 1), dt.date(YEAR, 6, 7))
    days30 = figures.Period(dt.date(YEAR, 6, 10), dt.date(YEAR, 7, 9))
    cases = {
        "year, prefecture, by department": lambda: figures.summary(whole, year),
        "year, prefecture, by item": lambda: figures.summary(whole, year, by="item"),
        "year not on month bounds": lambda: figures.summary(whole, unaligned),
        "week, prefecture": lambda: figures.summary(whole, week),
        "30 days (10 Jun-9 Jul), prefecture": lambda: figures.summary(whole, days30),
        "weekly rows, year, prefecture": lambda: figures.weekly(whole, year),
        "year, one county": lambda: figures.summary(county, year),
        "drill-down count (completed, year)": lambda: figures.drilldown(
            whole, year, "completed"
        ).count(),
    }
    timings = {name: _time(fn, rounds) for name, fn in cases.items()}
    s = figures.summary(whole, year)
    drill = figures.drilldown(whole, year, "completed").count()
    if drill != s.totals.values["completed"].value:
        raise SystemExit("drill-down count differs from the figure")
    return {
        "size": size,
        "tasks": Task.objects.count(),
        "cells": FigureCell.objects.count(),
        "month_cells": FigureCell.objects.filter(grain="month").count(),
        "generated_s": generated,
        "cells_s": build,
        "completed": s.totals.values["completed"].value,
        "on_time": s.totals.values["on_time_rate"].value,
        "median": {k: statistics.median(v) for k, v in timings.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--rebuild-cells", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        print(
            json.dumps(
                run_one(args.one, args.rounds, args.regenerate, args.rebuild_cells)
            )
        )
        return 0

    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        print(f"size {size:,}: running {args.rounds} rounds ...", file=sys.stderr)
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            f"--one={size}",
            f"--rounds={args.rounds}",
        ]
        if args.regenerate:
            cmd.append("--regenerate")
        if args.rebuild_cells:
            cmd.append("--rebuild-cells")
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        sys.stderr.write(out.stderr)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))

    print()
    header = f"{'median ms':<38}" + "".join(f"{r['size']:>14,}" for r in results)
    print(header)
    for name in results[0]["median"]:
        print(f"{name:<38}" + "".join(f"{r['median'][name]:>14.1f}" for r in results))
    for label, key in (
        ("tasks", "tasks"),
        ("cells (day + week + month)", "cells"),
        ("month cells", "month_cells"),
        ("completed in the year", "completed"),
    ):
        print(f"{label:<38}" + "".join(f"{r[key]:>14,}" for r in results))
    key = "year, prefecture, by department"
    first, last = results[0]["median"][key], results[-1]["median"][key]
    ratio = last / first if first else float("inf")
    ok = last < 300 and ratio <= 3
    print(
        f"\n{'PASS' if ok else 'FAIL'}: {key} at {results[-1]['size']:,}: "
        f"{last:.0f} ms (target < 300 ms), {ratio:.2f}x the {results[0]['size']:,} "
        f"run (target <= 3x)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
