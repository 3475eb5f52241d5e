"""Signed rating tokens: what a QR code carries (django.core.signing, HMAC over SECRET_KEY).

Two kinds, told apart by their salt so that one can never pass for the other:

- a static token, printed on a person's or a window's QR code: ``{"t": kind, "i": target id}``,
  valid for `STATIC_MAX_AGE` (a printed sheet lasts a year; reprint to renew);
- a visit token, issued for one service event (a case number or a visit ticket):
  ``{"t": kind, "i": target id, "r": service reference}``, valid for `visit_max_age()` and usable
  once (the reference is unique among ratings).

A changed character gives `TokenInvalidError` (400); an old token `TokenExpiredError` (410).
"""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils.encoding import force_bytes
from django.utils.translation import gettext as _

from kaohe.core.errors import ApplicationError
from kaohe.ratings.choices import TargetKind

STATIC_SALT = "kaohe.ratings.static"
VISIT_SALT = "kaohe.ratings.visit"
STATIC_MAX_AGE = dt.timedelta(days=400)
KIND_CODES = {TargetKind.PERSON: "p", TargetKind.WINDOW: "w"}
CODE_KINDS = {code: kind for kind, code in KIND_CODES.items()}
MAX_REFERENCE = 100


class TokenInvalidError(ApplicationError):
    """The token was not made by this system or was altered."""

    status = 400


class TokenExpiredError(ApplicationError):
    """The token was genuine but is too old."""

    status = 410


@dataclass(frozen=True)
class Claim:
    """What a valid token says: the target, and for a visit token the service reference."""

    kind: str
    target_id: int
    service_ref: str = ""

    @property
    def is_visit(self) -> bool:
        return bool(self.service_ref)


class _Signer(signing.TimestampSigner):
    """Django's TimestampSigner, same tokens, with each key's HMAC derived once instead of once per token
    (`signing.base64_hmac` hashes salt and key again for every signature: a tenth of a batch's CPU)."""

    def __init__(self, *, salt: str) -> None:
        super().__init__(salt=salt)
        self._macs: dict[str, hmac.HMAC] = {}

    def signature(self, value: str | bytes, key: str | bytes | None = None) -> str:
        key = key or self.key
        mac = self._macs.get(str(key))
        if mac is None:  # as django.utils.crypto.salted_hmac: HMAC keyed with sha256(salt + "signer" + key)
            derived = hashlib.sha256(force_bytes(self.salt) + b"signer" + force_bytes(key)).digest()
            mac = self._macs[str(key)] = hmac.new(derived, digestmod=hashlib.sha256)
        digest = mac.copy()
        digest.update(force_bytes(value))
        return signing.b64_encode(digest.digest()).decode()


def _signer(salt: str) -> signing.TimestampSigner:
    """One signer per salt and key set (made once: building it costs as much as checking a token)."""
    keys = (settings.SECRET_KEY, tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ())))
    signer = _SIGNERS.get((salt, keys))
    if signer is None:
        signer = _SIGNERS[(salt, keys)] = _Signer(salt=salt)
    return signer


_SIGNERS: dict[tuple[str, tuple[str, tuple[str, ...]]], signing.TimestampSigner] = {}


def visit_max_age() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "KAOHE_RATINGS_VISIT_TOKEN_HOURS", 24)))


def static_token(kind: str, target_id: int) -> str:
    return _signer(STATIC_SALT).sign_object({"t": KIND_CODES[TargetKind(kind)], "i": target_id})


def visit_token(kind: str, target_id: int, service_ref: str) -> str:
    reference = clean_reference(service_ref)
    return _signer(VISIT_SALT).sign_object({"t": KIND_CODES[TargetKind(kind)], "i": target_id, "r": reference})


def clean_reference(value: str) -> str:
    """A case number or visit reference as stored: trimmed, 1–100 characters, not a walk-in key."""
    reference = value.strip()
    if not reference or len(reference) > MAX_REFERENCE or reference.startswith("walkin:"):
        raise ApplicationError(_("A service reference has 1 to 100 characters and does not start with "
                                 "\"walkin:\"."), field="service_ref")
    return reference


def read_token(token: str, *, visit_age: dt.timedelta | None = None) -> Claim:
    """The claim of a visit or static token; raises TokenInvalidError or TokenExpiredError.
    `visit_age` is `visit_max_age()`, read once by a caller checking many tokens."""
    try:
        return _claim(_signer(VISIT_SALT).unsign_object(token, max_age=visit_age or visit_max_age()), visit=True)
    except signing.SignatureExpired as exc:
        raise TokenExpiredError(_("This rating code is for a visit that is too long ago to be rated.")) from exc
    except signing.BadSignature:
        pass
    try:
        return _claim(_signer(STATIC_SALT).unsign_object(token, max_age=STATIC_MAX_AGE), visit=False)
    except signing.SignatureExpired as exc:
        raise TokenExpiredError(_("This rating code has expired. Please scan the code now on display.")) from exc
    except signing.BadSignature as exc:
        raise TokenInvalidError(_("This rating code is not valid. Please scan the code again.")) from exc


def _claim(payload: Any, *, visit: bool) -> Claim:
    try:
        kind = CODE_KINDS[payload["t"]]
        target_id = int(payload["i"])
        reference = str(payload["r"]) if visit else ""
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenInvalidError(_("This rating code is not valid. Please scan the code again.")) from exc
    return Claim(kind=kind, target_id=target_id, service_ref=reference)
