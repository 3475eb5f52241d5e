"""Column inserts (`core.bulk.copy_columns`): the same rows on SQLite and through PostgreSQL's binary COPY."""

import datetime as dt

import numpy as np
import pytest

from kaohe.collection.models import IndicatorValue
from kaohe.core import bulk
from kaohe.core.bulk import copy_columns, missing_ids
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
