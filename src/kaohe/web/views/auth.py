"""Login, logout and the role's home page."""

import base64
import datetime as dt

import segno
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_ratelimit.decorators import ratelimit

from kaohe.accounts.http import AuthedRequest
from kaohe.accounts.services import login_audit, otp_device_for, otp_verify, password_change
from kaohe.audit.services import audit_append
from kaohe.core.errors import ApplicationError
from kaohe.core.models import Notification


@method_decorator(ratelimit(key="ip", rate="20/m", method="POST", block=True), name="post")
class KaoheLoginView(LoginView):
    """Password login; a per-IP throttle (20/min) and django-axes lockouts (5 failures) guard it."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            login_audit(user=form.get_user(), username=form.get_user().username, outcome="success")
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        login_audit(user=None, username=form.data.get("username", ""), outcome="failure")
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponseRedirect:
    if request.user.is_authenticated:
        audit_append(actor=request.user, action="accounts.logout", object_type="user", object_id=request.user.pk)
    logout(request)
    return redirect("web:login")


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The role's home page is its to-do list: open inbox items, the most urgent first."""
    if request.method == "POST":
        Notification.objects.filter(pk=request.POST.get("done") or 0, user=request.user).update(
            done_at=timezone.now())
        return redirect("web:home")
    today = timezone.localdate()
    items = [(n, _light(n.due, today)) for n in Notification.objects.filter(user=request.user, done_at__isnull=True)
             .order_by("due", "-created_at")[:100]]
    return render(request, "web/home.html", {"items": items})


def _light(due: dt.date | None, today: dt.date) -> str:
    if due is None:
        return ""
    days = (due - today).days
    return "red" if days < 0 else "orange" if days <= 2 else "yellow" if days <= 5 else "green"


def locked_out(request: HttpRequest, credentials: object = None, *args: object) -> HttpResponse:
    """The same answer for every locked name, known or not (no account probing)."""
    login_audit(user=None, username=request.POST.get("username", ""), outcome="locked")
    return render(request, "web/error.html", {
        "title": "Not allowed",
        "message": _("Too many failed logins. The account is locked for a while; try again later or ask the "
                     "security administrator."),
    }, status=429)


@login_required
def otp(request: AuthedRequest) -> HttpResponse:
    """Second factor: enrol a TOTP authenticator the first time, then enter its 6-digit code."""
    device = otp_device_for(request.user)
    context: dict[str, object] = {"enrolling": not device.confirmed, "next": request.GET.get("next", "/")}
    if not device.confirmed:
        context["config_url"] = device.config_url
        context["qr"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    if request.method == "POST":
        try:
            verified = otp_verify(user=request.user, token=request.POST.get("token", ""))
        except ApplicationError as error:
            context["error"] = error.message
            return render(request, "web/otp.html", context, status=400)
        otp_login(request, verified)
        return redirect(_safe_next(request.POST.get("next", "/")))
    return render(request, "web/otp.html", context)


def _safe_next(target: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    return target if url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target.startswith("/") else "/"


@login_required
def password_change_view(request: AuthedRequest) -> HttpResponse:
    context: dict[str, object] = {"next": request.GET.get("next", "/")}
    if request.method == "POST":
        try:
            password_change(user=request.user, old_password=request.POST.get("old_password", ""),
                            new_password=request.POST.get("new_password", ""))
        except ApplicationError as error:
            context["error"] = error.message
            return render(request, "web/password_change.html", context, status=400)
        update_session_auth_hash(request, request.user)
        return redirect(_safe_next(request.POST.get("next", "/")))
    return render(request, "web/password_change.html", context)
