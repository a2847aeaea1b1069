"""The tracking query code never reaches a log line (portal/logging.py).

The lines are read from the real handlers that LOGGING configures (their
stream swapped for a buffer), so a handler added without the filter, or a
logger routed around it, turns these red.
"""

from __future__ import annotations

import io
import logging
import sys
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import Client

from applications.services.notify import notification_text
from portal.logging import REDACTED, RedactSecretsFilter, redact
from tests.applications.factories import ApplicationFactory

CODE = "K7M2PQ8X"


# --- the rewriting itself --------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        f'"GET /track/?number=GZ1&query_code={CODE} HTTP/1.1" 200 512',
        f'"GET /api/v1/track/GZ1/?query_code={CODE}&x=1 HTTP/1.1" 404 80',
        f'"GET /static/css/site.css" 200 "https://gzz.gov.cn/track/?query_code={CODE}"',
        f"GET /track/?QUERY%5Fcode={CODE.lower()}",
        f"<QueryDict: {{'number': ['GZ1'], 'query_code': ['{CODE}']}}>",
        f'{{"query_code": "{CODE}", "number": "GZ1"}}',
        f"application_track(number='GZ1', query_code={CODE})",
        f"办件编号：GZ1\n查询码：{CODE}\n请凭以上信息查询",
        f"查询码: {CODE}",
    ],
)
def test_a_code_in_any_shape_is_redacted(line):
    cleaned = redact(line)
    assert CODE not in cleaned.upper() and REDACTED in cleaned
    assert redact(cleaned) == cleaned  # twice is once


@pytest.mark.parametrize(
    "line",
    [
        '"GET /items/?q=huzhao&page=2 HTTP/1.1" 200 5120',
        "notify.enqueued application_id=12 events=submitted",
        "password_validation passed",
        "",
    ],
)
def test_lines_without_a_secret_are_left_alone(line):
    assert redact(line) == line


def test_a_record_keeps_its_arguments_unless_it_carries_a_secret():
    plain = logging.LogRecord("x", logging.INFO, "f", 1, "id=%s", (5,), None)
    RedactSecretsFilter().filter(plain)
    assert plain.args == (5,) and plain.getMessage() == "id=5"
    secret = logging.LogRecord(
        "x",
        logging.INFO,
        "f",
        1,
        '"%s" %s',
        (f"GET /track/?query_code={CODE}", 200),
        None,
    )
    assert RedactSecretsFilter().filter(secret) is True  # never dropped
    assert CODE not in secret.getMessage() and "200" in secret.getMessage()


def test_a_traceback_is_redacted_too():
    try:
        raise ValueError(f"bad url /track/?query_code={CODE}")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, "f", 1, "boom", (), sys.exc_info()
        )
    RedactSecretsFilter().filter(record)
    assert CODE not in logging.Formatter().format(record)


# --- every handler carries the filter ------------------------------------------------


def test_every_handler_in_logging_has_the_filter():
    config = settings.LOGGING
    assert config["filters"]["redact"]["()"] == "portal.logging.RedactSecretsFilter"
    for name, handler in config["handlers"].items():
        assert "redact" in handler.get("filters", []), name
    # Django's own django.server and mail_admins handlers lack the filter:
    # both loggers go to root's handlers instead.
    for name in ("django", "django.server"):
        assert config["loggers"][name]["handlers"] == [], name
        assert config["loggers"][name]["propagate"] is True, name


def _live_handlers() -> list[logging.Handler]:
    handlers = []
    for name in (None, "django", "django.server", "django.request"):
        logger = logging.getLogger(name)
        while logger:
            handlers += [
                h for h in logger.handlers if type(h).__module__ != "_pytest.logging"
            ]
            logger = logger.parent if logger.propagate else None
    return handlers


def test_every_configured_handler_in_this_process_has_the_filter():
    handlers = _live_handlers()
    assert handlers
    for handler in handlers:
        assert any(isinstance(f, RedactSecretsFilter) for f in handler.filters), handler


@contextmanager
def log_output():
    """What the configured stream handlers write, while the block runs."""
    buffer = io.StringIO()
    streams = {}
    for handler in set(_live_handlers()):
        if isinstance(handler, logging.StreamHandler):
            streams[handler] = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        for handler, stream in streams.items():
            handler.setStream(stream)


# --- requests and messages through the real handlers ---------------------------------


def test_runserver_request_lines_are_redacted():
    # The line django.core.servers.basehttp.WSGIRequestHandler logs.
    with log_output() as out:
        logging.getLogger("django.server").info(
            '"%s" %s %s',
            f"GET /track/?number=GZ1&query_code={CODE} HTTP/1.1",
            "200",
            "512",
            extra={"status_code": 200},
        )
    text = out.getvalue()
    assert "GET /track/?number=GZ1&query_code=[redacted]" in text
    assert CODE not in text


@pytest.mark.django_db
def test_tracking_requests_log_no_code(settings):
    settings.DEBUG = False
    app = ApplicationFactory(submitted=True)
    client = Client()
    with log_output() as out:
        # Found, through the form (POST) and the QR code's link (GET).
        r = client.post("/track/", {"number": app.number, "query_code": app.query_code})
        assert r.status_code == 200 and app.version.name in r.content.decode()
        r = client.get("/track/", {"number": app.number, "query_code": app.query_code})
        assert r.status_code == 200 and app.version.name in r.content.decode()
        # Not found: django.request logs a warning with the request.
        r = client.get("/track/", {"number": app.number, "query_code": CODE})
        assert r.status_code == 404
        r = client.get(f"/api/v1/track/{app.number}/", {"query_code": CODE})
        assert r.status_code == 404
        # Anyone logging the request's parameters.
        logging.getLogger("applications").warning("track %s", r.wsgi_request.GET)
    text = out.getvalue()
    assert "Not Found" in text  # the handlers did write
    assert app.query_code not in text and CODE not in text
    assert "query_code': ['[redacted]']" in text


def test_tracking_form_posts_with_a_csrf_token():
    r = Client().get("/track/")
    html = r.content.decode()
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    r = Client(enforce_csrf_checks=True).post(
        "/track/", {"number": "GZ1", "query_code": CODE}
    )
    assert r.status_code == 403


@pytest.mark.django_db
def test_a_wrong_code_by_post_is_a_404_without_an_oracle():
    app = ApplicationFactory(submitted=True)
    r = Client().post("/track/", {"number": app.number, "query_code": "AAAAAAAA"})
    assert r.status_code == 404 and "办件编号或查询码不正确" in r.content.decode()
    r = Client().post("/track/", {"number": "", "query_code": ""})
    assert r.status_code == 200 and "field-error" in r.content.decode()


@pytest.mark.django_db
def test_message_texts_carry_the_code_but_never_into_a_log():
    app = ApplicationFactory(submitted=True)
    subject, body = notification_text(application=app, event="submitted")
    assert f"查询码：{app.query_code}" in body
    with log_output() as out:
        logging.getLogger("people.outbox").info("body %s", body)
    assert app.query_code not in out.getvalue()


def test_the_celery_worker_handlers_get_the_filter():
    """The worker replaces root's handlers after LOGGING; its signal handler
    (portal/celery.py) puts the filter on the new ones."""
    from portal.celery import _redact_worker_logs

    handler = logging.StreamHandler(io.StringIO())
    task_handler = logging.StreamHandler(io.StringIO())
    logging.getLogger().addHandler(handler)
    logging.getLogger("celery.task").addHandler(task_handler)
    try:
        _redact_worker_logs(logger=logging.getLogger())
        for h in (handler, task_handler):
            assert any(isinstance(f, RedactSecretsFilter) for f in h.filters)
        _redact_worker_logs()  # a second setup adds no second filter
        assert sum(isinstance(f, RedactSecretsFilter) for f in handler.filters) == 1
        logging.getLogger("celery.task").warning("kwargs {'query_code': '%s'}", CODE)
        assert CODE not in task_handler.stream.getvalue()
        assert "[redacted]" in task_handler.stream.getvalue()
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger("celery.task").removeHandler(task_handler)
