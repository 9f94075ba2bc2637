"""Django settings, all from the environment.

``TRACEOBJECT_ENV`` picks the mode:

* ``embedded`` (what ``make run`` sets): SQLite and secrets generated under the data directory, so that a
  fresh machine needs no configuration;
* ``test``: like embedded, with a throw-away data directory and fast password hashing;
* ``production`` (the default, so that a forgotten variable fails loudly rather than silently running
  with generated secrets): every secret must be given, through ``NAME`` or ``NAME_FILE``.

Unset, the mode is ``embedded`` only when the data directory holds the marker embedded mode writes
(``var/MODE``), so that the commands ``make run`` prints work from the repository root as printed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

from traceobject.core.env import (
    data_dir_configured,
    env_bool,
    env_int,
    env_list,
    env_str,
    mode_mark,
    mode_select,
)
from traceobject.core.keys import embedded_keys_dir, embedded_secret, embedded_vault_keypair

BASE_DIR = Path(__file__).resolve().parent

# An explicit TRACEOBJECT_ENV always wins; unset, the data directory decides (core.env.mode_select):
# embedded if ``make run`` marked it, production otherwise.
if env_str("TRACEOBJECT_ENV") == "test" and not env_str("TRACEOBJECT_DATA_DIR"):
    DATA_DIR = Path(tempfile.mkdtemp(prefix="traceobject-test-"))
else:
    DATA_DIR = data_dir_configured()
MODE = mode_select(DATA_DIR)
EMBEDDED = MODE in {"embedded", "test"}
DATA_DIR.mkdir(parents=True, exist_ok=True)
if MODE == "embedded":
    mode_mark(DATA_DIR)

DEBUG = env_bool("TRACEOBJECT_DEBUG", False)


def _required(name: str) -> str:
    value = env_str(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} (or {name}_FILE) must be set when TRACEOBJECT_ENV=production. "
            "See README.md, section Configuration."
        )
    return value


if EMBEDDED:
    # Generated secrets live in <data dir>/keys, or outside the data folder in TRACEOBJECT_SECRETS_DIR
    # (docs/security.md: what a copy of the data folder gives away); TRACEOBJECT_SECRET_KEY and
    # TRACEOBJECT_RECEIPT_PEPPER (or their _FILE) win over both. The test suite always keeps its own in its
    # throw-away data directory: a test of the escrow deletes the private key file.
    KEYS_DIR = embedded_keys_dir(DATA_DIR) if MODE == "embedded" else DATA_DIR / "keys"
    SECRET_KEY = env_str("TRACEOBJECT_SECRET_KEY") or embedded_secret(KEYS_DIR, "django-secret.key")
    RECEIPT_PEPPER = env_str("TRACEOBJECT_RECEIPT_PEPPER") or embedded_secret(KEYS_DIR, "receipt-pepper.key")
    _public, _private = embedded_vault_keypair(KEYS_DIR)
    VAULT_PUBLIC_KEY = env_str("TRACEOBJECT_VAULT_PUBLIC_KEY") or _public
    VAULT_PRIVATE_KEY = env_str("TRACEOBJECT_VAULT_PRIVATE_KEY") or _private
    ALLOWED_HOSTS = env_list("TRACEOBJECT_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = _required("TRACEOBJECT_SECRET_KEY")
    RECEIPT_PEPPER = _required("TRACEOBJECT_RECEIPT_PEPPER")
    VAULT_PUBLIC_KEY = _required("TRACEOBJECT_VAULT_PUBLIC_KEY")
    # The intake only needs the public key; the private key may live elsewhere entirely.
    VAULT_PRIVATE_KEY = env_str("TRACEOBJECT_VAULT_PRIVATE_KEY") or ""
    ALLOWED_HOSTS = env_list("TRACEOBJECT_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("TRACEOBJECT_ALLOWED_HOSTS must list the public host names in production.")

INSTALLED_APPS = [
    # django.contrib.admin, with the admin site behind the staff login and its second factor.
    "traceobject.accounts.admin_site.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-ninja: the API's router and OpenAPI document; listed for its bundled Swagger UI assets.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "traceobject.core",
    "traceobject.accounts",
    "traceobject.audit",
    "traceobject.vault",
    "traceobject.gallery",
    "traceobject.imaging",
    "traceobject.tips",
    "traceobject.triage",
    "traceobject.stats",
    "traceobject.leads",
    "traceobject.api",
    "traceobject.demo",
]

MIDDLEWARE = [
    # First, so that nothing after it can ever read or log the client's address.
    "traceobject.core.middleware.ForgetClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "traceobject.core.middleware.SecurityHeadersMiddleware",
    # Outside every middleware that sets a cookie: the net that makes each of them Secure over HTTPS.
    "traceobject.core.middleware.SecureCookiesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After the header middleware, so that its 413 and 400 carry them too; before anything reads a body.
    "traceobject.core.middleware.BodySizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's session middleware with separate staff, admin and public cookies (name and path).
    "traceobject.accounts.middleware.AreaSessionMiddleware",
    # The language of each area, from its own list only (core/languages.py), in place of Django's
    # LocaleMiddleware.
    "traceobject.core.middleware.AreaLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Malformed query strings and bodies get the area's 400 page before the CSRF check reads the body
    # (its process_view runs after every middleware's request phase, and before the CSRF one's).
    "traceobject.core.middleware.StrictInputMiddleware",
    # core.csrf.NoReferrerCsrfViewMiddleware with a separate CSRF cookie for each of those areas.
    "traceobject.accounts.middleware.AreaCsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # /staff/ and /django-admin/: host confinement, idle timeout, Cache-Control: no-store.
    "traceobject.accounts.middleware.StaffAreaMiddleware",
    # After the idle timeout: the vault keys a login unlocked, held for this request only.
    "traceobject.accounts.middleware.VaultSessionMiddleware",
]

ROOT_URLCONF = "traceobject.urls"
WSGI_APPLICATION = "traceobject.wsgi.application"

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
                "traceobject.core.context_processors.site",
                "traceobject.core.context_processors.staff_nav",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------
_default_db = f"sqlite:///{DATA_DIR / 'traceobject.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_db) or _default_db)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the single writer; synchronous=FULL makes every commit durable
        # before a receipt is shown; IMMEDIATE takes the write lock up front so that concurrent tips
        # wait on busy_timeout instead of failing with "database is locked" on lock upgrade.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; "
            "PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
    # Keep each worker's connection: opening one runs the PRAGMAs above, and closing the last one
    # checkpoints and deletes the WAL, an fsync'd write on every request otherwise.
    DATABASES["default"]["CONN_MAX_AGE"] = None
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("TRACEOBJECT_DB_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if MODE == "test":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Shared by every process of the site: the public figures are recomputed by the task worker and read by
# the web workers. Files under the data directory (they hold only those figures, nothing about any
# visitor); the tests keep a per-process memory cache.
if MODE == "test":
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache" / "django"),
        }
    }

# --- Auth: staff only; the public never has an account ------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "staff:login"
OTP_TOTP_ISSUER = "Trace an Object"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
if MODE == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- I18n -------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# The public side in 36 languages: the 24 official languages of the EU and twelve more spoken where the
# objects are sold (issue 14). The partner portal speaks the EU ones, the staff side English, French and
# German only (STAFF_LANGUAGES); an area never shows a language it is not complete in (core/languages.py
# chooses per area; tests/test_i18n.py checks completeness). The names are for developers: pages name
# each language in itself, from CLDR (core.languages.native_name), so they are not translated.
LANGUAGES = [
    ("bg", "Bulgarian"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("de", "German"),
    ("el", "Greek"),
    ("en", "English"),
    ("es", "Spanish"),
    ("et", "Estonian"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("ga", "Irish"),
    ("hr", "Croatian"),
    ("hu", "Hungarian"),
    ("it", "Italian"),
    ("lt", "Lithuanian"),
    ("lv", "Latvian"),
    ("mt", "Maltese"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("sv", "Swedish"),
    ("ar", "Arabic"),
    ("fa", "Persian"),
    ("hi", "Hindi"),
    ("id", "Indonesian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("ru", "Russian"),
    ("th", "Thai"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("vi", "Vietnamese"),
    ("zh-hans", "Simplified Chinese"),
]
EU_LANGUAGES = tuple(code for code, _name in LANGUAGES[:24])
PARTNER_LANGUAGES = EU_LANGUAGES
STAFF_LANGUAGES = ("en", "fr", "de")
# Django knows no Maltese; its entry here gives the picker its name and the page its direction.
LANG_INFO["mt"] = {"bidi": False, "code": "mt", "name": "Maltese", "name_local": "Malti"}
# The project's catalogs, then the few Django messages that Django's own catalog lacks for a language
# (all of them for Maltese, which Django does not have): core/translations.py writes and checks both.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
# English dates without the American month-first order; fr and de keep Django's formats.
FORMAT_MODULE_PATH = ["traceobject.core.formats"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
if MODE == "test":
    WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
# Only sanitized derivatives live under MEDIA_ROOT; uploads stay in PRIVATE_MEDIA_ROOT, never served.
MEDIA_ROOT = DATA_DIR / "media"
PRIVATE_MEDIA_ROOT = DATA_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if MODE == "test":
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_MAX_AGE = 3600

# --- Security -------------------------------------------------------------------------------------
MAX_BODY_BYTES = env_int("TRACEOBJECT_MAX_BODY_BYTES", 64 * 1024)
# Staff image uploads; the file itself streams to a temporary file, never into memory.
STAFF_MAX_UPLOAD_BYTES = env_int("TRACEOBJECT_STAFF_MAX_UPLOAD_BYTES", 64 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES
# Uploads over 2.5 MB spool to disk: keep them in the private data folder, not the shared /tmp.
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "private" / "tmp"
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600
DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Django sends HSTS only on requests it sees as secure, so plain-HTTP ``make run`` never pins a browser.
SECURE_HSTS_SECONDS = env_int("TRACEOBJECT_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_SSL_REDIRECT = env_bool("TRACEOBJECT_SSL_REDIRECT", False)
BEHIND_TLS_PROXY = env_bool("TRACEOBJECT_BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Every cookie the site sets is Secure, except in embedded or test mode served over plain HTTP (make run on
# http://127.0.0.1): embedded mode behind a TLS proxy gets Secure cookies too. The project's own cookies
# (area sessions and CSRF, the vault halves, the follow-up visit) follow SESSION_COOKIE_SECURE or
# CSRF_COOKIE_SECURE; tests/core/test_secure_cookies.py checks every *_COOKIE_SECURE setting and every
# cookie a visit collects.
COOKIES_SECURE = not EMBEDDED or BEHIND_TLS_PROXY
X_FRAME_OPTIONS = "DENY"
# The staff session (Path=/staff/; the admin shares it as ADMIN_SESSION_COOKIE_NAME, Path=/django-admin/).
# Public pages have a cookie of their own, never this one: see accounts/middleware.py.
SESSION_COOKIE_NAME = "to_staff_session"
ADMIN_SESSION_COOKIE_NAME = "to_admin_session"
PUBLIC_SESSION_COOKIE_NAME = "to_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = COOKIES_SECURE
CSRF_COOKIE_NAME = "to_csrf"  # public pages; the staff side and the admin have their own
STAFF_CSRF_COOKIE_NAME = "to_staff_csrf"
ADMIN_CSRF_COOKIE_NAME = "to_admin_csrf"
# The partner portal (Path=/partner/): a session and a CSRF cookie of its own.
PARTNER_SESSION_COOKIE_NAME = "to_partner_session"
PARTNER_CSRF_COOKIE_NAME = "to_partner_csrf"
# The browser's half of the vault keys a login unlocked (vault.keyring); the session holds the other half.
STAFF_VAULT_COOKIE_NAME = "to_staff_vault"
PARTNER_VAULT_COOKIE_NAME = "to_partner_vault"
# Argon2id cost for unwrapping a staff member's key at login: "interactive" (libsodium's, ~64 MiB), or
# "min" for the test suite only.
VAULT_KDF = env_str("TRACEOBJECT_VAULT_KDF", "min" if MODE == "test" else "interactive") or "interactive"
# How long a key rotation waits before its second pass: twice the time processes keep the active key.
VAULT_ROTATION_SETTLE_SECONDS = 0 if MODE == "test" else 60
if VAULT_KDF not in {"interactive", "min"} or (VAULT_KDF == "min" and MODE != "test"):
    raise ImproperlyConfigured("TRACEOBJECT_VAULT_KDF must be 'interactive' (or 'min' in the test suite).")
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_AGE = None  # a browser-session cookie: nothing outlives the visit
CSRF_COOKIE_SECURE = COOKIES_SECURE
# No page sets a language cookie (the language is in the URL), but if one ever does, it follows the rest.
LANGUAGE_COOKIE_SECURE = COOKIES_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Strict"
CSRF_FAILURE_VIEW = "traceobject.core.views.csrf_failure"
# The mailbox the accessibility statement gives for reporting a barrier (public/accessibility.html).
ACCESSIBILITY_CONTACT = env_str("TRACEOBJECT_ACCESSIBILITY_CONTACT") or ""
# aria-describedby names the help and error elements the field templates render (core/forms.py).
FORM_RENDERER = "traceobject.core.forms.FormRenderer"
# Messages live in the session of their side, not in a cookie of their own sent to every page.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Staff side: host names it is confined to (empty: any allowed host), idle logout, login lock.
STAFF_HOSTS = env_list("TRACEOBJECT_STAFF_HOSTS", [])
STAFF_IDLE_MINUTES = env_int("TRACEOBJECT_STAFF_IDLE_MINUTES", 30)
# API tokens (accounts/apitokens.py): the lifetime a new token gets unless told otherwise, and the most
# anyone may give one.
API_TOKEN_DEFAULT_DAYS = env_int("TRACEOBJECT_API_TOKEN_DEFAULT_DAYS", 90)
API_TOKEN_MAX_DAYS = env_int("TRACEOBJECT_API_TOKEN_MAX_DAYS", 365)
STAFF_LOGIN_LOCK_AFTER = env_int("TRACEOBJECT_STAFF_LOGIN_LOCK_AFTER", 5)

# --- Logging: no client address, ever -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # django.request would only repeat status lines; django.server is runserver's access log.
        "django.request": {"handlers": [], "level": "ERROR", "propagate": True},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}

# --- Site -------------------------------------------------------------------------------------------
GALLERY_PAGE_SIZE = env_int("TRACEOBJECT_GALLERY_PAGE_SIZE", 24)
PUBLIC_FIGURES_CACHE_SECONDS = 60
IMAGE_WIDTHS = (320, 640, 1280)
IMAGE_MAX_PIXELS = env_int("TRACEOBJECT_IMAGE_MAX_PIXELS", 60_000_000)
# The safety scan warns when an image's perceptual hash (64 bits) is this close to one already public.
IMAGE_NEAR_DUPLICATE_DISTANCE = env_int("TRACEOBJECT_IMAGE_NEAR_DUPLICATE_DISTANCE", 10)

# --- Disclosure: what the public may learn, and when (docs/architecture.md, "The disclosure rule") ---
# An object shows as identified only this many days after its last lead was sent (widespread: after the
# confirmation); until then it stays in the gallery and takes tips as before.
DISCLOSURE_QUIET_DAYS = env_int("TRACEOBJECT_DISCLOSURE_QUIET_DAYS", 30)
# Outcome figures are published per calendar quarter (UTC), this many days after the quarter ended.
FIGURES_PUBLICATION_DELAY_DAYS = env_int("TRACEOBJECT_FIGURES_PUBLICATION_DELAY_DAYS", 30)
# A published outcome figure moves only in steps of at least this many: smaller quarters wait, merged
# into the next ones, and a total below it reads "fewer than N".
FIGURES_MIN_COUNT = env_int("TRACEOBJECT_FIGURES_MIN_COUNT", 5)

# --- Leads: notification mail and acknowledgement ----------------------------------------------------
# Notices say only that a lead is waiting in the partner portal; they go out through Django's SMTP backend.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("TRACEOBJECT_EMAIL_HOST", "localhost") or "localhost"
EMAIL_PORT = env_int("TRACEOBJECT_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("TRACEOBJECT_EMAIL_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("TRACEOBJECT_EMAIL_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("TRACEOBJECT_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("TRACEOBJECT_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("TRACEOBJECT_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("TRACEOBJECT_EMAIL_FROM", "traceobject@localhost") or "traceobject@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The absolute address of the partner portal, for the link in the notice.
LEADS_PARTNER_URL = env_str("TRACEOBJECT_PARTNER_URL", "http://localhost:8000/partner/") or ""
# Leads sent longer ago than this and not yet acknowledged are flagged to the analysts.
TRACEOBJECT_LEAD_ACK_DAYS = env_int("TRACEOBJECT_LEAD_ACK_DAYS", 7)

# --- Benchmarks -------------------------------------------------------------------------------------
# Routes /bench/floor/, the trivial CSRF-protected form post that bench/intake.py measures beside the tip
# intake (the "framework floor"). It stores nothing; leave it off outside benchmarks.
BENCH_FLOOR = env_bool("TRACEOBJECT_BENCH_FLOOR", False)


# --- Anti-abuse (tips.antiabuse) ---------------------------------------------------------------------
# Rate limits, proof-of-work single-use marks and the surge counters live in their own cache alias, with the
# daily key that turns client addresses into tags: nothing of it reaches the database (nor a disk, with Redis
# or /dev/shm). Redis when TRACEOBJECT_REDIS_URL is set (shared by every web worker, so the limits hold
# across processes), else one SQLite file that every web worker of this host shares
# (tips.antiabuse.sharedcache), in memory (/dev/shm) when the host has it. Tests keep a per-process memory
# cache unless a test picks a backend (or the benchmark sets TRACEOBJECT_ANTIABUSE_PATH).
def antiabuse_fallback_path(data_dir: Path) -> Path:
    """Where the shared file lives without Redis: TRACEOBJECT_ANTIABUSE_PATH, else a directory of this user
    in /dev/shm (memory: the day key and the tags never reach a disk), else the data directory's cache."""
    import hashlib
    import os

    configured = env_str("TRACEOBJECT_ANTIABUSE_PATH", "") or ""
    if configured:
        return Path(configured)
    name = f"antiabuse-{hashlib.blake2b(str(data_dir.resolve()).encode(), digest_size=6).hexdigest()}.sqlite3"
    shm = Path("/dev/shm")  # noqa: S108 - checked: a directory of our own, mode 0700 (sharedcache)
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm / f"traceobject-{os.geteuid()}" / name
    return data_dir / "cache" / name


REDIS_URL = env_str("TRACEOBJECT_REDIS_URL", "") or ""
if REDIS_URL:
    CACHES["antiabuse"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("TRACEOBJECT_REDIS_PREFIX", "traceobject") or "traceobject",
        # A Redis that stops answering must not hold up a tip for long: the checks fail open.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
elif MODE == "test" and not env_str("TRACEOBJECT_ANTIABUSE_PATH"):
    CACHES["antiabuse"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "antiabuse",
    }
else:
    CACHES["antiabuse"] = {
        "BACKEND": "traceobject.tips.antiabuse.sharedcache.SharedSQLiteCache",
        "LOCATION": str(antiabuse_fallback_path(DATA_DIR)),
    }
# Off only for load benchmarks (the system check warns outside debug mode). Tests run with them off unless a
# test switches them on, because every test client comes from the same address.
TRACEOBJECT_RATE_LIMITS = env_bool("TRACEOBJECT_RATE_LIMITS", MODE != "test")
# Overrides of the built-in limits, "scope=per_minute/burst/per_hour;..." (tips.antiabuse.ratelimit.LIMITS:
# tip, tip-unverified, follow-up, receipt). An onion service, where every visitor shares one address, will
# want higher ones for tip-unverified.
TRACEOBJECT_RATE_LIMIT_RULES = env_str("TRACEOBJECT_RATE_LIMIT_RULES", "") or ""
# Leading zero bits of sha256(challenge ":" nonce) that pow.js must find: 2**N hashes on average. 16: about
# 0.3 s on this server's core, meant as about a second on a mid-range phone (docs/benchmarks.md).
TRACEOBJECT_POW_DIFFICULTY = env_int("TRACEOBJECT_POW_DIFFICULTY", 16)
# How long a challenge stays valid: time enough to write a tip slowly.
TRACEOBJECT_POW_MAX_AGE = env_int("TRACEOBJECT_POW_MAX_AGE", 3 * 3600)
# The circuit breaker: new tips are held (status "surge") while the tips stored in the current minute exceed
# max(FLOOR, FACTOR x the mean per minute over the past hour), and for HOLD_MINUTES after the last trip.
TRACEOBJECT_SURGE_FLOOR = env_int("TRACEOBJECT_SURGE_FLOOR", 30)
TRACEOBJECT_SURGE_FACTOR = env_int("TRACEOBJECT_SURGE_FACTOR", 10)
TRACEOBJECT_SURGE_HOLD_MINUTES = env_int("TRACEOBJECT_SURGE_HOLD_MINUTES", 10)
# Behind a reverse proxy, the header that carries the client's address (e.g. X-Real-IP, or X-Forwarded-For,
# whose last entry is used). Empty: the socket's address. Either way the address is dropped at once.
TRACEOBJECT_CLIENT_ADDRESS_HEADER = env_str("TRACEOBJECT_CLIENT_ADDRESS_HEADER", "") or ""

# --- Follow-up and retention ------------------------------------------------------------------------
# The follow-up page (/follow-up/) forgets a tipster's visit after this many minutes without a request,
# whatever the browser keeps; the receipt opens it again.
FOLLOWUP_IDLE_MINUTES = env_int("TRACEOBJECT_FOLLOWUP_IDLE_MINUTES", 30)
# ``traceobject purge`` (daily, through ``traceobject scheduler``): contact details are dropped from tips
# older than this many days, and every tip of an object withdrawn longer ago than the second number is
# deleted with everything hanging off it.
TRACEOBJECT_CONTACT_RETENTION_DAYS = env_int("TRACEOBJECT_CONTACT_RETENTION_DAYS", 90)
TRACEOBJECT_WITHDRAWN_RETENTION_DAYS = env_int("TRACEOBJECT_WITHDRAWN_RETENTION_DAYS", 30)
for _name in (
    "FOLLOWUP_IDLE_MINUTES",
    "TRACEOBJECT_CONTACT_RETENTION_DAYS",
    "TRACEOBJECT_WITHDRAWN_RETENTION_DAYS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"TRACEOBJECT_{_name.removeprefix('TRACEOBJECT_')} must be at least 1.")
