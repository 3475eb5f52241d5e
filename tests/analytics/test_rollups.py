"""Roll-ups refreshed after a scoring run: exact per unit, per subtree and per category × level, and set-based."""

import datetime as dt

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.analytics.models import SegmentRollup, UnitRollup
from kaohe.analytics.rollups import rollups_refresh
from kaohe.appraisal.models import RunResult
from kaohe.appraisal.services import cycle_open, scoring_run_create, scoring_run_execute
from kaohe.engine.codes import Gate
from tests.appraisal.test_scoring_runs import _city_with_people

pytestmark = pytest.mark.django_db


def _results(run, **where):
    return list(RunResult.objects.filter(run=run, **where))


def test_each_units_own_rollup_counts_its_grades_quota_and_people_exactly(rolled):
    for row in UnitRollup.objects.filter(run=rolled.run, tree=False):
        results = _results(rolled.run, group_id=row.unit_id)
        graded = [r for r in results if r.non_grade == 0]

        assert row.people == len(results)
        assert [row.grade_1, row.grade_2, row.grade_3, row.grade_4] == [
            sum(r.grade == g for r in graded) for g in (1, 2, 3, 4)]
        assert row.quota == sum({r.pool: r.pool_quota for r in results}.values())
        assert row.composite_mean == round(float(np.mean([r.composite for r in results if r.composite is not None])), 2)


def test_a_subtree_rollup_adds_up_the_groups_under_it(rolled):
    county = rolled.city.county_a
    tree = UnitRollup.objects.get(run=rolled.run, unit=county, tree=True)
    groups = UnitRollup.objects.filter(run=rolled.run, tree=False, path__startswith=county.path)

    assert tree.people == sum(g.people for g in groups) == RunResult.objects.filter(
        run=rolled.run, person__unit__path__startswith=county.path).count()
    assert tree.grade_1 == sum(g.grade_1 for g in groups)
    assert tree.quota == sum(g.quota for g in groups)
    assert tree.histogram == [sum(h) for h in zip(*(g.histogram for g in groups), strict=True)]


def test_percentiles_are_exact_not_read_off_the_histogram(rolled):
    city = UnitRollup.objects.get(run=rolled.run, unit=rolled.city.city, tree=True)
    composites = [r.composite for r in _results(rolled.run) if r.composite is not None]

    expected = [round(float(v), 2) for v in np.percentile(composites, [10, 25, 50, 75, 90])]
    assert [city.composite_p10, city.composite_p25, city.composite_p50, city.composite_p75,
            city.composite_p90] == expected
    assert sum(city.histogram) == len(composites)


def test_dimension_means_and_gate_counts_match_the_results(rolled):
    city = UnitRollup.objects.get(run=rolled.run, unit=rolled.city.city, tree=True)
    results = _results(rolled.run)

    assert city.dimensions[0] == round(float(np.mean([r.dim_de for r in results if r.dim_de is not None])), 2)
    assert city.gates == [sum(r.gates >> g & 1 for r in results) for g in Gate]


def test_segments_split_the_whole_run_by_category_and_level(rolled):
    segments = SegmentRollup.objects.filter(run=rolled.run)

    assert sum(s.people for s in segments) == RunResult.objects.filter(run=rolled.run).count()
    assert {(s.category, s.level) for s in segments} == {("general", "county"), ("grassroots", "township"),
                                                          ("service", "county")}


def test_history_counts_the_grades_of_the_five_previous_years(rolled):
    city = UnitRollup.objects.get(run=rolled.run, unit=rolled.city.city, tree=True)

    assert sorted(city.history) == ["2021", "2022", "2023", "2024", "2025"]
    assert all(sum(counts) == city.people for counts in city.history.values())


def test_the_rollups_a_run_writes_equal_those_read_back_from_its_results_and_snapshots(scored):
    def rows():
        units = [repr({k: v for k, v in r.items() if k != "id"})
                 for r in UnitRollup.objects.filter(run=scored.run).values()]
        segments = [repr(r) for r in SegmentRollup.objects.filter(run=scored.run).values_list(
            "category", "level", "people", "grade_1", "quota", "composite_mean", "histogram")]
        return sorted(units), sorted(segments)

    written_by_the_run = rows()
    rollups_refresh(scored.run)

    assert written_by_the_run[0]
    assert rows() == written_by_the_run


def test_a_second_refresh_replaces_the_rollups_instead_of_adding_to_them(rolled):
    before = UnitRollup.objects.filter(run=rolled.run).count()

    rollups_refresh(rolled.run)

    assert UnitRollup.objects.filter(run=rolled.run).count() == before
    assert SegmentRollup.objects.filter(run=rolled.run).count() == 3


def test_the_refresh_issues_the_same_number_of_sql_statements_whatever_the_number_of_people():
    def statements(n):
        city = _city_with_people(n)
        cycle = cycle_open(actor=None, name=f"cycle {n}", year=2026, root=city.city)
        run = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=dt.date(2026, 12, 31))
        with CaptureQueriesContext(connection) as queries:
            rollups_refresh(run)
        return len(queries)

    small = statements(2)
    large = statements(20)

    assert small == large
