"""A user's own API tokens for integrations: create (the key is shown once) and revoke."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.http import AuthedRequest
from kaohe.accounts.models import ApiToken
from kaohe.accounts.services import api_token_create, api_token_revoke
from kaohe.core.errors import ApplicationError, NotFoundError


@login_required
def tokens(request: AuthedRequest) -> HttpResponse:
    context: dict[str, object] = {"tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at")}
    if request.method == "POST":
        try:
            _token, key = api_token_create(actor=request.user, name=request.POST.get("name", ""))
            context["new_key"] = key
        except ApplicationError as error:
            context["error"] = error.message
            context["name"] = request.POST.get("name", "")
            return render(request, "web/tokens.html", context, status=400)
    return render(request, "web/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        raise NotFoundError(_("No such token of yours."))
    api_token_revoke(actor=request.user, token=token)
    return redirect("web:tokens")
