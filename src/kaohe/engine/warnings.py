"""Warning lights (预警, 绿黄橙红; DOMAIN.md "Warnings"), pure.

Time progress: expected = the share of the period elapsed; actual = the reported progress. Green when
actual ≥ expected, yellow within `yellow` points below it, orange within `orange`, red beyond.
Quarterly light from the quarter's grade. Score inflation: a unit's internal scores rise while its
hotline complaints rise too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

__all__ = ["Light", "expected_progress", "inflation_alarm", "progress_light", "quarter_light"]


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"


def expected_progress(start: dt.date, deadline: dt.date, today: dt.date) -> Decimal:
    """Percent of the period elapsed, 0–100 (a one-day task is due in full on its day)."""
    if today <= start:
        return Decimal(0)
    if today >= deadline or deadline <= start:
        return Decimal(100)
    return Decimal(100) * (today - start).days / (deadline - start).days


def progress_light(
    actual: Decimal, expected: Decimal, *, yellow: Decimal = Decimal(10), orange: Decimal = Decimal(20)
) -> Light:
    """The light of a target: how far actual progress lags the elapsed share of its period."""
    lag = expected - actual
    if lag <= 0:
        return Light.GREEN
    if lag <= yellow:
        return Light.YELLOW
    if lag <= orange:
        return Light.ORANGE
    return Light.RED


def quarter_light(grade: int | None) -> Light | None:
    """季度亮灯 from the 平时 grade: 好/较好 green, 一般 orange, 较差 red; ungraded has no light."""
    return {1: Light.GREEN, 2: Light.GREEN, 3: Light.ORANGE, 4: Light.RED}.get(grade or 0)


def inflation_alarm(
    score_before: float, score_now: float, complaints_before: int, complaints_now: int, *, min_rise: float = 1.0
) -> bool:
    """Internal scores up by at least `min_rise` points while hotline complaints also went up."""
    return score_now - score_before >= min_rise and complaints_now > complaints_before
