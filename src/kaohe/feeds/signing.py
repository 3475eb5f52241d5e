"""Request signing of the feeds API (pure: no Django), the one definition clients and server share.

A source signs every request with its secret:

    X-Kaohe-Key:        the source's key id
    X-Kaohe-Timestamp:  unix seconds (must be within ±5 minutes of the server's clock)
    X-Kaohe-Signature:  hex HMAC-SM3(secret, METHOD "\\n" PATH "\\n" TIMESTAMP "\\n" hex SHA-256(body))

METHOD is upper case, PATH the request path without the query string (``/api/feeds/records``), the
body the exact bytes sent. HMAC-SM3 (GB/T 32905, the 密评 choice) is `hmac.new(secret, message, "sm3")`
in Python with OpenSSL 3, `HMac(new SM3Digest())` in BouncyCastle, `gmssl` elsewhere.
"""

import hashlib
import hmac

ALGORITHM = "sm3"
WINDOW_SECONDS = 300


def string_to_sign(method: str, path: str, timestamp: str, body: bytes) -> bytes:
    """The message that is signed: method, path, timestamp and the body's SHA-256, one per line."""
    return "\n".join([method.upper(), path, timestamp, hashlib.sha256(body).hexdigest()]).encode()


def sign(secret: str, method: str, path: str, timestamp: str, body: bytes) -> str:
    """The hex signature a client sends in X-Kaohe-Signature."""
    return hmac.new(secret.encode(), string_to_sign(method, path, timestamp, body), ALGORITHM).hexdigest()


def signature_valid(secret: str, method: str, path: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Constant-time comparison of the expected and the received signature."""
    return hmac.compare_digest(sign(secret, method, path, timestamp, body), signature.strip().lower())


def timestamp_fresh(timestamp: str, now: float, window: int = WINDOW_SECONDS) -> bool:
    """The timestamp is whole unix seconds within ±`window` of `now`."""
    if not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return abs(int(timestamp) - now) <= window


def signed_headers(key_id: str, secret: str, method: str, path: str, body: bytes, now: float) -> dict[str, str]:
    """The three headers of a signed request (what a client library does)."""
    timestamp = str(int(now))
    return {"X-Kaohe-Key": key_id, "X-Kaohe-Timestamp": timestamp,
            "X-Kaohe-Signature": sign(secret, method, path, timestamp, body)}
