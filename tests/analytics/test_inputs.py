"""The statistics fed from a scored city: rater leniency, mutual scoring, correlation, clusters, DEA."""

import math

import pytest

from kaohe.analytics import inputs
from kaohe.analytics.selectors import run_for, subtree_for
from kaohe.appraisal.models import RunResult

pytestmark = pytest.mark.django_db


def _tree(rolled, unit=None):
    return subtree_for(rolled.office, run_for(rolled.office), unit.pk if unit else None)


def test_peer_groups_are_standardised_within_their_unit_from_aggregates_of_five_or_more(rolled):
    result = inputs.leniency_of(_tree(rolled))

    assert result.peer_groups
    for group in result.peer_groups:
        assert group.n >= 5
        assert math.isnan(group.z)  # one department with peers per unit in the small city: too few raters


def test_mutual_scoring_of_the_small_city_sees_only_departments_rating_themselves(rolled):
    report = inputs.mutual_of(_tree(rolled), threshold=5, minimum=5)

    assert report.excesses
    assert all(e.rater == e.ratee for e in report.excesses)
    assert report.mutual == []


def test_correlations_use_one_point_per_unit(rolled):
    result = inputs.correlations_of(_tree(rolled))

    assert [u["unit"] for u in result.units] == ["临江区", "临江区民政局", "临江区社会救助站", "临江区城关街道",
                                                 "青阳县民政局"]
    assert result.pairs[1].pearson.n == 5


def test_clusters_put_every_unit_with_a_complete_profile_in_one_of_k_clusters(rolled):
    result = inputs.clusters_of(_tree(rolled), k=2, features="dimensions")

    assert len(result.units) == 5
    assert {u["cluster"] for u in result.units} == {1, 2}
    assert result.units[0]["cluster"] == 1


def test_dea_gives_the_best_unit_an_efficiency_of_one(rolled):
    result = inputs.dea_of(_tree(rolled), ["people"], ["competent_or_better"])

    shares = {}
    for r in RunResult.objects.filter(run=rolled.run).select_related("group"):
        done, total = shares.get(r.group.name, (0, 0))
        shares[r.group.name] = (done + (r.grade in (1, 2) and r.non_grade == 0), total + 1)
    best = max(d / t for d, t in shares.values())
    for unit in result.units:
        done, total = shares[unit["unit"]]
        assert unit["efficiency"] == pytest.approx(done / total / best, abs=1e-4)
