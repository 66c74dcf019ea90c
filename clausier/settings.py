"""Clausier settings: one file, read from environment variables.

SQLite (WAL) by default; PostgreSQL when DATABASE_URL says so. See docs/configuration.md.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from clausier.core.crypto import embedded_keys, parse_keys
from clausier.core.dburl import parse_database_url, sqlite_database
from clausier.core.env import env_bool, env_int, env_list, env_secret, env_str
from clausier.core.secretkey import embedded_secret_key
from clausier.core.vardir import private_dir, private_file

BASE_DIR = Path(__file__).resolve().parent.parent
# The database, generated keys and stored documents: readable by our account only.
VAR_DIR = private_dir(Path(env_str("CLAUSIER_VAR_DIR", str(BASE_DIR / "var"))))

DEBUG = env_bool("DEBUG", False)
# Embedded: one machine, generated keys in var/. Off in production (docs/configuration.md),
# where every key comes from the environment and HTTPS settings default to on.
EMBEDDED = env_bool("CLAUSIER_EMBEDDED", True)
SECRET_KEY = env_secret("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG and not EMBEDDED:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when DEBUG is off")
    # The embedded default keeps a generated key in var/ so sessions survive restarts.
    SECRET_KEY = embedded_secret_key(VAR_DIR)

# Keys that encrypt secrets at rest (clausier.core.crypto), newest first; separate from
# SECRET_KEY so that either can be rotated without losing the other's data.
_secret_keys = env_secret("CLAUSIER_SECRET_KEYS") or ""
if _secret_keys:
    CLAUSIER_SECRET_KEYS = parse_keys(_secret_keys)
elif not DEBUG and not EMBEDDED:
    raise ImproperlyConfigured(
        "CLAUSIER_SECRET_KEYS (or CLAUSIER_SECRET_KEYS_FILE) is required when DEBUG is off"
    )
else:
    CLAUSIER_SECRET_KEYS = embedded_keys(VAR_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Card payment on the gateway's hosted page (clausier.billing.payments.hosted): "test" plays
# the gateway locally (its page and its signed webhook: whoever reaches it can mark an
# invoice paid, so never in production); "off" (the default) offers no card payment.
# `make run` (the demo) turns the test gateway on.
PAYMENT_HOSTED_PAGE = env_str("PAYMENT_HOSTED_PAGE", "off")
if PAYMENT_HOSTED_PAGE not in {"test", "off"}:
    raise ImproperlyConfigured("PAYMENT_HOSTED_PAGE must be 'test' or 'off'")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "clausier.core",
    "clausier.accounts",
    "clausier.notify",
    "clausier.terms",
    "clausier.billing",
    "clausier.monitoring",
    "clausier.support",
    "clausier.coaching",
    "clausier.content",
    "clausier.training",
    "clausier.simulate",
    "clausier.portal",
    "clausier.demo",
    "clausier.apikit",
    "axes",
    # Only for its templates and static files: /api/docs serves the Swagger UI the package
    # ships (ninja/static/ninja/), never the CDN copy it falls back to without this line.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but for security: every HTML answer, error pages included, gets the policy.
    "clausier.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An htmx request sent to the login page gets HX-Redirect instead (session expired).
    "clausier.core.htmx_session_expiry.HtmxLoginRedirectMiddleware",
    "clausier.accounts.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A staff login that must enrol a TOTP authenticator first reaches nothing else.
    "clausier.accounts.two_factor_views.TwoFactorEnrolmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a lockout noticed during authentication into the door's 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clausier.urls"
WSGI_APPLICATION = "clausier.wsgi.application"
ASGI_APPLICATION = "clausier.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "clausier.portal.context.navigation",
                "clausier.portal.context.maintenance_banner",
            ],
        },
    },
]

# Database
DATABASE_URL = env_str("DATABASE_URL")
if env_bool("CLAUSIER_SIMULATION", False):
    DATABASES = {"default": sqlite_database(":memory:")}
elif DATABASE_URL:
    DATABASES = {"default": parse_database_url(DATABASE_URL)}
else:
    DATABASES = {"default": sqlite_database(str(VAR_DIR / "clausier.sqlite3"))}
_db = DATABASES["default"]
if _db["ENGINE"].endswith("sqlite3") and _db["NAME"] != ":memory:":
    # Created 600 before SQLite opens it; its -wal and -shm files take the same mode.
    private_file(Path(_db["NAME"]))
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory in one process, Redis when REDIS_URL is set. (The login limit is in
# the database, shared by every process whatever the cache: clausier.accounts.logins.)
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are written to the database and read from the cache (docs/portal.md, "Speed"):
# one query less on every signed-in page. Ending a session (log out, "log out everywhere",
# a password change) deletes it from both. The cache must be shared by every process that
# serves pages: the embedded server is one process; several processes need REDIS_URL.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# How long the portal keeps, per person and per set of roles, which of the apps' menu
# entries they see (clausier.portal.context.app_links).
NAV_CACHE_SECONDS = env_int("NAV_CACHE_SECONDS", 60)

# People
AUTH_USER_MODEL = "accounts.Person"
AUTHENTICATION_BACKENDS = [
    "clausier.accounts.backends.LoginLimitBackend",
    "clausier.accounts.backends.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"
SESSION_COOKIE_HTTPONLY = True
# A CSRF failure on an htmx request reloads the page (a fresh token); else our 403 page.
CSRF_FAILURE_VIEW = "clausier.portal.errors.csrf_failure"

# Content-Security-Policy of every HTML page (clausier.core.csp; docs/configuration.md
# "Page security headers"). Scripts and styles come from the site only: no inline script,
# handler, style or eval anywhere (a test keeps the templates so).
# A view needing more adds it (the coaching room: JaaS); served uploads keep their own.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# HTTPS. The embedded default serves plain HTTP on loopback; production (CLAUSIER_EMBEDDED=0)
# defaults to secure cookies and a redirect to HTTPS. `check --deploy` is clean with the
# production environment of docs/configuration.md.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not EMBEDDED)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not EMBEDDED)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy: the header it sets, e.g. X-Forwarded-Proto. Only set it
# when the proxy always overwrites that header, or clients could claim HTTPS themselves.
_proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")

# Invitations (coaching contract art. 6.1: an invitation to the professional address).
INVITATION_TTL_DAYS = env_int("INVITATION_TTL_DAYS", 7, minimum=1)
# Forgotten password (clausier.accounts.recovery): the link lives an hour, and one address
# gets at most PASSWORD_RESET_MAX_PER_HOUR mails an hour. E-mail change links live a day.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_SECONDS", 3600, minimum=300)
PASSWORD_RESET_MAX_PER_HOUR = env_int("PASSWORD_RESET_MAX_PER_HOUR", 3, minimum=1)
EMAIL_CHANGE_TTL_HOURS = env_int("EMAIL_CHANGE_TTL_HOURS", 24, minimum=1)
# Login limit (clausier.accounts.logins, django-axes in the database): failures per account
# within the window lock it; an address gets LOGIN_ADDRESS_FACTOR times as many.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_ADDRESS_FACTOR = env_int("LOGIN_ADDRESS_FACTOR", 4, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900, minimum=1)
AXES_HANDLER = "clausier.accounts.logins.LoginLimitHandler"
AXES_FAILURE_LIMIT = "clausier.accounts.logins.failure_limit"
AXES_COOLOFF_TIME = "clausier.accounts.logins.cool_off"
# Per account, then per address: LoginLimitHandler weighs the counts in this order.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "clausier.accounts.logins.login_identifier"
AXES_CLIENT_IP_CALLABLE = "clausier.accounts.logins.address"
AXES_LOCKOUT_CALLABLE = "clausier.accounts.logins.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A locked-out person retrying does not push the end of the lockout further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# Masked in the POST data kept with each failed attempt (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken", "code"]
# Staff two-factor (clausier.accounts.two_factor): after the right password, the code must
# follow within this many seconds or the login starts again.
TWO_FACTOR_PENDING_SECONDS = env_int("TWO_FACTOR_PENDING_SECONDS", 300, minimum=30)
# Free webmail domains refused for invitations (art. 6: a professional e-mail address).
FREE_EMAIL_DOMAINS_FILE = env_str(
    "FREE_EMAIL_DOMAINS_FILE", str(BASE_DIR / "clausier" / "accounts" / "free_email_domains.txt")
)

# Internationalisation: French first, then German and English.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves from the finders in the embedded default; the folder must exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Uploaded content (library files, challenge submissions): outside the web root, never
    # served by URL, only through content's authorizing view (docs/content.md).
    "content": {
        "BACKEND": env_str(
            "CONTENT_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": (
            {
                "bucket_name": env_str("CONTENT_S3_BUCKET"),
                "endpoint_url": env_str("CONTENT_S3_ENDPOINT_URL") or None,
                "region_name": env_str("CONTENT_S3_REGION") or None,
                "access_key": env_str("CONTENT_S3_ACCESS_KEY_ID") or None,
                "secret_key": env_secret("CONTENT_S3_SECRET_ACCESS_KEY"),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            }
            if env_str("CONTENT_S3_BUCKET")
            else {"location": str(VAR_DIR / "content"), "base_url": None}
        ),
    },
}
# Largest upload accepted by content, in bytes (10 MB by default).
CONTENT_UPLOAD_MAX_BYTES = env_int("CONTENT_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Largest image accepted, in pixels (decompression bombs are refused before decoding).
CONTENT_IMAGE_MAX_PIXELS = env_int("CONTENT_IMAGE_MAX_PIXELS", 40_000_000, minimum=10_000)
WHITENOISE_USE_FINDERS = True
# Support attachments: outside the web root, served only by an authorised view.
SUPPORT_ATTACHMENTS_DIR = env_str("SUPPORT_ATTACHMENTS_DIR", str(VAR_DIR / "support-attachments"))

# Outgoing e-mail: every message is an outbox row first (clausier.notify).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Clausier <noreply@clausier.localhost>")
EMAIL_MESSAGE_ID_DOMAIN = env_str("EMAIL_MESSAGE_ID_DOMAIN", "clausier.localhost")
# Where participants' replies to session e-mails go (coaching art. 10.1/10.3: a change asked
# by e-mail), piped into `clausier coaching_mail_in --provider SLUG`; "{provider}" becomes
# the provider's slug ("coaching+{provider}@example.org"). Empty: replies go to the coach.
COACHING_MAIL_IN_ADDRESS = env_str("COACHING_MAIL_IN_ADDRESS")
if COACHING_MAIL_IN_ADDRESS and "@" not in COACHING_MAIL_IN_ADDRESS:
    raise ImproperlyConfigured("COACHING_MAIL_IN_ADDRESS must be an e-mail address")
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 50, minimum=1)

# Celery: inline when no broker is configured (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# Where callers read task results. The tasks' effects are in the database, but the
# monitor's probe batches come back through it (docs/monitoring.md, "Scale-out"), so a
# broker implies one: Redis stores results itself, RabbitMQ sends them back on reply
# queues (rpc://). The worker and the caller must agree: both read this setting.
# With RabbitMQ and REDIS_URL, results go to Redis: on rpc:// a caller waiting for a result
# can block forever in the AMQP read once a worker died mid-task (celery/celery#5034), so
# the monitor polls that backend (docs/monitoring.md, "Scale-out") and rpc:// is only the
# last resort.
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or (
    (
        CELERY_BROKER_URL
        if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
        else (REDIS_URL or "rpc://")
    )
    if CELERY_BROKER_URL
    else None
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Monitoring scale-out (docs/monitoring.md): with a broker, the monitor sends probe
# batches of this size to this queue and gives a batch up (reschedules it) after this long.
MONITOR_CELERY_QUEUE = env_str("MONITOR_CELERY_QUEUE", "clausier-monitor")
MONITOR_BATCH_SIZE = env_int("MONITOR_BATCH_SIZE", 200, minimum=1)
MONITOR_BATCH_TIMEOUT = env_int("MONITOR_BATCH_TIMEOUT", 60, minimum=1)
# At most this many batches sent and not back (flow control: the window below it grows
# while batches come back in time and halves when one is given up).
MONITOR_BATCHES_IN_FLIGHT = env_int("MONITOR_BATCHES_IN_FLIGHT", 64, minimum=1)

# API tokens
API_TOKEN_PREFIX = "clz_"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Waitress warns "Task queue depth is N" for every request that waits for a free
        # thread: under load that is one line per request (2,447 in a 45 s bench), and it
        # is the pool's ordinary back-pressure, not a fault. More threads do not serve more
        # on two cores (the GIL; docs/portal.md, "Speed"), so the warning is silenced.
        "waitress.queue": {"level": "ERROR"},
    },
}
