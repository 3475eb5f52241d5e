"""Settings shared by every environment. Policy (weights, quotas, deadlines) is data, not settings."""

from pathlib import Path

import dj_database_url
import environ
from django.utils.translation import gettext_lazy as _

env = environ.Env()

SRC_DIR = Path(__file__).resolve().parents[3]
BASE_DIR = SRC_DIR.parent
VAR_DIR = Path(env.str("KAOHE_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "kaohe.core",
    "kaohe.audit",
    "kaohe.accounts",
    "kaohe.org",
    "kaohe.indicators",
    "kaohe.collection",
    "kaohe.appraisal",
    "kaohe.feeds",
    "kaohe.ratings",
    "kaohe.ballots",
    "kaohe.hotline",
    "kaohe.worklog",
    "kaohe.analytics",
    "kaohe.appeals",
    "kaohe.units",
    "kaohe.leadership",
    "kaohe.unitratings",
    "kaohe.demo",
    "kaohe.web",
]

MIDDLEWARE = [
    "kaohe.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kaohe.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kaohe.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kaohe.web.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kaohe.accounts.middleware.SecurityPolicyMiddleware",
    "kaohe.accounts.middleware.AdminNetworkMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kaohe.web.middleware.ApplicationErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Lockout (等保 A4): 5 failures lock the name for 15 minutes (30 for administrators); the same answer for
# unknown names. Only the security administrator unlocks early (accounts.services.user_unlock).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = "kaohe.accounts.policy.lockout_cooloff"
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kaohe.web.views.auth.locked_out"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Kaohe 考核"
# Networks from which the administrators' pages (/manage/) may be used (CIDR list).
KAOHE_ADMIN_NETWORKS = env.list("KAOHE_ADMIN_NETWORKS", default=["127.0.0.0/8", "::1/128"])
# The reverse proxies (addresses or networks) whose X-Forwarded-For is believed; none by default.
KAOHE_TRUSTED_PROXIES = env.list("KAOHE_TRUSTED_PROXIES", default=[])

ROOT_URLCONF = "kaohe.config.urls"
WSGI_APPLICATION = "kaohe.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaohe.web.context.navigation",
            ],
        },
    },
]

# One DATABASE_URL; the embedded default is SQLite under var/.
DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kaohe.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Rate limits (django-ratelimit) need atomic shared counters: Redis. Without REDIS_URL (the embedded
# single-machine default) each web process counts on its own, which is weaker; production requires Redis.
CACHES["ratelimit"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
)
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = False
# axes.W006: names are locked by axes; addresses are throttled by django-ratelimit on the login view.
# django_ratelimit.W001: Django's own RedisCache is not in its list, but its incr() is Redis INCR (atomic).
# django_ratelimit.E003 (a per-process cache) only without Redis: the embedded single-machine default.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "django_ratelimit.W001"] + ([] if REDIS_URL else ["django_ratelimit.E003"])

# Background jobs: Redis in production; a broker that needs no server for the embedded default.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-done"),
        "control_folder": str(VAR_DIR / "broker-control"),  # kombu's default is ./control
        "store_processed": False,
    }
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE = {
    "audit-checkpoint-daily": {"task": "kaohe.audit.tasks.audit_checkpoint_daily", "schedule": 24 * 60 * 60},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The audit log is kept at least six months (网络安全法 第21条: ≥ 184 days); nothing deletes younger rows.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

PASSWORD_HASHERS = [
    "kaohe.accounts.hashers.KaohePBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [  # kaohe.accounts.policy explains the choice
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kaohe.accounts.policy.CharacterClassValidator"},
    {"NAME": "kaohe.accounts.policy.ContextValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "kaohe" / "web" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Keys for field encryption and blind indexes live outside the database (file or environment).
KAOHE_KEY_FILE = env.str("KAOHE_KEY_FILE", default=str(VAR_DIR / "keys" / "kaohe.keys"))
KAOHE_CRYPTO_ALGORITHM = env.str("KAOHE_CRYPTO_ALGORITHM", default="sm4-gcm")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # absolute limit; idle limits are enforced by SecurityPolicyMiddleware
SESSION_SAVE_EVERY_REQUEST = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}

FORMAT_MODULE_PATH = ["kaohe.web.formats"]

# Inbox items are also emailed when this is on (configure EMAIL_HOST and friends as usual).
KAOHE_EMAIL_NOTIFICATIONS = env.bool("KAOHE_EMAIL_NOTIFICATIONS", default=False)
