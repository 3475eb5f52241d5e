"""Production: every secret from the environment, HTTPS only, PostgreSQL and Redis expected."""

from django.core.exceptions import ImproperlyConfigured

from kaohe.config.settings.base import *  # noqa: F403
from kaohe.config.settings.base import env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
if not env.str("REDIS_URL", default=""):
    raise ImproperlyConfigured("Production needs REDIS_URL: rate limits and the job queue use Redis.")
if not env.str("DATABASE_URL", default="").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL.")
SESSION_COOKIE_NAME = "__Host-kaohe-session"
CSRF_COOKIE_NAME = "__Host-kaohe-csrf"
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
