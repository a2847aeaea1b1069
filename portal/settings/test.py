"""Test suite: PostgreSQL and Redis, as in production."""

import dj_database_url

from .base import *  # noqa: F403
from .env import env, per_test_worker_redis_url

DEBUG = False
# The suite tests the real second factor; tests that want the demo bypass set it.
OTP_DEMO_BYPASS = False
DATABASES = {"default": dj_database_url.parse(env("TEST_DATABASE_URL"))}
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}
REDIS_URL = per_test_worker_redis_url(env("TEST_REDIS_URL"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("TEST_DATABASE_NAME"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Unit tests run tasks eagerly; tests/integration starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Publish outbox sends in the committing thread (tests see them at once).
NOTIFY_PUBLISH_LINGER = 0
# load_demo without its months of history (supervision.demo.history): the
# demo tests that check the history load a short one (tests/demo/fixtures.py).
DEMO_HISTORY_DAYS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
