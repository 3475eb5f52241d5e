"""API of 360° ballots."""

from ninja import Router

router = Router(tags=["ballots"])
