"""A year of appraisal data for the demo city: values for every indicator of every person's scheme,
quarterly grades, 360° aggregates, satisfaction samples, special tasks and five years of history.

Written straight into the value sheets (the wide rows scoring reads) with one bulk write; the
distributions are realistic: most people score 75–95, a few fall behind, rubric levels are mostly
好/较好, errors and complaints are rare.
"""

import random

import numpy as np

from kaohe.appraisal.scoring import scheme_category
from kaohe.collection.models import ValueSheet
from kaohe.collection.sheets import layout
from kaohe.core.bulk import bulk_insert
from kaohe.indicators.adapter import library_for_year
from kaohe.indicators.models import Indicator, Scheme
from kaohe.org.models import CivilServant


def _value(rng: random.Random, indicator: Indicator, ability: float) -> float:
    kind, params = indicator.rule_kind, indicator.rule_params
    if kind == "rubric":
        weights = [0.25 + ability * 0.3, 0.45, max(0.22 - ability * 0.15, 0.01), 0.03]
        return float(rng.choices(range(4), weights=weights)[0])
    if kind == "veto":
        return 1.0 if rng.random() < 0.0015 else 0.0
    if kind == "capped_bonus":
        return float(rng.choices([0, 1, 2, 3], weights=[70, 20, 7, 3])[0])
    if kind == "lower_better":
        if indicator.unit == "次":
            return float(rng.choices([0, 1, 2], weights=[92, 6, 2])[0])
        return round(max(0.0, rng.gauss(1.2 - ability, 0.8)), 2)
    if kind == "bands":
        return round(min(100.0, max(40.0, rng.gauss(82 + ability * 10, 7))), 1)
    target = float(params.get("target", 100))
    return round(min(target * 1.05, max(0.0, rng.gauss(target * (0.84 + ability * 0.12), target * 0.07))), 1)


def _person_row(rng: random.Random, indicators: list[Indicator], slots: dict[str, int], width: int) -> bytes:
    row = np.full(width, np.nan)
    ability = rng.betavariate(5, 2)
    for indicator in indicators:
        row[slots[indicator.code]] = _value(rng, indicator, ability)
    good = 0.25 + ability * 0.35
    for q in range(1, 5):
        row[slots[f"q{q}"]] = rng.choices([1, 2, 3, 4], weights=[good, 0.45, max(0.25 - ability * 0.15, 0.02), 0.03])[0]
    if rng.random() < 0.25:
        row[slots["special"]] = round(min(100.0, rng.gauss(85, 8)), 1)
    row[slots["sat_n"]] = rng.choice([40, 80, 120, 160, 240])
    for role, count in (("superior", 1), ("peer", rng.randint(4, 12)), ("public", rng.randint(0, 30)),
                        ("recipient", rng.randint(0, 8))):
        scores = [min(100.0, max(40.0, rng.gauss(78 + ability * 15, 6))) for _ in range(count)]
        if scores:
            for agg, value in zip(("count", "total", "minimum", "maximum"),
                                  (count, sum(scores), min(scores), max(scores)), strict=True):
                row[slots[f"r.{role}.{agg}"]] = round(value, 2)
    for h in range(1, 6):
        row[slots[f"h{h}"]] = rng.choices([1, 2, 3, 4], weights=[12 + ability * 10, 80, 5, 1])[0]
    row[slots["step"]], row[slots["level"]] = rng.randint(0, 1), rng.randint(0, 4)
    return row.astype("<f8").tobytes()


def build_demo_year(*, year: int, seed: int) -> int:
    """Fill the value sheets of `year` for every active person; returns the number of sheets."""
    rng = random.Random(seed * 7919 + year)
    library = {i.code: i for i in library_for_year(year)}
    slots = layout(library)
    width = max(slots.values()) + 1
    schemes = {s.category: [library[i.code] for i in s.items.all() if i.code in library]
               for s in Scheme.objects.filter(year=year, status="active", level="").prefetch_related("items")}
    people = CivilServant.objects.filter(status="active").order_by("id").values_list(
        "id", "unit__level", "unit__category")
    rows = (
        [person_id, year, _person_row(rng, schemes.get(scheme_category(level, category), []), slots, width)]
        for person_id, level, category in people
    )
    return bulk_insert(ValueSheet, ("person_id", "year", "data"), rows)
