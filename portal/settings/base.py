"""Settings shared by every environment. Environment variables: see env.py."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.conf.locale import LANG_INFO

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
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "portal",
    "people",
    "catalog",
    "evidence",
    "applications",
    "workflow",
    "supervision",
]

MIDDLEWARE = [
    "portal.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.middleware.RequestLimitsMiddleware",
    "portal.middleware.ServiceUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.i18n.SessionLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.session_policy.SessionPolicyMiddleware",
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
        # A persistent connection is checked before a request reuses it, so
        # the first request after a database restart does not fail.
        conn_health_checks=True,
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
# Each language named in its own script (the switcher shows these). Django has
# no entry for Tibetan: portal.i18n adds it to django.conf.locale.LANG_INFO.
LANGUAGES = [("zh-hans", "简体中文"), ("bo", "བོད་ཡིག"), ("en", "English")]
LANG_INFO["bo"] = {
    "bidi": False,
    "code": "bo",
    "name": "Tibetan",
    "name_local": "བོད་ཡིག",
}
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
TIBETAN_FONT_PATH = BASE_DIR / "static" / "fonts" / "NotoSerifTibetan-Regular.ttf"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The site's name (PDFs, messages, page titles through the context processor)
# and the prefecture whose counties the catalog lists.
SITE_NAME = env("SITE_NAME")
SITE_NAME_EN = env("SITE_NAME_EN")
SITE_NAME_BO = env("SITE_NAME_BO")
PREFECTURE_CODE = env("PREFECTURE_CODE")

CATALOG_IMPORT_MAX_BYTES = int(env("CATALOG_IMPORT_MAX_BYTES"))
# One uploaded material file (applications.uploads checks it by size first).
APPLICATION_UPLOAD_MAX_BYTES = int(env("APPLICATION_UPLOAD_MAX_BYTES"))
# The upload policy (applications.uploads): images over this many pixels are
# refused from their header, before any pixel is decoded; accepted images are
# shown as a copy at most this many pixels a side (the original is kept).
UPLOAD_IMAGE_MAX_PIXELS = 40_000_000
UPLOAD_DISPLAY_MAX_SIDE = 2000
# Request bodies (portal.middleware.RequestLimitsMiddleware): a multipart body
# may carry one file plus 256 KB of fields; any other body is held to
# DATA_UPLOAD_MAX_MEMORY_SIZE. A declared length over these is refused (413)
# before the body is read, on every URL; Django reads no further than the
# declared length, so a body without one (chunked) reads as empty.
REQUEST_BODY_MAX_BYTES = APPLICATION_UPLOAD_MAX_BYTES + 256 * 1024
# Every form's files stop at APPLICATION_UPLOAD_MAX_BYTES as they stream in
# (the middleware parses page forms before any view could install it).
FILE_UPLOAD_HANDLERS = [
    "applications.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Seconds a client is told to wait (Retry-After) while the database is
# unreachable (portal.middleware.ServiceUnavailableMiddleware, API errors).
SERVICE_UNAVAILABLE_RETRY_AFTER = 30
ID_HASH_KEY = env("ID_HASH_KEY")
ID_ENCRYPTION_KEY = env("ID_ENCRYPTION_KEY")
# E-certificates (evidence.signing): the departments' private keys live outside
# the database, in this folder (one <key id>.pem each) or in the environment.
EVIDENCE_KEY_DIR = Path(env("EVIDENCE_KEY_DIR") or VAR_DIR / "evidence-keys")
EVIDENCE_SIGNING_KEYS = env("EVIDENCE_SIGNING_KEYS")
# The public site's address, printed in certificate QR codes (no request there).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL").rstrip("/")
# Local practice (not statute): the one-time notice gives this many working days.
SUPPLEMENT_DUE_WORKING_DAYS = int(env("SUPPLEMENT_DUE_WORKING_DAYS"))
# The latest a clerk may set it to, and the words of a close when it lapsed.
SUPPLEMENT_DUE_MAX_WORKING_DAYS = int(env("SUPPLEMENT_DUE_MAX_WORKING_DAYS"))
# Local practice, not statute ({due}: the notice's stored due date): set the
# prefecture's own wording here.
SUPPLEMENT_LAPSE_WORDING = (
    "申请人未在一次性告知书载明的补正期限（{due}）内补正材料，本次申请办理程序终止；"
    "申请人可以重新提出申请。"
)
# 好差评 (Sichuan practice): a bad rating's rectification is due in this many
# working days; complaints are answered within their own limit. Warnings go
# out this many working days before each due day.
RECTIFICATION_WORKING_DAYS = 15
RECTIFICATION_WARN_DAYS = 3
COMPLAINT_HANDLING_WORKING_DAYS = 10
COMPLAINT_WARN_DAYS = 2
# X-Forwarded-For hops to trust (portal.request_context.client_ip, DRF throttles).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT"))
# Parallel audit hash chains (portal.audit); only ever raise it.
AUDIT_CHAINS = 8

# Unset, neither backend writes a message's text anywhere (it carries the
# tracking query code); development writes files instead (dev.py).
EMAIL_BACKEND = env("EMAIL_BACKEND") or "people.outbox.mail.ConsoleEmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
# A send must end well within its lease (NOTIFY_SEND_LEASE_SECONDS, seconds).
EMAIL_TIMEOUT = 30
# The outbox (people.outbox, people.services.outbox): backends, publisher,
# send and sweep.
SMS_BACKEND = env("SMS_BACKEND") or "people.outbox.backends.ConsoleSmsBackend"
NOTIFY_FILE_DIR = Path(env("NOTIFY_FILE_DIR") or VAR_DIR / "notify")
NOTIFY_MAX_ATTEMPTS = int(env("NOTIFY_MAX_ATTEMPTS"))
NOTIFY_RETRY_MAX_MINUTES = 60  # backoff 1, 2, 4 ... minutes, capped here
# An attempt is recorded before the backend is called and keeps the row from
# other senders this long; a sender that died is retried after it (seconds;
# longer than any backend's own timeout).
NOTIFY_SEND_LEASE_SECONDS = 120
# The beat sweep (every 60 s) sends batches of this many until nothing is due
# or this many seconds are spent.
NOTIFY_SWEEP_BATCH = 100
NOTIFY_SWEEP_BUDGET_SECONDS = 45
# Seconds a process collects outbox ids before it queues one send task for
# them (people.outbox.publisher); 0 queues each commit's at once.
NOTIFY_PUBLISH_LINGER = 0.05

# --- Redis / Celery -------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Only throttles count here; an outage must not hang a request
            # (applications.throttling lets it through when Redis is down).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
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
    # Durable deadlines (portal.clocks, docs/adr/0009): rows, polled each minute.
    "portal-sweep-deadlines": {
        "task": "portal.tasks.sweep_deadlines",
        "schedule": 60.0,
    },
    # Supervision figures (docs/adr/0010): the audit feed after each chain's cursor.
    "supervision-refresh-figures": {
        "task": "supervision.tasks.refresh_figures",
        "schedule": 60.0,
    },
    "people-sweep-outbox": {
        "task": "people.tasks.sweep_outbox",
        "schedule": 60.0,
    },
    # Timers acting as the system actor on stored dates (applications.timers).
    "applications-deem-accepted": {
        "task": "applications.tasks.deem_overdue_acceptances",
        "schedule": 300.0,
    },
    "applications-close-lapsed-supplements": {
        "task": "applications.tasks.close_lapsed_supplements",
        "schedule": 300.0,
    },
    # A certificate past its valid_until becomes expired (evidence.services).
    "evidence-expire-certificates": {
        "task": "evidence.tasks.expire_certificates",
        "schedule": 3600.0,
    },
}

# --- DRF ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.ApiTokenAuthentication",
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
    "TITLE": f"{SITE_NAME} API",
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
        "TaskStateEnum": "workflow.constants.TaskState",
        "TaskInboxStateEnum": "workflow.api.serializers.INBOX_STATES",
        "CaseStateEnum": "workflow.constants.CaseState",
        "StageStateEnum": "workflow.constants.StageState",
        "ExtensionStateEnum": "workflow.constants.ExtensionState",
        "OpinionOutcomeEnum": "workflow.constants.OpinionOutcome",
        "ClockStateEnum": "portal.models.clocks.ClockState",
        "ClockSegmentStateEnum": "portal.models.clocks.SegmentState",
        "SuspensionReasonEnum": "portal.models.clocks.SuspensionReason",
        "ServedPartyEnum": "catalog.constants.ServedParty",
        "CertificateStatusEnum": "evidence.constants.CertificateStatus",
        "OrderStateEnum": "supervision.constants.OrderState",
        "OrderEventKindEnum": "supervision.constants.OrderEventKind",
        "CardColourEnum": "workflow.constants.CardColour",
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

# --- Login lockout (portal.lockout, on django-axes) ---------------------------
# One user name from one address: LOGIN_FAILURE_LIMIT failures lock that pair
# (a stranger elsewhere cannot lock a clerk out). One address across user names
# (password spraying): LOGIN_ADDRESS_FAILURE_LIMIT, high because a hall or
# township point sits behind one NAT address. A failure counts for
# LOGIN_LOCKOUT_MINUTES after the last one; a success clears the pair's.
LOGIN_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(env("LOGIN_ADDRESS_FAILURE_LIMIT"))
LOGIN_LOCKOUT_MINUTES = int(env("LOGIN_LOCKOUT_MINUTES"))
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "portal.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "portal.request_context.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Tries while locked are refused but not counted: the owner's right password
# during a lock does not prolong it, and Retry-After stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

# --- Second factor (portal.twofactor, on django-otp) ---------------------------
# Staff (portal.roles.STAFF_ROLES, is_staff, superusers) must give a TOTP code
# or a recovery code after the password; others may opt in.
OTP_TOTP_ISSUER = "甘孜州政务服务网"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_RECOVERY_CODES = 10
# Seconds between the password step and the code step.
LOGIN_PENDING_SECONDS = 300
_otp_bypass = env("OTP_DEMO_BYPASS").strip()
OTP_DEMO_BYPASS = env_bool("OTP_DEMO_BYPASS") if _otp_bypass else DEBUG

# --- SMS one-time codes (people.services.otp_codes) ----------------------------
# Password reset and agent authorisation codes: only a keyed hash is stored.
ONE_TIME_CODE_MINUTES = int(env("ONE_TIME_CODE_MINUTES"))
OTP_MAX_ATTEMPTS = 5  # wrong guesses before a code dies
OTP_RESEND_SECONDS = 60  # between two codes to one phone
OTP_PHONE_LIMIT = 5  # codes to one phone an hour
OTP_ADDRESS_LIMIT = 30  # codes requested from one address an hour (NAT halls)
OTP_VERIFY_ADDRESS_LIMIT = 20  # wrong codes from one address per window
OTP_VERIFY_WINDOW_SECONDS = 900
# Online registration: per client address (applications.throttling).
REGISTER_RATE = env("REGISTER_RATE")
# Agent authorisations come into force only by the citizen, for at most this long.
AGENT_AUTHORIZATION_MAX_DAYS = int(env("AGENT_AUTHORIZATION_MAX_DAYS"))

# --- Sessions and API tokens that end (portal.session_policy, portal.tokens) --
SESSION_STAFF_IDLE = timedelta(minutes=int(env("SESSION_STAFF_IDLE_MINUTES")))
SESSION_STAFF_MAX_AGE = timedelta(hours=int(env("SESSION_STAFF_MAX_HOURS")))
SESSION_CITIZEN_IDLE = timedelta(minutes=int(env("SESSION_CITIZEN_IDLE_MINUTES")))
SESSION_CITIZEN_MAX_AGE = timedelta(hours=int(env("SESSION_CITIZEN_MAX_HOURS")))
# The cookie never outlives the longest session; the server checks the rest.
SESSION_COOKIE_AGE = int(
    max(SESSION_STAFF_MAX_AGE, SESSION_CITIZEN_MAX_AGE).total_seconds()
)
API_TOKEN_STAFF_MAX_AGE = timedelta(hours=int(env("API_TOKEN_STAFF_MAX_HOURS")))
API_TOKEN_CITIZEN_MAX_AGE = timedelta(hours=int(env("API_TOKEN_CITIZEN_MAX_HOURS")))
KNOX_TOKEN_MODEL = "portal.ApiToken"
# knox's own migrations would create a table for its AuthToken although it is
# swapped for portal.ApiToken (they predate the swappable setting): an orphan
# with a foreign key to users that blocks flushes. Without migrations the
# swapped model gets no table.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"AUTH_HEADER_PREFIX": "Token", "TOKEN_TTL": SESSION_CITIZEN_IDLE}

# --- guardian ---------------------------------------------------------------
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Every handler carries portal.logging.RedactSecretsFilter: the tracking query
# code (and any password or one-time code) never reaches a log line, whichever
# logger wrote it (tests/portal/test_log_redaction.py walks every handler).
# ADMINS is empty, so dropping Django's mail_admins handler loses no e-mail.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "portal.logging.RedactSecretsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    # Django's own handlers for these two (runserver's request lines, errors
    # with their request) lack the filter: none here, so they reach root's.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
