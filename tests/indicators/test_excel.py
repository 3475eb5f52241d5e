"""Excel import and export of the indicator library and of a scheme: round trips, refusals, reports."""

import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from kaohe.audit.models import AuditEvent
from kaohe.core.errors import PermissionDeniedError
from kaohe.engine.problems import Problem
from kaohe.indicators import excel
from kaohe.indicators.choices import Dimension, Direction, IndicatorKind, Profile, RuleKind, SchemeStatus, Source
from kaohe.indicators.excel import ImportReport, RowError
from kaohe.indicators.models import Indicator, Scheme, SchemeIndicator
from kaohe.indicators.problems import problem_text
from kaohe.indicators.services import default_content_load
from kaohe.org.choices import Level
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = ("代码", "名称", "英文名称", "维度", "类型", "数据来源", "单位", "方向", "目标值", "评分规则", "规则参数",
           "核心指标", "说明", "起始年度", "终止年度", "考核对象")
CODES_2026 = ["DE01", "DE02", "NE01", "NE02", "NE03", "NE04", "QI01", "QI02", "QI03", "BO01", "JI01", "JI02", "JI03",
              "JI04", "JI05", "JI06", "JI07", "JI08", "JI09", "JI10", "JI11", "JI12", "LI01", "LI02", "LI03",
              "UC01", "UC02", "UC03", "UC04", "UC05", "UD01", "UD02", "UD03", "UD04", "UD05", "UD06", "US01", "US02",
              "US03", "US04", "US05", "UT01", "UT02", "UT03", "UT04", "UT05", "UT06"]
NEW_ROW = ["JI13", "基层减负落实率", "Burden reduction carried out", "绩", "定量", "导入", "%", "越高越好", 100, "比率",
           '{"target": 100}', "否", "", None, None, "公务员"]
NOT_XLSX = RowError(0, "", "", "The file is not an Excel workbook (.xlsx), or it is damaged.")


@pytest.fixture
def content():
    return default_content_load(actor=None, year=2026)


@pytest.fixture
def scheme(content):
    return Scheme.objects.get(category="law_enforcement", profile="plan")


def _cells(data: bytes, sheet: str | None = None) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    worksheet = book[sheet] if sheet else book.worksheets[0]
    return [tuple(row) for row in worksheet.iter_rows(values_only=True)]


def _edited(data: bytes, changes: dict[tuple[str, str], Any], *, sheet: str | None = None,
            append: tuple[list[Any], ...] = (), delete: tuple[str, ...] = ()) -> bytes:
    """The workbook with cells changed by (code, header), rows appended, and rows deleted by code."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    worksheet = book[sheet] if sheet else book.worksheets[0]
    headers = [cell.value for cell in worksheet[1]]
    rows = {worksheet.cell(number, 1).value: number for number in range(2, worksheet.max_row + 1)}
    for (code, header), value in changes.items():
        worksheet.cell(rows[code], headers.index(header) + 1).value = value
    for values in append:
        worksheet.append(values)
    for code in delete:
        worksheet.delete_rows(rows[code])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _counts() -> tuple[int, int, int]:
    return Indicator.objects.count(), SchemeIndicator.objects.count(), AuditEvent.objects.count()


def _weights(scheme: Scheme) -> list[tuple[str, Decimal]]:
    return [(item.code, item.weight) for item in scheme.items.all()]


def test_the_library_is_exported_with_chinese_headers_and_labels(content):
    cells = _cells(excel.library_export(2026))

    assert cells[0] == HEADERS
    assert [row[0] for row in cells[1:]] == CODES_2026
    assert cells[1] == ("DE01", "政治素质（民主测评）", "Political quality (360° ballot)", "德", "定量", "民主测评",
                        "分", "越高越好", 100, "比率", '{"target": 100}', "是", None, 2024, None, "公务员")
    assert cells[13] == ("JI03", "扫码好评率", "Praise rate of QR ratings", "绩", "定量", "扫码评价", "%", "越高越好",
                         None, "分段", '{"bands": [[0, 60, 40], [60, 70, 60], [70, 80, 70], [80, 90, 85], '
                         '[90, 100, 100]], "maximum": 100, "minimum": 0}', "否", None, 2024, None, "公务员")


def test_the_file_labels_cover_every_choice():
    assert list(excel.DIMENSION_NAMES_ZH) == Dimension.values
    assert list(excel.KIND_LABELS) == IndicatorKind.values
    assert list(excel.SOURCE_LABELS) == Source.values
    assert list(excel.DIRECTION_LABELS) == Direction.values
    assert list(excel.RULE_LABELS) == RuleKind.values
    assert list(excel.PROFILE_LABELS) == Profile.values
    assert list(excel.STATUS_LABELS) == SchemeStatus.values
    assert list(excel.LEVEL_LABELS) == ["", *Level.values]


def test_exporting_and_importing_the_library_changes_nothing_and_exports_the_same_cells_again(content):
    exported = excel.library_export(2026)
    before = _counts()

    report = excel.library_import(actor=None, data=exported, year=2026, dry_run=False)

    assert report == ImportReport(rows=len(CODES_2026), unchanged=CODES_2026, committed=True)
    assert _counts() == before
    assert _cells(excel.library_export(2026)) == _cells(exported)


def test_codes_are_accepted_in_place_of_the_chinese_labels(content):
    data = _edited(excel.library_export(2026), {("DE01", "维度"): "de", ("DE01", "类型"): "quantitative",
                                                ("DE01", "数据来源"): "RATER_FORM", ("DE01", "评分规则"): "ratio",
                                                ("DE01", "核心指标"): True, ("DE02", "核心指标"): "false"})
    before = _counts()

    report = excel.library_import(actor=None, data=data, year=2026, dry_run=False)

    assert report == ImportReport(rows=len(CODES_2026), unchanged=CODES_2026, committed=True)
    assert _counts() == before


def test_a_file_with_a_new_indicator_and_a_revised_target_is_committed_and_audited(content):
    data = _edited(excel.library_export(2026), {("JI07", "目标值"): 90, ("JI07", "规则参数"): '{"target": 90}'},
                   append=(NEW_ROW,))
    indicators, items, events = _counts()

    report = excel.library_import(actor=None, data=data, year=2026, dry_run=False)

    unchanged = [code for code in CODES_2026 if code != "JI07"]
    assert report == ImportReport(rows=len(CODES_2026) + 1, created=["JI13"], revised=["JI07"], unchanged=unchanged,
                                  committed=True)
    assert _counts() == (indicators + 2, items, events + 2)
    assert list(Indicator.objects.filter(code="JI07").order_by("year_from").values_list(
        "year_from", "year_to", "target", "rule_params")) == [
        (2024, 2025, Decimal("95.0000"), {"target": 95}), (2026, None, Decimal("90.0000"), {"target": 90})]
    new = Indicator.objects.get(code="JI13")
    assert (new.name_zh, new.dimension, new.kind, new.source, new.rule_kind, new.target, new.core, new.year_from,
            new.year_to) == ("基层减负落实率", "ji", "quantitative", "import", "ratio", Decimal("100.0000"), False,
                             2026, None)
    events = AuditEvent.objects.order_by("-seq")[:2]
    assert [(e.action, json.loads(e.detail)["code"]) for e in events] == [
        ("indicators.indicator.create", "JI13"), ("indicators.indicator.revise", "JI07")]


def test_a_dry_run_reports_what_would_change_and_commits_nothing(content):
    data = _edited(excel.library_export(2026), {("JI07", "目标值"): 90, ("JI07", "规则参数"): '{"target": 90}'},
                   append=(NEW_ROW,))
    before = _counts()

    report = excel.library_import(actor=None, data=data, year=2026, dry_run=True)

    unchanged = [code for code in CODES_2026 if code != "JI07"]
    assert report == ImportReport(rows=len(CODES_2026) + 1, created=["JI13"], revised=["JI07"], unchanged=unchanged,
                                  committed=False)
    assert _counts() == before
    assert Indicator.objects.get(code="JI07").target == Decimal("95.0000")


def test_a_file_with_several_bad_rows_commits_nothing_and_reports_each_bad_cell(content):
    gap = '{"bands": [[0, 60, 40], [70, 100, 100]], "maximum": 100, "minimum": 0}'
    data = _edited(excel.library_export(2026), {
        ("DE02", "维度"): "德行", ("NE01", "名称"): None, ("NE02", "目标值"): "一百",
        ("QI01", "规则参数"): '{"target": 100', ("JI03", "规则参数"): gap, ("LI03", "代码"): "DE01",
    }, append=(NEW_ROW,))
    before = _counts()

    report = excel.library_import(actor=None, data=data, year=2026, dry_run=False)

    bands_gap = problem_text(Problem("bands_gap", "rule.bands[1]", {"at": Decimal(60), "until": Decimal(70)}))
    assert report == ImportReport(rows=len(CODES_2026) + 1, errors=[
        RowError(3, "维度", "德行", "Unknown value; use one of: 德、能、勤、绩、廉."),
        RowError(4, "名称", "", "This cell is required."),
        RowError(5, "目标值", "一百", "Enter a number with at most 8 digits before and 4 after the decimal point."),
        RowError(8, "规则参数", '{"target": 100', "Not valid JSON (line 1, column 15)."),
        RowError(14, "规则参数", gap, bands_gap),
        RowError(26, "代码", "DE01", "The code DE01 already appears in row 2."),
    ])
    assert _counts() == before


def test_a_version_that_has_ended_and_a_code_of_another_year_are_refused(content):
    data = _edited(excel.library_export(2025), {("QI04", "目标值"): 90, ("QI04", "规则参数"): '{"target": 90}'},
                   append=(["JI10", "一网通办率", "Share of services online (一网通办)", "绩", "定量", "系统对接", "%",
                            "越高越好", 90, "比率", '{"target": 90}', "否"],))
    before = _counts()

    report = excel.library_import(actor=None, data=data, year=2025, dry_run=False)

    assert report.errors == [
        RowError(11, "代码", "QI04", "The version of QI04 valid in 2025 ends in 2025; only the version in use can be "
                                   "changed."),
        RowError(49, "代码", "JI10", "The indicator JI10 is in the library, but not for 2025; it cannot be added "
                                   "again."),
    ]
    assert report.committed is False
    assert _counts() == before


def test_missing_and_unknown_columns_are_reported(content):
    book = openpyxl.load_workbook(io.BytesIO(excel.library_export(2026)))
    book.worksheets[0]["B1"] = "指标名称"
    buffer = io.BytesIO()
    book.save(buffer)
    before = _counts()

    report = excel.library_import(actor=None, data=buffer.getvalue(), year=2026, dry_run=False)

    assert report == ImportReport(rows=len(CODES_2026), errors=[
        RowError(1, "名称", "", "This column is missing."),
        RowError(1, "指标名称", "指标名称", f"Unknown column; the columns are: {'、'.join(HEADERS)}."),
    ])
    assert _counts() == before


def _zip_without_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "你好")
    return buffer.getvalue()


@pytest.mark.parametrize("data", [b"", b"name,target\nDE01,100\n", _zip_without_a_workbook()])
def test_a_file_that_is_not_an_xlsx_gives_one_clear_error(scheme, data):
    before = _counts()

    library = excel.library_import(actor=None, data=data, year=2026, dry_run=False)
    weights = excel.scheme_import(actor=None, scheme=scheme, data=data)

    assert library == ImportReport(rows=0, errors=[NOT_XLSX])
    assert weights == ImportReport(rows=0, errors=[NOT_XLSX])
    assert _counts() == before


def test_a_workbook_without_the_weights_sheet_is_refused_as_a_scheme_file(scheme):
    report = excel.scheme_import(actor=None, scheme=scheme, data=excel.library_export(2026))

    assert report == ImportReport(rows=0, errors=[RowError(0, "", "", "The workbook has no sheet named 权重.")])


def test_an_error_report_opens_again_with_the_listed_errors():
    errors = [RowError(3, "维度", "德行", "Unknown value; use one of: 德、能、勤、绩、廉."),
              RowError(0, "", "", "The file is not an Excel workbook (.xlsx), or it is damaged.")]

    cells = _cells(excel.error_report(errors))

    assert cells == [("行号", "列", "值", "问题"),
                     (3, "维度", "德行", "Unknown value; use one of: 德、能、勤、绩、廉."),
                     (0, None, None, "The file is not an Excel workbook (.xlsx), or it is damaged.")]


def test_importing_needs_the_appraisal_office_at_the_top_unit(scheme):
    clerk = factories.user("clerk")
    data = excel.library_export(2026)
    before = _counts()

    with pytest.raises(PermissionDeniedError):
        excel.library_import(actor=clerk, data=data, year=2026, dry_run=False)
    with pytest.raises(PermissionDeniedError):
        excel.scheme_import(actor=clerk, scheme=scheme, data=excel.scheme_export(scheme))
    assert _counts() == before


def test_a_scheme_is_exported_with_its_weights_and_settings(scheme):
    data = excel.scheme_export(scheme)

    weights = _cells(data, "权重")
    assert weights[:4] == [("代码", "名称", "维度", "维度权重", "指标权重"),
                           ("DE01", "政治素质（民主测评）", "德", 20, 60),
                           ("DE02", "职业道德", "德", 20, 40),
                           ("NE01", "业务熟练度", "能", 15, 60)]
    assert [row[0] for row in weights[1:]] == [code for code, _ in _weights(scheme)]
    assert _cells(data, "设置") == [
        ("方案名称", "类别", "层级", "年度", "规则配置", "状态", "设置"),
        (scheme.name, "执法类", "全部层级", 2026, "规划", "使用中", json.dumps(scheme.settings, ensure_ascii=False,
                                                                          sort_keys=True)),
    ]


def test_exporting_and_importing_a_scheme_changes_nothing_and_exports_the_same_cells_again(scheme):
    exported = excel.scheme_export(scheme)
    before = _counts()
    codes = [code for code, _ in _weights(scheme)]

    report = excel.scheme_import(actor=None, scheme=scheme, data=exported)

    assert report == ImportReport(rows=15, unchanged=codes, committed=True)
    assert _counts() == before
    assert _cells(excel.scheme_export(Scheme.objects.get(pk=scheme.pk)), "权重") == _cells(exported, "权重")
    assert _cells(excel.scheme_export(Scheme.objects.get(pk=scheme.pk)), "设置") == _cells(exported, "设置")


def test_a_scheme_file_with_new_weights_is_saved_and_audited(scheme):
    data = _edited(excel.scheme_export(scheme), {
        ("DE01", "维度权重"): 25, ("DE02", "维度权重"): 25, ("JI04", "维度权重"): 35, ("JI05", "维度权重"): 35,
        ("JI01", "维度权重"): 35, ("JI11", "维度权重"): 35, ("BO01", "维度权重"): 35,
        ("JI04", "指标权重"): 25, ("JI05", "指标权重"): 35, ("QI02", "指标权重"): 60,
    }, sheet="权重", delete=("QI03",))
    indicators, items, events = _counts()

    report = excel.scheme_import(actor=None, scheme=scheme, data=data)

    assert report == ImportReport(rows=14, created=[], revised=["DE01", "DE02", "QI02", "JI04", "JI05", "JI01", "JI11",
                                                                 "BO01"],
                                  unchanged=["NE01", "NE02", "QI01", "LI01", "LI03", "LI02"], committed=True,
                                  removed=["QI03"])
    assert _counts() == (indicators, items - 1, events + 1)
    scheme.refresh_from_db()
    assert scheme.dimension_weights == {"de": "25", "neng": "15", "qin": "15", "ji": "35", "lian": "10"}
    assert _weights(scheme)[4:9] == [("QI01", Decimal("40.00")), ("QI02", Decimal("60.00")),
                                     ("JI04", Decimal("25.00")), ("JI05", Decimal("35.00")), ("JI01", Decimal("25.00"))]
    assert AuditEvent.objects.order_by("-seq").first().action == "indicators.scheme.save"


def test_a_scheme_file_whose_weights_in_a_dimension_sum_to_101_is_refused_with_the_problem(scheme):
    data = _edited(excel.scheme_export(scheme), {("JI04", "指标权重"): 31}, sheet="权重")
    before, weights = _counts(), _weights(scheme)

    report = excel.scheme_import(actor=None, scheme=scheme, data=data)

    problem = Problem("indicator_weights_sum", "dimension_weights.ji", {"total": Decimal("101.00"), "dimension": "ji"})
    assert report == ImportReport(rows=15, errors=[RowError(9, "指标权重", "31", problem_text(problem))])
    assert _counts() == before
    assert _weights(Scheme.objects.get(pk=scheme.pk)) == weights


def test_a_scheme_file_with_bad_rows_is_refused_cell_by_cell(scheme):
    data = _edited(excel.scheme_export(scheme), {
        ("DE02", "代码"): "XX99", ("NE01", "指标权重"): "六十", ("JI05", "维度权重"): 45, ("LI01", "维度"): "德",
    }, sheet="权重", append=(["DE01", "", "德", 20, 10],))
    before, weights = _counts(), _weights(scheme)

    report = excel.scheme_import(actor=None, scheme=scheme, data=data)

    assert report == ImportReport(rows=16, errors=[
        RowError(3, "代码", "XX99", problem_text(Problem("indicator_not_in_library", "code",
                                                         {"code": "XX99", "year": 2026}))),
        RowError(4, "指标权重", "六十", "Enter a number with at most 4 digits before and 2 after the decimal point."),
        RowError(10, "维度权重", "45", "The weight of this dimension is 40 in row 9; every row of one dimension must "
                                     "give the same weight."),
        RowError(14, "维度", "德", problem_text(Problem("indicator_dimension_wrong", "dimension", {"code": "LI01"}))),
        RowError(17, "代码", "DE01", "The code DE01 already appears in row 2."),
    ])
    assert _counts() == before
    assert _weights(Scheme.objects.get(pk=scheme.pk)) == weights
