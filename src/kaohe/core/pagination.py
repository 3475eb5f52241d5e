"""Keyset pagination: pages by the last row seen, never OFFSET, never an exact count."""

import base64
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from kaohe.core.errors import ApplicationError

M = TypeVar("M", bound=Model)


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), default=str).encode()).decode()


def decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApplicationError(_("The page cursor is not valid; start again from the first page."),
                               field="cursor") from exc
    if not isinstance(values, list) or len(values) != width:
        raise ApplicationError(_("The page cursor is not valid; start again from the first page."), field="cursor")
    return values


def keyset_page(queryset: QuerySet[M], *, order: Sequence[str], cursor: str = "", limit: int = 50
                ) -> tuple[list[M], str]:
    """One page of `queryset` ordered ascending by `order` (the last field must be unique).

    Returns the rows and the cursor of the next page ("" on the last page).
    """
    queryset = queryset.order_by(*order)
    if cursor:
        values = decode_cursor(cursor, len(order))
        after = Q(pk__in=[])
        for i, field in enumerate(order):
            step = Q(**{f"{field}__gt": values[i]})
            for prior, value in zip(order[:i], values[:i], strict=False):
                step &= Q(**{prior: value})
            after |= step
        queryset = queryset.filter(after)
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, ""
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor([_attr(last, f) for f in order])


def _attr(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj
