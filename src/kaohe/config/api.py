"""The JSON API root (django-ninja): OpenAPI at /api/openapi.json, docs at /api/docs.

Auth: the browser session (with CSRF) or a bearer token for integrators. Errors are 4xx with a
`detail` that says what is wrong; never a 5xx for bad input.
"""

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, django_auth

from kaohe.accounts.services import api_token_user
from kaohe.analytics.api import router as analytics_router
from kaohe.ballots.api import router as ballots_router
from kaohe.core.errors import ApplicationError
from kaohe.feeds.api import router as feeds_router
from kaohe.hotline.api import router as hotline_router
from kaohe.indicators.api import router as indicators_router
from kaohe.indicators.problems import ProblemsError, problem_text
from kaohe.leadership.api import router as leadership_router
from kaohe.org.api import router as org_router
from kaohe.ratings.api import router as ratings_router
from kaohe.unitratings.api import router as unitratings_router
from kaohe.units.api import router as units_router
from kaohe.worklog.api import router as worklog_router


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Kaohe API",
    version="1",
    description="Civil-servant performance appraisal (公务员绩效考核). Every list is scoped to the caller.",
    auth=[django_auth, TokenAuth()],
    urls_namespace="api",
)
api.add_router("/org/", org_router)
api.add_router("/indicators/", indicators_router)
api.add_router("/feeds/", feeds_router)
api.add_router("/ratings/", ratings_router)
api.add_router("/ballots/", ballots_router)
api.add_router("/hotline/", hotline_router)
api.add_router("/worklog/", worklog_router)
api.add_router("/analytics/", analytics_router)
api.add_router("/leadership/", leadership_router)
api.add_router("/unitratings/", unitratings_router)
api.add_router("/units/", units_router)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    body: dict[str, object] = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    if isinstance(exc, ProblemsError):
        body["problems"] = [{"field": p.field, "code": p.code, "message": problem_text(p)} for p in exc.problems]
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]), "message": e.get("msg", "")} for e in exc.errors
    ]
    return api.create_response(request, {"detail": "Invalid request", "errors": problems}, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Log in, or send an API token as 'Authorization: Bearer <token>'."}, status=401
    )


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def number_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number too large for the database (e.g. an id of 20 digits) is the caller's mistake, not a crash."""
    return api.create_response(request, {"detail": _("A number in the request is out of range.")}, status=422)
