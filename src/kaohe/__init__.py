"""Kaohe (考核): civil-servant performance appraisal."""

from kaohe.config.celery import app as celery_app

__all__ = ["celery_app"]
