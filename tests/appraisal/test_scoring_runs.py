"""Scoring runs: whole cycle scored through the engine, written atomically as a new current version."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from kaohe.appraisal.models import RunResult, ScoringRun
from kaohe.appraisal.selectors import result_explain
from kaohe.appraisal.services import cycle_open, scoring_run_create, scoring_run_execute
from kaohe.collection.models import ValueSheet
from kaohe.demo.year import build_demo_year
from kaohe.indicators.models import Scheme
from kaohe.indicators.services import default_content_load
from kaohe.org.models import CivilServant
from tests import factories

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 12, 31)


def _city_with_people(n_per_unit=8):
    city = factories.small_city()
    for unit in (city.bureau_a, city.station_a, city.township_a, city.bureau_b):
        for i in range(n_per_unit):
            factories.person(f"测试{unit.pk}{i}", unit)
    if not Scheme.objects.exists():
        default_content_load(actor=None, year=2026)
    ValueSheet.objects.all().delete()
    build_demo_year(year=2026, seed=3)
    return city


def test_a_run_scores_everyone_and_becomes_current():
    city = _city_with_people()
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=city.city)

    run = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=AS_OF)

    assert run.is_current
    assert RunResult.objects.filter(run=run).count() == CivilServant.objects.count()
    assert set(RunResult.objects.filter(run=run).values_list("category", flat=True)) == {
        "service", "grassroots", "general"}
    assert RunResult.objects.filter(run=run, composite__isnull=False).count() > 0


def test_a_second_run_replaces_the_first_as_current_and_both_are_kept():
    city = _city_with_people()
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=city.city)
    first = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=AS_OF)

    second = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=AS_OF)

    assert list(ScoringRun.objects.filter(is_current=True)) == [second]
    assert RunResult.objects.filter(run=first).count() == RunResult.objects.filter(run=second).count()
    assert first.input_digest == second.input_digest


def test_the_number_of_sql_statements_does_not_grow_with_the_people():
    def statements(n):
        city = _city_with_people(n)
        cycle = cycle_open(actor=None, name=f"cycle {n}", year=2026, root=city.city)
        run = scoring_run_create(actor=None, cycle=cycle)
        with CaptureQueriesContext(connection) as queries:
            scoring_run_execute(run=run, as_of=AS_OF)
        return len(queries)

    small = statements(2)
    large = statements(20)

    assert small == large


def test_a_result_is_explained_from_the_runs_own_snapshot_even_after_the_data_changes():
    city = _city_with_people()
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=city.city)
    run = scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=AS_OF)
    result = RunResult.objects.filter(run=run, grade__gt=0).order_by("composite").first()
    ValueSheet.objects.filter(person_id=result.person_id).delete()

    explained = result_explain(run, result)

    assert explained.explanation.person_id == result.person_id
    assert float(explained.explanation.composite) == pytest.approx(result.composite, abs=0.01)
    assert float(explained.explanation.points_lost) == pytest.approx(100 - result.composite, abs=0.5)
    assert any(item.code.startswith("lost") or "lost" in item.sentence for item in explained.explanation.items)


def test_on_postgresql_each_run_has_a_partition_of_its_own_with_the_tables_keys():
    if connection.vendor != "postgresql":
        pytest.skip("the result table is partitioned on PostgreSQL only")
    city = _city_with_people()
    cycle = cycle_open(actor=None, name="2026年度考核", year=2026, root=city.city)
    runs = [scoring_run_execute(run=scoring_run_create(actor=None, cycle=cycle), as_of=AS_OF) for _ in range(2)]

    with connection.cursor() as cursor:
        for run in runs:
            cursor.execute(f"SELECT count(*) FROM appraisal_runresult_run{run.pk}")  # noqa: S608
            assert cursor.fetchone()[0] == CivilServant.objects.count()
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [f"appraisal_runresult_run{run.pk}"])
            keys = sorted(d.split(" USING btree ")[1] for (d,) in cursor.fetchall())
            assert keys == ["(run_id, group_id, grade)", "(run_id, person_id)"]
    first = RunResult.objects.filter(run=runs[0]).order_by("person_id")[0]
    with pytest.raises(IntegrityError), transaction.atomic():  # a person once per run, as before partitions
        RunResult.objects.create(**{f.attname: getattr(first, f.attname)
                                        for f in RunResult._meta.concrete_fields})
