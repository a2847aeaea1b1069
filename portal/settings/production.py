"""Production: PostgreSQL, Redis, HTTPS. Secrets come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env, env_bool

DEBUG = False
if env("OTP_DEMO_BYPASS").strip() and env_bool("OTP_DEMO_BYPASS"):
    raise ImproperlyConfigured(
        "OTP_DEMO_BYPASS is for make run's demo users; production needs the "
        "second factor for staff. Unset it."
    )
OTP_DEMO_BYPASS = False
if SECRET_KEY.startswith("dev-"):  # noqa: F405
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
if ID_HASH_KEY.startswith("dev-") or ID_ENCRYPTION_KEY.startswith("dev-"):  # noqa: F405
    raise ImproperlyConfigured(
        "ID_HASH_KEY and ID_ENCRYPTION_KEY must be set in production."
    )
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
