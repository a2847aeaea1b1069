"""Settings shared by every environment. Environment variables: see env.py."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from .env import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = (BASE_DIR / env("VAR_DIR")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "csp",
    "portal",
    "catalog",
    "evidence",
    "applications",
    "workflow",
]

MIDDLEWARE = [
    "portal.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.middleware.RejectNulPathMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL").replace("sqlite:///var/", f"sqlite:///{VAR_DIR}/"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # make run's embedded database is shared by web, worker and beat: take the
    # write lock at BEGIN (and wait for it) instead of failing with "database is
    # locked" when two deferred transactions both try to write; WAL lets reads
    # go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT") or VAR_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
    },
}
# Fonts for PDFs and the browser: vendored so a fresh machine renders Chinese.
CJK_FONT_PATH = BASE_DIR / "static" / "fonts" / "DroidSansFallbackFull.ttf"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
CATALOG_IMPORT_MAX_BYTES = int(env("CATALOG_IMPORT_MAX_BYTES"))
# One uploaded material file (applications.uploads checks it by size first).
APPLICATION_UPLOAD_MAX_BYTES = int(env("APPLICATION_UPLOAD_MAX_BYTES"))
ID_HASH_KEY = env("ID_HASH_KEY")
ID_ENCRYPTION_KEY = env("ID_ENCRYPTION_KEY")
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS")
# Local practice (not statute): the one-time notice gives this many working days.
SUPPLEMENT_DUE_WORKING_DAYS = int(env("SUPPLEMENT_DUE_WORKING_DAYS"))
# X-Forwarded-For hops to trust (portal.request_context.client_ip, DRF throttles).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT"))
# Parallel audit hash chains (portal.audit); only ever raise it.
AUDIT_CHAINS = 8

EMAIL_BACKEND = env("EMAIL_BACKEND")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
# A send holds the outbox row's lock, so it must not hang (seconds).
EMAIL_TIMEOUT = 30
# Notifications (applications.notifications, applications.services.notify).
SMS_BACKEND = env("SMS_BACKEND")
NOTIFY_FILE_DIR = Path(env("NOTIFY_FILE_DIR") or VAR_DIR / "notify")
NOTIFY_MAX_ATTEMPTS = int(env("NOTIFY_MAX_ATTEMPTS"))
NOTIFY_RETRY_MAX_MINUTES = 60  # backoff 1, 2, 4 ... minutes, capped here
# Seconds a process collects outbox ids before it queues one send task for
# them (applications.outbox_publisher); 0 queues each commit's at once.
NOTIFY_PUBLISH_LINGER = 0.05

# --- Redis / Celery -------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    # Embedded fallback: no services needed. The filesystem transport lets the
    # web process, the worker and beat share one queue through a folder.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "catalog-apply-effective-dates": {
        "task": "catalog.tasks.apply_effective_dates",
        "schedule": 300.0,
    },
    "applications-send-outbox": {
        "task": "applications.tasks.sweep_outbox",
        "schedule": 60.0,
    },
}

# --- DRF ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Without it DRF keys throttles on the whole client-written X-Forwarded-For.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "甘孜州政务服务平台 API",
    "DESCRIPTION": "Ganzi Prefecture government service portal: catalog, applications.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # validatorUrl None: Swagger UI would otherwise call validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One schema name per choice set, whatever the field is called.
    "ENUM_NAME_OVERRIDES": {
        "AuthorityLevelEnum": "catalog.constants.AuthorityLevel",
        "BodyNatureEnum": "catalog.constants.BodyNature",
        "ItemTypeEnum": "catalog.constants.ItemType",
        "LimitUnitEnum": "catalog.constants.LimitUnit",
        "MaterialFormEnum": "catalog.constants.MaterialForm",
        "MaterialMediumEnum": "catalog.constants.MaterialMedium",
        "MaterialNecessityEnum": "catalog.constants.MaterialNecessity",
        "MaterialSourceEnum": "catalog.constants.MaterialSource",
        "OnlineDepthEnum": "catalog.constants.OnlineDepth",
        "RegionLevelEnum": "catalog.constants.RegionLevel",
        "ThemeAudienceEnum": "catalog.constants.ThemeAudience",
        "VersionStatusEnum": "catalog.constants.VersionStatus",
        "VarianceFieldEnum": "catalog.api.serializers.variance_field_choices",
        "ApplicationStatusEnum": "applications.constants.ApplicationStatus",
        "ProvisionEnum": "applications.constants.Provision",
    },
}

# --- Content-Security-Policy (django-csp) ----------------------------------
# Every page's CSS and JS are static files of this site: no inline <style>,
# <script> body, style="" or on*="" attribute anywhere (tests/qa/test_csp.py
# greps templates/ for them), so nothing needs 'unsafe-inline' or a nonce.
# connect-src, worker-src, frame-src, manifest-src fall back to default-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Added (csp_update, portal/urls.py) to the two vendored API documentation
# pages only, for what their libraries do and the site never does:
# Swagger UI draws its icons as data: SVG images.
CSP_SWAGGER_UI_UPDATE = {"img-src": ["data:"]}
# Redoc draws data: SVG icons, runs its search in a blob: worker and injects
# <style> elements: styled-components' carry this response's nonce (read by
# templates/drf_spectacular/redoc.html); the two its bundle adds before it
# knows the nonce are allowed by hash (perfect-scrollbar's CSS and an empty
# sheet: exactly those texts, so a sidecar upgrade shows up in tests/e2e).
CSP_REDOC_UPDATE = {
    "img-src": ["data:"],
    "worker-src": ["blob:"],
    "style-src": [
        NONCE,
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    ],
}

# --- django-axes: lockout after repeated failed logins ----------------------
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"

# --- guardian ---------------------------------------------------------------
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
}

# Halls and township service points sit behind one NAT address each, so axes
# locks by user name, not by IP (an IP lock would shut a whole hall out).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_VERBOSE = False
