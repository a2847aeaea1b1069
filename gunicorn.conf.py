"""gunicorn's settings, read from the working directory (the Dockerfile's
/srv/app, docker-compose's web service, tests/integration, bench/submit.py).

The logger redacts the tracking query code from the error log and from the
access log's request lines, query strings and Referer headers
(portal/logging.py). The access log is turned on where it is wanted, with
``--access-logfile -`` (Dockerfile, docker-compose.yml), not here: the
benchmarks run without one.
"""

logger_class = "portal.logging.GunicornLogger"
