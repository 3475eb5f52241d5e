"""The leader dashboard's charts and warning board, shaped from roll-up rows (no query of people).

Each chart is a dict for `json_script`: a kind the page script draws, a title, units, series with
names (the legend) and the same numbers as rows for the table view.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from kaohe.analytics.models import HISTOGRAM_BIN, UnitRollup
from kaohe.appraisal.messages import DIMENSION_WORDS, GATES
from kaohe.engine.codes import DIMENSIONS, Gate

GRADE_FIELDS = ("grade_1", "grade_2", "grade_3", "grade_4")
WEAK_SHARE = 0.05  # units where 基本称职 + 不称职 reach 5% of people are listed on the board
WEAK_MIN = 2


def gate_word(index: int) -> str:
    """A gate in words (the engine may know gates the page vocabulary does not name yet)."""
    return str(GATES[index]) if index < len(GATES) else Gate(index).code


def grade_names() -> list[str]:
    return [_("Excellent"), _("Competent"), _("Basically competent"), _("Incompetent")]


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def distribution(rows: Sequence[UnitRollup], names: Sequence[str]) -> dict[str, Any]:
    """Grades per unit as stacked bars, with each unit's 优秀 quota as a line."""
    series: list[dict[str, Any]] = [{"name": n, "values": [getattr(r, f) for r in rows]}
                                    for n, f in zip(grade_names(), GRADE_FIELDS, strict=True)]
    series.append({"name": _("Excellent quota"), "values": [r.quota for r in rows], "line": True})
    return {"kind": "stacked", "title": _("Grade distribution against the 优秀 quota"), "unit": _("people"),
            "labels": list(names), "series": series}


def histogram(row: UnitRollup | None) -> dict[str, Any]:
    """Composite scores in 2-point bins, trimmed to the bins that hold people."""
    counts = list(row.histogram) if row else []
    filled = [i for i, c in enumerate(counts) if c]
    low, high = (filled[0], filled[-1]) if filled else (0, -1)
    labels = [f"{i * HISTOGRAM_BIN}–{(i + 1) * HISTOGRAM_BIN}" for i in range(low, high + 1)]
    return {"kind": "histogram", "title": _("Composite score distribution"), "unit": _("people"),
            "x_unit": _("points"), "labels": labels,
            "series": [{"name": _("People"), "values": counts[low: high + 1]}]}


def comparison(rows: Sequence[UnitRollup], names: Sequence[str]) -> dict[str, Any]:
    """Mean composite per unit with the middle half (25th–75th percentile) of its people."""
    def values(field: str) -> list[float | None]:
        return [getattr(r, field) for r in rows]

    return {"kind": "compare", "title": _("Unit comparison: composite score"), "unit": _("points"),
            "labels": list(names),
            "series": [{"name": _("Mean"), "values": values("composite_mean")},
                       {"name": _("25th percentile"), "values": values("composite_p25"), "marker": True},
                       {"name": _("Median"), "values": values("composite_p50"), "marker": True},
                       {"name": _("75th percentile"), "values": values("composite_p75"), "marker": True}]}


def radar(unit_name: str, row: UnitRollup | None, city_name: str, city: UnitRollup | None) -> dict[str, Any]:
    axes = [str(DIMENSION_WORDS[d]) for d in DIMENSIONS]
    series = [{"name": name, "values": [v if v is not None else 0 for v in r.dimensions]}
              for name, r in ((unit_name, row), (city_name, city)) if r is not None]
    return {"kind": "radar", "title": _("Five dimensions: the unit against the whole cycle"), "unit": _("points"),
            "labels": axes, "series": series}


def trend(runs: Iterable[tuple[int, UnitRollup]], current: UnitRollup | None) -> dict[str, Any]:
    """By year: mean composite (scored years) and the shares of 优秀 and of 基本称职 + 不称职, taking the
    years before the first scored run from the grade history carried in the run's inputs."""
    years: dict[int, dict[str, float | None]] = {}
    for year_text, counts in (current.history.items() if current else []):
        graded = sum(counts[1:])
        years[int(year_text)] = {"mean": None, "excellent": _share(counts[1], graded),
                                 "weak": _share(counts[3] + counts[4], graded)}
    for year, row in runs:
        graded = sum(getattr(row, f) for f in GRADE_FIELDS)
        years[year] = {"mean": row.composite_mean, "excellent": _share(row.grade_1, graded),
                       "weak": _share(row.grade_3 + row.grade_4, graded)}
    ordered = sorted(years)
    return {"kind": "trend", "title": _("Trends over the years"), "unit": _("percent"), "unit2": _("points"),
            "labels": [str(y) for y in ordered],
            "series": [{"name": _("Share of 优秀 (%)"), "values": [years[y]["excellent"] for y in ordered]},
                       {"name": _("Share of 基本称职 and 不称职 (%)"), "values": [years[y]["weak"] for y in ordered]},
                       {"name": _("Mean composite (points)"), "values": [years[y]["mean"] for y in ordered],
                        "axis": 1}]}


def warnings(tree_row: UnitRollup | None, groups: Sequence[UnitRollup],
             previous: dict[int, UnitRollup]) -> dict[str, list[dict[str, Any]]]:
    """The warning board: gates failed, units with many weak grades, and the score-inflation alarm."""
    gates = [{"label": gate_word(i), "count": n} for i, n in enumerate(tree_row.gates if tree_row else []) if n]
    weak: list[dict[str, Any]] = []
    for row in groups:
        count = row.grade_3 + row.grade_4
        if row.people and count >= WEAK_MIN and count / row.people >= WEAK_SHARE:
            weak.append({"unit": row.unit, "count": count, "share": _share(count, row.people), "people": row.people})
    inflation = []
    for row in groups:
        before = previous.get(row.unit_id)
        if before is None or row.composite_mean is None or before.composite_mean is None:
            continue
        if row.composite_mean > before.composite_mean and (row.complaints or 0) > (before.complaints or 0):
            inflation.append({"unit": row.unit, "mean_before": before.composite_mean, "mean": row.composite_mean,
                              "complaints_before": before.complaints, "complaints": row.complaints})
    weak.sort(key=lambda w: -float(w["share"] or 0))
    return {"gates": gates, "weak": weak[:20], "inflation": inflation[:20]}


def table_of(chart: dict[str, Any]) -> dict[str, Any]:
    """The chart's numbers as a table (headers, rows) for its table view."""
    if chart["kind"] == "scatter":
        points = chart["series"][0]["points"] if chart["series"] else []
        return {"headers": ["", chart.get("x_label", ""), chart.get("y_label", "")],
                "rows": [[p[2], p[0], p[1]] for p in points]}
    headers = [""] + [s["name"] for s in chart["series"]]
    rows = [[label] + [s["values"][i] if i < len(s["values"]) else None for s in chart["series"]]
            for i, label in enumerate(chart["labels"])]
    return {"headers": headers, "rows": rows}


def figures(charts: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """(id, chart, table) for the template: each chart is drawn from `id` and shown as a table too."""
    return [{"id": f"chart-{key}", "key": key, "chart": chart, "table": table_of(chart)}
            for key, chart in charts.items()]
