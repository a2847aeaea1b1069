"""Benchmark: a reviewer's inbox at 100,000 and 1,000,000 applications.

Generates, in one database per size (``ganzi_bench_inbox_<size>``, kept
between runs, so a later run only times unless --regenerate; each size runs
in a child process), applications across 20 departments, each with
its case, one stage and one task, by bulk ``INSERT ... SELECT`` from
``generate_series`` (not through the services: the point is the read path at
volume, and a million submissions through the one submission path would take
hours here). A share of the tasks is open (``--open-share``, the rest decided:
history), with due dates spread from ten days overdue to twenty ahead and a
third of the open ones claimed by the department's reviewer.

At each size it times the first page of one reviewer's inbox with its marks,
exactly as ``GET /api/v1/tasks/`` runs it (``workflow.selectors.inbox_for``,
its COUNT and the first 20 rows, serialized by the API's list serializer),
for the default view and the filters a desk uses most, and prints the plan
(EXPLAIN ANALYZE) of the page query, failing when it does not use the inbox
index. Then it measures the queries of accepting an application into a
five-department stage (and a one- and three-department stage), through the
real path (application_start, application_accept and the routing hook), so
the per-department cost shows and whether it grows with history.

Target (issue 9): the 1M first page under 50 ms and within 3x of the 100k one.

    .venv/bin/python bench/inbox.py [--sizes 100000,1000000] [--rounds 30]
        [--open-share 0.02] [--regenerate]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from _setup import percentile, setup_django

DB = "ganzi_bench_inbox"
DEPARTMENTS = 20
CHUNK = 50_000
PAGE = 20
TARGET_MS = 50.0
TARGET_RATIO = 3.0
FORM = {"phone": "13800000000"}
_FORM_SCHEMA = {
    "type": "object",
    "required": ["phone"],
    "properties": {
        "phone": {"type": "string", "title": "联系电话", "pattern": r"^1[3-9]\d{9}$"}
    },
}


# --- reference data (ORM, once) --------------------------------------------------


def _item(basic: str, name: str, departments: list, ctx) -> str:
    """A published item whose first stage has one step per department; its code."""
    from catalog import constants as c
    from catalog.models import (
        Implementation,
        Material,
        ProcessStage,
        ProcessStep,
        ServiceItem,
        ServiceItemVersion,
    )
    from catalog.services import implementation_create, item_create, version_publish

    editor, region, hall = ctx
    # An earlier run that stopped before publishing left a draft: start again.
    ServiceItemVersion.objects.filter(
        item__basic_code=basic, status=c.VersionStatus.DRAFT
    ).delete()
    ServiceItem.objects.filter(basic_code=basic, versions__isnull=True).delete()
    if not ServiceItem.objects.filter(basic_code=basic).exists():
        version = item_create(
            basic_code=basic,
            name=name,
            item_type="20",
            actor=editor,
            version_fields=dict(
                legal_bases=[{"law": "《基准测试办法》", "article": "第一条"}],
                acceptance_conditions=["申请人为本地居民"],
                served_parties=["natural"],
                statutory_limit_value=20,
                promised_limit_value=10,
                channels=["online", "window"],
                depth=3,
                depth_flags=[1, 2, 3, 4, 5, 6],
                visits=1,
                visits_reason="领取结果",
                consult_channels="0836-0000000",
                complaint_channels="12345",
                form_schema=_FORM_SCHEMA,
            ),
        )
        Material.objects.create(
            version=version,
            order=1,
            name="补充说明",
            necessity=c.MaterialNecessity.OPTIONAL,
        )
        stage = ProcessStage.objects.create(version=version, order=1, name="并联审查")
        for order, department in enumerate(departments, 1):
            ProcessStep.objects.create(
                stage=stage,
                order=order,
                name=f"{department.name}审查",
                department=department,
                limit_days=3,
            )
        final = ProcessStage.objects.create(version=version, order=2, name="出具结果")
        ProcessStep.objects.create(
            stage=final,
            order=1,
            name="出具结果",
            department=departments[0],
            limit_days=1,
        )
        version = version_publish(version=version, actor=editor)
        implementation_create(
            item=version.item,
            region=region,
            department=departments[0],
            code=departments[0].credit_code + "4" + basic,
            actor=editor,
            hall=hall,
        )
    return Implementation.objects.get(item__basic_code=basic).code


def prepare() -> dict:
    from django.contrib.auth.models import Group

    from catalog import constants as c
    from catalog.models import Department, Region, ServiceHall, StaffProfile
    from people.codes import make_credit_code
    from people.privacy import make_id_number
    from people.services import applicants
    from portal.models import User
    from portal.roles import Role, ensure_role_groups

    ensure_role_groups()
    editor, _ = User.objects.get_or_create(username="bench-editor")
    region, _ = Region.objects.get_or_create(
        code="513301", defaults={"name": "康定市", "level": c.RegionLevel.COUNTY}
    )
    hall, _ = ServiceHall.objects.get_or_create(
        name="康定市政务服务中心（基准）", defaults={"region": region}
    )
    departments = []
    for i in range(DEPARTMENTS):
        department, _ = Department.objects.get_or_create(
            credit_code=make_credit_code(f"11513301MB9{i:06d}"),
            defaults={
                "name": f"康定市基准测试局{i + 1:02d}",
                "region": region,
                "level": "4",
                "kind": f"基准{i + 1:02d}",
            },
        )
        departments.append(department)
    groups = {g.name: g for g in Group.objects.all()}

    def staff(username: str, role: str, **where) -> User:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(groups[role])
        StaffProfile.objects.update_or_create(user=user, defaults=where)
        return user

    reviewers = [
        staff(f"bench-reviewer-{i:02d}", Role.REVIEWER, department=d)
        for i, d in enumerate(departments)
    ]
    clerk = staff("bench-clerk", Role.CLERK, hall=hall)
    applicant = User.objects.filter(username="bench-applicant").first()
    if applicant is None:
        applicant = applicants.applicant_register(
            username="bench-applicant",
            password="Gz#2026-strong-Kd",
            full_name="测试甲",
            id_number=make_id_number("51330119900101001"),
            phone="13800000000",
        )
    ctx = (editor, region, hall)
    codes = {
        n: _item(f"BI00000000{n:02d}", f"基准测试{n}部门联办", departments[:n], ctx)
        for n in (1, 3, 5)
    }
    # The bulk applications are of the 20-department item, so its versions'
    # tasks are spread over every department.
    bulk_code = _item("BI0000000020", "基准测试二十部门联办", departments, ctx)
    return {
        "departments": departments,
        "reviewers": reviewers,
        "clerk": clerk,
        "applicant": applicant,
        "codes": codes,
        "bulk_code": bulk_code,
    }


# --- bulk rows ---------------------------------------------------------------------


def _insert_select(model, overrides: dict[str, str], source: str, params: list):
    """INSERT INTO model's table every concrete column but the id, from ``source``.

    ``overrides`` maps a field name to an SQL expression over ``source`` (or
    to ``(expression, params)``; a literal percent sign is ``%%``); every
    other column gets the field's Python default (what the ORM would write),
    timestamps with auto_now(_add) get now(). Returns the row count.
    """
    from django.db import connection

    template = model()
    columns, exprs, values = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name in overrides:
            expr = overrides[field.name]
            if isinstance(expr, tuple):
                expr, more = expr
                values.extend(more)
            exprs.append(expr)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            exprs.append("now()")
        else:
            value = field.get_db_prep_save(getattr(template, field.attname), connection)
            exprs.append("%s")
            values.append(value)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
        f"({', '.join(columns)}) SELECT {', '.join(exprs)} {source}"
    )
    # Parameters in the order of their placeholders: the select list's, in
    # column order, then the source's.
    with connection.cursor() as cursor:
        cursor.execute(sql, values + params)
        return cursor.rowcount


def _max_id(model) -> int:
    from django.db.models import Max

    return model.objects.aggregate(m=Max("pk"))["m"] or 0


def grow(data: dict, target: int, open_share: float) -> float:
    """Add applications (with case, stage, task) until there are ``target``."""
    from django.db import connection, transaction

    from applications.models import Application
    from catalog.models import Implementation
    from workflow.models import Case, CaseStage, Task

    impl = Implementation.objects.select_related("item__current_version").get(
        code=data["bulk_code"]
    )
    version = impl.item.current_version
    have = Application.objects.filter(implementation=impl).count()
    if have >= target:
        return 0.0
    departments = [d.pk for d in data["departments"]]
    reviewers = [u.pk for u in data["reviewers"]]
    applicant = data["applicant"].pk
    open_per_mille = int(open_share * 1000)
    started = time.monotonic()
    for first in range(have, target, CHUNK):
        last = min(first + CHUNK, target) - 1
        with transaction.atomic():
            a0 = _max_id(Application)
            # g: the application's sequence number; it decides the task's
            # department (g mod 20), whether it is open, its due day.
            _insert_select(
                Application,
                {
                    "number": "'BENCH' || lpad(g::text, 10, '0')",
                    "query_code": "'00000000'",
                    "implementation": ("%s", [impl.pk]),
                    "version": ("%s", [version.pk]),
                    "applicant": ("%s", [applicant]),
                    "submitted_by": ("%s", [applicant]),
                    "status": (
                        "CASE WHEN (g::bigint * 7919) %% 1000 < %s "
                        "THEN 'in_review' ELSE 'approved' END",
                        [open_per_mille],
                    ),
                    "submitted_at": "now() - (g %% 400) * interval '1 day'",
                    "accepted_at": "now() - (g %% 400) * interval '1 day'",
                },
                "FROM generate_series(%s, %s) AS g",
                [first, last],
            )
            c0 = _max_id(Case)
            _insert_select(
                Case,
                {
                    "application": "a.id",
                    "state": "CASE WHEN a.status = 'in_review' THEN 'open' "
                    "ELSE 'approved' END",
                    "joint": "true",
                    "statutory_days": "45",
                    "promised_days": "10",
                    "opened_on": "a.accepted_at::date",
                    "closed_at": "CASE WHEN a.status = 'in_review' THEN NULL "
                    "ELSE a.accepted_at END",
                },
                "FROM applications_application a WHERE a.id > %s ORDER BY a.id",
                [a0],
            )
            s0 = _max_id(CaseStage)
            _insert_select(
                CaseStage,
                {
                    "case": "k.id",
                    "order": "1",
                    "name": "'并联审查'",
                    "state": "CASE WHEN k.state = 'open' THEN 'open' ELSE 'done' END",
                    "opened_at": "k.opened_on::timestamptz",
                    "closed_at": "k.closed_at",
                },
                "FROM workflow_case k WHERE k.id > %s ORDER BY k.id",
                [c0],
            )
            seq = "substring(a.number from 6)::bigint"
            _insert_select(
                Task,
                {
                    "case": "k.id",
                    "stage": "s.id",
                    "department": (
                        f"(%s::bigint[])[({seq} %% {DEPARTMENTS}) + 1]",
                        [departments],
                    ),
                    "name": "'基准测试审查'",
                    "limit_days": "3",
                    "state": "CASE WHEN k.state = 'open' THEN 'open' "
                    "ELSE 'approved' END",
                    "opened_at": "k.opened_on::timestamptz",
                    "due_on": f"current_date + (({seq} * 31) %% 30 - 10)::int",
                    "warn_on": f"current_date + (({seq} * 31) %% 30 - 11)::int",
                    "assignee": (
                        f"CASE WHEN k.state = 'open' AND {seq} %% 3 <> 0 THEN NULL "
                        f"ELSE (%s::bigint[])[({seq} %% {DEPARTMENTS}) + 1] END",
                        [reviewers],
                    ),
                    "claimed_at": "CASE WHEN k.state = 'open' AND "
                    f"{seq} %% 3 <> 0 THEN NULL ELSE k.opened_on::timestamptz END",
                    "decided_at": "k.closed_at",
                    "decided_by": (
                        "CASE WHEN k.state = 'open' THEN NULL "
                        f"ELSE (%s::bigint[])[({seq} %% {DEPARTMENTS}) + 1] END",
                        [reviewers],
                    ),
                },
                "FROM workflow_casestage s JOIN workflow_case k ON k.id = s.case_id "
                "JOIN applications_application a ON a.id = k.application_id "
                "WHERE s.id > %s ORDER BY s.id",
                [s0],
            )
        done = last + 1
        rate = (done - have) / max(time.monotonic() - started, 1e-9)
        print(f"  {done:>9,} applications ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        for table in (
            "applications_application",
            "workflow_case",
            "workflow_casestage",
            "workflow_task",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return time.monotonic() - started


# --- the inbox -----------------------------------------------------------------------


# The API's query parameters as the view hands them to inbox_for.
FILTERS = {
    "default": {},  # open tasks, nearest due first
    "red": {"mark": "red"},
    "yellow": {"mark": "yellow"},
    "mine": {"mine": "1"},
    "all": {"state": ""},  # every state: history too
}


def _page(user, filters: dict) -> tuple[int, list]:
    """What GET /api/v1/tasks/ runs for the first page: COUNT, 20 rows, serialized."""
    from workflow.api.serializers import TaskListSerializer
    from workflow.selectors import inbox_for

    queryset = inbox_for(user, filters)
    count = queryset.count()
    rows = list(queryset[:PAGE])
    return count, TaskListSerializer(rows, many=True).data


def time_inbox(user, rounds: int) -> dict[str, tuple[float, float, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = {}
    for name, filters in FILTERS.items():
        _page(user, filters)  # warm: plans, the role cache of a fresh user
        samples = []
        with CaptureQueriesContext(connection) as ctx:
            for _ in range(rounds):
                fresh = type(user).objects.get(pk=user.pk)
                t0 = time.perf_counter()
                count, rows = _page(fresh, filters)
                samples.append((time.perf_counter() - t0) * 1000)
        queries = len(ctx.captured_queries) // rounds - 1  # the user fetch
        out[name] = (statistics.median(samples), percentile(samples, 0.95), queries)
        out[name + ":count"] = count
    return out


def explain(user) -> str:
    from workflow.selectors import inbox_for

    queryset = inbox_for(user, {})[:PAGE]
    return queryset.explain(analyze=True, buffers=True)


def time_sql(user, rounds: int) -> tuple[float, float]:
    """The default page's SQL alone (planning + execution + rows), ms p50 and min."""
    from django.db import connection

    from workflow.selectors import inbox_for

    sql, params = inbox_for(user, {})[:PAGE].query.sql_with_params()
    samples = []
    with connection.cursor() as cursor:
        for _ in range(rounds):
            t0 = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), min(samples)


def _plan_times(plan: str) -> str:
    import re

    found = dict(re.findall(r"(Planning|Execution) Time: ([0-9.]+) ms", plan))
    return f"planning {found.get('Planning', '?')} ms, execution {found.get('Execution', '?')} ms"


# --- acceptance ------------------------------------------------------------------------


def acceptance_queries(data: dict, departments: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from applications import constants as ac
    from applications.services.acceptance import application_accept
    from applications.services.submission import application_start

    application, _ = application_start(
        user=data["applicant"],
        implementation_code=data["codes"][departments],
        channel=ac.IntakeChannel.API,
        form_data=dict(FORM),
        submit=True,
    )
    with CaptureQueriesContext(connection) as ctx:
        application_accept(application=application, clerk=data["clerk"])
    from workflow.models import Task

    opened = Task.objects.filter(case__application=application, stage__order=1).count()
    assert opened == departments, (opened, departments)
    return len(ctx.captured_queries)


def run_one(size: int, rounds: int, open_share: float, regenerate: bool) -> dict:
    """One size in its own database (``ganzi_bench_inbox_<size>``, kept)."""
    db = f"{DB}_{size}"
    if regenerate:
        _drop(db)
    setup_django(db)
    from django.conf import settings

    settings.DEBUG = False
    data = prepare()
    user = data["reviewers"][0]
    seconds = grow(data, size, open_share)
    if seconds:
        print(f"  generated in {seconds:.0f} s", file=sys.stderr)
    plan = explain(user)
    print(f"  plan of the first page at {size:,} (default view):", file=sys.stderr)
    for line in plan.splitlines():
        print("    " + line, file=sys.stderr)
    timing = time_inbox(user, rounds)
    timing["sql"] = time_sql(user, rounds)
    timing["plan"] = _plan_times(plan)
    accept = {n: acceptance_queries(data, n) for n in (1, 3, 5)}
    return {
        "timing": timing,
        "accept": accept,
        "index": "workflow_task_inbox" in plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--open-share", type=float, default=0.02)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = run_one(args.one, args.rounds, args.open_share, args.regenerate)
        print("RESULT " + json.dumps(result), flush=True)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    # Each size in a child process: Django is set up for one database each.
    for size in sizes:
        print(f"size {size:,}:", flush=True)
        cmd = [
            sys.executable,
            __file__,
            f"--one={size}",
            f"--rounds={args.rounds}",
            f"--open-share={args.open_share}",
        ]
        if args.regenerate:
            cmd.append("--regenerate")
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
        line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
        raw = json.loads(line.removeprefix("RESULT "))
        raw["accept"] = {int(k): v for k, v in raw["accept"].items()}
        results[size] = (raw["timing"], raw["accept"], raw["index"])
    _report(sizes, results)


def _drop(db: str) -> None:
    import os

    import psycopg2

    base = os.environ.get("BENCH_PG", "postgres://root@127.0.0.1:5432")
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{db}"')
    conn.close()


def _report(sizes: list[int], results: dict) -> None:
    print()
    print("inbox first page (COUNT + 20 rows + serializer), ms:")
    print("  view    " + "".join(f"{s:>40,}" for s in sizes))
    for name in FILTERS:
        cells = []
        for s in sizes:
            p50, p95, queries = results[s][0][name]
            total = results[s][0][name + ":count"]
            cell = f"p50 {p50:6.1f}  p95 {p95:6.1f}  {queries} queries  n={total:,}"
            cells.append(cell.rjust(40))
        print(f"  {name:<8}" + "".join(cells))
    for s in sizes:
        p50, low = results[s][0]["sql"]
        print(
            f"  {s:>9,}: default page SQL alone p50 {p50:.1f} ms (min {low:.1f}); "
            f"EXPLAIN ANALYZE {results[s][0]['plan']}"
        )
    print()
    print("queries of one acceptance (application_accept + routing):")
    for n in (1, 3, 5):
        cells = "".join(f"{results[s][1][n]:>12}" for s in sizes)
        print(f"  {n} department(s) in the first stage{cells}")
    first, last = sizes[0], sizes[-1]
    p50_last = results[last][0]["default"][0]
    p50_first = results[first][0]["default"][0]
    ratio = p50_last / p50_first if p50_first else float("inf")
    per_dept = {s: (results[s][1][5] - results[s][1][1]) / 4 for s in sizes}
    print(
        "  per extra department: "
        + ", ".join(f"{per_dept[s]:.1f} at {s:,}" for s in sizes)
    )
    ok = (
        p50_last < TARGET_MS
        and ratio <= TARGET_RATIO
        and all(r[2] for r in results.values())
    )
    print(
        f"{'PASS' if ok else 'FAIL'}: default view p50 {p50_last:.1f} ms at "
        f"{last:,} (target < {TARGET_MS:.0f}), {ratio:.2f}x the {first:,} run "
        f"(target <= {TARGET_RATIO:.0f}x), index used: "
        f"{all(r[2] for r in results.values())}"
    )


if __name__ == "__main__":
    main()
