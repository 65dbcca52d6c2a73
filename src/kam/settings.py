"""Settings, all read from KAM_* environment variables (see README "Configuration")."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


class HomeUnusable(ImproperlyConfigured):
    """KAM_HOME is missing and cannot be created, or cannot be written; `kam` reports it."""

    def __init__(self, home: Path, reason: str) -> None:
        super().__init__(f"{home}: {reason}")
        self.home = home
        self.reason = reason


def _home() -> Path:
    """KAM_HOME, created private (0700) when missing; it must be a directory kam can write."""
    home = Path(os.environ.get("KAM_HOME") or PROJECT_DIR / "var").resolve()
    if home.exists() and not home.is_dir():
        raise HomeUnusable(home, os.strerror(errno.ENOTDIR))
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise HomeUnusable(home, error.strerror or str(error)) from error
    # access(2) refuses a read-only mount even to root, who passes any mode bits.
    if not os.access(home, os.W_OK | os.X_OK):
        read_only = os.statvfs(home).f_flag & os.ST_RDONLY
        raise HomeUnusable(home, os.strerror(errno.EROFS if read_only else errno.EACCES))
    return home


def _private_file(path: Path) -> None:
    """Create `path` empty and readable by its owner only (0600), unless it exists."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


KAM_HOME = _home()

DEBUG = _env_bool("KAM_DEBUG", False)
# HTTPS is on in the production profile; `make run` serves plain HTTP on loopback.
HTTPS = _env_bool("KAM_HTTPS", not DEBUG)


def _secret_key() -> str:
    """The environment's key, else one generated once and kept under KAM_HOME."""
    if key := os.environ.get("KAM_SECRET_KEY"):
        return key
    path = KAM_HOME / "secret_key"
    if not path.exists():
        # Created 0600 before the key is written: no moment where others may read it.
        _private_file(path)
        path.write_text(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _env_list("KAM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("KAM_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "kam.core",
    "kam.org",
    "kam.accounts",
    "kam.alerts",
    "kam.ledger",
    "kam.portfolio",
    "kam.relationships",
    "kam.engagement",
    "kam.risk",
    "kam.ops",
    "kam.web",
    "kam.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kam.org.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kam.web.middleware.ContentSecurityPolicyMiddleware",
    "kam.web.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "kam.urls"
WSGI_APPLICATION = "kam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kam.web.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("KAM_DATABASE_URL") or f"sqlite:///{KAM_HOME / 'kam.sqlite3'}",
        conn_max_age=int(os.environ.get("KAM_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite gives the -wal and -shm files the database file's mode: creating it 0600 here
    # keeps all three private to kam's user.
    if not str(DATABASES["default"]["NAME"]).startswith((":memory:", "file:")):
        _private_file(Path(DATABASES["default"]["NAME"]))
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# How long a web request waits for the SQLite write lock (an import's merge) before it
# answers 503 "busy" with Retry-After; the worker and the CLI keep the 10 s above.
KAM_WEB_BUSY_TIMEOUT_MS = int(os.environ.get("KAM_WEB_BUSY_TIMEOUT_MS", "1500"))
# Where SQLite keeps an import's stage (the connection's temporary database, deleted by
# SQLite itself): beside the data rather than in a small /tmp.
KAM_STAGING_DIR = Path(os.environ.get("KAM_STAGING_DIR") or KAM_HOME / "staging")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    KAM_STAGING_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SQLITE_TMPDIR", str(KAM_STAGING_DIR))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


def _redis_url(name: str, value: str) -> str:
    """A Redis address (redis://, rediss:// or unix://), else ImproperlyConfigured."""
    if value.split("://", 1)[0] not in {"redis", "rediss", "unix"} or "://" not in value:
        raise ImproperlyConfigured(f"{name} must be a redis:// address, not {value!r}")
    return value


# Background jobs move to Redis (the tasks framework's RQ backend) when this is set.
QUEUE_URL = os.environ.get("KAM_QUEUE_URL", "").strip()
if QUEUE_URL:
    _redis_url("KAM_QUEUE_URL", QUEUE_URL)
# The cache holds import progress (and whatever else several processes must see): the file
# cache under KAM_HOME is shared by the processes of one machine; several machines need Redis,
# which is the queue's by default (docs/scale.md).
CACHE_URL = os.environ.get("KAM_CACHE_URL", "").strip() or QUEUE_URL
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url("KAM_CACHE_URL", CACHE_URL),
            # Keeps kam's keys apart from the queue's (rq:*) in a shared Redis database.
            "KEY_PREFIX": "kam",
        }
    }
else:
    CACHES = {
        "default": {
            # Shared by every server process on one home (import progress); the sign-in limit
            # counts in the database instead, so it holds across machines too.
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(KAM_HOME / "cache"),
        }
    }

LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
# The CLI's language and the pages' default (each user's own choice wins on the pages).
LANGUAGE_CODE = os.environ.get("KAM_LANGUAGE", "en").strip().lower() or "en"
if LANGUAGE_CODE not in {code for code, _name in LANGUAGES}:
    raise ImproperlyConfigured(
        f"KAM_LANGUAGE must be one of {', '.join(code for code, _name in LANGUAGES)}, "
        f"not {LANGUAGE_CODE!r}"
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("KAM_TIME_ZONE", "Asia/Shanghai")
# The domain of the calendar events' UIDs (activity-<id>@domain); empty: the first host of
# ALLOWED_HOSTS. Set it once: a changed UID is a new event to every subscribed calendar.
CALENDAR_DOMAIN = os.environ.get("KAM_CALENDAR_DOMAIN", "").strip()
USE_I18N = True
# Numbers grouped by thousands with a comma in both languages (kam/core/formats explains why);
# templates group explicitly (kam_money filters, floatformat "g"), never every integer: an id
# or a year printed as 2,026 would be wrong.
FORMAT_MODULE_PATH = ["kam.core.formats"]
USE_THOUSAND_SEPARATOR = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = KAM_HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = KAM_HOME / "media"

SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kam.web.errors.csrf_failure_view"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("KAM_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("KAM_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # KAM_SSL_REDIRECT=false says the proxy in front redirects plain HTTP: Django's warning
    # about it would fail `kam check --deploy` for a deliberate set-up (docs/operations.md).
    if not SECURE_SSL_REDIRECT:
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

# Background jobs, run by `kam worker`: the tasks framework's database backend, or with
# KAM_QUEUE_URL its RQ backend on Redis (django-tasks-rq; docs/scale.md).
if QUEUE_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # No time limit, as on the database backend: a large import runs as long as it needs.
    RQ_QUEUES = {"default": {"URL": QUEUE_URL, "DEFAULT_TIMEOUT": -1}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Sessions live in the database, so every server on it knows every signed-in user.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Uploads wait here for the worker: with workers on other machines, shared storage.
KAM_UPLOAD_DIR = Path(os.environ.get("KAM_UPLOAD_DIR") or KAM_HOME / "uploads")
KAM_MAX_UPLOAD_BYTES = int(os.environ.get("KAM_MAX_UPLOAD_MB", "2048")) * 1024 * 1024
# A failed or rejected import keeps its upload (and error report) this many days.
KAM_FAILED_UPLOAD_RETENTION_DAYS = int(os.environ.get("KAM_FAILED_UPLOAD_RETENTION_DAYS", "7"))

# Worker liveness (kam.core.workers): each worker beats every few seconds; one silent for
# KAM_WORKER_STALE_SECONDS has stopped, and the jobs it was running are failed.
KAM_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("KAM_WORKER_HEARTBEAT_SECONDS", "5"))
KAM_WORKER_STALE_SECONDS = float(os.environ.get("KAM_WORKER_STALE_SECONDS", "45"))
# /healthz answers 503 when the oldest queued job waited longer, or a periodic job is this late.
KAM_HEALTH_QUEUE_WAIT_SECONDS = int(os.environ.get("KAM_HEALTH_QUEUE_WAIT_SECONDS", "900"))
KAM_HEALTH_SCHEDULE_LATE_SECONDS = int(os.environ.get("KAM_HEALTH_SCHEDULE_LATE_SECONDS", "900"))

KAM_BASE_CURRENCY = os.environ.get("KAM_BASE_CURRENCY", "CNY")
# The supplier's name, as the public survey form shows it to the customer's contacts.
KAM_COMPANY_NAME = os.environ.get("KAM_COMPANY_NAME", "").strip()

# Login rate limit: failed attempts per user name and client address in the window.
KAM_LOGIN_MAX_FAILURES = int(os.environ.get("KAM_LOGIN_MAX_FAILURES", "5"))
KAM_LOGIN_WINDOW_SECONDS = int(os.environ.get("KAM_LOGIN_WINDOW_SECONDS", "900"))
# Across user names from one address (password spraying); higher, for offices behind one NAT.
KAM_LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("KAM_LOGIN_MAX_FAILURES_PER_ADDRESS", "30"))

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAM_LOG_LEVEL", "WARNING")},
}
