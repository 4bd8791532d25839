"""Lindungi settings: one env-driven file. See docs/operations.md for every variable."""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


def _secret_key() -> str:
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    # Development fallback: a random key kept beside the checkout, never committed.
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "lindungi.common",
    "lindungi.accounts",
    "lindungi.audit",
    "lindungi.reference",
    "lindungi.registry",
    "lindungi.agencies",
    "lindungi.institutions",
    "lindungi.imports",
    "lindungi.exports",
    "lindungi.placements",
    "lindungi.departures",
    "lindungi.cases",
    "lindungi.returns",
    "lindungi.statistics",
    "lindungi.supervision",
    "lindungi.demo",
    "lindungi.web",
    "lindungi.api",
    "lindungi.ops",
]

MIDDLEWARE = [
    "lindungi.ops.observability.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "lindungi.common.middleware.PrivateResponsesMiddleware",
    "lindungi.api.middleware.JsonApiErrorsMiddleware",
    "lindungi.api.middleware.RejectUnknownQueryParametersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lindungi.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lindungi.common.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lindungi.accounts.middleware.SessionPolicyMiddleware",
    "lindungi.audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
PASSWORD_CHANGE_URL = "web:password-change"

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
            ],
        },
    },
]

# SQLite in WAL mode is the embedded default; DATABASE_URL selects PostgreSQL.
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=600)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A PostgreSQL hot standby for statistics, exports and dashboards (lindungi/common/replica.py). In
# tests it mirrors the primary, so the suite sees one database; the standby tests connect to it
# themselves (lindungi/common/tests/test_replica_standby.py).
_replica_url = env_str("DATABASE_REPLICA_URL", "")
if _replica_url:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL")
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=600)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["lindungi.common.replica.ReplicaRouter"]
REPLICA_READS = env_bool("REPLICA_READS", True)  # false: reports read the primary even with a standby
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 300)
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 10)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lindungi.accounts.passwords.DefaultPatternValidator"},
    {"NAME": "lindungi.accounts.passwords.NotLikeUnitOrCompanyValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# HTTPS. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER to the header it sets (e.g.
# HTTP_X_FORWARDED_PROTO; the value it carries for HTTPS is "https"); see docs/operations.md.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
_proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only this site's own files; no inline script or style, no
# eval, no framing. Vendored libraries (htmx, Pico, Swagger UI) are served from /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest import file accepted (lindungi.imports.files); larger files are refused before parsing.
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 100)
# Receipts of placement costs (lindungi.supervision): PDF, JPEG or PNG up to this size.
COST_RECEIPT_MAX_MB = env_int("COST_RECEIPT_MAX_MB", 5)

# Sign-in throttling (lindungi.accounts.throttle): this many failures within the window block a
# username from one client address, and LOGIN_MAX_FAILURES_PER_ADDRESS block the address, for the window.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 50)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# The client address: REMOTE_ADDR, or this request header set by the reverse proxy (e.g. X-Real-IP).
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "")
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
API_TOKEN_CACHE_SECONDS = env_int("API_TOKEN_CACHE_SECONDS", 30)
# Access-log rows are batched for at most this many seconds (0: write each row at once).
ACCESS_LOG_FLUSH_SECONDS = float(env_str("ACCESS_LOG_FLUSH_SECONDS", "1"))
# Departure credentials: how long a credential is valid after it is issued, and how often a desk is
# told to fetch a new revocation list (its "next_update").
CREDENTIAL_VALID_DAYS = env_int("CREDENTIAL_VALID_DAYS", 30)
CREDENTIAL_REVOCATION_MINUTES = env_int("CREDENTIAL_REVOCATION_MINUTES", 5)
# Signed-in sessions end after this many idle minutes, and in any case after SESSION_MAX_HOURS.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_HOURS", 12) * 3600

# Background workers beat a heartbeat this often; work whose heartbeat is older than
# WORKER_STALE_SECONDS is taken over (manage.py recover_jobs --every 20 runs beside the worker).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 40)

# /readyz answers 503 when the disk holding READYZ_DISK_PATH (default: the project directory, where
# uploads, exports and the SQLite file live) has less than READYZ_MIN_FREE_DISK_MB free.
READYZ_DISK_PATH = env_str("READYZ_DISK_PATH", str(BASE_DIR))
READYZ_MIN_FREE_DISK_MB = env_int("READYZ_MIN_FREE_DISK_MB", 500)

# /metrics (Prometheus) answers only a scraper sending "Authorization: Bearer <METRICS_TOKEN>"
# (or the token read from METRICS_TOKEN_FILE); without a token the route answers 404.
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Shown to the public wherever a company or an offer is not in order (public home, licence check).
MINISTRY_CONTACT = env_str("MINISTRY_CONTACT", "KP2MI/BP2MI 0800-1000")

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Logs go to stderr (journald keeps them). LOG_FORMAT=json (default) writes one JSON object a line
# with the request id; LOG_FORMAT=text is for a developer's terminal. LOG_REQUESTS=false drops the
# one-line-per-request access log ("lindungi.request"), which never holds a path, query or body.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lindungi.ops.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "lindungi.ops.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"lindungi.request": {"level": "INFO" if env_bool("LOG_REQUESTS", True) else "WARNING"},
                "django.request": {"level": "ERROR"}},
}
