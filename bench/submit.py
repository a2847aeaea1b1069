"""Benchmark: application submission throughput against a running server.

Starts gunicorn with ``bench.settings`` on PostgreSQL (database
``ganzi_bench_submit``) and Redis (db 14); the settings add the benchmark's
own floor endpoint and its table, created here. Then, side by side in one
run, with the same client and concurrency, it drives:

* floor: ``POST /api/v1/bench/floor/``: token auth + one INSERT;
* api:   ``POST /api/v1/applications/`` with ``"submit": true``, form data
  only and a fresh ``Idempotency-Key`` (what kiosks and the app send for an
  item that needs no papers): idempotency record, application, material
  rows, form validation, number, status history, audit chain, outbox rows;
* scans: an application with two uploaded scans through the API: create the
  draft, two multipart uploads of a JPEG scan, submit (4 requests);
* web:   the online wizard as a browser posts it, with session and CSRF:
  the form step (creates the draft) and the review step (submits); 2 POSTs.

Every shape goes through the one submission path (applications.services.
submission). Rounds alternate the shapes so drift hits all of them. Reports
applications/s, requests/s and p50/p95 per application, and the ratio of
each shape's applications/s to the floor's requests/s; the target is
api >= 0.25 x floor (docs/adr/0006).

    .venv/bin/python bench/submit.py [--seconds 8] [--rounds 3] [--concurrency 8]
        [--workers 4] [--shapes floor,api,scans,web] [--linger 0.05]
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

from _setup import percentile, setup_django

ROOT = Path(__file__).resolve().parents[1]
DB = "ganzi_bench_submit"
REDIS = "redis://127.0.0.1:6379/14"
MEDIA = ROOT / "var" / "bench-media"
PASSWORD = "Gz#2026-strong-Kd"
SHAPES = ("floor", "api", "scans", "web")
FORM = {"phone": "13800000000", "note": "基准测试"}
TARGET = 0.25

_FORM_SCHEMA = {
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
}


def _item(basic: str, name: str, materials: list[tuple[str, str]], ctx) -> str:
    """An applicable item with these (name, necessity) materials; its code."""
    from catalog.models import (
        Implementation,
        Material,
        ProcessStage,
        ProcessStep,
        ServiceItem,
    )
    from catalog.services import implementation_create, item_create, version_publish

    editor, region, department = ctx
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
                promised_limit_value=5,
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
        for order, (material, necessity) in enumerate(materials, 1):
            Material.objects.create(
                version=version, order=order, name=material, necessity=necessity
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
    return Implementation.objects.get(item__basic_code=basic).code


def prepare(users: int) -> dict:
    """Items for each shape, users with tokens and sessions, the floor's table."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from applications.models import Application, ApplicationCounter
    from bench.models import FloorRow
    from catalog import constants as c
    from catalog.models import Department, Implementation, Region
    from people.codes import make_credit_code
    from people.models import ApplicantProfile
    from people.privacy import make_id_number
    from people.services import applicants
    from portal.models import User
    from portal.tokens import api_token_issue

    if FloorRow._meta.db_table not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(FloorRow)
    FloorRow.objects.all().delete()

    editor, _ = User.objects.get_or_create(username="bench-editor")
    region, _ = Region.objects.get_or_create(
        code="513301", defaults={"name": "康定市", "level": c.RegionLevel.COUNTY}
    )
    department, _ = Department.objects.get_or_create(
        credit_code=make_credit_code("11513301MB9999999"),
        defaults={"name": "康定市基准测试局", "region": region, "level": "4"},
    )
    ctx = (editor, region, department)
    need = c.MaterialNecessity
    form_code = _item(
        "BS0000000001", "基准测试登记", [("补充说明", need.OPTIONAL)], ctx
    )
    scans_code = _item(
        "BS0000000002",
        "基准测试备案",
        [("居民身份证", need.REQUIRED), ("户口簿", need.REQUIRED)],
        ctx,
    )
    # Start each run empty: numbers are 4 digits a day per implementation, and
    # earlier runs' applications would only slow the database down.
    codes = [form_code, scans_code]
    Application.objects.filter(implementation__code__in=codes).delete()
    ApplicationCounter.objects.filter(implementation_code__in=codes).delete()
    scans_materials = list(
        Implementation.objects.get(code=scans_code)
        .item.current_version.materials.order_by("order")
        .values_list("pk", flat=True)
    )
    tokens, sessions = [], []
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
        browser = Client()
        browser.force_login(user)
        sessions.append(browser.cookies[settings.SESSION_COOKIE_NAME].value)
    return {
        "form_code": form_code,
        "scans_code": scans_code,
        "scans_materials": scans_materials,
        "tokens": tokens,
        "sessions": sessions,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "scan": _scan(),
    }


def _scan() -> bytes:
    """A grey A4 page at 100 dpi with lines of 'text': what a phone scan weighs."""
    from PIL import Image, ImageDraw

    rng = random.Random(2026)
    image = Image.new("L", (827, 1169), 235)
    draw = ImageDraw.Draw(image)
    for y in range(80, 1100, 28):
        x = 70
        while x < 760:
            w = rng.randint(12, 60)
            draw.rectangle([x, y, x + w, y + 14], fill=rng.randint(20, 90))
            x += w + rng.randint(6, 14)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def start_server(port: int, workers: int, linger: float | None) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DATABASE_URL=f"postgres://root@127.0.0.1:5432/{DB}",
        REDIS_URL=REDIS,
        MEDIA_ROOT=str(MEDIA),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    if linger is not None:
        env["BENCH_PUBLISH_LINGER"] = str(linger)
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


class ShapeError(Exception):
    pass


def _multipart(fields: dict, file_field: str, filename: str, data: bytes):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            f"\r\n\r\n{value}\r\n".encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _form(fields: dict) -> tuple[bytes, str]:
    from urllib.parse import urlencode

    return urlencode(fields).encode(), "application/x-www-form-urlencoded"


class Session:
    """One keep-alive client of one user, doing one shape's unit of work."""

    def __init__(self, port: int, data: dict, n: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.data = data
        self.token = data["tokens"][n % len(data["tokens"])]
        self.cookies = {
            data["session_cookie"]: data["sessions"][n % len(data["sessions"])]
        }
        self.csrf = None
        self.requests = 0

    def request(self, method, path, body=None, headers=None, expect=(200, 201)):
        headers = dict(headers or {})
        if isinstance(body, dict):
            body = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        payload = response.read()
        self.requests += 1
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            self.cookies.update({k: m.value for k, m in jar.items()})
        if response.status not in expect:
            raise ShapeError(f"{method} {path}: {response.status} {payload[:200]!r}")
        return response, payload

    def api(self, method, path, body=None, headers=None, expect=(200, 201)):
        headers = {"Authorization": f"Token {self.token}", **(headers or {})}
        response, payload = self.request(method, path, body, headers, expect)
        return json.loads(payload)

    def browser(self, method, path, body=None, content_type=None, expect=(200,)):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = content_type
        return self.request(method, path, body, headers, expect)

    # --- the shapes -------------------------------------------------------------

    def floor(self) -> None:
        self.api("POST", "/api/v1/bench/floor/", {"form_data": FORM})

    def api_form_only(self) -> None:
        body = {"implementation": self.data["form_code"], "submit": True}
        body["form_data"] = FORM
        self.api(
            "POST",
            "/api/v1/applications/",
            body,
            {"Idempotency-Key": uuid.uuid4().hex},
        )

    def scans(self) -> None:
        draft = self.api(
            "POST",
            "/api/v1/applications/",
            {"implementation": self.data["scans_code"], "form_data": FORM},
            {"Idempotency-Key": uuid.uuid4().hex},
        )
        base = f"/api/v1/applications/{draft['id']}/"
        for material in self.data["scans_materials"]:
            body, content_type = _multipart(
                {"material": material, "provision": "upload"},
                "file",
                "scan.jpg",
                self.data["scan"],
            )
            self.api("POST", base + "materials/", body, {"Content-Type": content_type})
        done = self.api(
            "POST", base + "submit/", None, {"Idempotency-Key": uuid.uuid4().hex}
        )
        if done["status"] != "submitted":
            raise ShapeError(f"scans: {done['status']}")

    def web(self) -> None:
        start = f"/apply/{self.data['form_code']}/"
        if self.csrf is None:  # once per client, as a browser holds its cookie
            _, page = self.browser("GET", start)
            found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if not found:
                raise ShapeError("no CSRF token on the form page")
            self.csrf = found.group(1).decode()
        body, ctype = _form(
            {
                "csrfmiddlewaretoken": self.csrf,
                "token": uuid.uuid4().hex,
                **FORM,
                "action": "next",
            }
        )
        response, _ = self.browser("POST", start, body, ctype, expect=(302,))
        location = response.headers["Location"]
        found = re.search(r"/my/applications/(\d+)/materials/", location)
        if not found:
            raise ShapeError(f"web: form step went to {location}")
        review = f"/my/applications/{found.group(1)}/review/"
        body, ctype = _form(
            {"csrfmiddlewaretoken": self.csrf, "token": uuid.uuid4().hex}
        )
        response, _ = self.browser("POST", review, body, ctype, expect=(302,))
        if "/receipt/" not in response.headers["Location"]:
            raise ShapeError(f"web: review went to {response.headers['Location']}")


UNITS = {
    "floor": Session.floor,
    "api": Session.api_form_only,
    "scans": Session.scans,
    "web": Session.web,
}


def drive(port: int, shape: str, data: dict, seconds: float, concurrency: int):
    """Run `concurrency` keep-alive clients for `seconds`; bounded and self-stopping.

    Returns (units done, requests made, unit latencies in ms, errors).
    """
    latencies: list[float] = []
    errors: list[str] = []
    counts = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    unit = UNITS[shape]

    def client(n: int) -> None:
        session = Session(port, data, n)
        if shape == "web":
            session.csrf = None
        local, failed = [], []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                unit(session)
            except (ShapeError, OSError, http.client.HTTPException) as exc:
                failed.append(str(exc))
                session.conn.close()
                continue
            local.append((time.perf_counter() - start) * 1000)
        session.conn.close()
        with lock:
            latencies.extend(local)
            errors.extend(failed)
            counts[0] += session.requests

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), counts[0], latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument(
        "--linger",
        type=float,
        default=None,
        help="NOTIFY_PUBLISH_LINGER for the server (default: the settings' own)",
    )
    args = parser.parse_args()
    shapes = [s for s in args.shapes.split(",") if s]
    unknown = set(shapes) - set(SHAPES)
    if unknown or "floor" not in shapes:
        raise SystemExit(f"--shapes: a list of {', '.join(SHAPES)}, with floor")
    os.environ["REDIS_URL"] = REDIS
    os.environ["MEDIA_ROOT"] = str(MEDIA)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    shutil.rmtree(MEDIA, ignore_errors=True)
    setup_django(DB)
    data = prepare(args.concurrency)
    server = start_server(args.port, args.workers, args.linger)
    results: dict[str, list] = {shape: [] for shape in shapes}
    try:
        for shape in shapes:  # warm-up
            drive(args.port, shape, data, 2, args.concurrency)
        for _ in range(args.rounds):
            for shape in shapes:
                done, requests, lat, errors = drive(
                    args.port, shape, data, args.seconds, args.concurrency
                )
                if errors:
                    print(f"  {shape}: {len(errors)} failed, first: {errors[0]}")
                results[shape].append(
                    (done / args.seconds, requests / args.seconds, lat)
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        import redis

        redis.Redis.from_url(REDIS).flushdb()
        shutil.rmtree(MEDIA, ignore_errors=True)
    linger = "settings" if args.linger is None else f"{args.linger:g} s"
    print(
        f"concurrency {args.concurrency}, gunicorn workers {args.workers}, "
        f"{args.rounds} rounds x {args.seconds:.0f}s each, publish linger {linger}, "
        f"scan {len(data['scan']) // 1024} KB"
    )
    print(
        f"{'shape':<7}{'apps/s':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'x floor':>9}   per round (x floor)"
    )
    rates = {}
    for shape, rounds in results.items():
        rates[shape] = statistics.median(r for r, _, _ in rounds)
    floor = rates["floor"]
    for shape, rounds in results.items():
        lat = [x for _, _, lats in rounds for x in lats]
        per_round = " ".join(f"{r / floor:.2f}" for r, _, _ in rounds)
        print(
            f"{shape:<7}{rates[shape]:>9.1f}"
            f"{statistics.median(q for _, q, _ in rounds):>9.1f}"
            f"{statistics.median(lat) if lat else 0:>9.1f}"
            f"{percentile(lat, 0.95) if lat else 0:>9.1f}"
            f"{rates[shape] / floor:>9.2f}   {per_round}"
        )
    if "api" in rates:
        ratio = rates["api"] / floor
        verdict = "PASS" if ratio >= TARGET else "FAIL"
        print(f"api/floor = {ratio:.2f} (target >= {TARGET:.2f}: {verdict})")


if __name__ == "__main__":
    main()
