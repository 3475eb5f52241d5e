"""API of 12345 hotline."""

from ninja import Router

router = Router(tags=["hotline"])
