"""gunicorn's settings, read from the working directory (the Dockerfile's
/srv/app, docker-compose's web service, tests/integration): the access log on
stdout, through a logger that redacts the tracking query code from request
lines, query strings and Referer headers (portal/logging.py)."""

accesslog = "-"
logger_class = "portal.logging.GunicornLogger"
