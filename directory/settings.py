"""Settings for the Muslim Mental Health Directory.

One settings file, read from the environment (see .env.example, which names every setting read
here). ``DEBUG`` is off unless ``DJANGO_DEBUG`` turns it on. With it off, no server starts without
``DJANGO_SECRET_KEY``: the WSGI application refuses to be made (directory/wsgi.py), whatever
starts it; management commands and the tests, which serve no one, may run with a development key.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean: 1/0, true/false, yes/no, on/off (any case)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0 or true/false, not {raw!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# Serving pages with DEBUG off needs a real secret key (directory/wsgi.py refuses to make the
# application without one); management commands (migrate, collectstatic, seed_directory) and the
# tests may run with this development key.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Translated lookup names in columns of their own tables (organisations/translation.py):
    # before admin, so that its admin classes can show the columns.
    "modeltranslation",
    # Django's admin with directory.admin_site.AdminSite as admin.site: two-factor sign-in.
    "directory.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # The sitemap's views and templates (directory/search_engines.py), without contrib.sites.
    "django.contrib.sitemaps",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_filters",
    "simple_history",
    # The site's own pages, error pages and crisis lines (directory/views.py, crisis_lines.py).
    "directory",
    "organisations",
    "organisations.suggestions",
    # Benchmark tools only: the generate_synthetic_data and count_queries commands, which
    # benchmarks and operators run against production-like servers. The product never imports it.
    "bench",
]

MIDDLEWARE = [
    # Outermost: a repeat of a page from the page cache is answered here, as it left the whole
    # stack the first time (organisations/caching/replay.py); everything below has run for it once.
    "organisations.caching.replay.StoredPageMiddleware",
    # Then, so that it compresses what every other middleware made: HTML, JSON. Pages from the
    # page cache come compressed already (organisations/caching/pages.py) and static files from
    # whitenoise, so it leaves those alone.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # After SecurityMiddleware, so that it runs first on the way out: Permissions-Policy, and
    # "same-origin" instead of "no-referrer" for admin and pages with a form.
    "directory.middleware.SecurityHeadersMiddleware",
    # Content-Security-Policy (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface language from the URL's prefix alone (/ur/, /ar/, ...), English without one:
    # no cookie, no Accept-Language (directory/middleware.py, DESIGN.md §8).
    "directory.middleware.URLLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified when the session was signed in with a one-time code.
    "django_otp.middleware.OTPMiddleware",
    # Lets django-simple-history record who made each change, inline services included.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "directory.urls"
WSGI_APPLICATION = "directory.wsgi.application"

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
                "directory.context_processors.site",
            ],
            # as_written and written_lang in every template, _value.html's single line included.
            "builtins": ["directory.templatetags.languages"],
        },
    },
]

# SQLite file by default so that a newcomer needs nothing installed; PostgreSQL (psycopg 3)
# when DATABASE_URL says so, e.g. postgres://postgres@127.0.0.1:5432/directory.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Nothing the directory needs lives in a connection's state, so it works the same behind PgBouncer
# in transaction pooling (docs/operations.md, "PgBouncer"): the trigram threshold is set with SET
# LOCAL in the one transaction that uses it (organisations/listing/search.py), and "no parallel
# workers" is the database's default (migration 0011). DJANGO_DB_TRANSACTION_POOLING=1 turns off
# server-side cursors (QuerySet.iterator()), which need the same server connection throughout.
if env_bool("DJANGO_DB_TRANSACTION_POOLING", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
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

# Signing in: django-axes first, so that a locked-out username and address is refused before any
# password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed sign-ins for one username from one address lock that pair out for an hour (never
# for good), answered with 429 and templates/locked_out.html. Attempts are kept in the database,
# visible to superusers in admin; `manage.py axes_reset_username <name>` unlocks early.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
# Masked in the form data an attempt records (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]
# The client's address: REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXIES reverse proxies the address
# the outermost of them saw (directory/client_address.py).
AXES_CLIENT_IP_CALLABLE = "directory.client_address.client_address"
DIRECTORY_TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0"))
# Two-factor sign-in to admin (directory/admin_site.py): the name authenticator apps show.
OTP_TOTP_ISSUER = "Muslim Mental Health Directory"
# Superusers see and can remove devices in admin (a lost phone), never an enrolled device's secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Change history (django-simple-history): seeing an organisation's or a service's history needs
# the view permission of its historical model, restoring a version the change permission; the
# Editors group has both (migration 0009).
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True

# The interface languages (DESIGN.md §8, docs/translating.md). English has today's URLs; each other
# language a prefix (/ur/, /ar/, /bn/, /so/), a catalogue in locale/<code>/LC_MESSAGES/ and an entry
# in locale/review.toml; each is named in its own script. Adding one is a catalogue and a line here.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [
    ("en-gb", "English"),
    ("ur", "اردو"),
    ("ar", "العربية"),
    ("bn", "বাংলা"),
    ("so", "Soomaali"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django knows every language above but Somali: what it needs to name it and know its direction.
LANG_INFO.setdefault(
    "so", {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"}
)
# Date and number formats of a language Django has none for (Somali): directory/formats/so/.
FORMAT_MODULE_PATH = ["directory.formats"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Lookup names (types of support, languages, areas, ...) keep a column per language
# (django-modeltranslation, organisations/translation.py): name_en_gb, name_ur, ... An empty
# translation shows the English name.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en-gb"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en-gb",)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed (gzip and brotli), content-hashed names, served by whitenoise with
    # far-future cache headers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security headers and cookies (docs/operations.md, "Security headers and cookies").
# The public site sets no cookies; only admin's sign-in and the public forms set the CSRF cookie,
# and signing in the session cookie. Secure (HTTPS-only) cookies carry the __Host- prefix: the
# browser then takes them only from this host, over HTTPS, for the whole site. `make serve`,
# `make bench`, `make soak` and `make lighthouse` serve plain HTTP on 127.0.0.1: they set
# DJANGO_SECURE_COOKIES=0 and DJANGO_SSL_REDIRECT=0.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind a reverse proxy that terminates HTTPS and sets X-Forwarded-Proto (and strips any the
# client sent): plain-HTTP requests are redirected to HTTPS, and HTTPS answers carry HSTS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# No Referer at all, not even to this site. Admin and pages with a form get "same-origin"
# (directory/middleware.py): under "no-referrer" browsers send "Origin: null" with a form's POST,
# which CSRF protection refuses.
SECURE_REFERRER_POLICY = "no-referrer"
X_FRAME_OPTIONS = "DENY"
# django-csp: nothing but this site's own scripts, styles, images and forms; no inline script or
# style anywhere, admin included (templates/admin/change_list.html, templates/simple_history/),
# and no framing. Admin's autocomplete widgets fetch from this site (connect-src).
_SELF = "'self'"
_NONE = "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_NONE],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF],
        "connect-src": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
        "base-uri": [_NONE],
        "object-src": [_NONE],
    }
}

# Where Django admin lives: a less guessable path can be set per deployment.
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Django's cache: Redis when REDIS_URL is set (shared by every worker and server, as production
# needs), otherwise each process's own memory. Django's Redis backend, made to serve as an empty
# cache while Redis is down instead of failing the page (directory/cache.py); a Redis that hangs
# costs at most these timeouts, once a second per process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "directory.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "directory",
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5")),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The directory's own settings.
# Whole public pages cached under the directory's version (organisations/caching/pages.py).
DIRECTORY_PAGE_CACHE = env_bool("DIRECTORY_PAGE_CACHE", True)
DIRECTORY_PAGE_SIZE = 20
# Rendered cards, services and filter forms each process keeps for the current version
# (organisations/listing/fragments.py): about 2.5 KB each, so about 10 MB a process at most.
DIRECTORY_FRAGMENTS = int(os.environ.get("DIRECTORY_FRAGMENTS", "4000"))
# Whole pages each process keeps besides the shared cache (caching/pages.py): about 60 KB each.
DIRECTORY_PAGES_KEPT = int(os.environ.get("DIRECTORY_PAGES_KEPT", "100"))
# How old a "last checked" date may get before a listing needs review again (DESIGN.md §6).
DIRECTORY_REVIEW_AFTER_DAYS = 183
# The site's public address, with scheme and without a trailing slash (https://example.org.uk):
# what the open-data feed, the sitemap and structured data use in the addresses they give. Unset:
# the address each request came to (directory/site.py).
DIRECTORY_SITE_URL = os.environ.get("DJANGO_SITE_URL", "").rstrip("/")
# Open data (organisations/openreferral/): the role mailbox named as the assurer of every listing
# in the feed, never a person's address (the licence is in organisations/openreferral/licence.py).
DIRECTORY_ASSURER_EMAIL = os.environ.get("DJANGO_ASSURER_EMAIL", "listings@example.org")
# Where the data package offered for download on /open-data/ is built, once per version of the
# directory (organisations/openreferral/exporting.py): writable by the site's processes.
DIRECTORY_EXPORT_DIR = Path(os.environ.get("DJANGO_EXPORT_DIR", BASE_DIR / "var" / "exports"))
# Where "Leave this site" goes: a neutral page that reveals nothing.
DIRECTORY_QUICK_EXIT_URL = os.environ.get(
    "DIRECTORY_QUICK_EXIT_URL", "https://www.bbc.co.uk/weather"
)
# Suggestions from the public (organisations/suggestions/): how many form submissions one client
# (its address as for django-axes: set DJANGO_TRUSTED_PROXIES behind a proxy) may make in an
# hour, counted in the cache above; and after how many days purge_suggestions deletes them.
DIRECTORY_SUGGESTIONS_PER_HOUR = int(os.environ.get("DIRECTORY_SUGGESTIONS_PER_HOUR", "5"))
DIRECTORY_SUGGESTIONS_KEEP_DAYS = int(os.environ.get("DIRECTORY_SUGGESTIONS_KEEP_DAYS", "180"))
