"""A lean ASGI entry point for rating intake: `POST /api/ratings/submit` and `/api/ratings/batch` only.

The full application runs every request through its middleware (sessions, CSRF, authentication, OTP,
lockouts, messages, htmx, …): about 1 ms of CPU here, which caps single submissions far below 2,000 a
second on two cores shared with PostgreSQL (bench/ratings.py). These two operations need none of it:
no cookie, no session, no login; the signed rating code is the authority and the answer is JSON. They
run the very code of the API operations (`intake`): the same validation, walk-in rate limits, keyed
hashes, group commit and audit.

It is an event loop, not a thread per request: a single rating waits for the process's group commit
(`committer.submit_async`) without holding a thread, so 64 waiting ratings cost 64 futures, not 64
threads taking turns at the interpreter lock. A batch (one transaction of its own) runs on a worker
thread. Serve it beside the main application and let the reverse proxy send those two paths to it:

    uvicorn kaohe.ratings.ingest:application --workers 2 --loop uvloop --http httptools --no-access-log
"""

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.utils import translation  # noqa: E402
from pydantic import BaseModel, ValidationError  # noqa: E402

from kaohe.core.errors import ApplicationError  # noqa: E402
from kaohe.core.middleware import forwarded_client  # noqa: E402
from kaohe.ratings.intake import BatchIn, RatingSubmit, submit_many, submit_one_async  # noqa: E402

logger = logging.getLogger(__name__)
MAX_BODY = 2 * 1024 * 1024
BATCH_THREADS = 8
HEADERS = [(b"content-type", b"application/json"), (b"cache-control", b"no-store"),
           (b"x-content-type-options", b"nosniff")]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
_batches = ThreadPoolExecutor(max_workers=BATCH_THREADS, thread_name_prefix="ratings-batch")


def _batch_in_thread(request: HttpRequest, body: BatchIn) -> tuple[int, BaseModel]:
    close_old_connections()  # what Django does around each request: CONN_MAX_AGE, broken connections
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return 200, submit_many(request, body)
    finally:
        close_old_connections()


async def _batch(request: HttpRequest, body: BaseModel) -> tuple[int, BaseModel]:
    assert isinstance(body, BatchIn)  # noqa: S101 (the route's own model)
    return await asyncio.get_running_loop().run_in_executor(_batches, _batch_in_thread, request, body)


async def _single(request: HttpRequest, body: BaseModel) -> tuple[int, BaseModel]:
    assert isinstance(body, RatingSubmit)  # noqa: S101
    with translation.override(settings.LANGUAGE_CODE):
        return await submit_one_async(request, body)


ROUTES: dict[str, tuple[type[BaseModel], Callable[[HttpRequest, BaseModel], Awaitable[tuple[int, BaseModel]]]]] = {
    "/api/ratings/submit": (RatingSubmit, _single),
    "/api/ratings/batch": (BatchIn, _batch),
}


def _request(scope: dict[str, Any]) -> HttpRequest:
    """What the intake reads of a request: the client's address (behind trusted proxies, the one they saw)."""
    request = HttpRequest()
    request.method, request.path = scope["method"], scope["path"]
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope.get("headers", [])}
    client = scope.get("client") or ("", 0)
    request.META = {"REMOTE_ADDR": client[0], "REQUEST_METHOD": scope["method"], "PATH_INFO": scope["path"],
                    "HTTP_X_FORWARDED_FOR": headers.get("x-forwarded-for", ""),
                    "CONTENT_LENGTH": headers.get("content-length", "")}
    forwarded_client(request.META)
    return request


async def _body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or None when it is longer than `limit`."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _answer(scope: dict[str, Any], receive: Receive) -> tuple[int, BaseModel | dict[str, Any]]:
    route = ROUTES.get(scope["path"])
    if route is None:
        return 404, {"detail": "Not found"}
    if scope["method"] != "POST":
        return 405, {"detail": "Use POST"}
    request = _request(scope)
    try:
        length = int(request.META["CONTENT_LENGTH"] or 0)
    except ValueError:
        length = -1
    data = await _body(receive, MAX_BODY) if 0 < length <= MAX_BODY else None
    if not data:
        return 413 if length > MAX_BODY else 400, {"detail": "Send a JSON body of at most 2 MB"}
    model, handler = route
    try:
        body = model.model_validate_json(data)
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                  for e in exc.errors()]
        return 422, {"detail": "Invalid request", "errors": errors}
    try:
        return await handler(request, body)
    except ApplicationError as exc:
        return exc.status, {"detail": exc.message}


async def application(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    try:
        status, answer = await _answer(scope, receive)
    except Exception:  # the reason is logged; the client learns only that it should send again
        logger.exception("ratings intake failed")
        status, answer = 500, {"detail": "Server error; send the rating again."}
    if isinstance(answer, BaseModel):
        data = answer.model_dump_json().encode()
    else:
        data = json.dumps(answer, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [*HEADERS, (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})
