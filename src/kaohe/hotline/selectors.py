"""Reads of hotline records, always through the caller's data scope.

A record is in scope when the person or unit it is attributed to is; records attributed to nobody are
seen only by those whose scope is a whole city (a top unit).
"""

from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import PEOPLE_READER_ROLES, Role
from kaohe.accounts.scope import scope_for
from kaohe.audit.models import AuditEvent
from kaohe.core.bulk import fetch_all
from kaohe.core.errors import NotFoundError
from kaohe.hotline.models import Classification, HotlineRecord
from kaohe.org.models import CivilServant, Unit


def _visible_q(user: User, roles: Any = PEOPLE_READER_ROLES) -> Q:
    scope = scope_for(user, roles=roles)
    q = Q(pk__in=[])
    for path in scope.unit_paths:
        q |= Q(person__unit__path__startswith=path) | Q(person__isnull=True, unit__path__startswith=path)
        if path.count("/") == 2:
            q |= Q(person__isnull=True, unit__isnull=True)
    return q


def records_visible(user: User) -> QuerySet[HotlineRecord]:
    return HotlineRecord.objects.filter(_visible_q(user)).select_related("person", "unit")


def record_get(user: User, record_id: int) -> HotlineRecord:
    record = records_visible(user).select_related("person__unit").filter(pk=record_id).first()
    if record is None:
        raise NotFoundError(_("No hotline record %(id)s in your data scope.") % {"id": record_id})
    return record


def records_for_indicators(user: User, *, year: int) -> QuerySet[HotlineRecord]:
    """Complaints of `year` attributed to people of the appraisal office's scope."""
    return (HotlineRecord.objects.filter(_visible_q(user, roles=[Role.APPRAISAL_OFFICE]))
            .filter(received_on__year=year, person__isnull=False, classification=Classification.COMPLAINT)
            .only("person_id", "received_on", "classification", "resolution_hours", "due_hours", "probity",
                  "substantiated"))


def monthly_counts(user: User, *, year: int, by: str = "unit") -> list[dict[str, Any]]:
    """Praise and complaints per unit (the person's unit when attributed to a person) or per person and
    month of `year`: [{"id", "name", "months": {1: {"praise": n, "complaint": n}, …}, "praise", "complaint"}]."""
    key, name = ("person_id", "person__name") if by == "person" else ("unit_id", "unit__name")
    rows = (records_visible(user).filter(received_on__year=year, **{f"{key}__isnull": False})
            .exclude(classification=Classification.NEUTRAL)
            .annotate(month=ExtractMonth("received_on")).values(key, name, "month", "classification")
            .annotate(n=Count("id")).order_by(name))
    table: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = table.setdefault(row[key], {"id": row[key], "name": row[name], "months": {}, "praise": 0,
                                            "complaint": 0})
        entry["months"].setdefault(row["month"], {"praise": 0, "complaint": 0})[row["classification"]] = row["n"]
        entry[row["classification"]] += row["n"]
    return sorted(table.values(), key=lambda e: (-e["complaint"], -e["praise"], e["name"]))


# --- system reads for the classifier (names, not shown to anyone) -------------------------------------


def city_units(root: Unit) -> list[tuple[int, str, str]]:
    """(id, name, path) of every unit under `root`: the unit names the classifier looks for."""
    rows = fetch_all(Unit.objects.filter(path__startswith=root.path).values_list("id", "name", "path"))
    return [(int(pk), str(name), str(path)) for pk, name, path in rows]


def city_people(root: Unit) -> list[tuple[int, str, int, str]]:
    """(id, name, unit id, staff number) of every civil servant under `root`: the names the classifier
    looks for."""
    rows = fetch_all(CivilServant.objects.filter(unit__path__startswith=root.path)
                     .values_list("id", "name", "unit_id", "staff_no"))
    return [(int(pk), str(name), int(unit), str(staff)) for pk, name, unit, staff in rows]


#: audited writes that change who is where (every change of people and units goes through one of them)
DIRECTORY_WRITES = ("org.person.create", "org.person.transfer", "org.person.status", "org.unit.create",
                    "org.department.create", "demo.city.load")


def city_fingerprint(root: Unit) -> tuple[object, ...]:
    """Counts and highest ids of the people and units under `root`, and the last audited write of the
    directory (a transfer changes no count): changes when the directory does."""
    people = CivilServant.objects.filter(unit__path__startswith=root.path).aggregate(n=Count("id"), top=Max("id"))
    units = Unit.objects.filter(path__startswith=root.path).aggregate(n=Count("id"), top=Max("id"))
    last_write = AuditEvent.objects.filter(action__in=DIRECTORY_WRITES).aggregate(top=Max("seq"))["top"]
    return people["n"], people["top"], units["n"], units["top"], last_write


def city_root(unit: Unit) -> Unit:
    """The top unit of the tree `unit` belongs to (the city)."""
    return Unit.objects.get(pk=int(unit.path.strip("/").split("/")[0]))


def unit_ids_under(unit: Unit) -> set[int]:
    return set(Unit.objects.filter(path__startswith=unit.path).values_list("id", flat=True))


def current_year() -> int:
    return timezone.localdate().year
