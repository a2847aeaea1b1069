"""Benchmark: application submission throughput against a running server.

Starts gunicorn on PostgreSQL (database ``ganzi_bench_submit``) and Redis
(db 14), with the benchmark floor endpoint routed (BENCH_ENDPOINTS=1). Then,
side by side in one run, it drives with the same client and concurrency:

* floor:  ``POST /api/v1/bench/floor/``  — token auth + one INSERT;
* submit: ``POST /api/v1/applications/`` with ``"submit": true`` and a fresh
  ``Idempotency-Key`` — the real path: idempotency record, application,
  material rows, form validation, number, status history, audit chain,
  notification outbox rows and their Celery messages.

Rounds alternate floor/submit so drift hits both. Reports requests/s, p50/p95
latency and the ratio submit/floor (target ≥ 0.5).

    .venv/bin/python bench/submit.py [--seconds 8] [--rounds 3] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from _setup import percentile, setup_django

ROOT = Path(__file__).resolve().parents[1]
DB = "ganzi_bench_submit"
REDIS = "redis://127.0.0.1:6379/14"
PASSWORD = "Gz#2026-strong-Kd"


def prepare(users: int) -> tuple[str, list[str]]:
    """An item anyone can submit with form data only; users with tokens."""
    from catalog import constants as c
    from catalog.models import (
        Department,
        Implementation,
        Material,
        ProcessStage,
        ProcessStep,
        Region,
        ServiceItem,
    )
    from catalog.services import implementation_create, item_create, version_publish
    from people.codes import make_credit_code
    from people.models import ApplicantProfile
    from people.privacy import make_id_number
    from people.services import applicants
    from portal.models import User
    from portal.tokens import api_token_issue

    editor, _ = User.objects.get_or_create(username="bench-editor")
    region, _ = Region.objects.get_or_create(
        code="513301", defaults={"name": "康定市", "level": c.RegionLevel.COUNTY}
    )
    department, _ = Department.objects.get_or_create(
        credit_code=make_credit_code("11513301MB9999999"),
        defaults={"name": "康定市基准测试局", "region": region, "level": "4"},
    )
    basic = "BS0000000001"
    if not ServiceItem.objects.filter(basic_code=basic).exists():
        version = item_create(
            basic_code=basic,
            name="基准测试登记",
            item_type="20",
            actor=editor,
            version_fields=dict(
                legal_bases=[{"law": "《基准测试办法》", "article": "第一条"}],
                acceptance_conditions=["申请人为本地居民"],
                served_parties=["natural"],
                statutory_limit_value=20,
                promised_limit_value=5,
                channels=["online", "window"],
                depth=3,
                depth_flags=[1, 2, 3, 4, 5, 6],
                visits=1,
                visits_reason="领取结果",
                consult_channels="0836-0000000",
                complaint_channels="12345",
                form_schema={
                    "type": "object",
                    "required": ["phone"],
                    "properties": {
                        "phone": {
                            "type": "string",
                            "title": "联系电话",
                            "pattern": r"^1[3-9]\d{9}$",
                        },
                        "note": {"type": "string", "title": "备注", "maxLength": 200},
                    },
                },
            ),
        )
        Material.objects.create(
            version=version,
            order=1,
            name="补充说明",
            necessity=c.MaterialNecessity.OPTIONAL,
        )
        stage = ProcessStage.objects.create(version=version, order=1, name="审核")
        ProcessStep.objects.create(
            stage=stage, order=1, name="审核", department=department, limit_days=5
        )
        version = version_publish(version=version, actor=editor)
        implementation_create(
            item=version.item,
            region=region,
            department=department,
            code=department.credit_code + "4" + basic,
            actor=editor,
        )
    code = Implementation.objects.get(item__basic_code=basic).code
    # Start each run empty: numbers are 4 digits a day per implementation, and
    # earlier runs' applications would only slow the database down.
    from applications.models import Application, ApplicationCounter

    Application.objects.filter(implementation__code=code).delete()
    ApplicationCounter.objects.filter(implementation_code=code).delete()
    tokens = []
    for i in range(users):
        username = f"bench{i:03d}"
        user = User.objects.filter(username=username).first()
        if user is None or not ApplicantProfile.objects.filter(user=user).exists():
            user = applicants.applicant_register(
                username=username,
                password=PASSWORD,
                full_name="测试"
                + "甲乙丙丁戊己庚辛壬癸"[i % 10]
                + "甲乙丙丁戊己庚辛壬癸"[i // 10 % 10],
                id_number=make_id_number(f"51330119900101{i:03d}"),
                phone=f"1380000{i:04d}",
            )
        tokens.append(api_token_issue(user=user, client="bench")[1])
    return code, tokens


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DJANGO_DEBUG="0",
        DATABASE_URL=f"postgres://root@127.0.0.1:5432/{DB}",
        REDIS_URL=REDIS,
        BENCH_ENDPOINTS="1",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def drive(
    port: int, kind: str, code: str, tokens: list[str], seconds: float, concurrency: int
) -> tuple[int, list[float], dict[int, int]]:
    """Run `concurrency` keep-alive clients for `seconds`; bounded and self-stopping."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        token = tokens[n % len(tokens)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local, seen = [], {}
        while time.monotonic() < deadline:
            if kind == "floor":
                path, body, headers = (
                    "/api/v1/bench/floor/",
                    {"form_data": {"phone": "13800000000"}},
                    {},
                )
            else:
                path = "/api/v1/applications/"
                body = {
                    "implementation": code,
                    "submit": True,
                    "form_data": {"phone": "13800000000", "note": "基准测试"},
                }
                headers = {"Idempotency-Key": uuid.uuid4().hex}
            headers.update(
                {"Authorization": f"Token {token}", "Content-Type": "application/json"}
            )
            start = time.perf_counter()
            conn.request("POST", path, body=json.dumps(body), headers=headers)
            response = conn.getresponse()
            response.read()
            local.append((time.perf_counter() - start) * 1000)
            seen[response.status] = seen.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(local)
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8931)
    args = parser.parse_args()
    os.environ["REDIS_URL"] = REDIS
    setup_django(DB)
    code, tokens = prepare(args.concurrency)
    server = start_server(args.port, args.workers)
    results: dict[str, list] = {"floor": [], "submit": []}
    try:
        drive(args.port, "floor", code, tokens, 2, args.concurrency)  # warm-up
        drive(args.port, "submit", code, tokens, 2, args.concurrency)
        for _ in range(args.rounds):
            for kind in ("floor", "submit"):
                n, lat, statuses = drive(
                    args.port, kind, code, tokens, args.seconds, args.concurrency
                )
                ok = statuses.get(201, 0)
                if ok != n:
                    print(f"  {kind}: non-201 answers {statuses}")
                results[kind].append((ok / args.seconds, lat))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        import redis

        redis.Redis.from_url(REDIS).flushdb()
    print(
        f"concurrency {args.concurrency}, gunicorn workers {args.workers}, "
        f"{args.rounds} rounds x {args.seconds:.0f}s each"
    )
    print(f"{'endpoint':<8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    rates = {}
    for kind, rounds in results.items():
        rate = statistics.median(r for r, _ in rounds)
        lat = [x for _, lats in rounds for x in lats]
        rates[kind] = rate
        print(
            f"{kind:<8}{rate:>9.1f}{statistics.median(lat):>9.1f}"
            f"{percentile(lat, 0.95):>9.1f}"
        )
    ratio = rates["submit"] / rates["floor"]
    print(
        f"submit/floor = {ratio:.2f} (target >= 0.50: {'PASS' if ratio >= 0.5 else 'FAIL'})"
    )


if __name__ == "__main__":
    main()
