"""API of public ratings."""

from ninja import Router

router = Router(tags=["ratings"])
