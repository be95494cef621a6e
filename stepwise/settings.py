"""Django settings for Stepwise, read from the environment.

Every value that differs between a laptop demo and a production service comes
from an environment variable through the small helpers below, which refuse bad
values loudly instead of guessing.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def database_from_url(url: str) -> dict:
    """Return a Django DATABASES entry for a sqlite:/// or postgres:// URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        return sqlite_database(Path(path[1:] if path.startswith("//") else path))
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "stepwise",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "TEST": {"NAME": f"test_{parsed.path.lstrip('/') or 'stepwise'}"},
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:/// or postgres://, not {url!r}"
    )


def sqlite_database(path: Path) -> dict:
    # WAL lets the web app read while an import writes; IMMEDIATE transactions
    # take the write lock up front so two writers queue instead of deadlocking.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


def env_url(name: str, schemes: set[str]) -> str:
    """Return a URL setting, empty when unset; refuse one whose scheme is not in `schemes`."""
    value = os.environ.get(name, "")
    if value and urlparse(value).scheme not in schemes:
        names = [f"{scheme}://" for scheme in sorted(schemes)]
        wanted = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
        raise ImproperlyConfigured(f"{name} must start with {wanted}, not {value!r}")
    return value


def require_in_production(name: str, why: str) -> None:
    if not os.environ.get(name):
        raise ImproperlyConfigured(f"{name} must be set in production: {why}")


DATA_DIR = Path(env_str("STEPWISE_DATA_DIR", str(BASE_DIR / "var")))
DEBUG = env_bool("DEBUG", False)
# Production (STEPWISE_PRODUCTION=1) takes every setting that matters from the environment
# and stops at the first one missing or wrong, naming it (docs/deploy.md lists them).
PRODUCTION = env_bool("STEPWISE_PRODUCTION", False)
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production: it shows children's records")
    require_in_production("SECRET_KEY", "it signs sessions; make one with `stepwise secret-key`")
    require_in_production("ALLOWED_HOSTS", "the host names the site answers to, comma-separated")
    require_in_production("DATABASE_URL", "postgres://user:password@host:5432/name")
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    SECRET_KEY = "stepwise-development-key-not-for-production-use-0123456789"
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production")

ALLOWED_HOSTS = [
    h.strip()
    for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks_db",
    "stepwise.web",  # shared template tags and partials
    "stepwise.accounts",
    "stepwise.schools",
    "stepwise.register",
    "stepwise.standings",
    "stepwise.responses",
    "stepwise.referrals",
    "stepwise.audit",
    "stepwise.front",
    "stepwise.dashboard",
    "stepwise.demo",
    "stepwise.ops",
    "stepwise.privacy",
    "stepwise.cases",
    "stepwise.api",
    "stepwise.letters",
    "stepwise.certificates",
    "stepwise.readiness",
    "stepwise.intake",
    "stepwise.onboarding",
]

MIDDLEWARE = [
    "stepwise.ops.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "stepwise.web.limits.RequestSizeMiddleware",
    "stepwise.accounts.sessions.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # "Today" and every date shown in the signed-in person's organisation's time zone.
    "stepwise.schools.zones.OrganisationTimeZoneMiddleware",
    # Pages and downloads for a signed-in person: Cache-Control: no-store.
    "stepwise.web.caching.NoStoreForSignedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "stepwise.accounts.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one username from one address pause it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
# Five wrong passwords pause the username, from whatever address the next attempt comes
# (the README's promise). django-axes warns (W006) when the address is not a lockout
# parameter; neither is a user agent or a cookie here, so rotating them gains nothing, and
# pausing an address would pause every colleague behind a school's one address for one
# person's typing.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
OTP_TOTP_ISSUER = "Stepwise"
# Where people reach this installation: enrolment links printed by `stepwise user` start with it.
STEPWISE_SITE_URL = env_str("STEPWISE_SITE_URL", "http://127.0.0.1:8000")

# Background tasks (letter batches) wait in the database; `stepwise serve` starts a
# worker beside the web server, and production runs `stepwise db_worker` as a service.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

ROOT_URLCONF = "stepwise.urls"
WSGI_APPLICATION = "stepwise.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "stepwise" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "stepwise.front.navigation.navigation",
                "stepwise.onboarding.freshness.freshness",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else sqlite_database(DATA_DIR / "stepwise.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 minutes without a request: these pages hold children's records.
# The expiry slides on every request; a read writes it only when it moved a minute or
# more (stepwise.accounts.sessions), so a session may end up to a minute early.
SESSION_ENGINE = "stepwise.accounts.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool(
    "SECURE_COOKIES", not DEBUG and env_bool("STEPWISE_PRODUCTION", False)
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Production serves only over HTTPS; `stepwise check --deploy` passes with no warnings.
# Behind a proxy that terminates TLS, set BEHIND_TLS_PROXY=1 so X-Forwarded-Proto is believed.
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers check over plain HTTP
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

LANGUAGE_CODE = "en-nz"
TIME_ZONE = env_str("TIME_ZONE", "Pacific/Auckland")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
STATICFILES_DIRS = [
    BASE_DIR / "stepwise" / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]

# Mail (letters, notices to a certificate's issuer): outside production it is printed
# to the console unless a backend is set, so a demo never tries to reach a mail server.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    SMTP_BACKEND if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": MAIL_BACKEND,
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        }
        if MAIL_BACKEND == SMTP_BACKEND
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "stepwise@localhost")

# Upload caps (docs/privacy.md). Each is checked before a file is read into memory;
# a request larger than the largest of them is refused before Django reads its body.
MB = 1024 * 1024
UPLOAD_ATTACHMENT_MAX_BYTES = env_int("STEPWISE_ATTACHMENT_MAX_BYTES", 10 * MB)  # each file
UPLOAD_ATTACHMENTS_PER_ENTRY = 5
UPLOAD_PDF_MAX_PAGES = env_int("STEPWISE_PDF_MAX_PAGES", 500)  # an attached PDF, e.g. minutes
UPLOAD_TRANSFERS_MAX_BYTES = env_int("STEPWISE_TRANSFERS_MAX_BYTES", 10 * MB)
UPLOAD_ONEROSTER_MAX_BYTES = env_int("STEPWISE_ONEROSTER_MAX_BYTES", 10 * MB)  # each file
# A roster, caregivers or register file uploaded on a school's page: a school's whole
# year of marks is some 15 MB.
UPLOAD_IMPORT_MAX_BYTES = env_int("STEPWISE_IMPORT_MAX_BYTES", 25 * MB)
# A request body other than files, such as a batch of rows sent to the API (Django's
# default, docs/integration.md): Django refuses a larger one, the API with 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
REQUEST_MAX_BYTES = (
    max(
        UPLOAD_ATTACHMENT_MAX_BYTES * UPLOAD_ATTACHMENTS_PER_ENTRY,
        UPLOAD_TRANSFERS_MAX_BYTES,
        UPLOAD_ONEROSTER_MAX_BYTES * 4,
        UPLOAD_IMPORT_MAX_BYTES,
        DATA_UPLOAD_MAX_MEMORY_SIZE,
    )
    + MB
)  # the form's other fields and the multipart framing

# Fonts for PDFs (letters, certificates, bundles): Debian's Noto families, which `make`
# installs (fonts-noto-core, fonts-noto-cjk, fonts-noto-color-emoji). Folders separated by ":".
PDF_FONT_DIRS = [
    d
    for d in env_str(
        "STEPWISE_FONT_DIRS", "/usr/share/fonts/truetype/noto:/usr/share/fonts/opentype/noto"
    ).split(":")
    if d
]

STEPWISE_PROGRESS = env_bool("STEPWISE_PROGRESS", True)
# WhiteNoise serves the built CSS and GOV.UK assets straight from their folders,
# so `stepwise serve` works without a separate web server or collectstatic.
# In production `stepwise deploy` collects them into STATIC_ROOT once instead.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# The cache: Redis when REDIS_URL is set, so every web process and worker shares API rate
# limits, cached pages and their invalidations; otherwise one process's own memory, which
# is why the production command runs a single web process without Redis.
REDIS_URL = env_url("REDIS_URL", {"redis", "rediss", "unix"})
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Logs go to standard output: one JSON object a line in production (LOG_FORMAT=json), a
# readable line otherwise; no child's data in either (stepwise.ops.logging). Server errors
# are logged with their traceback rather than mailed: Django's error mail carries the
# request's data and local variables, which here are children's records.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "stepwise.ops.logging.JsonFormatter"},
        "text": {"()": "stepwise.ops.logging.TextFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        # Their start-up notes are not news in a log read by people on call.
        "axes": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
        # One line a request in production; the development server prints its own.
        "stepwise.request": {
            "handlers": ["stdout"],
            "level": "INFO" if LOG_FORMAT == "json" else "WARNING",
            "propagate": False,
        },
    },
}

# Error reporting, when SENTRY_DSN is set: exceptions without their messages, local
# variables or request data, as the logs keep them (stepwise.ops.errors).
SENTRY_DSN = env_url("SENTRY_DSN", {"http", "https"})
if SENTRY_DSN:
    from stepwise.ops.errors import sentry_start

    sentry_start(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))
