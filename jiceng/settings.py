"""Settings come from the environment; the defaults run the embedded demo.

Production (DEBUG off) refuses to start with the demo secret key.
"""
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEMO_SECRET_KEY = "jiceng-demo-secret-key-not-for-production-use-0123456789"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or DEMO_SECRET_KEY  # set but blank counts as unset
if not DEBUG and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off: the demo key is public.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' scripts locally instead of from a CDN
    "kernel.core",
    "kernel.orgs",
    "kernel.people",
    "kernel.accounts",
    "tools.demo",
    "tools.dataio",
    "kernel.jobs",
    "tools.exports",
    "engines.standards",
    "mechanisms.campaigns",
    "engines.duties",
    "mechanisms.orglife",
    "mechanisms.reporting",
    "mechanisms.liaison",
    "engines.workflows",
    "mechanisms.development",
    "mechanisms.grading",
    "mechanisms.firstsec",
    "mechanisms.selection",
    "mechanisms.elections",
    "mechanisms.deliberation",
    "mechanisms.membership",
    "mechanisms.terms",
    "mechanisms.representatives",
    "mechanisms.goals",
    "mechanisms.letters",
    "mechanisms.classes",
    "mechanisms.economy",
    "mechanisms.funds",
    "mechanisms.reserve",
    "mechanisms.staffing",
    "mechanisms.care",
    "mechanisms.cadrestats",
    "mechanisms.workreport",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kernel.core.middleware.UploadLimit",  # before anything reads the body (the CSRF check reads the form)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kernel.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kernel.core.middleware.RequestContextMiddleware",
    "kernel.core.middleware.ScopeGuard",  # a view that declares no scope is not run (kernel/core/checks.py)
]

ROOT_URLCONF = "jiceng.urls"

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
                "kernel.core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "jiceng.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytical queries, not for a page's short ones, where it
    # added 50-125 ms to counts over millions of rows (bench/RESULTS.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's own list, then the cheaper hash of generated one-time passwords (accounts/hashers.py).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "kernel.accounts.hashers.OneTimePasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock an account name out after this many failed logins within the window.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
# Failed logins from one address over any usernames before that address is refused for the window; and how many
# reverse proxies stand in front (nginx: 1), whose X-Forwarded-For entries say the client's address.
LOGIN_ADDRESS_LIMIT = int(os.environ.get("LOGIN_ADDRESS_LIMIT", "30"))
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end packages come from npm (package.json); only their dist folders are served.
NODE_MODULES = BASE_DIR / "node_modules"
for prefix, folder in [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]:
    if folder.exists():
        STATICFILES_DIRS.append((prefix, folder))
STORAGES = {
    # Uploads, job inputs and results. Several servers and workers share no disk: FILE_STORAGE=
    # kernel.core.dbstorage.DatabaseStorage keeps the files in PostgreSQL (or storages.backends.s3.S3Storage, an
    # S3-compatible store through django-storages); the code goes through the storage API only.
    "default": {"BACKEND": os.environ.get("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Uploads (pages and API alike): the most one request may send, refused from its Content-Length before a byte of
# the body is read (kernel.core.middleware.UploadLimit; Django reads no body that has no length); then what a sheet may
# hold, checked while it is read (kernel.core.excel.ReadLimits).
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "200"))
IMPORT_MAX_CELL_CHARS = int(os.environ.get("IMPORT_MAX_CELL_CHARS", "32767"))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(256 * 1024 * 1024)))
# A file with more errors than this is refused as soon as they are found (the rest is not read): the first ones show
# what to mend, and a hostile file's errors cannot fill the memory.
IMPORT_MAX_ERRORS = int(os.environ.get("IMPORT_MAX_ERRORS", "2000"))

# The cache: each process's own memory by default; with several app servers, one Redis for all (CACHE_URL,
# redis://host:port/db), so that a change made through one server refreshes the user's home panels on every other.
# The home page's panels are kept HOME_PANEL_SECONDS per user (0: read on every visit).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
          if CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
HOME_PANEL_SECONDS = int(os.environ.get("HOME_PANEL_SECONDS", "120"))

# Background jobs: a broker in production; in the embedded default they run in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL" not in os.environ)
CELERY_TASK_EAGER_PROPAGATES = True
# The daily run (kernel.core.daily: obligations' states and reminders, workflow deadlines, ended terms) where a worker
# and `celery beat` run; without them, cron runs `manage.py daily` once a day.
CORE_DAILY_AT = os.environ.get("JICENG_DAILY_AT", "01:30")
CELERY_BEAT_SCHEDULE = {
    "daily": {"task": "kernel.core.daily", "schedule": crontab(hour=int(CORE_DAILY_AT.split(":")[0]),
                                                       minute=int(CORE_DAILY_AT.split(":")[1]))},
    "fail-stale-jobs": {"task": "jobs.fail_stale", "schedule": 15.0},
}
# One worker process takes one task at a time, and a task is acknowledged once done: a worker killed mid-job leaves
# its task to the broker, and the job's heartbeat stops (the runner never runs a job twice).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
# How jobs run: "celery" (a worker, when a broker is configured), "thread" (in the web process), "inline" (tests).
JOBS_MODE = os.environ.get("JOBS_MODE", "celery" if "CELERY_BROKER_URL" in os.environ else "thread")
JOBS_THREADS = int(os.environ.get("JOBS_THREADS", "2"))
JOBS_PROGRESS_SECONDS = 1.0
# A running job's worker writes a heartbeat at least this often; one not heard from for JOBS_STALE_SECONDS died and
# is failed (when anyone looks at jobs, and every JOBS_STALE_CHECK_SECONDS by celery beat): within a minute.
JOBS_HEARTBEAT_SECONDS = 10
JOBS_STALE_SECONDS = int(os.environ.get("JOBS_STALE_SECONDS", "40"))
JOBS_STALE_CHECK_SECONDS = 15
# Exports up to this many rows download at once; bigger ones run as a job.
EXPORT_DIRECT_MAX_ROWS = 5000

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    # collectstatic: source maps (only a browser's developer tools fetch them) are not compressed, and only the
    # hashed copies, which the pages link, are kept: 5 times less compression work (README, Deployment).
    from whitenoise.compress import Compressor

    WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
    WHITENOISE_KEEP_ONLY_HASHED_FILES = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"jiceng.sensitive": {"handlers": ["console"], "level": "INFO"}},
}
if not DEBUG:  # a server error's traceback goes to the application server's log (Django's default mails it)
    LOGGING["loggers"]["django.request"] = {"handlers": ["console"], "level": "ERROR"}

# Members listed per page.
PAGE_SIZE = 50
SCOPE_RESOLVER = "kernel.accounts.scope.scope_for"
# (role code, organization path) of each grant a user holds: the navigation's entries for some roles only.
ROLE_GRANTS_RESOLVER = "kernel.accounts.scope.role_grants"
