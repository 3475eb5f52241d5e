"""Mutual high scoring (互相打高分) between groups of raters, from aggregates only.

Ballots are anonymous: nobody can see who gave which score. What can be seen is an aggregate per pair of
groups — for example "the members of department A rating people of department B": the number of ballots
and their total — and only where that number reached the anonymity minimum (default 5). A pair (A → B)
is *inflated* when its mean exceeds both norms by at least `threshold` points:

- A's giving norm: the mean of everything A gave to groups other than B (A's usual generosity);
- B's receiving norm: the mean of everything B received from groups other than A (how others see B).

A missing norm (A rated nobody else; B was rated by nobody else) falls back to the mean of all pairs.
Two different groups are flagged as *mutual* when both A → B and B → A are inflated; the flag's strength
is the smaller of the two excesses. Groups joined pairwise by mutual flags form *cliques* (maximal sets of
three or more in which every pair is mutual). A group rating itself (A → A, e.g. a department's peers)
is reported as *in-group* inflation against the same norms.

Limits: a high mutual mean can be deserved (two excellent departments working closely); small groups are
left out entirely, so collusion inside small groups cannot be seen; and the method sees groups, never
individuals — it points at where to look, it proves nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass

ANONYMITY_MIN = 5
THRESHOLD = 5.0


@dataclass(frozen=True)
class PairAggregate:
    """Ballots from rater group `rater` about people of group `ratee`: how many, and their sum."""

    rater: str
    ratee: str
    n: int
    total: float

    @property
    def mean(self) -> float:
        return self.total / self.n


@dataclass(frozen=True)
class Excess:
    """A pair's mean against its two norms (in points)."""

    rater: str
    ratee: str
    n: int
    mean: float
    giving_norm: float
    receiving_norm: float

    @property
    def excess(self) -> float:
        return self.mean - max(self.giving_norm, self.receiving_norm)


@dataclass(frozen=True)
class MutualFlag:
    a: str
    b: str
    a_to_b: Excess
    b_to_a: Excess

    @property
    def strength(self) -> float:
        return min(self.a_to_b.excess, self.b_to_a.excess)


@dataclass(frozen=True)
class MutualReport:
    excesses: list[Excess]
    mutual: list[MutualFlag]
    in_group: list[Excess]
    cliques: list[tuple[str, ...]]
    overall_mean: float
    left_out: int


def _norm(pairs: Sequence[PairAggregate], fallback: float) -> float:
    n = sum(p.n for p in pairs)
    return sum(p.total for p in pairs) / n if n else fallback


def excesses(pairs: Sequence[PairAggregate], minimum: int = ANONYMITY_MIN) -> tuple[list[Excess], float, int]:
    """Each shown pair with its norms; pairs below the anonymity minimum are dropped (and counted)."""
    shown = [p for p in pairs if p.n >= minimum]
    overall = _norm(shown, float("nan"))
    out = []
    for p in shown:
        giving = _norm([q for q in shown if q.rater == p.rater and q.ratee != p.ratee], overall)
        receiving = _norm([q for q in shown if q.ratee == p.ratee and q.rater != p.rater], overall)
        out.append(Excess(p.rater, p.ratee, p.n, p.mean, giving, receiving))
    return out, overall, len(pairs) - len(shown)


def mutual_high_scoring(pairs: Sequence[PairAggregate], *, threshold: float = THRESHOLD,
                        minimum: int = ANONYMITY_MIN) -> MutualReport:
    """Flag mutual and in-group inflation and the cliques they form."""
    found, overall, left_out = excesses(pairs, minimum)
    by_pair = {(e.rater, e.ratee): e for e in found}
    mutual = []
    for (a, b), forward in sorted(by_pair.items()):
        back = by_pair.get((b, a))
        if a < b and back is not None and forward.excess >= threshold and back.excess >= threshold:
            mutual.append(MutualFlag(a, b, forward, back))
    in_group = [e for (a, b), e in sorted(by_pair.items()) if a == b and e.excess >= threshold]
    return MutualReport(found, sorted(mutual, key=lambda f: -f.strength), in_group,
                        cliques({(f.a, f.b) for f in mutual}), overall, left_out)


def cliques(edges: set[tuple[str, str]]) -> list[tuple[str, ...]]:
    """Maximal cliques of three or more groups (Bron–Kerbosch with pivoting), each sorted, largest first."""
    neighbours: dict[str, set[str]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    found: list[tuple[str, ...]] = []

    def grow(r: set[str], p: set[str], x: set[str]) -> None:
        if not p and not x:
            if len(r) >= 3:
                found.append(tuple(sorted(r)))
            return
        pivot = max(p | x, key=lambda v: len(neighbours[v] & p))
        for v in sorted(p - neighbours[pivot]):
            grow(r | {v}, p & neighbours[v], x & neighbours[v])
            p = p - {v}
            x = x | {v}

    grow(set(), set(neighbours), set())
    return sorted(found, key=lambda c: (-len(c), c))


