"""python manage.py demo_otp USER: the current 6-digit code of a demo login's authenticator.

Only for the demo city: privileged demo logins (office, committee and the three administrators)
need a second factor, and a newcomer has no authenticator app set up for them.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current one-time code of a demo login (demo city only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(user__username=options["username"], name="demo authenticator").first()
        if device is None:
            raise CommandError(f"{options['username']} has no demo authenticator (only demo logins have one).")
        self.stdout.write(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
