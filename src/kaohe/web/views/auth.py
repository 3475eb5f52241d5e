"""Login, logout and the role's home page."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaohe.accounts.services import login_audit
from kaohe.audit.services import audit_append


class KaoheLoginView(LoginView):
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
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")
