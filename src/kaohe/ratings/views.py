"""The citizen's page: no login, five big buttons, an optional comment, a thank-you page; nothing else.

The form is protected by Django's CSRF check (the page sets the cookie); the rating code in the URL
is the signed token. Walk-in codes are rate-limited per network and per device (`limits`).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kaohe.core.errors import ApplicationError
from kaohe.core.masking import mask_name
from kaohe.ratings import selectors
from kaohe.ratings.choices import Channel, RatingLevel
from kaohe.ratings.limits import DEVICE_COOKIE, DEVICE_COOKIE_AGE, device_id, limits_check, origin_of
from kaohe.ratings.models import RatingTarget
from kaohe.ratings.services import RatingRefusedError, rating_submit
from kaohe.ratings.store import MAX_COMMENT, RatingIn, Reason
from kaohe.ratings.tokens import Claim, read_token

TITLES = {409: gettext_lazy("Already rated"), 410: gettext_lazy("Code expired"), 429: gettext_lazy("Please wait"),
          503: gettext_lazy("Please try later")}


def public_label(target: RatingTarget) -> tuple[str, str]:
    """(what is rated, its unit) as the public sees them: a person's name masked (张*三), a window's number."""
    if target.person is not None:
        return mask_name(target.person.name), target.person.unit.name
    window = target.window
    if window is None:
        return "", ""
    return (_("Window %(number)s") % {"number": window.number} + (f" · {window.name}" if window.name else ""),
            window.unit.name)


def _citizen_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    title = str(TITLES.get(exc.status, _("Cannot rate")))
    return render(request, "ratings/citizen_error.html", {"title": title, "message": exc.message},
                  status=exc.status)


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = read_token(token)
        target = selectors.target_for_claim(claim)
    except ApplicationError as exc:
        return _citizen_error(request, exc)
    device = device_id(request)
    what, unit = public_label(target)
    context = {"what": what, "unit": unit, "levels": RatingLevel.choices, "max_comment": MAX_COMMENT}
    if request.method == "POST":
        response = _submit(request, claim, device, context)
    else:
        response = render(request, "ratings/rate.html", context)
    response.set_cookie(DEVICE_COOKIE, device, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax",
                        secure=request.is_secure())
    return response


def _submit(request: HttpRequest, claim: Claim, device: str, context: dict[str, object]) -> HttpResponse:
    comment = request.POST.get("comment", "").strip()
    try:
        level = int(request.POST.get("level", ""))
    except ValueError:
        level = 0
    if level not in RatingLevel.values or len(comment) > MAX_COMMENT:
        context.update(comment=comment, error=_("Choose one of the five levels; a comment has at most 500 "
                                                "characters."))
        return render(request, "ratings/rate.html", context, status=400)
    origin = origin_of(request, day=timezone.localdate(), device=device)
    try:
        if not claim.is_visit:
            limits_check(request, origin=origin, target_id=claim.target_id)
        outcome = rating_submit(item=RatingIn(claim=claim, level=level, comment=comment, channel=Channel.SCAN,
                                              device_hash=origin.device_hash, ip_hash=origin.ip_hash))
    except RatingRefusedError as exc:
        if exc.reason == Reason.ALREADY_STORED and claim.is_visit:
            return redirect("ratings:thanks")
        return _citizen_error(request, exc)
    except ApplicationError as exc:
        return _citizen_error(request, exc)
    response = redirect("ratings:thanks")
    if outcome.follow_up_due is not None:
        response["Location"] += "?follow_up=1"
    return response


@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "ratings/thanks.html", {"follow_up": request.GET.get("follow_up") == "1"})
