"""SafeVillage settings, read from the environment (see .env.example for every variable).

Defaults are the safe ones: DEBUG is off, and without DEBUG the process refuses to start
without a strong SECRET_KEY or with ALLOWED_HOSTS=* (core/production.py). ``make run`` sets
the development values explicitly.
"""

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor  # type: ignore[import-untyped]

from safevillage.core.env import env_bool, env_int, env_list, env_str
from safevillage.core.production import require_named_hosts, require_strong_secret_key

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not DEBUG:
    require_strong_secret_key(SECRET_KEY)
elif not SECRET_KEY:
    SECRET_KEY = "development-only-key-never-use-in-production"  # noqa: S105  # nosec B105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG:
    require_named_hosts(ALLOWED_HOSTS)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "safevillage.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_htmx",
    "axes",
    "django_q",
    "safevillage.core",
    "safevillage.places",
    "safevillage.accounts",
    "safevillage.audit",
    "safevillage.policy",
    "safevillage.incidents",
    "safevillage.public",
    "safevillage.reports",
    "safevillage.safety",
    "safevillage.ranking",
    "safevillage.integrity",
    "safevillage.charts",
    "safevillage.awards",
    "safevillage.api",
    "safevillage.jobs",
    "safevillage.posts",
    "safevillage.training",
    "safevillage.pilots",
    "safevillage.forums",
    "safevillage.disputes",
    "safevillage.maps",
    "safevillage.portal",
    "safevillage.exports",
    "safevillage.referrals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "safevillage.core.diskfull.DiskFullMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so that static files keep their long caching.
    "safevillage.core.security_headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safevillage.core.middleware.KhmerFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The public portal reads no session: its pages are the same for everyone (portal/middleware.py).
    "safevillage.portal.middleware.PublicPortalMiddleware",
    # Text that is not UTF-8 refused, a body too large answered, before the CSRF check (a
    # view step) or any form reads them; after the language and the user, for its page.
    "safevillage.core.request_text.RequestTextMiddleware",
    "safevillage.api.empty_params.EmptyQueryParameterMiddleware",
    "safevillage.accounts.middleware.SessionTimeoutMiddleware",
    "safevillage.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safevillage.urls"
# Widgets render through the project's templates, so that a widget of ours (the day/month/year
# date boxes, templates/widgets/) sits with the pages it is drawn on.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "safevillage.wsgi.application"

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
                "safevillage.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite by default (WAL, and IMMEDIATE transactions so that concurrent writers queue on
# the database lock instead of failing when a read lock is upgraded); DATABASE_URL=postgres://…
# switches to PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'var' / 'safevillage.sqlite3'}")
if DATABASE_URL.startswith("sqlite"):
    (PROJECT_DIR / "var").mkdir(exist_ok=True)
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))
_SQLITE_OPTIONS = {
    # synchronous=FULL: a record acknowledged to a citizen or a device survives a power cut
    # too (NORMAL would only survive a crash of the process).
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept as on PostgreSQL (DB_CONN_MAX_AGE): a new one per request would
    # read the schema and run the pragmas again, about a millisecond each time.
    _db["OPTIONS"] = dict(_SQLITE_OPTIONS)
    # A file, not memory: concurrency tests need several connections to one database.
    _db["TEST"] = {"NAME": str(PROJECT_DIR / "var" / "test.sqlite3")}
if env_str("DATABASE_TEST_NAME"):
    _db.setdefault("TEST", {})["NAME"] = env_str("DATABASE_TEST_NAME")


# The Rapid Response Team referrals live in a database of their own (referrals/router.py,
# docs/decisions/0012-referrals-stored-apart.md): a copy, a backup or an SQL session of the
# police database holds none of them. SQLite: a second file beside the main one. PostgreSQL:
# REFERRALS_DATABASE_URL, its own database and role in production; unset, a database named
# <main>_referrals on the same server (development and CI only: the role is then shared).
def _referrals_database() -> dict[str, Any]:
    url = env_str("REFERRALS_DATABASE_URL")
    if not url and _db["ENGINE"] == "django.db.backends.sqlite3":
        main = Path(str(_db["NAME"]))
        url = f"sqlite:///{main.with_name(main.stem + '-referrals' + main.suffix)}"
    if url:
        db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0)))
    else:
        db = {**_db, "NAME": f"{_db['NAME']}_referrals", "TEST": {}}
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["OPTIONS"] = dict(_SQLITE_OPTIONS)
    # The test database sits beside the main one's test database, under a name of its own.
    test_name = str(_db.get("TEST", {}).get("NAME") or "")
    if test_name and db["ENGINE"] == "django.db.backends.sqlite3":
        main_test = Path(test_name)
        db["TEST"] = {"NAME": str(main_test.with_name(main_test.stem + "-referrals" + main_test.suffix))}
    elif test_name:
        db["TEST"] = {"NAME": f"{test_name}_referrals"}
    return db


DATABASES = {"default": _db, "referrals": _referrals_database()}
DATABASE_ROUTERS = ["safevillage.referrals.router.ReferralsRouter"]
# The register's place index INCLUDEs the id for PostgreSQL's index-only reads (decision 0004).
# SQLite ignores INCLUDE, and its rowid is in every index already: its warning asks nothing.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sign-in -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "phone")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Wrong current passwords on the password-change page before the session ends.
PASSWORD_CHANGE_FAILURE_LIMIT = env_int("PASSWORD_CHANGE_FAILURE_LIMIT", 5, minimum=1)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lockout: five failures for one username from one address lock it for an hour. The pair,
# never the username alone: a stranger elsewhere must not be able to lock an officer out.
# The address is the client's behind the proxy too (NUM_PROXIES), the same one the public
# rate limits count; with the proxy's address every officer would share one.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "safevillage.core.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Axes prints its version at every start, so every manage.py call repeated it (make run: seven times).
AXES_VERBOSE = False

# An officer's session ends after SESSION_IDLE_MINUTES without a request, and in any case
# SESSION_ABSOLUTE_HOURS after sign-in (shared phones at police posts are common).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "km"
LANGUAGES = [("km", _("Khmer")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["safevillage.formats"]
TIME_ZONE = "Asia/Phnom_Penh"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic writes the files and their manifest (make static); the server refuses to
# start with DEBUG off until it has (core/static_manifest.py).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(PROJECT_DIR / "var" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Source maps are fetched only by a browser's developer tools: compressing them (twice each,
# gzip and Brotli) was half of collectstatic's time, for nothing a user downloads.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# --- API ------------------------------------------------------------------------------
# DRF ships AllowAny and no pagination: deny by default and cap every page.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "safevillage.accounts.tokens.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "safevillage.api.pagination.CappedPagination",
    # JSON holding a lone surrogate or nested too deeply: 400s, not 500s; a body that cannot be
    # read is refused in words, never in Python's (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "safevillage.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "safevillage.api.parsers.StrictMultiPartParser",
    ],
    # Every error as RFC 9457 problem details, documented in the schema (api/errors.py).
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "safevillage.api.errors.ProblemAutoSchema",
    "DEFAULT_THROTTLE_RATES": {"receipt": env_str("RECEIPT_THROTTLE", "30/hour")},
    "PAGE_SIZE": 50,
    # Behind a reverse proxy, the number of proxies whose X-Forwarded-For entries are trusted
    # (rate limits key on the client address; an untrusted header could be forged).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0, minimum=0) or None,
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "safevillage.api.errors.ProblemHandler",
    "EXCEPTION_FORMATTER_CLASS": "safevillage.api.errors.ProblemFormatter",
    # The error statuses the schema documents wherever they can occur (the library decides
    # where: 401 with authentication, 429 with a throttle…); 409 and 412 are documented by the
    # views that answer them. 503 is a full disk, possible anywhere (core/diskfull.py).
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "406", "415", "429", "500", "503"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SafeVillage API",
    "DESCRIPTION": "Safe Village-Commune information system: gazetteer, register and reports.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The 400 of every paginated list, documented once (api/openapi_hooks.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "safevillage.api.openapi_hooks.document_bad_page",
    ],
    # The register's choice sets, named once: other serializers have fields called status, kind, unit, channel.
    "ENUM_NAME_OVERRIDES": {
        "IncidentStatusEnum": "safevillage.incidents.models.Status",
        "IncidentChannelEnum": "safevillage.incidents.models.Channel",
        "SeizedItemKindEnum": "safevillage.incidents.models.ItemKind",
        "SeizedItemUnitEnum": "safevillage.incidents.models.Unit",
        "AccountRoleEnum": "safevillage.accounts.roles.Role",
        "IncidentPersonRoleEnum": "safevillage.incidents.models.PersonRole",
        # The awards API lists the values only (api/awards.py): its enums are named by them.
        "AwardKindEnum": ["commune", "officer"],
        "AwardLevelEnum": ["national", "province", "district"],
    },
}

# Rate limits (receipt look-ups, public complaints) count in the cache: with several server
# processes it must be shared, so production sets CACHE_URL=redis://127.0.0.1:6379/0.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {CACHE_URL!r}")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Scheduled jobs (safevillage/jobs, decision 0007) -----------------------------------
# The worker (`manage.py run_worker`) runs django-q2 with its queue in the app database.
# How often each job runs; the schedule is written by the worker at start (jobs/schedule.py).
JOBS_ESCALATE_EVERY_MINUTES = env_int("JOBS_ESCALATE_EVERY_MINUTES", 60, minimum=1)
JOBS_VERIFY_AUDIT_EVERY_MINUTES = env_int("JOBS_VERIFY_AUDIT_EVERY_MINUTES", 24 * 60, minimum=1)
# The referrals' own chain (kept apart, decision 0012): its verdict stays in the referrals database.
JOBS_VERIFY_REFERRALS_EVERY_MINUTES = env_int("JOBS_VERIFY_REFERRALS_EVERY_MINUTES", 24 * 60, minimum=1)
# Reminders of reports due and overdue: each is sent once per place, period and stage, so a
# run only looks for what is new; every 6 hours is soon enough after a period ends.
JOBS_REMIND_REPORTS_EVERY_MINUTES = env_int("JOBS_REMIND_REPORTS_EVERY_MINUTES", 6 * 60, minimum=1)
JOBS_REMOVE_EXPIRED_EXPORTS_EVERY_MINUTES = env_int("JOBS_REMOVE_EXPIRED_EXPORTS_EVERY_MINUTES", 60, minimum=1)
# The communes' safety classification of the last ended quarter (safety/national.py), daily.
JOBS_CLASSIFY_SAFETY_EVERY_MINUTES = env_int("JOBS_CLASSIFY_SAFETY_EVERY_MINUTES", 24 * 60, minimum=1)
# The integrity checks of the last ended quarter (integrity/run.py), daily.
JOBS_INTEGRITY_EVERY_MINUTES = env_int("JOBS_INTEGRITY_EVERY_MINUTES", 24 * 60, minimum=1)
# Planner statistics (core/planner_stats.py): daily; SQLite analyses only the tables that grew.
JOBS_STATISTICS_EVERY_MINUTES = env_int("JOBS_STATISTICS_EVERY_MINUTES", 24 * 60, minimum=1)
# The portal's publications of the periods most read (portal/trend.py), computed again before
# the cached ones expire (PORTAL_REFRESH_SECONDS, below): keep it shorter than that.
JOBS_PORTAL_EVERY_MINUTES = env_int("JOBS_PORTAL_EVERY_MINUTES", 10, minimum=1)
# A run longer than the timeout is stopped; a failed or stopped run is retried `retry` seconds
# after it started (so retry > timeout), at most `max_attempts` times in all.
JOBS_TIMEOUT = env_int("JOBS_TIMEOUT_SECONDS", 1800, minimum=1)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3, minimum=1)
Q_CLUSTER = {
    "name": "safevillage",
    "orm": "default",
    # One job at a time: they are few, and SQLite has one writer.
    "workers": 1,
    "timeout": JOBS_TIMEOUT,
    "retry": env_int("JOBS_RETRY_SECONDS", JOBS_TIMEOUT + 300, minimum=JOBS_TIMEOUT + 1),
    "max_attempts": JOBS_MAX_ATTEMPTS,
    # A worker stopped for a day runs a missed job once, not once per missed interval.
    "catch_up": False,
    # The runs kept for the job runs page (failed runs are kept until deleted).
    "save_limit": 500,
    "poll": 1,
    "label": "Jobs",
}

# --- Exports of the register (safevillage/exports) -------------------------------------
# The worker writes each requested file here; only the person who asked downloads it, through
# the application (never served as a static file), until it expires.
EXPORTS_DIR = Path(env_str("EXPORTS_DIR", str(PROJECT_DIR / "var" / "exports")))
EXPORTS_KEEP_DAYS = env_int("EXPORTS_KEEP_DAYS", 7, minimum=1)

# --- Referrals (safevillage/referrals) ------------------------------------------------
# The key of the pseudonymous client codes (referrals/codes.py): HMAC-SHA256 of a person's
# normalised attributes. Whoever holds it can test a guessed person against a code, so it is
# kept only here (never in either database) and must not change once codes exist (the same
# person would get a new code). With DEBUG off, no code is made without one of at least 32
# characters (referrals/codes.py refuses; ``check --deploy`` says so at start-up).
REFERRALS_CLIENT_KEY = env_str("REFERRALS_CLIENT_KEY")
if not REFERRALS_CLIENT_KEY and DEBUG:
    REFERRALS_CLIENT_KEY = "development-only-client-key"  # nosec B105 (DEBUG only)

# --- Register -------------------------------------------------------------------------
# Days an overdue record stays escalated at one level before it goes to the next (escalate_overdue).
ESCALATION_REPEAT_DAYS = env_int("ESCALATION_REPEAT_DAYS", 7, minimum=1)
# Form and JSON bodies (files aside) over 1 MiB are refused before they are parsed: a record's
# description is capped at 10,000 characters, so no honest submission comes near it.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_BYTES", 1_048_576, minimum=65_536)
# Public complaints accepted per client and hour (DRF rate; the client address is never stored).
COMPLAINT_THROTTLE_RATE = env_str("COMPLAINT_THROTTLE_RATE", "10/hour")

# --- Production hardening (``manage.py check --deploy`` is clean without DEBUG) --------
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's DEBUG records of template variables carry the whole context (names, receipt codes).
    "filters": {"no_template_context": {"()": "safevillage.core.log_filters.DropTemplateDebug"}},
    "loggers": {
        "django.template": {"filters": ["no_template_context"]},
        # Django's own console handler (under DEBUG) and ours on the root both wrote every
        # record of the django logger: runserver said each line twice. The root one is enough.
        # Configuring "django" resets its children, so runserver's request log is set again
        # as Django sets it (its own format, with the time).
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# The public portal (portal/): how long a shared cache may keep a page or a download, and how
# long a process keeps a period's publication before computing it again.
PORTAL_MAX_AGE = env_int("PORTAL_MAX_AGE", 300, minimum=0)
PORTAL_REFRESH_SECONDS = env_int("PORTAL_REFRESH_SECONDS", 900, minimum=1)
