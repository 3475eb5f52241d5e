"""Reads of the library and schemes. They hold no personal data: every logged-in user may read them
(people should see the rules they are scored by); changes go through the services."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kaohe.core.errors import NotFoundError
from kaohe.indicators.adapter import INDICATOR_FIELDS, indicator_fields, library_for_year
from kaohe.indicators.models import Indicator, Scheme

COMPARED = tuple(f for f in INDICATOR_FIELDS if f not in ("year_from", "year_to"))


def library(*, year: int, dimension: str = "", kind: str = "", status: str = "") -> QuerySet[Indicator]:
    """Indicators valid in `year`; status "retired" lists those retired before or in `year`."""
    if status == "retired":
        found = Indicator.objects.filter(year_to__lt=year)
    else:
        found = library_for_year(year)
        if status == "active":
            found = found.filter(year_to__isnull=True)
    if dimension:
        found = found.filter(dimension=dimension)
    if kind:
        found = found.filter(kind=kind)
    return found.order_by("dimension", "code")


def indicator_get(indicator_id: int) -> Indicator:
    indicator = Indicator.objects.filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFoundError(_("No indicator with id %(id)s.") % {"id": indicator_id})
    return indicator


def scheme_get(scheme_id: int) -> Scheme:
    scheme = Scheme.objects.filter(pk=scheme_id).prefetch_related("items").first()
    if scheme is None:
        raise NotFoundError(_("No scheme with id %(id)s.") % {"id": scheme_id})
    return scheme


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class LibraryDiff:
    added: list[Indicator]
    retired: list[Indicator]
    changed: list[tuple[Indicator, list[FieldChange]]]


def library_diff(year_from: int, year_to: int) -> LibraryDiff:
    """What changed in the library between two years: added, retired and revised indicators."""
    before = {i.code: i for i in library_for_year(year_from)}
    after = {i.code: i for i in library_for_year(year_to)}
    changed = []
    for code in sorted(before.keys() & after.keys()):
        old, new = indicator_fields(before[code]), indicator_fields(after[code])
        fields = [FieldChange(f, old[f], new[f]) for f in COMPARED if old[f] != new[f]]
        if fields:
            changed.append((after[code], fields))
    return LibraryDiff(
        added=[after[c] for c in sorted(after.keys() - before.keys())],
        retired=[before[c] for c in sorted(before.keys() - after.keys())],
        changed=changed,
    )
