"""The embedded default used by `make run`: SQLite, filesystem broker, keys created under var/keys.

Back up var/keys together with the database: without the keys, encrypted fields cannot be read.
"""

import secrets

from kaohe.config.settings.base import *  # noqa: F403
from kaohe.config.settings.base import VAR_DIR, env

KAOHE_CREATE_KEYS = True


def _local_secret_key() -> str:
    path = VAR_DIR / "keys" / "django.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_secret_key()
