"""Settings for the bone-metastasis quiz, read from the environment.

Development defaults are safe to run as they are (`make run`); production sets
DEBUG=false and must then give SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    # Only for local development: never used once DEBUG is off.
    SECRET_KEY = "dev-only-not-secret-5b1c0e8f2a7d4c6b9e3f1a2d4c6b8e0f"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "lti_tool",
    "django_tasks_db",
    "quizzes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the page below.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username at one address for 15 minutes after 5 failed logins. Counting the pair, not each on its own,
# means a success resets only that pair's failures (logging into one's own account cannot wipe the failures
# recorded against another's) and one person's typos cannot lock out a whole class behind one school address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_CLIENT_IP_CALLABLE = "quizzes.throttle.client_ip"
# An address guessing many usernames a few times each: all its logins wait out the cool-off after this many
# failures (quizzes.throttle.login_address_limit). Generous, as a class shares one school address.
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "50"))
# How many reverse proxies in front of the app append to X-Forwarded-For (0: the peer address is the client's).
# Read for login throttling and rate limits; a wrong count lets clients pick their own address, or makes the
# proxy's address everyone's.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Forms anyone can post, limited per client address and per browser session (quizzes.throttle); fixed windows
# of "count/period" with s, m, h or d. The address limits are for a class of 30 or more behind one school
# address; a session is one browser. Counted in the default cache: see CACHES below.
THROTTLE_RATES = {
    "signup": {"address": "60/h", "session": "10/h"},
    "join": {"address": "300/h", "session": "30/h"},  # join codes: POST /join/ and /join/<code>/
    "start": {"address": "600/h", "session": "60/h"},  # practices and checks started without an account
    "report": {"address": "100/h", "session": "20/h"},  # reports sent without an account
}

ROOT_URLCONF = "quizsite.urls"
WSGI_APPLICATION = "quizsite.wsgi.application"
ASGI_APPLICATION = "quizsite.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "quizsite" / "templates"],
        "OPTIONS": {
            # Templates are compiled once per process in production; re-read on change in development.
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
                )
            ]
            if not DEBUG
            else ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
# SQLite (development, small single-server use) under concurrent answers: WAL lets readers go on while one
# writer writes; IMMEDIATE takes the write lock when a transaction begins, so two first answers queue for it
# (up to the timeout, in seconds) instead of one failing with "database is locked" when its read turns into
# a write. PostgreSQL is the production database.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (Django's tasks framework) in a queue kept in the database: scores go back to an LMS from a
# worker, `python manage.py db_worker`, never in a request (quizzes/grades.py). `make run` and `make serve` start one.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# xAPI: with XAPI_ENDPOINT set (an LRS's base URL, ending in /), every answer and every finished attempt of a
# learner with an account is written to an outbox in the answer's transaction and sent by a task (quizzes/xapi.py).
XAPI_ENDPOINT = os.environ.get("XAPI_ENDPOINT", "")
XAPI_USERNAME = os.environ.get("XAPI_USERNAME", "")
XAPI_PASSWORD = os.environ.get("XAPI_PASSWORD", "")
# The IRI the statements' activities and the accounts' homePage are named under: the site's public address.
XAPI_BASE_IRI = os.environ.get("XAPI_BASE_IRI", "https://quiz.example.edu").rstrip("/")

# Rate-limit counters (quizzes.throttle). Local memory is per worker process, so with W workers a limit is at
# most W times looser; the login limits need no cache (axes keeps them in the database).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "quiz"},
    # LTI 1.3 keeps each login's nonce and state from the OIDC step to the launch, which another worker process
    # may serve: a cache every process shares (the database; `manage.py createcachetable` makes its table).
    "lti": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "quiz_lti_cache", "TIMEOUT": 600},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Length alone lets "aaaaaaaaaaaa" through: zxcvbn estimates how guessable a password is (repeats,
    # sequences, keyboard patterns, common words and names, the username).
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
# zxcvbn's score from 0 to 4; 3 is "safely unguessable" for an online attacker and hard offline.
PASSWORD_MINIMAL_STRENGTH = 3
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after_login"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic fills STATIC_ROOT for production; in development whitenoise serves from the finders.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "quizsite" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Scripts only from this site or with the per-response nonce; htmx is
# configured (see base.html) so that it needs neither inline styles nor eval.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# A constant view for `make bench` to compare pages against; off unless asked for.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Only a plain-HTTP loopback run (the benchmark) may turn these off.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # axes announces itself at every start; commands such as export_bank print data on stdout.
    "loggers": {"axes": {"level": "WARNING"}},
}
