"""Password hashing tuned for this hardware: PBKDF2-SHA256 with 600,000 iterations (OWASP's minimum),
about 0.3–0.45 s a login on the 2-core reference machine (bench/password_hash.py), within the ≤ 0.5 s
budget of a 2 s login. Older hashes are upgraded on the next successful login."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class KaohePBKDF2PasswordHasher(PBKDF2PasswordHasher):
    algorithm = "kaohe_pbkdf2_sha256"
    iterations = 600_000
