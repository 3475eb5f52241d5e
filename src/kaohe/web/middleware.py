"""Turns service errors raised in page views into a page with the reason and the right 4xx."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_ratelimit.exceptions import Ratelimited

from kaohe.audit import context
from kaohe.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kaohe.core.middleware import client_ip


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.current.set(
            context.AuditContext(ip=client_ip(request), request_id=getattr(request, "request_id", ""))
        )
        try:
            return self.get_response(request)
        finally:
            context.current.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Ratelimited):
            return render(request, "web/error.html", {
                "title": gettext_noop("Not allowed"),
                "message": _("Too many requests from here in a short time. Wait a minute and try again."),
            }, status=429)
        if not isinstance(exception, ApplicationError):
            return None
        titles = {NotFoundError: gettext_noop("Not found"), PermissionDeniedError: gettext_noop("Not allowed")}
        title = titles.get(type(exception), gettext_noop("Cannot do that"))
        return render(request, "web/error.html", {"title": title, "message": exception.message},
                      status=exception.status)


class ChineseFirstMiddleware:
    """Chinese is the default whatever the browser asks; English only through the language switch."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
