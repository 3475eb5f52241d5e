"""Column inserts (`core.bulk.copy_columns`): the same rows on SQLite and through PostgreSQL's binary COPY."""

import datetime as dt

import numpy as np
import pytest
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Value, When
from django.db.models.functions import Cast

from kaohe.collection.models import IndicatorValue, ValueSheet
from kaohe.core import bulk
from kaohe.core.bulk import RaggedRowsError, copy_columns, fetch_columns, missing_ids
from kaohe.org.models import CivilServant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("binary_from", [1, 1_000], ids=["binary COPY on PostgreSQL", "row by row"])
def test_text_arrays_constants_and_nan_as_null_come_back_as_written(city, monkeypatch, binary_from):
    monkeypatch.setattr(bulk, "BINARY_MIN_ROWS", binary_from)
    received = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)
    person = city.zhang_san.pk
    count = copy_columns(IndicatorValue, {
        "person_id": np.array([person, person, person], dtype=np.int64),
        "code": np.array(["JI02", "DE02", "JI06"], dtype=object),
        "year": 2026, "quarter": np.array([0, 0, 2], dtype=np.int64),
        "value": np.array([97.5, np.nan, 88.0]), "level": np.array(["", "较好", ""], dtype=object),
        "sample_size": np.array([np.nan, np.nan, 130.0]),  # an integer column: NaN is NULL
        "source": "import", "batch": "批次-1", "received_at": received, "content_hash": "h",
    })

    rows = sorted(IndicatorValue.objects.values_list("code", "quarter", "value", "level", "sample_size", "batch",
                                                     "received_at"))
    assert count == 3
    assert rows == [("DE02", 0, None, "较好", None, "批次-1", received),
                    ("JI02", 0, 97.5, "", None, "批次-1", received),
                    ("JI06", 2, 88.0, "", 130, "批次-1", received)]


def test_missing_ids_names_the_ids_without_a_row(city):
    known = CivilServant.objects.order_by("id").values_list("id", flat=True)[0]

    assert missing_ids(CivilServant, np.array([known, known, 999_999, 999_998])).tolist() == [999_998, 999_999]
    assert missing_ids(CivilServant, np.array([known])).tolist() == []


def test_fetch_columns_gives_numbers_flags_dates_and_packed_rows_as_arrays(city):
    people = CivilServant.objects.filter(pk__in=[city.zhang_san.pk, city.li_si.pk]).order_by("id")
    ValueSheet.objects.bulk_create([ValueSheet(person_id=pid, year=2026, data=np.array([pid, 0.5]).tobytes())
                                    for pid in people.values_list("id", flat=True)])
    query = people.annotate(sheet=F("value_sheets__data"), score=Cast(Value(97.5), FloatField()), flag=Case(
        When(name="张三", then=Value(True)), default=Value(False), output_field=BooleanField()))

    ids, flags, born, scores, sheets = fetch_columns(
        query.values_list("id", "flag", "birth_date", "score", "sheet"), ("i8", "bool", "date", "f8", "f8x2"))

    assert ids.tolist() == [city.zhang_san.pk, city.li_si.pk]
    assert flags.tolist() == [True, False]
    assert born.tolist() == [dt.date(1990, 5, 17)] * 2
    assert sheets.tolist() == [[float(pid), 0.5] for pid in ids.tolist()]
    assert scores.tolist() == [97.5, 97.5]


def test_fetch_columns_refuses_rows_of_another_width_on_postgresql(city):
    ValueSheet.objects.create(person=city.zhang_san, year=2026, data=np.array([1.0]).tobytes())
    query = ValueSheet.objects.values_list("person_id", "data")
    if connection.vendor != "postgresql":
        assert np.isnan(fetch_columns(query, ("i8", "f8x2"))[1][0, 1])  # padded, as sheets of older layouts are
        return
    with pytest.raises(RaggedRowsError):
        fetch_columns(query, ("i8", "f8x2"))


def test_fetch_columns_of_no_rows_gives_empty_columns(city):
    ids, sheets = fetch_columns(ValueSheet.objects.filter(year=1900).values_list("person_id", "data"),
                                ("i8", "f8x3"))

    assert ids.tolist() == []
    assert sheets.shape == (0, 3)
