"""MARQUE settings, read from the environment (see `.env.example` for every variable).

Safe defaults: `DEBUG` is off unless asked for, and with `DEBUG` off a missing `SECRET_KEY`
or `ALLOWED_HOSTS` stops start-up with a clear message instead of running half-configured.
"""

import shutil
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` fills in what the process environment leaves unset; real variables win.
environ.Env.read_env(BASE_DIR / env.str("ENV_FILE", default=".env"), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _required_in_production(name, value):
    if not value and not DEBUG:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG is off. Set it in the environment or in .env "
            f"(see .env.example), or set DEBUG=true for local development."
        )
    return value


SECRET_KEY = _required_in_production("SECRET_KEY", env.str("SECRET_KEY", default="")) or (
    "django-insecure-local-development-key-never-use-in-production"
)
ALLOWED_HOSTS = _required_in_production("ALLOWED_HOSTS", env.list("ALLOWED_HOSTS", default=[])) or [
    "localhost",
    "127.0.0.1",
    "[::1]",
]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "storefront.admin_site.MarqueAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_htmx",
    # Admin sign-in throttling (storefront/admin_lockout.py).
    "axes",
    "allauth",
    "allauth.account",
    "tailwind",
    "theme",
    "storefront",
    "accounts",
    "catalog",
    "promotions",
    "checkout",
    "marketing",
    "help",
    "reviews",
    "returns",
    "shipments",
    "alerts",
    "dashboard",
    "emails",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Catalog spreadsheets in the admin (catalog/spreadsheet.py) and the audit log of catalog and
    # promotion changes (catalog/audit.py).
    "import_export",
    "auditlog",
    "django_tasks_db",
    "crontask",
    "api",
    "demo",
    "bench",
]

MIDDLEWARE = [
    # Operations (storefront/health.py): /healthz, /readyz and /metrics answered before anything else;
    # then one log line and the request metrics for every other request.
    "storefront.health.OperationsMiddleware",
    "storefront.logging_requests.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Redis or PostgreSQL down: a clear 503 page instead of a server error (storefront/outages.py).
    "storefront.outages.OutageMiddleware",
    # HTML compressed last; Django's gzip pads each response with random bytes against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the session: a visitor's shared page is served without reading a session.
    "storefront.page_cache.SharedPageCacheMiddleware",
    # A request that writes, or follows a write, reads the catalog from the primary (see replicas.py).
    "storefront.replicas.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every audited change made during a request records the signed-in user as its author.
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RateLimitedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "storefront.middleware.MarketMiddleware",
    "storefront.middleware.LanguageMiddleware",
    # In the shopper's language: a NUL byte or a lone surrogate in any field is a 400 naming it.
    "storefront.input.UnsafeTextMiddleware",
    # Last, as django-axes asks: turns an admin sign-in lock-out into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "storefront.urls"
WSGI_APPLICATION = "storefront.wsgi.application"
ASGI_APPLICATION = "storefront.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "storefront.context_processors.storefront",
                "catalog.context_processors.navigation",
                "accounts.context_processors.account",
                "checkout.context_processors.cart",
            ],
        },
    },
]

# Database: an SQLite file by default; PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool("DATABASE_JIT", default=False):
    # PostgreSQL compiles a query to machine code once its estimated cost is high (a filtered
    # listing's counts over a large catalog): hundreds of milliseconds per request, for queries
    # that run in tens. Pages never gain from it; DATABASE_JIT=true leaves the server's setting.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# A search's one statement is prepared on each connection the first time it runs there, and its
# plan kept (catalog/search.py, `_statement_cursor`): half of PostgreSQL's time on a search of 10,000
# products was parsing and planning it. Behind a pooler that cannot keep prepared statements
# (PgBouncer in transaction mode before 1.21, or without max_prepared_statements), set it false.
SEARCH_PREPARED = env.bool("SEARCH_PREPARED", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and SEARCH_PREPARED:
    # psycopg then prepares a statement only when asked to (Django's own cursors bind on the client
    # and never are); without a threshold it prepares nothing.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31 - 1)

# A read replica for catalog reads (storefront/replicas.py, docs/deploy.md): the same schema, kept by
# streaming replication; tests mirror it onto the primary.
if DATABASE_REPLICA_URL := env.str("DATABASE_REPLICA_URL", default=""):
    _replica = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"] = {
        **_replica,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {})},
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["storefront.replicas.ReplicaRouter"]
# Seconds a shopper's or merchandiser's reads stay on the primary after they write (replication lag).
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions (outages: docs/architecture.md, "When a service is down") ---------------------
# Redis when REDIS_URL is set, otherwise an in-process cache. Sessions live in the database either
# way; with Redis they keep a copy there (storefront/sessions.py), so carts and sign-ins survive a
# Redis restart. Sessions are never stored in cookies.
REDIS_URL = env.str("REDIS_URL", default="")
# Seconds to open a connection to Redis and to wait for an answer: a dead Redis costs this, once.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.25)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
# After a failure each process skips Redis for this many seconds before it tries again.
REDIS_BREAKER_SECONDS = env.float("REDIS_BREAKER_SECONDS", default=5.0)


def redis_cache(url, *, strict=False):
    """A cache alias on Redis that pages survive losing (storefront/resilient_cache.py)."""
    return {
        "BACKEND": "storefront.resilient_cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "marque",
        "OPTIONS": {
            "CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "BREAKER_SECONDS": REDIS_BREAKER_SECONDS,
            # Strict: every call raises while Redis is away, so a session write fails closed.
            "STRICT": strict,
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL), "sessions": redis_cache(REDIS_URL, strict=True)}
    SESSION_ENGINE = "storefront.sessions"
    SESSION_CACHE_ALIAS = "sessions"
else:
    CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://marque")}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# ----------------------------------------------------------------------------------------------

# The shared page cache (storefront/page_cache.py): how long a page a visitor or crawler gets is
# kept, at most (a merchandiser's change shows at once); 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# The benchmark's own pages (bench/urls.py: the framework ceilings it compares pages with); off in a shop.
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False)
# A form posted from a shared page without JavaScript asks the shopper to confirm, with a token.
CSRF_FAILURE_VIEW = "storefront.views.csrf_failure"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any admin sign-in while it is locked (ADMIN_LOGIN_* below), before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Staff sign in to the admin with phone and password; shoppers by SMS code through allauth.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English is the source language; Russian and Kyrgyz follow.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("ky", _("Kyrgyz"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The shop's own date formats where Django's read wrong (storefront/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["storefront.formats"]
# A visitor's language choice (storefront.languages); a signed-in shopper's lives on their profile.
LANGUAGE_COOKIE_NAME = "marque_language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files (whitenoise) and uploaded media.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
# Without a manifest (development, tests) whitenoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest needs `collectstatic`; development and tests serve files as they are.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Content Security Policy (Django's own middleware): no inline script without the nonce,
# nothing loaded from other origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *env.list("IMAGE_HOSTS", default=[])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# HTTPS hardening; on by default whenever DEBUG is off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Background work runs through Django's tasks framework (docs/architecture.md, "Background work").
# The database backend keeps each task as a row that `manage.py db_worker` runs; the scheduler
# (`manage.py crontask`) queues the periodic jobs. The immediate backend
# (django.tasks.backends.immediate.ImmediateBackend) runs a task in-process as it is queued: tests.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# With Redis, only one scheduler runs at a time however many are started (a lock in Redis).
CRONTASK = {"REDIS_URL": REDIS_URL or None}
# Queued tasks that have waited this many seconds count as a backlog (`storefront.background.task_backlog`).
TASK_BACKLOG_SECONDS = env.int("TASK_BACKLOG_SECONDS", default=120)
# Finished task rows are deleted after this many days (failed ones after twice as long).
TASK_RESULTS_KEEP_DAYS = env.int("TASK_RESULTS_KEEP_DAYS", default=14)
# Visitors' carts untouched (nor any of their lines) for this many days are deleted nightly.
ABANDONED_CART_DAYS = env.int("ABANDONED_CART_DAYS", default=30)

# Email through Django's mailers; EMAIL_URL such as smtp+tls://user:pass@host:587. EMAIL_BACKEND
# names another backend (an email provider's package) that reads its own settings.
_email = env.email_url("EMAIL_URL", default="consolemail://", backend=env.str("EMAIL_BACKEND", default="") or None)
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            key: value
            for key, value in {
                "host": _email.get("EMAIL_HOST"),
                "port": _email.get("EMAIL_PORT"),
                "username": _email.get("EMAIL_HOST_USER"),
                "password": _email.get("EMAIL_HOST_PASSWORD"),
                "use_tls": _email.get("EMAIL_USE_TLS"),
                "use_ssl": _email.get("EMAIL_USE_SSL"),
                # A mail server that stops answering fails the try (it is retried), not the worker.
                "timeout": env.int("EMAIL_TIMEOUT", default=10),
            }.items()
            if value not in (None, "")
        }
        if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else {},
    }
}
# The shop's public address, for the links in emails (sent by the task worker, with no request).
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MARQUE <hello@marque.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Markets: the market a visitor lands in when nothing else says which.
DEFAULT_MARKET = env.str("DEFAULT_MARKET", default="KG")
# Hosts besides this site that banner links may lead to (the click redirect refuses others).
BANNER_ALLOWED_HOSTS = env.list("BANNER_ALLOWED_HOSTS", default=[])
# Base currency of products sold in ALL markets, converted with the admin's exchange rates.
CATALOG_BASE_CURRENCY = "USD"

# Catalog import and export (django-import-export). An upload waits between its preview and its
# confirmation in the shared cache, not on one app server's disk; the whole file is imported in
# one transaction. Importing asks for the change permission, exporting for the view permission.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
# The audit log (django-auditlog) records who changed what, not where they were.
AUDITLOG_DISABLE_REMOTE_ADDR = True

# Tailwind (django-tailwind): sources in theme/static_src, built CSS in theme/static/css/dist.
TAILWIND_APP_NAME = "theme"
NPM_BIN_PATH = env.str("NPM_BIN_PATH", default=shutil.which("npm") or "npm")

# Logging and metrics (storefront/logging_requests.py, storefront/metrics.py) -------------------
# One handler on the root logger, so each record is written once: JSON lines by default with DEBUG
# off (LOG_FORMAT=json), `time level logger: message` otherwise (LOG_FORMAT=plain). Each request
# adds one line from the logger "storefront.requests".
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "storefront.logging_json.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes reports every admin sign-in at INFO; its failures and lock-outs are warnings.
        "axes": {"level": "WARNING"},
        # The scheduler renews its lock every few seconds and says so at INFO; its failures are warnings.
        "apscheduler": {"level": "WARNING"},
        # The request line says what runserver's own line and django.request's 4xx warnings say
        # (and masks what they would print as typed); server errors are still logged with their traceback.
        "django.server": {"level": "ERROR"},
        "django.request": {"level": "ERROR"},
        # Django's own console handler (DEBUG only) printed each record a second time beside the root's.
        "django": {"handlers": [], "level": env.str("LOG_LEVEL", default="INFO"), "propagate": True},
    },
}
# /metrics answers a request bearing "Authorization: Bearer <METRICS_TOKEN>", or coming from an
# address in METRICS_ALLOWED_IPS (addresses or networks, read through TRUSTED_PROXY_COUNT);
# with neither set it answers nobody. Several workers: PROMETHEUS_MULTIPROC_DIR (README, Operations).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
# ----------------------------------------------------------------------------------------------

# Sign-in by phone (allauth) and SMS ----------------------------------------------------------
# Shoppers sign in with their phone number and a 6-digit SMS code; a new number signs up in the
# same flow. The code policy lives in accounts/codes.py and reads the timeouts and tries below.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_MODEL_EMAIL_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 3 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 10 * 60
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 3
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
# allauth's own cache-based limits, for any allauth flow; the SMS send limits are SMS_CODE_LIMITS.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "request_login_code": "10/m/ip,1/m/key",
    "verify_phone": "1/m/key,10/m/ip",
    "change_phone": "1/m/user",
}
# Behind a proxy, how many X-Forwarded-For hops to trust for the client's IP (per-IP limits).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Codes sent, counted in the database (VerificationCode), failed sends included; over a limit
# the shopper gets HTTP 429.
SMS_CODE_LIMITS = {
    "phone_per_minute": env.int("SMS_LIMIT_PHONE_PER_MINUTE", default=1),
    "phone_per_day": env.int("SMS_LIMIT_PHONE_PER_DAY", default=10),
    "ip_per_minute": env.int("SMS_LIMIT_IP_PER_MINUTE", default=10),
}
# SMS providers by market (storefront/sms.py): Twilio for US, the KG gateway (Nikita smspro XML
# API) for KG; a market whose provider has no credentials uses the console provider (server log).
# Seconds to connect to an SMS provider and between bytes of its answer (no retries inside a
# request: the shopper asks for a new code). TWILIO_API_BASE points the Twilio client elsewhere.
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=5.0)
TWILIO_API_BASE = env.str("TWILIO_API_BASE", default="https://api.twilio.com")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
KG_SMS_GATEWAY_URL = env.str("KG_SMS_GATEWAY_URL", default="https://smspro.nikita.kg/api/message")
KG_SMS_GATEWAY_LOGIN = env.str("KG_SMS_GATEWAY_LOGIN", default="")
KG_SMS_GATEWAY_PASSWORD = env.str("KG_SMS_GATEWAY_PASSWORD", default="")
KG_SMS_GATEWAY_SENDER = env.str("KG_SMS_GATEWAY_SENDER", default="MARQUE")
# ----------------------------------------------------------------------------------------------

# Admin sign-in throttling (django-axes, storefront/admin_lockout.py) ----------------------------
# After ADMIN_LOGIN_FAILURE_LIMIT wrong passwords for one account, or from one client address, the
# admin login refuses every attempt (the right password too) for ADMIN_LOGIN_LOCKOUT_MINUTES and
# answers 429. Attempts are rows in the database, shared by every app server; staff lift a lock
# early by deleting its access attempt in the admin. The client address is read like allauth's
# (TRUSTED_PROXY_COUNT above). The storefront's phone sign-in keeps its own limits.
ADMIN_LOGIN_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
ADMIN_LOGIN_LOCKOUT_MINUTES = env.int("ADMIN_LOGIN_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = ADMIN_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=ADMIN_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "storefront.admin_lockout.AdminSignInHandler"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "storefront.admin_lockout.attempted_phone"
AXES_CLIENT_IP_CALLABLE = "storefront.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "storefront.admin_lockout.locked_out_response"
# A lock lasts its minutes from the failure that set it; attempts refused meanwhile do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful sign-in forgets that account's and that address's earlier typos.
AXES_RESET_ON_SUCCESS = True
# ----------------------------------------------------------------------------------------------

# Checkout and payments -------------------------------------------------------------------------
# US card payments go through Stripe's hosted Checkout, confirmed by the signed webhook at
# /payments/stripe/webhook/. Without STRIPE_SECRET_KEY the checkout offers a clearly labelled
# test payment instead, so the whole journey runs offline.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Outside calls have deadlines (accounts/stripe_client.py): seconds to connect and between bytes of
# Stripe's answer, and the SDK's retries (none: the shopper pays again from the order page, a refund
# is retried by its task). STRIPE_API_BASE points the client at another API host (stripe-mock).
STRIPE_TIMEOUT = env.float("STRIPE_TIMEOUT", default=5.0)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=0)
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
# Seconds a webhook signature stays valid (Stripe's default tolerance).
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
# Minutes an unpaid card order holds its stock before it is cancelled (Stripe allows 30 to 1440).
CHECKOUT_PAYMENT_MINUTES = min(24 * 60, max(30, env.int("CHECKOUT_PAYMENT_MINUTES", default=30)))
# The shop's bank account, shown on a KG bank-transfer order's confirmation.
KG_BANK_DETAILS = {
    "recipient": env.str("KG_BANK_RECIPIENT", default="MARQUE LLC"),
    "bank": env.str("KG_BANK_NAME", default="Demir Bank, Bishkek"),
    "account": env.str("KG_BANK_ACCOUNT", default="1180000000000000"),
    "bic": env.str("KG_BANK_BIC", default="118001"),
    "inn": env.str("KG_BANK_INN", default="00000000000000"),
}
# ----------------------------------------------------------------------------------------------

# JSON API (api/) -------------------------------------------------------------------------------
# Mobile apps sign in with the same SMS code policy as the web and then carry a JWT access token;
# the refresh token rotates and a logged-out one is blacklisted. No session or cookie is read, so
# the API needs no CSRF token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ShopperJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=30)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MARQUE API",
    "DESCRIPTION": (
        "The MARQUE shop for mobile apps: phone sign-in by SMS code, the catalog of a market, cart, wishlist, "
        'back-in-stock alerts, orders and profile. Errors are JSON: {"error": {"code", "message", "details"}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page loads Swagger UI from this site's own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Orders and returns both have a `status`: each choice set gets a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "checkout.models.Order.Status",
        "ReturnStatusEnum": "returns.models.ReturnRequest.Status",
    },
}
# ----------------------------------------------------------------------------------------------
