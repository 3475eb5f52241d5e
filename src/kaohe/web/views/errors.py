"""Generic error pages: a reason a person can act on, never a trace."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "web/error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, _("Bad request"), _("The request could not be understood. Go back and try again."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("Not allowed"), str(exception) if exception and str(exception) else
                  _("Your role does not allow this page."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, _("Not found"), _("There is no such page, or it lies outside your data scope."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, _("Something went wrong"),
                  _("The error has been logged. Try again; if it happens again, tell your system administrator."))
