"""Session policy on every request: timeouts, password expiry and two-factor verification."""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts import policy
from kaohe.audit.services import audit_append

OPEN_PATHS = ("/static/", "/i18n/", "/login/", "/logout/", "/otp/", "/password/")


def _refuse(request: HttpRequest, target: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=401)
    return HttpResponseRedirect(f"{reverse(target)}?next={request.get_full_path()}")


class SecurityPolicyMiddleware:
    """Idle and absolute timeouts, then (privileged roles) TOTP verification and password age."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or "_auth_user_id" not in request.session:
            return self.get_response(request)
        now = timezone.now()
        started = request.session.setdefault("kaohe_auth_at", now.timestamp())
        last = request.session.get("kaohe_seen_at", started)
        if now.timestamp() - last > policy.idle_limit(user).total_seconds() or \
                now.timestamp() - started > policy.ABSOLUTE_SESSION.total_seconds():
            audit_append(actor=user, action="accounts.session.timeout", object_type="user", object_id=user.pk)
            logout(request)
            return _refuse(request, "web:login", _("Your session has ended; log in again."))
        request.session["kaohe_seen_at"] = now.timestamp()
        if request.path.startswith(OPEN_PATHS):
            return self.get_response(request)
        if policy.needs_mfa(user) and not getattr(user, "is_verified", lambda: False)():
            return _refuse(request, "web:otp", _("Confirm your login with a one-time code first."))
        if policy.password_expired(user, now):
            return _refuse(request, "web:password_change", _("Your password is more than 90 days old; change it."))
        return self.get_response(request)


class AdminNetworkMiddleware:
    """The administrators' pages (/manage/) answer only to addresses in KAOHE_ADMIN_NETWORKS (等保 A7)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks = [ipaddress.ip_network(n) for n in settings.KAOHE_ADMIN_NETWORKS]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/manage/") and not self._allowed(request.META.get("REMOTE_ADDR", "")):
            return HttpResponseForbidden(_("The administrators' pages are open only from the admin network."))
        return self.get_response(request)

    def _allowed(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)
