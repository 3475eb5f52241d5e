"""Excel/CSV import of indicator values: column-wise checks by row and column, all or nothing, and the same
rows and sheets as `values_record`."""

import io

import openpyxl
import pytest

from kaohe.audit.models import AuditEvent
from kaohe.collection.models import IndicatorValue, ValueSheet
from kaohe.collection.services import ValueIn, values_record
from kaohe.feeds.imports import values_check, values_import
from kaohe.indicators.excel import RowError, error_report
from tests.feeds.files import csv, xlsx

pytestmark = pytest.mark.django_db


def _counts():
    return IndicatorValue.objects.count(), ValueSheet.objects.count(), AuditEvent.objects.count()


def _rows_and_sheets():
    rows = sorted(IndicatorValue.objects.values_list("person_id", "code", "year", "quarter", "value", "level",
                                                     "sample_size", "source", "content_hash"))
    sheets = sorted((p, y, bytes(d)) for p, y, d in ValueSheet.objects.values_list("person_id", "year", "data"))
    return rows, sheets


def test_a_clean_file_writes_the_same_rows_and_sheets_as_values_record(content, office):
    zhang, li, wang = content.zhang_san, content.li_si, content.wang_wu
    data = xlsx([
        [zhang.staff_no, "张三", "JI02", 2026, 0, 97.5, None, None],
        [zhang.staff_no, "张三", "JI02", 2026, 2, 88, None, None],
        [zhang.staff_no, "张三", "DE02", 2026, None, None, "较好", None],
        [li.staff_no, "李四", "JI06", 2026, 0, 91.25, None, 130],
        [wang.staff_no, "王 五", "ji01", 2026, 0, 0.00005, None, None],
    ])
    check = values_import(actor=office, data=data, file_format="xlsx", batch="b1", dry_run=False)
    assert (check.clean, check.rows) == (True, 5)
    imported = _rows_and_sheets()
    IndicatorValue.objects.all().delete()
    ValueSheet.objects.all().delete()

    values_record(actor=None, source="import", batch="b2", values=[
        ValueIn(zhang.pk, "JI02", 2026, 97.5), ValueIn(zhang.pk, "JI02", 2026, 88.0, quarter=2),
        ValueIn(zhang.pk, "DE02", 2026, level="较好"), ValueIn(li.pk, "JI06", 2026, 91.25, sample_size=130),
        ValueIn(wang.pk, "JI01", 2026, 0.00005)])

    assert _rows_and_sheets() == imported
    assert (len(imported[0]), len(imported[1])) == (5, 3)


def test_a_file_with_mixed_rows_commits_nothing_and_reports_each_bad_cell(content, office):
    zhang, chen = content.zhang_san, content.chen_qi
    before = _counts()
    data = xlsx([
        [zhang.staff_no, "张三", "JI02", 2026, 0, 97.5, None, None],
        [zhang.staff_no, "李四", "JI02", 2026, 1, "九十", None, None],
        ["S999999", "某某", "XX99", 2026, 7, 1, None, -3],
        [chen.staff_no, "陈七", "DE02", 2026, 0, None, "优", None],
        [None, None, None, None, None, None, None, None],
        [zhang.staff_no, "张三", "JI02", 2026, 0, 96, None, None],
        [zhang.staff_no, "张三", "DE02", 2026, 0, None, None, None],
        [zhang.staff_no, "张三", "JI03", 2026, 0, None, "好", None],
        [zhang.staff_no, None, "JI03", "2026年", 3, 90, None, 12.5],
    ])

    check = values_import(actor=office, data=data, file_format="xlsx", batch="bad", dry_run=False)

    assert check.errors == [
        RowError(3, "姓名", "李四", "The name does not match the staff number (张三 in the records)."),
        RowError(3, "数值", "九十", "Not a number."),
        RowError(4, "工号", "S999999", "No civil servant with this staff number in your data scope."),
        RowError(4, "指标代码", "XX99", "Not an indicator of the library of this year."),
        RowError(4, "季度", "7", "Enter the quarter as 0 (the whole year) or 1 to 4."),
        RowError(4, "样本量", "-3", "Enter the sample size as a whole number, or leave it blank."),
        RowError(5, "工号", chen.staff_no, "No civil servant with this staff number in your data scope."),
        RowError(5, "等级", "优", "Not a level of this indicator. Use one of the levels 好、较好、一般、较差."),
        RowError(7, "工号", zhang.staff_no, "The same staff number, indicator, year and quarter as row 2."),
        RowError(8, "等级", "", "Not a level of this indicator. Use one of the levels 好、较好、一般、较差."),
        RowError(9, "数值", "", "This indicator needs a number."),
        RowError(9, "等级", "好", "This indicator takes a number, not a level; leave the level blank."),
        RowError(10, "姓名", "", "This cell is required."),
        RowError(10, "年度", "2026年", "Enter a whole year between 2000 and 2100."),
        RowError(10, "样本量", "12.5", "Enter the sample size as a whole number, or leave it blank."),
    ]
    assert (check.rows, check.error_count, check.values) == (8, 15, None)
    assert _counts() == before


def test_a_dry_run_commits_nothing(content, office):
    before = _counts()
    data = xlsx([[content.zhang_san.staff_no, "张三", "JI02", 2026, 0, 97.5, None, None]])

    check = values_import(actor=office, data=data, file_format="xlsx", batch="dry", dry_run=True)

    assert (check.clean, check.rows, check.summary) == (True, 1, {
        "people": 1, "codes": {"JI02": 1}, "years": [2026], "quarters": [0]})
    assert _counts() == before


def test_a_staff_number_outside_the_importers_scope_is_an_error_not_a_silent_skip(content, office):
    data = xlsx([[content.chen_qi.staff_no, "陈七", "JI02", 2026, 0, 90, None, None]])

    check = values_check(actor=office, data=data, file_format="xlsx")

    assert check.errors == [RowError(2, "工号", content.chen_qi.staff_no,
                                     "No civil servant with this staff number in your data scope.")]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_a_csv_file_is_read_in_utf8_or_gb18030(content, office, encoding):
    data = csv([[content.zhang_san.staff_no, "张三", "DE02", 2026, "", "", "一般", ""]], encoding=encoding)

    check = values_import(actor=office, data=data, file_format="csv", batch="csv", dry_run=False)

    assert check.errors == []
    assert list(IndicatorValue.objects.values_list("code", "level", "quarter")) == [("DE02", "一般", 0)]


def test_numbers_typed_as_text_are_read_as_numbers(content, office):
    data = xlsx([[content.zhang_san.staff_no, "张三", "JI02", "2026", "0", "97.5", None, None],
                 [content.li_si.staff_no, "李四", "JI02", 2026, 0, 90, None, None]])

    check = values_import(actor=office, data=data, file_format="xlsx", batch="text", dry_run=False)

    assert check.errors == []
    assert sorted(IndicatorValue.objects.values_list("value", flat=True)) == [90.0, 97.5]


def test_rows_are_numbered_as_in_the_sheet_when_the_table_starts_lower(content, office):
    data = xlsx([[content.zhang_san.staff_no, "张三", "JI02", 2026, 0, "x", None, None]], first_row=3,
                first_column=2)

    check = values_check(actor=office, data=data, file_format="xlsx")

    assert check.errors == [RowError(5, "数值", "x", "Not a number.")]


def test_header_problems_are_reported_as_a_whole(content, office):
    headers = ["工号", "姓名", "姓名", "年度", "备注"]
    data = xlsx([[content.zhang_san.staff_no, "张三", "张三", 2026, ""]], headers=headers)

    check = values_check(actor=office, data=data, file_format="xlsx")

    assert check.errors == [
        RowError(1, "姓名", "姓名", "This column appears twice."),
        RowError(1, "备注", "备注",
                 "Unknown column; the columns are: 工号、姓名、指标代码、年度、季度、数值、等级、样本量."),
        RowError(1, "指标代码", "", "This column is missing."),
    ]


@pytest.mark.parametrize(("data", "file_format", "message"), [
    (b"PK\x03\x04 not really a zip", "xlsx", "The file is not an Excel workbook (.xlsx), or it is damaged."),
    (b"\x00\x01\x02binary", "csv", "The file is not a CSV text file in UTF-8 or GB18030, or it is damaged."),
])
def test_a_file_that_cannot_be_read_is_reported_as_a_whole(content, office, data, file_format, message):
    check = values_check(actor=office, data=data, file_format=file_format)

    assert check.errors == [RowError(0, "", "", message)]


def test_the_error_report_is_an_excel_file_by_row_and_column(content, office):
    data = xlsx([["S999999", "某某", "JI02", 2026, 0, 1, None, None]])
    check = values_check(actor=office, data=data, file_format="xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(error_report(check.errors))).active

    assert [tuple(r) for r in sheet.iter_rows(values_only=True)] == [
        ("行号", "列", "值", "问题"),
        (2, "工号", "S999999", "No civil servant with this staff number in your data scope."),
    ]
