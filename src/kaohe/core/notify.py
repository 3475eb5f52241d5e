"""The in-app inbox: tell people what needs them (and, where configured, by email)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from kaohe.core.models import Notification


def notify(*, user_ids: Iterable[int], title: str, link: str = "", due: dt.date | None = None) -> int:
    """One inbox item for each user; emails go out after commit when KAOHE_EMAIL_NOTIFICATIONS is on."""
    ids = sorted(set(user_ids))
    Notification.objects.bulk_create([Notification(user_id=u, title=title, link=link, due=due) for u in ids])
    if getattr(settings, "KAOHE_EMAIL_NOTIFICATIONS", False) and ids:
        transaction.on_commit(lambda: _email(ids, title, link))
    return len(ids)


def _email(user_ids: list[int], title: str, link: str) -> None:
    from kaohe.accounts.models import User

    messages = [(title, link, None, [email]) for email in
                User.objects.filter(pk__in=user_ids).exclude(email="").values_list("email", flat=True)]
    send_mass_mail(messages, fail_silently=True)


def notification_done(*, user: Any, link: str) -> int:
    """Mark the user's open items with this link as done (the thing they pointed to was done)."""
    return Notification.objects.filter(user=user, link=link, done_at__isnull=True).update(done_at=timezone.now())
