"""Recording values: provenance rows, value sheets, and refusal of bad values with nothing written."""

import numpy as np
import polars as pl
import pytest

from kaohe.audit.models import AuditEvent
from kaohe.collection import sheets
from kaohe.collection.models import IndicatorValue, ValueSheet
from kaohe.collection.services import ValueIn, values_record
from kaohe.collection.sheets import SheetMatrix, sheet_matrix
from kaohe.core import bulk
from kaohe.core.errors import ApplicationError
from kaohe.feeds.values import values_record_frame
from kaohe.indicators.services import default_content_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(city):
    default_content_load(actor=None, year=2026)
    return city


def test_values_land_in_the_sheet_with_provenance(content):
    person = content.zhang_san.pk
    values_record(actor=None, source="feed", batch="b1", values=[
        ValueIn(person, "JI02", 2026, value=97.5),
        ValueIn(person, "DE02", 2026, level="较好"),
        ValueIn(person, "JI03", 2026, value=91.0, sample_size=130),
        ValueIn(person, "JI02", 2026, value=88.0, quarter=2),
    ])

    sheet = sheet_matrix(2026, person_ids=[person])
    assert sheet.column("JI02").tolist() == [97.5]
    assert sheet.column("DE02").tolist() == [1.0]
    assert sheet.column("sat_n").tolist() == [130.0]
    assert IndicatorValue.objects.filter(person_id=person, batch="b1").count() == 4
    assert IndicatorValue.objects.get(person_id=person, code="JI02", quarter=2).value == 88.0
    assert AuditEvent.objects.filter(action="collection.values.record", object_id="b1").count() == 1


def test_sheets_read_a_chunk_at_a_time_come_back_whole_and_in_the_asked_order(content, monkeypatch):
    people = [content.zhang_san.pk, content.li_si.pk, content.wang_wu.pk]
    values_record(actor=None, source="feed", batch="b1", values=[
        ValueIn(pid, "JI02", 2026, value=90.0 + i) for i, pid in enumerate(people)])
    monkeypatch.setattr(bulk, "FETCH_CHUNK", 2)  # three sheets: two chunks

    sheet = sheet_matrix(2026)
    asked = sheet.rows_for(np.array([people[2], -1, people[0]]))

    assert sheet.person_ids.tolist() == sorted(people)
    assert asked.column("JI02").tolist()[::2] == [92.0, 90.0]
    assert np.isnan(asked.column("JI02")[1])
    assert np.isnan(asked.dense()[1]).all()
    np.testing.assert_array_equal(asked.dense()[0], sheet.dense()[sorted(people).index(people[2])])


def test_named_columns_of_asked_people_gathered_in_blocks_match_their_rows(monkeypatch):
    monkeypatch.setattr(sheets, "GATHER_ROWS", 2)  # five people: three blocks
    matrix = np.arange(4 * 3, dtype=np.float64).reshape(4, 3)  # four sheets of slots a, b, c
    read = SheetMatrix(np.array([10, 11, 12, 13]), matrix, {"a": 0, "b": 1, "c": 2})
    asked = read.rows_for(np.array([13, 99, 10, 12, 11]))  # 99 has no sheet

    got = asked.columns(["c", "unknown", "a"])

    assert got.flags.f_contiguous
    expected = [[11, None, 9], [None, None, None], [2, None, 0], [8, None, 6], [5, None, 3]]
    assert [[None if np.isnan(v) else v for v in row] for row in got.tolist()] == expected
    assert asked.column("b").tolist()[2:] == [1.0, 7.0, 4.0]


def test_a_second_batch_updates_only_its_own_slots(content):
    person = content.li_si.pk
    values_record(actor=None, source="feed", batch="b1", values=[ValueIn(person, "JI02", 2026, value=90.0)])
    values_record(actor=None, source="import", batch="b2", values=[ValueIn(person, "JI01", 2026, value=80.0)])

    sheet = sheet_matrix(2026, person_ids=[person])

    assert (sheet.column("JI02").tolist(), sheet.column("JI01").tolist()) == ([90.0], [80.0])
    assert np.isnan(sheet.column("JI05")[0])


@pytest.mark.parametrize(
    ("_case", "item", "message"),
    [
        ("unknown code", ValueIn(1, "XX99", 2026, value=1.0), "not an indicator"),
        ("retired code", ValueIn(1, "QI04", 2026, value=1.0), "not an indicator"),
        ("bad level", ValueIn(1, "DE02", 2026, level="优"), "not a level"),
        ("missing number", ValueIn(1, "JI02", 2026), "needs a number"),
    ],
)
def test_a_bad_value_refuses_the_whole_batch(content, _case, item, message):
    good = ValueIn(content.zhang_san.pk, "JI02", 2026, value=90.0)
    bad = ValueIn(content.zhang_san.pk, item.code, item.year, item.value, item.level)

    with pytest.raises(ApplicationError, match=message):
        values_record(actor=None, source="feed", batch="bad", values=[good, bad])

    assert IndicatorValue.objects.count() == 0
    assert sheet_matrix(2026, person_ids=[content.zhang_san.pk]).person_ids.tolist() == []


def test_a_value_for_a_person_who_does_not_exist_refuses_the_batch_by_name(content):
    """The provenance table has no database key on the person (ADR 0012): the service checks instead."""
    good = ValueIn(content.zhang_san.pk, "JI02", 2026, value=90.0)
    nobody = ValueIn(content.zhang_san.pk + 10_000, "JI02", 2026, value=90.0)

    with pytest.raises(ApplicationError, match=f"No civil servant has the id {nobody.person_id}"):
        values_record(actor=None, source="feed", batch="ghost", values=[good, nobody])

    assert IndicatorValue.objects.count() == 0
    assert sheet_matrix(2026, person_ids=[content.zhang_san.pk]).person_ids.tolist() == []


def test_the_frame_writer_refuses_a_person_who_does_not_exist_too(content):
    frame = pl.DataFrame({"person_id": [content.zhang_san.pk, 987_654], "code": ["JI02", "JI02"],
                          "year": [2026, 2026], "quarter": [0, 0], "value": [90.0, 91.0], "level": ["", ""],
                          "sample_size": [None, None]})

    with pytest.raises(ApplicationError, match="No civil servant has the id 987654"):
        values_record_frame(actor=None, frame=frame, source="import", batch="ghost")

    assert IndicatorValue.objects.count() == 0
    assert ValueSheet.objects.count() == 0
