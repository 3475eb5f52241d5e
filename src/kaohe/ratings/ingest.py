"""A lean WSGI entry point for rating intake: `POST /api/ratings/submit` and `/api/ratings/batch` only.

The full application runs every request through its middleware (sessions, CSRF, authentication, OTP,
lockouts, messages, htmx, …): about 1 ms of CPU here, which caps single submissions far below 2,000 a
second on two cores shared with PostgreSQL (bench/ratings.py). These two operations need none of it:
no cookie, no session, no login; the signed rating code is the authority and the answer is JSON. They
run the very code of the API operations (`intake.submit_one`, `intake.submit_many`): the same
validation, walk-in rate limits, keyed hashes, group commit and audit. Serve it beside the main
application and let the reverse proxy send those two paths to it:

    gunicorn kaohe.ratings.ingest --worker-class gthread --workers 2 --threads 16
"""

import json
import logging
import os
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIRequest  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.utils import translation  # noqa: E402
from pydantic import BaseModel, ValidationError  # noqa: E402

from kaohe.core.errors import ApplicationError  # noqa: E402
from kaohe.core.middleware import forwarded_client  # noqa: E402
from kaohe.ratings.intake import BatchIn, RatingSubmit, submit_many, submit_one  # noqa: E402

logger = logging.getLogger(__name__)
MAX_BODY = 2 * 1024 * 1024
HEADERS = [("Content-Type", "application/json"), ("Cache-Control", "no-store"),
           ("X-Content-Type-Options", "nosniff")]


def _batch(request: WSGIRequest, body: BaseModel) -> tuple[int, BaseModel]:
    assert isinstance(body, BatchIn)  # noqa: S101 (the route's own model)
    return 200, submit_many(request, body)


def _single(request: WSGIRequest, body: BaseModel) -> tuple[int, BaseModel]:
    assert isinstance(body, RatingSubmit)  # noqa: S101
    return submit_one(request, body)


ROUTES: dict[str, tuple[type[BaseModel], Callable[[WSGIRequest, BaseModel], tuple[int, BaseModel]]]] = {
    "/api/ratings/submit": (RatingSubmit, _single),
    "/api/ratings/batch": (BatchIn, _batch),
}


def _answer(environ: dict[str, Any]) -> tuple[int, BaseModel | dict[str, Any]]:
    route = ROUTES.get(environ.get("PATH_INFO", ""))
    if route is None:
        return 404, {"detail": "Not found"}
    if environ.get("REQUEST_METHOD") != "POST":
        return 405, {"detail": "Use POST"}
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 < length <= MAX_BODY:
        return 413 if length > MAX_BODY else 400, {"detail": "Send a JSON body of at most 2 MB"}
    model, handler = route
    try:
        body = model.model_validate_json(environ["wsgi.input"].read(length))
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                  for e in exc.errors()]
        return 422, {"detail": "Invalid request", "errors": errors}
    try:
        return handler(WSGIRequest(environ), body)
    except ApplicationError as exc:
        return exc.status, {"detail": exc.message}


def _tidy_connections() -> None:
    """What Django does around each request (CONN_MAX_AGE, broken connections), except inside a
    transaction (only a test holds one across requests)."""
    if not connection.in_atomic_block:
        close_old_connections()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    _tidy_connections()
    forwarded_client(environ)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            status, answer = _answer(environ)
    except Exception:  # the reason is logged; the client learns only that it should send again
        logger.exception("ratings intake failed")
        status, answer = 500, {"detail": "Server error; send the rating again."}
    finally:
        _tidy_connections()
    if isinstance(answer, BaseModel):
        data = answer.model_dump_json().encode()
    else:
        data = json.dumps(answer, ensure_ascii=False).encode()
    start_response(f"{status} {HTTPStatus(status).phrase}", [*HEADERS, ("Content-Length", str(len(data)))])
    return [data]
