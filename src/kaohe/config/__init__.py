"""Project configuration: settings, URLs, the Celery app, the API root."""
