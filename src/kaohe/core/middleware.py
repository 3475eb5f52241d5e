"""Request id for every request, so audit rows and logs of one request can be tied together; the client's
address behind a reverse proxy; security headers."""

import ipaddress
import uuid
from collections.abc import Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n) for n in settings.KAOHE_TRUSTED_PROXIES)


def forwarded_client(meta: MutableMapping[str, Any]) -> None:
    """Behind the reverse proxies of KAOHE_TRUSTED_PROXIES, REMOTE_ADDR becomes the address the first
    trusted proxy saw: the rightmost X-Forwarded-For entry that is not itself a trusted proxy (entries to
    its left are the client's own words and can be forged). From anyone else the header is ignored.
    Lockout, rate limits, the admin network and the audit log all read REMOTE_ADDR."""
    if not _trusted(str(meta.get("REMOTE_ADDR", ""))):
        return
    for address in reversed(str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")):
        if address.strip() and not _trusted(address):
            meta["REMOTE_ADDR"] = address.strip()
            return


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded_client(request.META)
        return self.get_response(request)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-Id"] = request.request_id  # type: ignore[attr-defined]
        return response


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
])


class SecurityHeadersMiddleware:
    """CSP (no inline script or style, nothing from elsewhere), no caching of personal pages, and a
    cleared browser on logout (等保 G1; ASVS 3.4, 14.3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        if request.path == "/logout/" and request.method == "POST":
            response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response
