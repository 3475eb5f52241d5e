"""python manage.py seed_demo --people N --seed S: load the demo city 江州市, one login per role, and a year
of appraisal data scored for people and units."""

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaohe.accounts.models import User
from kaohe.accounts.policy import MFA_ROLES
from kaohe.accounts.roles import Role
from kaohe.accounts.services import role_assign, user_create
from kaohe.demo.appraisal import build_demo_appraisal
from kaohe.demo.city import DemoCity, build_demo_city
from kaohe.demo.year import build_demo_year
from kaohe.indicators.services import default_content_load
from kaohe.org.models import CivilServant, Unit

DEMO_PASSWORD = "Kaohe-Demo-2026"  # noqa: S105  (demo logins only, printed by `make run`)
# username, role, display name, what the scope is
DEMO_LOGINS = (
    ("office", Role.APPRAISAL_OFFICE, "考核办 王主任", "city"),
    ("leader", Role.SUPERVISOR, "", "unit"),
    ("staff", Role.CIVIL_SERVANT, "", "self"),
    ("committee", Role.COMMITTEE, "考核委员会 赵委员", "city"),
    ("inspector", Role.DISCIPLINE, "纪检监察 钱组长", "city"),
    ("sysadmin", Role.SYSTEM_ADMIN, "系统管理员", "city"),
    ("secadmin", Role.SECURITY_ADMIN, "安全管理员", "none"),
    ("auditor", Role.AUDITOR, "审计管理员", "none"),
)


class Command(BaseCommand):
    help = "Load the deterministic demo city 江州市 with N people and one login per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if units already exist.")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="The date the city is built as of (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        if Unit.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already holds an organisation; the demo city is not loaded.")
                return
            raise CommandError("The database already holds units. Use a fresh database for the demo city.")
        if options["people"] < 50:
            raise CommandError("--people must be at least 50 so that every role has someone to see.")
        started = time.perf_counter()
        today = options["today"] or timezone.localdate()
        city = build_demo_city(people=options["people"], seed=options["seed"], today=today,
                               progress=self._progress)
        create_demo_logins(city)
        default_content_load(actor=None, year=today.year)
        self.stdout.write("\n  a year of appraisal data…", ending="")
        build_demo_year(year=today.year, seed=options["seed"])
        build_demo_appraisal(year=today.year, seed=options["seed"], today=today)
        self.stdout.write(
            f"\nDemo city {city.root.name}: {len(city.units)} units, {city.people} people "
            f"in {time.perf_counter() - started:.1f} s."
        )

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"\r  people {done}/{total}", ending="")
        self.stdout.flush()


def create_demo_logins(city: DemoCity) -> None:
    unit = (
        Unit.objects.filter(pk__in=[u.pk for u in city.units], category="law_enforcement", level="city")
        .annotate(headcount=Count("people")).order_by("-headcount", "code").first()
    )
    if unit is None:
        raise CommandError("The demo city has no city-level law-enforcement unit.")
    head = CivilServant.objects.filter(unit=unit, position__is_leading=True).order_by("id").first()
    colleagues = CivilServant.objects.exclude(pk=head.pk if head else 0).order_by("id")
    staff = colleagues.filter(unit=unit).first() or colleagues.first()
    with transaction.atomic():
        for username, role, display, scope in DEMO_LOGINS:
            person = head if username == "leader" else staff if username == "staff" else None
            user = user_create(actor=None, username=username, password=DEMO_PASSWORD,
                               display_name=display or (person.name if person else username), person=person)
            scope_unit = {"city": city.root, "unit": unit}.get(scope)
            role_assign(actor=None, user=user, role=role, scope_unit=scope_unit)
            if person is not None:
                _grant_own_record(user)
            if role in MFA_ROLES:
                TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)


def _grant_own_record(user: User) -> None:
    if user.roles.filter(role=Role.CIVIL_SERVANT).exists():
        return
    role_assign(actor=None, user=user, role=Role.CIVIL_SERVANT)
