"""The request type of logged-in views and API operations (for type checking)."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from kaohe.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
