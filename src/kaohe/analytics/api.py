"""API of analysis and reports: the data behind every chart and report."""

from ninja import Router

router = Router(tags=["analytics"])
