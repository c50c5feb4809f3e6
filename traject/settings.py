"""Settings of Traject, read from the environment.

The defaults give the embedded demo: DEBUG on, an SQLite file in the checkout
and Celery tasks run in-process. Production sets ``DEBUG=0`` and must then give
``SECRET_KEY`` and ``ALLOWED_HOSTS``; ``DATABASE_URL`` and ``REDIS_URL`` point
at PostgreSQL and Redis. The README lists every variable.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from traject.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    parse_redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "guardian",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "objectives",
    "reporting",
    "sources",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "traject.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "traject.middleware.SessionLifetimeMiddleware",
    "traject.middleware.AccessRefusalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: it answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "traject.urls"
WSGI_APPLICATION = "traject.wsgi.application"

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
                "objectives.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", "sqlite:///var/traject.sqlite3"), base_dir=BASE_DIR
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "objectives.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "objectives.backends.ActivePersonBackend",
    "objectives.backends.GlobalAdministratorBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "objectives:home"
LOGOUT_REDIRECT_URL = "login"
# Guardian's anonymous user would be one more account to keep out of every
# list; anonymous visitors never get object permissions here.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["traject.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# Sessions --------------------------------------------------------------------
# A session ends after SESSION_COOKIE_AGE seconds without a request (idle) and
# SESSION_ABSOLUTE_AGE seconds after the login at the latest, however busy.
# SessionLifetimeMiddleware renews the idle deadline at most once every
# SESSION_RENEW_SECONDS rather than writing the session on every request.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60, minimum=60)
SESSION_ABSOLUTE_AGE = env_int("SESSION_ABSOLUTE_AGE", 12 * 60 * 60, minimum=60)
SESSION_RENEW_SECONDS = min(60, SESSION_COOKIE_AGE // 10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login attempts (django-axes) ------------------------------------------------
# LOGIN_FAILURE_LIMIT failed logins lock the account, and separately the
# address they came from, for LOGIN_LOCKOUT_MINUTES; a successful login
# forgets the failures.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "traject.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "traject.security.client_ip"
AXES_VERBOSE = False

# Content Security Policy (django-csp) ----------------------------------------
# Scripts and styles come from our own static files only: no inline script,
# no style attribute, no framing, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Behind a TLS proxy, the proxy tells the scheme and appends the client's
# address to X-Forwarded-For (read by traject.security.client_ip).
BEHIND_TLS_PROXY = not DEBUG and env_bool("BEHIND_TLS_PROXY", True)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = parse_redis_url(REDIS_URL)
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # Without Redis the embedded demo runs every task in-process.
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {}

# Authentic sources ------------------------------------------------------------
# The feeds the importers read (an empty address: that source is not run by
# beat), the hour of the nightly runs, how long one run may hold its source
# before it counts as abandoned, and the queue of the import tasks (a
# dedicated worker can serve it).
SOURCE_URLS = {
    "organisations": env_str("ORGANISATION_REGISTRY_URL", ""),
    "staff": env_str("STAFF_FEED_URL", ""),
    "processes": env_str("PROCESS_FEED_URL", ""),
}
for _source, _url in SOURCE_URLS.items():
    if _url and (
        urlsplit(_url).scheme not in {"http", "https"} or not urlsplit(_url).hostname
    ):
        raise ImproperlyConfigured(
            f"The feed address of {_source} {_url!r} is not an http(s):// URL."
        )
del _source, _url
SOURCE_SYNC_HOUR = env_int("SOURCE_SYNC_HOUR", 2, minimum=0)
if SOURCE_SYNC_HOUR > 23:
    raise ImproperlyConfigured(f"SOURCE_SYNC_HOUR={SOURCE_SYNC_HOUR} is not an hour.")
SOURCE_LOCK_MINUTES = env_int("SOURCE_LOCK_MINUTES", 120, minimum=1)
SOURCE_TASK_QUEUE = env_str("SOURCE_TASK_QUEUE", "celery")
SOURCE_RUNNERS = {
    "organisations": "sources.adapters.organisations.run_organisations",
    "staff": "sources.adapters.staff.run_staff",
    "processes": "sources.adapters.processes.run_processes",
}
# The organisations first: staff and processes refer to them. The registry
# sends its changes every night and everything on Sundays; the HR system and
# the process register send complete lists, so every run is a full load.
CELERY_BEAT_SCHEDULE |= {
    f"sync-{name}": {
        "task": f"sources.tasks.sync_{source}_task",
        "schedule": crontab(minute=minute, hour=SOURCE_SYNC_HOUR, **days),
        "kwargs": {"full": full},
        "options": {"queue": SOURCE_TASK_QUEUE},
    }
    for name, source, minute, days, full in [
        ("organisations", "organisations", 0, {"day_of_week": "mon-sat"}, False),
        ("organisations-full", "organisations", 0, {"day_of_week": "sun"}, True),
        ("staff", "staff", 20, {}, True),
        ("processes", "processes", 40, {}, True),
    ]
} | {
    "requeue-stale-runs": {
        "task": "sources.tasks.requeue_stale_runs_task",
        "schedule": crontab(minute="*/10"),
        "options": {"queue": SOURCE_TASK_QUEUE},
    }
}

# Reports ----------------------------------------------------------------------
# How many days a rendered report stays downloadable; beat purges the files
# after that, every night.
REPORT_FILES_DAYS = env_int("REPORT_FILES_DAYS", 7, minimum=1)
# Spreadsheets with more rows than this are checked and applied by a worker,
# with a page that follows them, rather than within the upload's request.
IMPORT_INLINE_ROWS = env_int("IMPORT_INLINE_ROWS", 2000, minimum=0)
CELERY_BEAT_SCHEDULE |= {
    "purge-expired-reports": {
        "task": "reporting.tasks.purge_expired_reports_task",
        "schedule": crontab(minute=15, hour=3),
    }
}

# Single sign-on --------------------------------------------------------------
# OpenID Connect with the government's identity platform (ACM/IDM), through
# mozilla-django-oidc; the claim names are ACM's. The password form stays
# unless LOCAL_LOGIN_ENABLED turns it off, which needs single sign-on.
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
LOCAL_LOGIN_ENABLED = env_bool("LOCAL_LOGIN_ENABLED", True)
if not OIDC_ENABLED and not LOCAL_LOGIN_ENABLED:
    raise ImproperlyConfigured(
        "LOCAL_LOGIN_ENABLED=0 needs OIDC_ENABLED=1, or nobody can log in."
    )
OIDC_ISSUER = env_str("OIDC_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid profile email vo")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10, minimum=1)
OIDC_CLAIMS = {
    "subject": env_str("OIDC_CLAIM_SUBJECT", "sub"),
    "ovo_number": env_str("OIDC_CLAIM_OVO_NUMBER", "vo_orgcode"),
    "first_name": env_str("OIDC_CLAIM_GIVEN_NAME", "given_name"),
    "last_name": env_str("OIDC_CLAIM_FAMILY_NAME", "family_name"),
    "email": env_str("OIDC_CLAIM_EMAIL", "email"),
}
if OIDC_ENABLED:
    _oidc_urls = {
        "OIDC_ISSUER": OIDC_ISSUER,
        "OIDC_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
        "OIDC_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
        "OIDC_USERINFO_ENDPOINT": OIDC_OP_USER_ENDPOINT,
        "OIDC_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
    }
    _schemes = {"http", "https"} if DEBUG else {"https"}
    for _name, _url in _oidc_urls.items():
        if urlsplit(_url).scheme not in _schemes or not urlsplit(_url).hostname:
            raise ImproperlyConfigured(
                f"{_name}={_url!r} is not an {'/'.join(sorted(_schemes))} URL; "
                "single sign-on needs it."
            )
    if not OIDC_RP_CLIENT_ID or not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured(
            "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required with OIDC_ENABLED=1."
        )
    AUTHENTICATION_BACKENDS.insert(1, "objectives.sso.SingleSignOnBackend")
    del _oidc_urls, _schemes, _name, _url

# The reporting cycle -----------------------------------------------------------
# Days after a period ends that its report is due, by level, so that each level
# can use the reports of the one below; the reminders before and after a
# deadline; the hour beat sends them.
REPORT_DUE_DAYS = {
    "delivery": env_int("REPORT_DUE_DAYS_DELIVERY", 10, minimum=0),
    "operational": env_int("REPORT_DUE_DAYS_OPERATIONAL", 20, minimum=0),
    "strategic": env_int("REPORT_DUE_DAYS_STRATEGIC", 30, minimum=0),
}
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 7, minimum=1)
REMINDER_DAYS_AFTER = env_int("REMINDER_DAYS_AFTER", 1, minimum=1)
REMINDER_REPEAT_DAYS = env_int("REMINDER_REPEAT_DAYS", 7, minimum=1)
REMINDER_HOUR = env_int("REMINDER_HOUR", 7, minimum=0)
if REMINDER_HOUR > 23:
    raise ImproperlyConfigured(f"REMINDER_HOUR={REMINDER_HOUR} is not an hour.")
CELERY_BEAT_SCHEDULE |= {
    "send-reminders": {
        "task": "objectives.tasks.send_reminders_task",
        "schedule": crontab(minute=30, hour=REMINDER_HOUR),
    }
}

# Refused access ---------------------------------------------------------------
# How long the log of refused requests is kept; beat prunes it every night.
ACCESS_REFUSAL_DAYS = env_int("ACCESS_REFUSAL_DAYS", 365, minimum=1)
CELERY_BEAT_SCHEDULE |= {
    "prune-access-refusals": {
        "task": "objectives.tasks.prune_access_refusals_task",
        "schedule": crontab(minute=45, hour=3),
    }
}

# The JSON API (Django REST framework) ----------------------------------------
# Integrations call it with a token, never with a session or a password; every
# list is cursor-paginated, API_PAGE_SIZE rows a page unless ?page_size= asks
# for fewer (at most API_MAX_PAGE_SIZE).
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 100, minimum=1)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 500, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "reporting.api.authentication.IntegrationTokenAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "reporting.api.pagination.CursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "reporting.api.errors.exception_handler",
    "PAGE_SIZE": API_PAGE_SIZE,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Traject API",
    "DESCRIPTION": (
        "Components, links, status reports and measurements of Traject, read "
        "with the rights of the integration's user account; measurements are "
        "recorded with POST. Every list is cursor-paginated: follow `next`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The description is read with a token too, like every other endpoint.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "traject@localhost")
# The address of the site as people reach it, for the links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Open data: the licence and publisher that the DCAT catalogue names.
OPEN_DATA_LICENCE = env_str(
    "OPEN_DATA_LICENCE",
    "https://data.vlaanderen.be/id/licentie/modellicentie-gratis-hergebruik/v1.0",
)
OPEN_DATA_PUBLISHER = env_str(
    "OPEN_DATA_PUBLISHER", "https://data.vlaanderen.be/id/organisatie/OVO000001"
)
OPEN_DATA_PUBLISHER_NAME = env_str("OPEN_DATA_PUBLISHER_NAME", "Vlaamse overheid")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
