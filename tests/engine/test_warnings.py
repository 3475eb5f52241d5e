import datetime as dt
from decimal import Decimal as D

import pytest

from kaohe.engine.warnings import Light, expected_progress, inflation_alarm, progress_light, quarter_light


def test_expected_progress_is_the_elapsed_share_of_the_period():
    start, deadline = dt.date(2026, 1, 1), dt.date(2026, 1, 11)

    assert expected_progress(start, deadline, dt.date(2026, 1, 6)) == D(50)
    assert expected_progress(start, deadline, dt.date(2025, 12, 1)) == D(0)
    assert expected_progress(start, deadline, dt.date(2026, 3, 1)) == D(100)


@pytest.mark.parametrize(("actual", "expected", "light"), [
    (D(60), D(50), Light.GREEN), (D(50), D(50), Light.GREEN), (D(40), D(50), Light.YELLOW),
    (D(39), D(50), Light.ORANGE), (D(30), D(50), Light.ORANGE), (D(29), D(50), Light.RED),
])
def test_the_light_follows_the_lag(actual, expected, light):
    assert progress_light(actual, expected) == light


def test_scheme_thresholds_change_the_light():
    assert progress_light(D(40), D(50), yellow=D(5), orange=D(15)) == Light.ORANGE


def test_quarter_lights():
    assert [quarter_light(g) for g in (1, 2, 3, 4, None)] == [Light.GREEN, Light.GREEN, Light.ORANGE, Light.RED,
                                                            None]


def test_inflation_needs_both_scores_and_complaints_up():
    assert inflation_alarm(85.0, 88.0, 30, 45)
    assert not inflation_alarm(85.0, 88.0, 30, 30)
    assert not inflation_alarm(85.0, 85.5, 30, 45)
