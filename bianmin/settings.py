"""One settings module, configured from the environment (see README, "Configuration")."""

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BIANMIN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# The production profile (README, "Security"): HTTPS only behind the documented reverse proxy, HSTS, secure cookies,
# two factors for administrators and directors. Each part can still be set on its own by its variable.
PRODUCTION = env_bool("PRODUCTION", False)
TESTING = "pytest" in sys.modules or "mypy" in sys.modules or env_bool("BIANMIN_TESTING", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or ("bianmin-insecure-development-key-change-me" if DEBUG or TESTING else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")

# Personal data (ID numbers, phones) is encrypted with the first key and indexed with a keyed hash derived from it;
# the other keys still decrypt, until `manage.py rotate_personal_data_key` has re-encrypted everything (README,
# "Security"). PERSONAL_DATA_KEYS is comma-separated, newest first; PERSONAL_DATA_KEY alone still works. With DEBUG
# off a missing or short key is a startup error (bianmin.E010/E011); in development and tests SECRET_KEY serves.
PERSONAL_DATA_KEYS = [
    k.strip()
    for k in (os.environ.get("PERSONAL_DATA_KEYS") or os.environ.get("PERSONAL_DATA_KEY") or "").split(",")
    if k.strip()
] or ([SECRET_KEY] if DEBUG or TESTING else [])
# "fernet" (AES-128-CBC + HMAC-SHA256, blind index HMAC-SHA256) or "sm4" (SM4-CTR + HMAC-SM3, blind index HMAC-SM3).
PERSONAL_DATA_CIPHER = os.environ.get("PERSONAL_DATA_CIPHER", "fernet").strip().lower()

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",  # login lockout per account and per client address (database handler: all processes agree)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes
    "csp",
    "ninja",  # serves the API documentation's Swagger UI from its own static files (no CDN)
    "bianmin.core",
    "bianmin.org",
    "bianmin.catalog",
    "bianmin.cases",
    "bianmin.frontdesk",
    "bianmin.petitions",
    "bianmin.staffing",
    "bianmin.assignments",
    "bianmin.oversight",
    "bianmin.hall",
    "bianmin.reports",
    "bianmin.api",
    "bianmin.notify",
    "bianmin.web",
    "bianmin.bench",
    "bianmin.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bianmin.web.middleware.AccountSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bianmin.urls"

# Every form renders through it: Chinese label colons and select placeholders (bianmin.core.forms.BoundField).
FORM_RENDERER = "bianmin.core.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "bianmin.core.templating.backend.DjangoTemplates",  # Django's, see its docstring
        "NAME": "django",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bianmin.web.context_processors.site",
            ],
            # Static labels translated once per language, URLs reversed and static files looked up once
            # (bianmin.core.templating).
            "libraries": {"i18n": "bianmin.core.templating.i18n", "static": "bianmin.core.templating.static"},
            "builtins": ["bianmin.core.templating.urls"],
        },
    },
]

WSGI_APPLICATION = "bianmin.wsgi.application"

DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'bianmin.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or DEFAULT_SQLITE, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; the timeout waits out a short write lock
    # instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Server-side parameter binding on PostgreSQL: a statement's text is the same whatever its values, so psycopg
# prepares those a connection runs often (after 5 runs) and PostgreSQL plans them once per connection instead of on
# every request (planning the case page's five-table join took 0.8 ms, running it 0.15 ms). Off with
# DATABASE_PREPARED_STATEMENTS=0, e.g. behind PgBouncer in transaction mode.
prepared_statements: dict[str, Any] = (
    {"server_side_binding": True, "prepare_threshold": 5} if env_bool("DATABASE_PREPARED_STATEMENTS", True) else {}
)
# Each run of a prepared statement is still planned for its own values (PostgreSQL's custom plans): a plan made once
# for all values (its generic plan) is chosen on cost estimates alone, and for a LIMIT over a join to a small table
# it walked the whole cases key index, taking the district board from 0.2 ms of SQL to 720 ms at city scale.
# What preparing still saves is parsing and analysis. DATABASE_PLAN_CACHE_MODE=auto restores PostgreSQL's choice.
# A value PostgreSQL does not know is refused at startup (bianmin.core.checks), not left to PostgreSQL's default.
PLAN_CACHE_MODES = ("auto", "force_custom_plan", "force_generic_plan")
DATABASE_PLAN_CACHE_MODE = os.environ.get("DATABASE_PLAN_CACHE_MODE", "force_custom_plan").strip()
if prepared_statements and DATABASE_PLAN_CACHE_MODE in PLAN_CACHE_MODES:
    prepared_statements["options"] = f"-c plan_cache_mode={DATABASE_PLAN_CACHE_MODE}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(prepared_statements)
# Reads by one key whose best plan is the same for every value of it (the public progress page's case by its token, a
# case's own rows, the signed-in user, a clerk's own lists each over its partial index: `CompiledRead(..., keyed=True)`)
# run on a second connection to the same database whose statements are planned once (force_generic_plan): planning
# each run cost PostgreSQL more than running them (the case page's case: 0.85 ms planned and run, 0.14 ms run). One
# more connection per worker; DATABASE_KEYED_CONNECTION=0 runs them on the default connection. Tests use it only where
# they ask for it (BIANMIN_KEYED_READS).
if (
    prepared_statements
    and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and env_bool("DATABASE_KEYED_CONNECTION", True)
):
    DATABASES["keyed"] = {
        **DATABASES["default"],
        "OPTIONS": {**DATABASES["default"]["OPTIONS"], "options": "-c plan_cache_mode=force_generic_plan"},
        "TEST": {"MIRROR": "default"},
    }
BIANMIN_KEYED_READS = "keyed" in DATABASES
# A PostgreSQL streaming replica for reports, dashboards, assessment and exports (bianmin.core.replica): only those
# reads go there, and only while it answers and lags less than BIANMIN_REPLICA_MAX_LAG_SECONDS; the rest, and every
# read inside a write transaction, stays on the primary. Unset: everything on the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES["replica"]["OPTIONS"].update(prepared_statements)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["bianmin.core.replica.ReplicaRouter"]
BIANMIN_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds what every process must agree on: the working calendar's version, the throttle counters of the
# public lookups. Without Redis it is a directory all processes of one machine share (gunicorn's workers, the
# background worker, the scheduler), never per-process memory; several app servers need REDIS_URL.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(VAR_DIR / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "bianmin.web.passwords.NotDemoPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address before any check
    "bianmin.web.passwords.PasswordBackend",  # the model backend, refusing the demo password with DEBUG off
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "org:staff_home"
LOGOUT_REDIRECT_URL = "org:public_home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "bianmin" / "locale"]
# ISO dates first in every locale's input formats: `<input type="date">` accepts nothing else.
FORMAT_MODULE_PATH = ["bianmin.core.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or VAR_DIR / "static")
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from the npm registry (package.json) and are served by the project: no CDN.
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Files browsers ask for at the site root (/favicon.ico), served by WhiteNoise like the static files.
WHITENOISE_ROOT = BASE_DIR / "bianmin" / "web" / "root"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

# Sessions are read from the shared cache and written through to the database (Django's cached_db): a logged-in
# request costs no session query, and a cache flush or restart loses nobody's login.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Sessions: end after this many idle minutes and when the browser closes, unless the user ticked "remember me" at
# login (then the cookie outlives the browser, the idle limit still holds); never last longer than
# SESSION_ABSOLUTE_HOURS after login. bianmin.web.middleware renews the session at most once a minute, not on every
# request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
BIANMIN_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")) * 3600
X_FRAME_OPTIONS = "DENY"

# HTTPS behind the documented reverse proxy (README, "Security"): the proxy terminates TLS and sets
# X-Forwarded-Proto and X-Forwarded-For; TRUSTED_PROXY_COUNT says how many proxies append to X-Forwarded-For.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", PRODUCTION)
if env_bool("PROXY_SSL_HEADER", PRODUCTION) or env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health probe is asked over plain HTTP by the load balancer and the installer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1" if PRODUCTION else "0"))

# Content-Security-Policy, in development too: no inline script, no eval, nothing from other hosts. Inline style
# attributes stay allowed (templates use style="..." for widths and colours; no script can run through them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Logins: lock an account, and separately a client address, after LOGIN_FAILURE_LIMIT failures in a row, for
# LOGIN_LOCKOUT_MINUTES; administrators unlock at /staff/security/lockouts/. Failures are kept in the database.
AXES_ENABLED = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "bianmin.core.http.client_ip"
AXES_LOCKOUT_CALLABLE = "bianmin.web.views.login_locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Two factors (TOTP, recovery codes) for administrators and directors; the production profile turns it on.
BIANMIN_REQUIRE_2FA = env_bool("BIANMIN_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "便民服务中心"
# Public writes (complaints, bookings, home-visit requests, Open311 POST): at most this many per client address and
# per phone number in an hour, counted in the database so that every worker process sees the same count.
BIANMIN_PUBLIC_WRITE_LIMIT = int(os.environ.get("PUBLIC_WRITE_LIMIT", "5"))
BIANMIN_PUBLIC_WRITE_WINDOW_SECONDS = int(os.environ.get("PUBLIC_WRITE_WINDOW_MINUTES", "60")) * 60
# An Open311 client application submits for many citizens: its API key gets a larger allowance.
BIANMIN_PUBLIC_WRITE_LIMITS: dict[str, int] = {"open311": int(os.environ.get("OPEN311_WRITE_LIMIT", "200"))}

# The deployment's default center (an OrgUnit code), used by public pages and Open311 when none is named.
BIANMIN_DEFAULT_CENTER = os.environ.get("BIANMIN_DEFAULT_CENTER", "")
# The demo loader refuses to run with DEBUG off unless this is set (or --force is given).
BIANMIN_ALLOW_DEMO = env_bool("BIANMIN_ALLOW_DEMO", False)
# `manage.py bench --throughput` starts its server with this on: a bare /bench/hello.json view as the framework floor.
BIANMIN_BENCH_HELLO = env_bool("BIANMIN_BENCH_HELLO", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Called, in order, with changed_dates= and actor= when the working calendar changes (e.g. to recompute due
# moments of open cases). Explicit configuration instead of signals.
BIANMIN_CALENDAR_LISTENERS: list[str] = ["bianmin.cases.services.cases_recompute_due"]
# Called after commit with kind="calendar_changed", changed_dates= and actor= when the working calendar changes: the
# hall closes a closed day's slots (cancelling its bookings) and opens a new working day's.
BIANMIN_CALENDAR_EVENT_LISTENERS: list[str] = ["bianmin.hall.services.appointments_follow_calendar"]
# Called after commit with kind= and the facts when staffing records them (unmanned windows, approved leave).
BIANMIN_STAFFING_LISTENERS: list[str] = [
    "bianmin.notify.staffing_listener.on_staffing_event",
    "bianmin.reports.listeners.on_staffing_event",
]
# Called after commit with kind= and appointment= when a booking is made, changed, cancelled or reminded, and with
# visit= when a home visit is requested or its staff are sent.
BIANMIN_HALL_LISTENERS: list[str] = ["bianmin.notify.hall_listener.on_hall_event"]
# Called after commit with kind= and petition= when a letter or visit (来信来访) is given to a handler.
BIANMIN_PETITION_LISTENERS: list[str] = [
    "bianmin.notify.petition_listener.on_petition_event",
    "bianmin.reports.listeners.on_petition_event",
]
# Cards other apps add to the director's case board (cases:director), as template names.
BIANMIN_DIRECTOR_BOARD_PANELS: list[str] = ["assignments/_director_tasks_panel.html"]
# Called after commit with kind= and the facts when cases records them (accepted, supplement requested, completed,
# handed over): the applicant's SMS and the staff's in-app messages (notify); reports marks the month rollups a late
# write touches (so on the other lists below).
BIANMIN_CASE_LISTENERS: list[str] = [
    "bianmin.notify.case_listener.on_case_event",
    "bianmin.reports.listeners.on_case_event",
]
# Called after commit with kind= and the facts when the front desk records them (materials handed over).
BIANMIN_FRONTDESK_LISTENERS: list[str] = [
    "bianmin.notify.handover_listener.on_frontdesk_event",
    "bianmin.reports.listeners.on_frontdesk_event",
]
# Where the public pages are reached from outside (links in text messages), e.g. https://bianmin.example.gov.cn;
# empty: the links carry only the path.
BIANMIN_PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Case reminders (near deadline, overdue) go to the responsible staff in-app; also by SMS when this is on.
BIANMIN_CASE_REMINDER_SMS = env_bool("CASE_REMINDER_SMS", False)
# Called in assignments' transaction with kind= (the message) and the task, the people, a key: tell the staff
# concerned of an assigned task (registered, reported done, returned, due tomorrow, overdue); answers messages sent.
BIANMIN_ASSIGNMENT_LISTENERS: list[str] = ["bianmin.notify.assignment_listener.on_assignment_event"]
# Called after commit with kind= and the facts when oversight records them (bad reviews, assigned complaints,
# rating invitations).
BIANMIN_OVERSIGHT_LISTENERS: list[str] = [
    "bianmin.notify.oversight_listener.on_oversight_event",
    "bianmin.reports.listeners.on_oversight_event",
]
# Records an intake can start from, above cases (the front desk's first-inquiry records, the hall's home visits):
# prefill the applicant, link the record to the case (see bianmin/cases/intake_sources.py).
BIANMIN_INTAKE_SOURCES: list[str] = ["bianmin.frontdesk.intake.INQUIRY_INTAKE", "bianmin.hall.intake.HOME_VISIT_INTAKE"]
# Channels online applications come through, above cases (Open311): what each recorded beside the case, for the
# pre-review pages (see bianmin/cases/channels.py).
BIANMIN_CASE_CHANNELS: list[str] = ["bianmin.api.channel.OPEN311"]
# Extra sections of the public progress page, from apps above cases: dotted callables (request, case) -> HTML.
BIANMIN_PROGRESS_PANELS: list[str] = ["bianmin.oversight.views.rating_panel"]
# Materials still held by a center this many days after receipt count as unaccounted for (§8(3)(5)).
BIANMIN_MATERIAL_HOLD_DAYS = 30

# Background jobs (notify): Django's task framework (django-tasks backport) on the database backend, so the
# embedded default needs no extra server and several workers share the queue through the database.
TASKS = {"default": {"BACKEND": "bianmin.core.taskqueue.DatabaseBackend", "QUEUES": ["default"]}}
# A task still marked running after this long belonged to a worker that died: the scheduler queues it again.
BIANMIN_TASK_LEASE_SECONDS = int(os.environ.get("TASK_LEASE_SECONDS", "1800"))
# /healthz answers 503 when no worker has run its heartbeat job (every minute) or no scheduler has ticked (every
# 20 s) for this long, or when the disk holding the media files has less free space than this.
BIANMIN_HEALTH_WORKER_STALE_SECONDS = int(os.environ.get("HEALTH_WORKER_STALE_SECONDS", "600"))
BIANMIN_HEALTH_SCHEDULER_STALE_SECONDS = int(os.environ.get("HEALTH_SCHEDULER_STALE_SECONDS", "300"))
BIANMIN_HEALTH_DISK_MIN_FREE_MB = int(os.environ.get("HEALTH_DISK_MIN_FREE_MB", "1024"))
# Backups (manage.py backup / restore): where, how many to keep, and the separate key that encrypts them (generate
# one with `manage.py backup --generate-key`; keep it apart from the backups). PG_BIN: the directory of pg_dump.
BIANMIN_BACKUP_DIR = os.environ.get("BACKUP_DIR") or str(VAR_DIR / "backups")
BIANMIN_BACKUP_KEY = os.environ.get("BACKUP_KEY", "")
BIANMIN_BACKUP_KEEP_DAILY = int(os.environ.get("BACKUP_KEEP_DAILY", "7"))
BIANMIN_BACKUP_KEEP_MONTHLY = int(os.environ.get("BACKUP_KEEP_MONTHLY", "12"))
BIANMIN_PG_BIN = os.environ.get("PG_BIN", "")
# The staff health page warns (without failing /healthz) when the last successful backup is older than this.
BIANMIN_HEALTH_BACKUP_MAX_AGE_HOURS = int(os.environ.get("HEALTH_BACKUP_MAX_AGE_HOURS", "36"))

# Notifications (notify). SMS: the file backend writes var/sms.log (numbers masked); the HTTP backend posts to a
# gateway. E-mail goes out only when EMAIL_HOST is set.
BIANMIN_SMS = {
    "BACKEND": os.environ.get("SMS_BACKEND", "bianmin.notify.sms.FileSmsBackend"),
    "FILE": os.environ.get("SMS_FILE", str(VAR_DIR / "sms.log")),
    "URL": os.environ.get("SMS_URL", ""),
    "KEY": os.environ.get("SMS_KEY", ""),
    "SIGNATURE": os.environ.get("SMS_SIGNATURE", "便民服务中心"),
    "TIMEOUT": float(os.environ.get("SMS_TIMEOUT", "10")),
}
BIANMIN_SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", "5"))
BIANMIN_SMS_RETRY_BASE_SECONDS = int(os.environ.get("SMS_RETRY_BASE_SECONDS", "60"))
# A worker sending a message holds it this long; if it dies, another worker takes the message over afterwards.
# Keep it well above SMS_TIMEOUT so a slow but live worker is never overtaken.
BIANMIN_NOTIFY_SEND_LEASE_SECONDS = int(os.environ.get("NOTIFY_SEND_LEASE_SECONDS", "300"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bianmin@localhost")
BIANMIN_EMAIL_ENABLED = env_bool("EMAIL_NOTIFICATIONS", bool(EMAIL_HOST))

# Metrics for Prometheus at /metrics (requests and latency by view, database queries, the queue, job outcomes,
# overdue cases per center): on with PROMETHEUS_METRICS=1. The nginx site answers /metrics only to the server itself.
BIANMIN_PROMETHEUS_METRICS = env_bool("PROMETHEUS_METRICS", False)
if BIANMIN_PROMETHEUS_METRICS:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]
    DATABASES["default"]["ENGINE"] = {
        "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
        "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
    }.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])

# Errors to Sentry (or a compatible server) when set; ID numbers, phones and secrets are scrubbed first.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from bianmin.ops.sentry import sentry_init

    sentry_init(SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"))
