"""Secrets never reach a log line: the public tracking query code above all.

The query code (8 characters on the receipt) is the only thing besides the
application number that opens the public tracking page, so whoever reads a
log must not learn it. It travels in a query string when a printed receipt's
QR code or an API client asks (``/track/?number=...&query_code=...``,
``/api/v1/track/<number>/?query_code=...``), which access logs write down,
and the same URL comes back in the ``Referer`` of the assets that page loads.
The tracking form POSTs it instead, and message texts carry it
(``查询码：...``), which development backends write to files, never to logs.

:class:`RedactSecretsFilter` rewrites a record whose message carries a
secret, before any handler formats it. It is set on every handler of
``LOGGING`` (portal/settings/base.py; a test walks them), on gunicorn's
error and access loggers through :class:`GunicornLogger` (gunicorn.conf.py),
and on the Celery worker's handlers (:func:`install_on_all_handlers`, from
portal/celery.py). A record without a secret passes untouched, arguments and
all.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as _GunicornBaseLogger

REDACTED = "[redacted]"

# Names of parameters whose values are secret wherever they appear: as a
# query-string or form parameter (``query_code=K7M2``, also percent-encoded
# as ``query%5Fcode=``), a dict or JSON key (``'query_code': 'K7M2'``,
# ``"query_code": ["K7M2"]``) or a keyword (``query_code=K7M2``).
SECRET_PARAMETERS = ("query_code", "otp_code", "password")

_NAME = "|".join(name.replace("_", "(?:_|%5[Ff])") for name in SECRET_PARAMETERS)
_PARAMETER = re.compile(
    rf"""(?ix)
    (?P<key>(?:{_NAME})              # the name
      (?:["']?\s*[:=]\s*             # = or : (quoted key: "query_code": )
      (?:\[\s*)?["']?))              # a list and a quote before the value
    (?P<value>(?!redacted\])[^"'&\s,\[\]}};#]+)  # the value, to a delimiter
    """
)
# The label of message texts (applications/services/notify.py) and of the
# receipt: 查询码：K7M2PQ8X.
_LABEL = re.compile(r"(?P<key>查询码\s*[：:]\s*)(?P<value>[0-9A-Za-z]+)")


def redact(text: str) -> str:
    """``text`` with every secret value replaced by ``[redacted]``."""
    if not text:
        return text
    text = _PARAMETER.sub(lambda m: m.group("key") + REDACTED, text)
    return _LABEL.sub(lambda m: m.group("key") + REDACTED, text)


class RedactSecretsFilter(logging.Filter):
    """Rewrite a record carrying a secret; never drop a record.

    The message is rendered (``msg % args``) and checked; only when it
    changes are ``msg`` and ``args`` replaced, so other records keep their
    arguments for structured handlers. A traceback is rendered and checked
    too (an exception's text may quote a URL).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let the handler report it
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _add_filter(target: logging.Filterer) -> None:
    if not any(isinstance(f, RedactSecretsFilter) for f in target.filters):
        target.addFilter(RedactSecretsFilter())


def install_on_all_handlers() -> None:
    """Put the filter on every handler of every logger that exists now.

    For processes whose logging someone else set up after Django's
    ``LOGGING`` (the Celery worker replaces the root logger's handlers).
    """
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            _add_filter(handler)


class GunicornLogger(_GunicornBaseLogger):
    """gunicorn's logger with the filter on its error and access logs.

    The access log's request line (``%(r)s``), query string (``%(q)s``) and
    ``Referer`` (``%(f)s``) may carry a query code; the format is kept and
    the values are redacted. Named by ``logger_class`` in gunicorn.conf.py.
    """

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            _add_filter(log)
            for handler in log.handlers:
                _add_filter(handler)
