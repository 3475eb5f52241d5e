"""Anti-automation for walk-in scans of static codes (等保 I2, research C3), on the rate-limit cache.

Per IP: 10 a minute and 100 a day; per device and target: 1 a day. Counters are keyed by keyed
hashes (HMAC-SM3, salted with the day), so neither the cache nor the database ever holds a raw IP.
When the counters cannot be read the rating is refused with 503 (fail closed, never unthrottled).
Visit tokens are exempt: each is bound to one service event and usable once (database constraint),
and a service hall's many citizens often share one network address.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from kaohe.core.crypto import provider
from kaohe.core.errors import ApplicationError

DEVICE_COOKIE = "kh_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600
IP_CONTEXT = "ratings.rating.ip"
DEVICE_CONTEXT = "ratings.rating.device"
DEFAULT_RATES = {"ip_minute": "10/m", "ip_day": "100/d", "device_target_day": "1/d"}


class RateLimitedError(ApplicationError):
    """Too many ratings from this network or device."""

    status = 429


class LimitsUnavailableError(ApplicationError):
    """The rate-limit store cannot be reached: refuse rather than accept unthrottled ratings."""

    status = 503


@dataclass(frozen=True)
class Origin:
    """Where a rating comes from, as keyed hashes of the day: the network and the device cookie."""

    ip_hash: str
    device_hash: str


def rates() -> dict[str, str]:
    return {**DEFAULT_RATES, **getattr(settings, "KAOHE_RATINGS_RATES", {})}


def keyed_hash(value: str, *, day: dt.date, context: str) -> str:
    return provider().blind_index(f"{day.isoformat()}|{value}", context=context) if value else ""


def device_id(request: HttpRequest) -> str:
    """The device cookie's value, or a new random one (the caller sets the cookie on the response)."""
    current = request.COOKIES.get(DEVICE_COOKIE, "")
    if 16 <= len(current) <= 64 and current.isalnum():
        return current
    return secrets.token_hex(16)


def origin_of(request: HttpRequest, *, day: dt.date, device: str = "") -> Origin:
    ip = str(request.META.get("REMOTE_ADDR", ""))
    return Origin(ip_hash=keyed_hash(ip, day=day, context=IP_CONTEXT),
                  device_hash=keyed_hash(device, day=day, context=DEVICE_CONTEXT))


def limits_check(request: HttpRequest, *, origin: Origin, target_id: int) -> None:
    """Count one walk-in rating against the IP and device limits; raise 429 (or 503) when over."""
    limits = rates()
    rules = [
        ("ratings.ip.minute", origin.ip_hash, limits["ip_minute"],
         _("Too many ratings from this network. Please try again in a minute.")),
        ("ratings.ip.day", origin.ip_hash, limits["ip_day"],
         _("Too many ratings from this network today. Please try again tomorrow.")),
        ("ratings.device.target", f"{origin.device_hash}:{target_id}", limits["device_target_day"],
         _("You have already rated this service today. Thank you.")),
    ]
    for group, value, rate, message in rules:
        if not value or value.startswith(":"):
            continue
        try:
            usage = get_usage(request, group=group, key=lambda _g, _r, v=value: v, rate=rate, increment=True)
        except Exception as exc:  # the cache server is down or refuses: fail closed
            raise LimitsUnavailableError(_("Rating is unavailable for a moment. Please try again later.")) from exc
        if usage is None:
            continue
        if usage["limit"] == 0:
            raise LimitsUnavailableError(_("Rating is unavailable for a moment. Please try again later."))
        if usage["should_limit"]:
            raise RateLimitedError(message)
