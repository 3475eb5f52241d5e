"""Performance × potential (业绩 × 潜力): the 9-box grid of a unit and the talent pool (后备人才库) for its
leaders, from the supervisors' quarterly ratings (1 low – 3 high, averaged over the year's rated quarters)."""

from dataclasses import dataclass

from django.db.models import Avg, Count
from django.utils.translation import gettext_lazy as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.scope import scope_for
from kaohe.appraisal.models import QuarterGrade
from kaohe.core.errors import PermissionDeniedError
from kaohe.org.models import Unit

LEADER_ROLES = (Role.SUPERVISOR, Role.APPRAISAL_OFFICE, Role.COMMITTEE)

#: (performance, potential) → the box's name, as HR offices label the 9-box.
BOXES = {
    (1, 3): _("Rough diamond (潜力股)"), (2, 3): _("Future star (成长之星)"), (3, 3): _("Star (明星)"),
    (1, 2): _("Inconsistent (待观察)"), (2, 2): _("Core player (中坚)"), (3, 2): _("High performer (骨干)"),
    (1, 1): _("Under-performer (需改进)"), (2, 1): _("Effective (稳定)"), (3, 1): _("Trusted professional (专才)"),
}
#: boxes whose people enter the talent pool: high potential with at least medium performance, and high
#: performers with medium potential (the three boxes at the top right of the grid).
POOL_BOXES = frozenset({(2, 3), (3, 3), (3, 2)})


@dataclass(frozen=True)
class Placement:
    person_id: int
    name: str
    unit_name: str
    performance: float  # mean of the rated quarters
    potential: float
    quarters: int  # how many quarters were rated

    @property
    def box(self) -> tuple[int, int]:
        return _level(self.performance), _level(self.potential)


def _level(mean: float) -> int:
    """1 below 1.5, 3 from 2.5, 2 between: the mean rounded to the nearest rating."""
    return 1 if mean < 1.5 else 3 if mean >= 2.5 else 2


def placements(user: User, unit: Unit, year: int) -> list[Placement]:
    """Everyone under `unit` with both ratings in some quarter of `year`; only leaders over the unit see it."""
    scope = scope_for(user, roles=LEADER_ROLES)
    if not scope.covers_path(unit.path):
        raise PermissionDeniedError(_("Only leaders over %(unit)s see its talent grid.") % {"unit": unit.name})
    rows = (QuarterGrade.objects.filter(year=year, person__unit__path__startswith=unit.path,
                                        performance__isnull=False, potential__isnull=False)
            .values("person_id", "person__name", "person__unit__name")
            .annotate(performance=Avg("performance"), potential=Avg("potential"), quarters=Count("id"))
            .order_by("-potential", "-performance", "person__name"))
    return [Placement(r["person_id"], r["person__name"], r["person__unit__name"], float(r["performance"]),
                      float(r["potential"]), r["quarters"]) for r in rows]


def grid(found: list[Placement]) -> list[list[tuple[tuple[int, int], object, list[Placement]]]]:
    """Rows from high potential to low, columns from low performance to high: (box, name, people)."""
    cells: dict[tuple[int, int], list[Placement]] = {box: [] for box in BOXES}
    for placement in found:
        cells[placement.box].append(placement)
    return [[((perf, pot), BOXES[perf, pot], cells[perf, pot]) for perf in (1, 2, 3)] for pot in (3, 2, 1)]


def pool(found: list[Placement]) -> list[Placement]:
    """The talent pool: the top-right boxes of the grid (`POOL_BOXES`), best first."""
    return [p for p in found if p.box in POOL_BOXES]
