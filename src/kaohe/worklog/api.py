"""API of daily work."""

from ninja import Router

router = Router(tags=["worklog"])
