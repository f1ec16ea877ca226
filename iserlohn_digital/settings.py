"""Settings for Iserlohn digital, read from the environment.

Safe by default: DEBUG is off unless set, and without DEBUG a SECRET_KEY must be given.
Every variable read here is listed in .env.example.
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY muss gesetzt sein, wenn DEBUG aus ist.")
    SECRET_KEY = "unsicherer-schluessel-nur-fuer-die-entwicklung"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A form refused for its security token gets a German page with the way back.
CSRF_FAILURE_VIEW = "iserlohn_digital.views.csrf_failure"

# The public address of the portal; links in the PDFs point there.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # django.contrib.admin with the portal's admin site (iserlohn_digital/otp.py).
    "iserlohn_digital.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # django-tasks-db, named in German in the admin.
    "iserlohn_digital.apps.TaskQueueConfig",
    # The project package: deployment checks, database session settings, the guarded
    # pydyf patch (README: Patched third-party behaviour).
    "iserlohn_digital.apps.PortalConfig",
    "strategy",
    "measures",
    "reports",
    "opendata",
    "perf",
    "workspace",
    "subscriptions",
]

MIDDLEWARE = [
    "iserlohn_digital.middleware.QueryDeadlineMiddleware",
    "iserlohn_digital.logs.RequestIdMiddleware",
    "iserlohn_digital.middleware.HealthCheckMiddleware",
    # HEAD on the open data and the API is served as GET (ETag, cache), without the body.
    "iserlohn_digital.middleware.HeadAsGetMiddleware",
    # Finished public pages by content version (iserlohn_digital/pagecache.py), compressed
    # and with every header of the middleware below; a hit skips all of it.
    "iserlohn_digital.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "iserlohn_digital.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "iserlohn_digital.middleware.OpenDataCorsMiddleware",
    "iserlohn_digital.middleware.GZipMiddleware",
    # ETag for every page and API answer, and 304 when the client has it already.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "iserlohn_digital.middleware.PrivatePreviewMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and locks out (django-axes) before Django checks the password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "iserlohn_digital.urls"
WSGI_APPLICATION = "iserlohn_digital.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iserlohn_digital.context_processors.site",
            ],
        },
    },
]

# An SQLite file in the project folder unless DATABASE_URL names another database
# (PostgreSQL in CI and production).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that does not answer ties up no thread for long: connecting gives up after
# DATABASE_CONNECT_TIMEOUT seconds, a statement after DATABASE_STATEMENT_TIMEOUT
# (iserlohn_digital/db.py), and a connection whose packets go unanswered (a network
# that is cut) is dropped by TCP keepalives and the user timeout.
DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30"))
# A query of a web request that the database has not answered after so many seconds ends
# with the connection cut: a hung database, which TCP still acknowledges, cannot hold a
# thread (iserlohn_digital/postgres/base.py).
DATABASE_REQUEST_DEADLINE = float(os.environ.get("DATABASE_REQUEST_DEADLINE", "5"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "iserlohn_digital.postgres"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3")),
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "tcp_user_timeout": 10_000,
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker write to the same file: readers do not wait for
    # a writer (WAL), a transaction takes the write lock when it begins (no deadlock when
    # two want to write), and a writer waits up to 20 s for the other.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
# German for strings Django and the admin apps bring untranslated (locale/de/LC_MESSAGES/*.po;
# `make messages`, run by `make run` and `make test`, compiles them, as does the image build).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Stored files: the frozen council reports (PDF, CSV, JSON), written once and served by
# the portal itself (never directly from this folder). In production a volume, backed up
# with the database (manage.py backup embeds the files, README: Sicherung).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Rendered PDFs (and later pages) are cached by content version. In production several
# app servers share one Redis; without REDIS_URL each process keeps its own memory cache.
# A Redis that does not answer within half a second counts as away (iserlohn_digital.cache).
REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "iserlohn_digital.cache.SharedClientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "iserlohn-digital",
            "TIMEOUT": 60 * 60 * 24 * 7,
            "OPTIONS": REDIS_OPTIONS,
        },
        # Whole pages apart from PDFs and counters, so many addresses cannot push those out.
        "pages": {
            "BACKEND": "iserlohn_digital.cache.SharedClientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "iserlohn-digital-pages",
            "TIMEOUT": 60 * 60 * 24,
            "OPTIONS": REDIS_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 60 * 60 * 24 * 7,
            "OPTIONS": {"MAX_ENTRIES": 500},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "TIMEOUT": 60 * 60 * 24,
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }

# Background tasks (Django's tasks framework) are stored in the database and run by
# `manage.py db_worker` (one or more processes beside the web server).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# PDFs are rendered by the task worker, never in a visitor's request, and kept in storage
# (MEDIA_ROOT/publikationen). After a content change the Kurzbroschüre, the strategy and
# the current Sachstandsbericht are rendered anew PUBLICATION_DEBOUNCE later (all changes
# until then in one render). A document requested for the first time is waited for at
# most PUBLICATION_WAIT seconds, then the visitor gets a page that reloads itself.
PUBLICATION_DEBOUNCE = datetime.timedelta(
    seconds=int(os.environ.get("PUBLICATION_DEBOUNCE_SECONDS", "60"))
)
PUBLICATION_WAIT = float(os.environ.get("PUBLICATION_WAIT_SECONDS", "2"))
# A render runs in a child process of the worker with at most this much address space;
# above it the render fails and the previous file stays.
PDF_RENDER_MEMORY_LIMIT_MIB = int(os.environ.get("PDF_RENDER_MEMORY_LIMIT_MIB", "3072"))
# Steckbriefe and lists nobody asked for in this many days are deleted.
PUBLICATION_KEEP_DAYS = int(os.environ.get("PUBLICATION_KEEP_DAYS", "90"))
# Renders at most PDF_RENDER_SLOTS at a time per machine (keep it below the number of
# cores, so that pages are always served); an anonymous client may request at most
# PDF_RENDERS_PER_CLIENT documents not rendered yet within PDF_RENDER_WINDOW.
PDF_RENDER_SLOTS = int(os.environ.get("PDF_RENDER_SLOTS", "1"))
PDF_RENDER_LOCK_DIR = os.environ.get("PDF_RENDER_LOCK_DIR", "")
PDF_RENDERS_PER_CLIENT = int(os.environ.get("PDF_RENDERS_PER_CLIENT", "3"))
PDF_RENDER_WINDOW = datetime.timedelta(minutes=10)

# Whole public pages are cached by content version (off while developing, so that
# changed templates show at once).
PAGE_CACHE = env_bool("PAGE_CACHE", not DEBUG)

# Behind a TLS-terminating proxy in production; cookies only over HTTPS there.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain HTTP is redirected to HTTPS (the proxy says which it was); health checks are exempt.
# Set SECURE_SSL_REDIRECT=0 only where the proxy redirects itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# "preload" only allows a submission to the browsers' list; the submission is a separate step.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Django's built-in Content Security Policy: everything from this site only, no inline
# code or styles, no framing.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    # The videos in Gebärdensprache and their captions, served by the portal itself.
    "media-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "manifest-src": [CSP.SELF],
}

# The status cards under /einbetten/ are the only pages other sites may show in a frame
# (iserlohn_digital/framing.py): from these origins, comma-separated
# ("https://www.iserlohn.de, https://*.iserlohn.de"); "*" any site (the default), "'none'"
# none. An entry must be a whole source expression, so it cannot add other directives.
EMBED_FRAME_ANCESTORS = env_list("EMBED_FRAME_ANCESTORS") or ["*"]
_FRAME_SOURCE = re.compile(
    r"\*|'self'|'none'|[a-z][a-z0-9+.-]*:(//(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d+|\*))?)?",
    re.IGNORECASE,
)
if invalid := [s for s in EMBED_FRAME_ANCESTORS if not _FRAME_SOURCE.fullmatch(s)]:
    raise ImproperlyConfigured(
        f"EMBED_FRAME_ANCESTORS: „{invalid[0]}“ ist keine Herkunft wie https://www.iserlohn.de."
    )

# Admin login: after AXES_FAILURE_LIMIT failed attempts for one user name from one
# address, further attempts are refused with 429 for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_VERBOSE = False

# Reverse proxies in front of the app (the TLS proxy: 1). Each appends to X-Forwarded-For;
# the client is the hop before them (iserlohn_digital/clientip.py). 0: REMOTE_ADDR as is.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# The lockout and the form's rate limit count the client, not the shared proxy address.
AXES_CLIENT_IP_CALLABLE = "iserlohn_digital.clientip.client_ip"

# Staff sign in with a second factor (TOTP) whenever DEBUG is off.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "Iserlohn digital"

# Barrier reports from the feedback form go to this address (and into the admin).
BARRIER_REPORT_EMAIL = os.environ.get("BARRIER_REPORT_EMAIL", "digitalisierung@iserlohn.de")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@iserlohn.de")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# Seconds per attempt before a silent mail server is given up (mail is sent in the
# background, iserlohn_digital/mail.py).
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)

# Followers "bei jeder Änderung" hear of a measure's new Stand this long after the first
# one is recorded, with every Stand recorded until then in one mail (subscriptions/notices.py).
SUBSCRIPTION_NOTICE_DELAY = datetime.timedelta(
    minutes=int(os.environ.get("SUBSCRIPTION_NOTICE_DELAY_MINUTES", "60"))
)

# A measure without a status update for longer than this shows "Stand veraltet".
STALE_AFTER_DAYS = int(os.environ.get("STALE_AFTER_DAYS", "183"))

# The task worker mails each editor a digest of their measures that need attention on
# this weekday (0 = Monday) at this hour (local time), and checks daily at this hour for
# measures turned stale (workspace/reminders.py; `manage.py schedule_reminders`).
REMINDER_WEEKDAY = int(os.environ.get("REMINDER_WEEKDAY", "0"))
REMINDER_HOUR = int(os.environ.get("REMINDER_HOUR", "7"))

# The OParl 1.1 endpoint (System) of the city's Ratsinformationssystem. With it, the admin
# resolves a pasted OParl address of a Vorlage on that host (measures/oparl.py); without
# it, council documents are filled in by hand. Never fetched on a public page.
OPARL_ENDPOINT = os.environ.get("OPARL_ENDPOINT", "")
# Seconds before the Ratsinformationssystem is given up.
OPARL_TIMEOUT = float(os.environ.get("OPARL_TIMEOUT", "5"))

# One JSON object per line on stdout, each with the request id (also on the 500 page).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "iserlohn_digital.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "iserlohn_digital.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The PDF renderer reports every step and font subset at INFO.
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        # Announces at INFO, in every process, that it forwards its C++ messages.
        "pikepdf": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The access log above replaces Django's own request warnings (404 and the like).
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
