"""Settings for the SP2K portal.

Everything that differs between a laptop and production comes from environment variables
(see README "Configuration"). Without any, the portal runs in development mode on a SQLite
file in the project folder.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105 - development only, refused when DEBUG=0
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "sp2k.accounts",
    "sp2k.notices",
    "districts",
    "assessments",
    "sp2k.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Indonesian unless English was chosen with the language switch (the browser's language is not asked).
    "sp2k.middleware.PortalLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The portal's page for an empty 405 or 429; after CSP, so the page gets its headers.
    "sp2k.middleware.ErrorPageMiddleware",
    # Axes must come last: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sp2k.urls"

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
                "sp2k.context_processors.portal",
                "sp2k.notices.context_processors.notices",
            ],
        },
    },
]

WSGI_APPLICATION = "sp2k.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that costs no round trip (sp2k/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "sp2k.postgresql"
    # Short-lived persistent connections, checked before use so a restarted server is survived.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database of `make run`, shared by a small team: readers never block the writer (WAL),
    # a transaction takes the write lock when it begins (IMMEDIATE), so two saves queue instead of one
    # failing with "database is locked" half-way, and a waiting save waits up to SQLITE_TIMEOUT seconds.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_TIMEOUT", default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    # Tests run on a file too (Django's default is a shared in-memory database, which knows neither WAL
    # nor a busy timeout): "<name>-test" beside the database.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", f"{DATABASES['default']['NAME']}-test")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, reading the signed-in account with a compiled statement (sessions signed in
    # through django.contrib.auth.backends.ModelBackend before it are asked to sign in again, once).
    "sp2k.accounts.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
# Activation links for accounts created in bulk stay valid for two weeks.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=14 * 24 * 3600)

# Lock-out after repeated failed logins (django-axes): per user name and address pair, so that
# nobody can lock a camat out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address behind the deployment's reverse proxies (sp2k/client_address.py, django-ipware):
# PROXY_COUNT proxies, each appending to X-Forwarded-For (0: reached directly, the header is ignored);
# TRUSTED_PROXIES: the addresses or networks the last proxy connects from (empty: any). The lock-out,
# the throttles and the score history use it. (AXES_PROXY_COUNT is the earlier name of PROXY_COUNT.)
PROXY_COUNT = env.int("PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "sp2k.client_address.client_ip"

# Shared by every server process: the throttles of mail-sending forms count in it. The default, a table
# in the database (created by a migration of sp2k.accounts), is shared by every process and server
# without another service; e.g. CACHE_URL=rediscache://127.0.0.1:6379/1 uses Redis instead.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://sp2k_cache")}
# Mail-sending public forms (password reset): at most this many requests per hour from one address,
# and as many mails per hour to one e-mail address.
MAIL_THROTTLE_PER_HOUR = env.int("MAIL_THROTTLE_PER_HOUR", default=3)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language chosen with the switch is remembered for a year on the device (and on the account).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
FORMAT_MODULE_PATH = ["sp2k.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"  # never served directly: files go through permission-checking views
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads above 1 MB stream to a temporary file instead of memory (evidence files go up to 20 MB or more).
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=None)
# A request's fields other than its files: 1 MB is far above any form of the portal (Django: 2.5 MB). Views
# that take files refuse a body larger than their files at their limit plus this, before reading it
# (sp2k/uploads.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640  # stored files are data, never executable
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# A deployment on more than one machine keeps the files in S3-compatible object storage (AWS S3, MinIO,
# Ceph…; django-storages) instead of MEDIA_ROOT: set S3_BUCKET and the rest of the S3_* settings. The bucket
# stays private and the portal streams every download itself, after its permission check (README "File
# storage"): no URL of the bucket is ever handed out.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),  # e.g. https://minio.example.org; None: AWS
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY", default=None),  # None: boto3's own (instance role, ~/.aws)
            "secret_key": env("S3_SECRET_KEY", default=None),
            "location": env("S3_PREFIX", default="media"),
            # MinIO and most self-hosted servers want path-style addresses (host/bucket/name).
            "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
            "default_acl": "private",
            "file_overwrite": False,  # a name taken gets another, as on the local disk
            "querystring_auth": True,  # were a URL ever made, it would be signed and short-lived
            "querystring_expire": 300,
            # A file read by the portal (a preview, a zip) is held in memory up to 5 MB, beyond on disk.
            "max_memory_size": 5 * 1024 * 1024,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SP2K Portal <noreply@sp2k.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# A strict Content-Security-Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

X_FRAME_OPTIONS = "DENY"
# A refused form (expired page, no cookie) gets the portal's page, not Django's English one.
CSRF_FAILURE_VIEW = "sp2k.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with a compiled statement.
SESSION_ENGINE = "sp2k.accounts.sessions"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    # pyHanko logs a traceback for every signature it cannot trust, e.g. each stranger's PDF uploaded to the
    # public verification page: the page says so already (the portal logs its own signing failures).
    "loggers": {"pyhanko": {"level": "ERROR"}, "pyhanko_certvalidator": {"level": "ERROR"}},
}

# Background jobs (rendering many documents): stored in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job printing many documents renders them in parts on this many processes (forked by the worker);
# 0 = one per core, 1 = in the worker itself.
DOCUMENT_PROCESSES = env.int("DOCUMENT_PROCESSES", default=0)

# The portal's public address: printed documents carry QR codes to their verification page there, and
# e-mails link to it. Required in production (a QR code to 127.0.0.1 leads nowhere); `make run` sets it to
# the address it serves.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("SITE_URL must be set to the portal's public address (https://…) when DEBUG is off.")

# The scheduler (manage.py run_schedule) looks for due reminders and notices this often (seconds); each is
# sent at most once a day. The reminders button sends again only this many hours after its last use.
SCHEDULE_INTERVAL_SECONDS = env.int("SCHEDULE_INTERVAL_SECONDS", default=900)
MANUAL_REMINDER_HOURS = env.int("MANUAL_REMINDER_HOURS", default=12)

# Shown in the footer and on the "Tentang" page, as the region data's licence asks.
REGION_DATA_CREDIT = "Data wilayah: idn-area-data 4.0.1, ODbL 1.0"
# The province's signing certificate (PKCS#12 from BSrE or its CA) and passphrase: every document the portal
# issues is signed with it (PAdES). Unset: documents are not signed, and the documents page says so.
# SIGNING_TRUST_ROOTS: the CA certificates (PEM/DER files, comma-separated) a verification trusts; unset,
# the self-signed certificates inside the PKCS#12 file. `make run` sets them to a demo signer (CONTOH).
SIGNING_PKCS12_PATH = env("SIGNING_PKCS12_PATH", default="")
SIGNING_PKCS12_PASSPHRASE = env("SIGNING_PKCS12_PASSPHRASE", default="")
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
