"""Small-group suppression of 360° aggregates (security-reliability.md J1, J2). Pure: stdlib only.

A ratee's ballots form one table: a cell per rater role, and the total over all roles. A cell is
*shown* (n ≥ k), *empty* (n = 0: nothing to hide) or *hidden*. Primary suppression hides every cell
with 0 < n < k. Complementary suppression then protects against subtraction: while the total is shown
and the total minus the shown roles leaves a remainder 0 < r < k, one more cell is hidden —

- `complement="total"` (what rounds use): the total. The role cells are what scoring weighs, the total
  is only a convenience on the page; hiding it settles the table in one step and keeps every role
  group of k or more. (A lone superior is the usual small group: hiding a role instead would hide the
  peers of nearly everyone whose superior voted, and scoring would lose its 360° input.)
- `complement="group"`: the smallest non-empty shown role (ties: role name), repeated until safe —
  the textbook rule, for tables whose total matters more than its parts.

The decision depends on the counts only, never on who looks, so two viewers cannot difference their
views either.

The numbers of a hidden cell never leave this module: a hidden or empty `Cell` carries no `Stats`.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FLOOR = 3
ALL = "all"
SHOWN, EMPTY, HIDDEN = "shown", "empty", "hidden"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Decision:
    """Which cells of one table may be published: the total, and the set of shown-or-empty roles."""

    total: bool
    groups: frozenset[str]


def suppress(counts: Mapping[str, int], k: int, *, complement: str = "total") -> Decision:
    """Primary and complementary suppression of one total with its role groups."""
    if k < FLOOR:
        raise ValueError(f"The anonymity minimum is {k}; it may not be below {FLOOR}.")
    if complement not in ("total", "group"):
        raise ValueError(f"Unknown complement {complement!r}: use 'total' or 'group'.")
    total = sum(counts.values())
    total_shown = total == 0 or total >= k
    shown = {group for group, n in counts.items() if n == 0 or n >= k}
    while total_shown and 0 < total - sum(counts[g] for g in shown) < k:
        candidates = [g for g in shown if counts[g] > 0]
        if complement == "total" or not candidates:  # no candidate: unreachable, the remainder is the total ≥ k
            total_shown = False
        else:
            shown.remove(min(candidates, key=lambda g: (counts[g], g)))
    return Decision(total_shown, frozenset(shown))


@dataclass(frozen=True)
class Vote:
    """One ballot as the tally needs it: ratee, rater role, overall score and dimension scores."""

    ratee: int
    role: str
    overall: Decimal
    dimensions: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Stats:
    """The aggregate of a shown cell: count, sum, minimum, maximum and means (2 dp, half-up)."""

    n: int
    total: Decimal
    minimum: Decimal
    maximum: Decimal
    mean: Decimal
    dimension_means: tuple[Decimal, ...] | None


@dataclass(frozen=True)
class Cell:
    """A published cell: `state` is shown, empty or hidden; only a shown cell has `stats`."""

    ratee: int
    role: str
    state: str
    stats: Stats | None = None


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def overall_of(dimensions: Sequence[int]) -> Decimal:
    """The overall score of a ballot scored per dimension: the plain mean, 2 dp half-up."""
    return half_up(Decimal(sum(dimensions)) / Decimal(len(dimensions)))


def _stats(votes: Sequence[Vote]) -> Stats:
    scores = [v.overall for v in votes]
    total = sum(scores, Decimal(0))
    dimension_means = None
    if all(v.dimensions is not None for v in votes):
        columns = zip(*(v.dimensions or () for v in votes), strict=True)
        dimension_means = tuple(half_up(Decimal(sum(c)) / len(votes)) for c in columns)
    return Stats(len(votes), total, min(scores), max(scores), half_up(total / len(votes)), dimension_means)


def _cell(ratee: int, role: str, votes: Sequence[Vote], published: bool) -> Cell:
    if not votes:
        return Cell(ratee, role, EMPTY)
    if not published:
        return Cell(ratee, role, HIDDEN)
    return Cell(ratee, role, SHOWN, _stats(votes))


def tally(votes: Iterable[Vote], k: int, roles: Sequence[str], ratees: Iterable[int] = (), *,
          complement: str = "total") -> dict[int, list[Cell]]:
    """Per ratee: one cell per role in `roles` order, then the total (role `ALL`), suppressed with `k`.

    Every ratee in `ratees` gets a table, with or without ballots; votes in other roles are refused.
    """
    by_cell: dict[int, dict[str, list[Vote]]] = {ratee: {role: [] for role in roles} for ratee in ratees}
    for vote in votes:
        if vote.role not in roles:
            raise ValueError(f"Unknown rater role {vote.role!r}")
        by_cell.setdefault(vote.ratee, {role: [] for role in roles})[vote.role].append(vote)
    tables: dict[int, list[Cell]] = {}
    for ratee in sorted(by_cell):
        groups = by_cell[ratee]
        decision = suppress({role: len(found) for role, found in groups.items()}, k, complement=complement)
        cells = [_cell(ratee, role, groups[role], role in decision.groups) for role in roles]
        everything = [v for role in roles for v in groups[role]]
        tables[ratee] = [*cells, _cell(ratee, ALL, everything, decision.total)]
    return tables
