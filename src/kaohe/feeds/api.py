"""API of feeds and imports."""

from ninja import Router

router = Router(tags=["feeds"])
