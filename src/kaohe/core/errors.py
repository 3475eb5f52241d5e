"""Errors that services raise and every interface (page, API, task) turns into a 4xx with a reason."""

from django.utils.functional import Promise


class ApplicationError(Exception):
    """A request that cannot be done as asked; `message` says what to fix. Maps to HTTP 400."""

    status = 400

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class NotFoundError(ApplicationError):
    """The object does not exist or lies outside the caller's data scope (deliberately the same)."""

    status = 404


class PermissionDeniedError(ApplicationError):
    """The caller's role does not allow the action."""

    status = 403
