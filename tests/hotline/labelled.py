"""The labelled 12345 set (data/labelled.jsonl) and its fictional city (data/directory.json) as the classifier
sees them, and precision / recall per class."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kaohe.hotline.classifier import LABELS, Classifier, Directory, PersonEntry, UnitEntry

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class City:
    directory: Directory
    unit_ids: dict[str, int]
    person_ids: dict[tuple[str, int], int]

    def expected(self, record: dict) -> tuple[int | None, int | None]:
        """(person id, unit id) a careful reader would attribute the record to."""
        unit = self.unit_ids.get(record["unit"]) if record["unit"] else None
        if not record["person"]:
            return None, unit
        matches = [pid for (name, unit_id), pid in self.person_ids.items() if name == record["person"]
                   and (unit is None or unit_id == unit)]
        assert len(matches) == 1, record
        person = matches[0]
        return person, next(p.unit_id for p in self.directory.people if p.id == person)


@cache
def city() -> City:
    raw = json.loads((DATA / "directory.json").read_text(encoding="utf-8"))
    units: list[UnitEntry] = []
    ids: dict[str, int] = {}
    for number, (name, parent) in enumerate(raw["units"], start=1):
        path = (units[ids[parent] - 1].path if parent else "/") + f"{number}/"
        ids[name] = number
        units.append(UnitEntry(number, name, path))
    people = [PersonEntry(1000 + i, name, ids[unit], staff_no, window)
              for i, (name, unit, staff_no, window) in enumerate(raw["people"])]
    return City(Directory(units, people), ids, {(p.name, p.unit_id): p.id for p in people})


@cache
def classifier() -> Classifier:
    return Classifier(directory=city().directory)


def records(*splits: str) -> list[dict]:
    rows = [json.loads(line) for line in (DATA / "labelled.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if not splits or r["split"] in splits]


def scores(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Precision and recall per label from (expected, predicted) pairs, plus "macro"."""
    pairs = list(pairs)
    result = {}
    for label in LABELS:
        true_positive = sum(1 for e, p in pairs if e == p == label)
        predicted = sum(1 for _e, p in pairs if p == label)
        actual = sum(1 for e, _p in pairs if e == label)
        result[label] = (true_positive / predicted if predicted else 0.0, true_positive / actual if actual else 0.0)
    result["macro"] = (sum(result[label][0] for label in LABELS) / 3, sum(result[label][1] for label in LABELS) / 3)
    return result
