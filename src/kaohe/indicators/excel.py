"""Excel import and export of the indicator library and of a scheme's weights (Chinese headers).

Files are plain .xlsx (no macros, no formulas) written with xlsxwriter, so they open in Excel and WPS,
and read with openpyxl in read-only mode. An import first checks every row and every cell and reports
each problem as a `RowError`: the Excel row number (the header is row 1; 0 = the file as a whole), the
Chinese column header, the cell as text and a message in the active language. Nothing is written
unless the whole file is clean; then the rows go through the services in one transaction, so every
change is validated by the engine and audited. Exporting, importing the same file and exporting again
changes nothing and gives the same cell values.

- Library (sheet 指标库): one row per indicator version valid in the year. Choice cells take the
  Chinese label or the code; 规则参数 is the rule's JSON. 起始年度/终止年度 are shown for information and
  ignored on import; indicators absent from the file are left alone (retiring is not an import).
- Scheme: sheet 权重 (one row per indicator of the scheme, read on import) and sheet 设置 (name,
  category, level, year, profile, status and the settings JSON, for information only).
"""

import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
import xlsxwriter
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.engine.codes import DIMENSION_NAMES_ZH, DIMENSIONS
from kaohe.engine.problems import Problem
from kaohe.indicators import services
from kaohe.indicators.adapter import library_for_year
from kaohe.indicators.models import Indicator, Scheme
from kaohe.indicators.problems import ProblemsError, problem_text

KIND_LABELS = {"quantitative": "定量", "qualitative": "定性", "veto": "否决"}
SOURCE_LABELS = {"feed": "系统对接", "import": "导入", "qr_rating": "扫码评价", "hotline": "12345热线",
                 "ledger": "领导台账", "rater_form": "民主测评", "manual": "手工填报", "survey": "满意度调查",
                 "third_party": "第三方评估", "reverse": "反向测评", "collaboration": "跨部门互评"}
SUBJECT_LABELS = {"person": "公务员", "unit": "单位"}
DIRECTION_LABELS = {"higher": "越高越好", "lower": "越低越好"}
RULE_LABELS = {"ratio": "比率", "deduct_below": "低于目标扣分", "lower_better": "越低越好", "bands": "分段",
               "rubric": "等级", "capped_bonus": "封顶加分", "veto": "一票否决"}
CATEGORY_LABELS = {"law_enforcement": "执法类", "service": "服务类", "general": "综合管理类", "grassroots": "县乡基层",
                   "u_town_urban": "城镇服务型乡镇", "u_town_ind": "工业主导型乡镇", "u_town_agri": "农业生态型乡镇",
                   "u_dept_law": "执法类部门", "u_dept_service": "服务类部门", "u_dept_general": "综合管理类部门",
                   "u_section": "科室五好"}
LEVEL_LABELS = {"": "全部层级", "central": "中央", "province": "省级", "city": "市级", "county": "县（区）级",
                "township": "乡镇（街道）"}
PROFILE_LABELS = {"statutory": "法定", "plan": "规划"}
STATUS_LABELS = {"draft": "草稿", "active": "使用中", "archived": "已归档"}
CHOICE_LABELS: dict[str, Mapping[str, str]] = {"dimension": DIMENSION_NAMES_ZH, "kind": KIND_LABELS,
                                               "source": SOURCE_LABELS, "direction": DIRECTION_LABELS,
                                               "rule_kind": RULE_LABELS, "subject": SUBJECT_LABELS}
YES, NO = ("是", "true", "1"), ("否", "false", "0")

LIBRARY_SHEET, WEIGHTS_SHEET, SETTINGS_SHEET, ERRORS_SHEET = "指标库", "权重", "设置", "导入错误"
MAX_ROWS = 5000  # data rows read from one sheet; the library and a scheme are a few hundred at most
MAX_UNPACKED = 50 * 1024 * 1024  # bytes of the unpacked workbook (guards against zip bombs)


@dataclass(frozen=True)
class RowError:
    """One problem of an import: Excel row (header = 1; 0 = the whole file), column header, cell, message."""

    row: int
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, refused or dry run, would do), by indicator code in file order.

    `committed` is true when the file was clean and written (even if every row was unchanged);
    `removed` (scheme imports only) lists codes that were in the scheme but not in the file.
    """

    rows: int
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    removed: list[str] = field(default_factory=list)


class _CellError(Exception):
    """A cell (or a sheet) that cannot be read; the message is already in the active language."""


# --- reading cells -----------------------------------------------------------------------------


def _text(raw: Any) -> str:
    """A cell as trimmed text (whole numbers without ".0")."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    return str(raw).strip()


def _string(limit: int | None) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        text = _text(raw)
        if limit is not None and len(text) > limit:
            raise _CellError(_("At most %(limit)s characters.") % {"limit": limit})
        return text

    return parse


def _choice(labels: Mapping[str, str], default: str = "") -> Callable[[Any], str]:
    by_label = {label: code for code, label in labels.items()}

    def parse(raw: Any) -> str:
        text = _text(raw)
        if not text or text in by_label:
            return by_label.get(text, default)
        if text.lower() in labels:
            return text.lower()
        raise _CellError(_("Unknown value; use one of: %(allowed)s.") % {"allowed": "、".join(labels.values())})

    return parse


def _as_decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _number(digits: int, places: int) -> Callable[[Any], Decimal | None]:
    """A decimal with at most `digits` before and `places` after the point (blank → None)."""

    def parse(raw: Any) -> Decimal | None:
        if not _text(raw):
            return None
        value = _as_decimal(raw)
        if value is None or abs(value) >= Decimal(10) ** digits or value != value.quantize(Decimal(1).scaleb(-places)):
            message = _("Enter a number with at most %(digits)s digits before and %(places)s after the decimal point.")
            raise _CellError(message % {"digits": digits, "places": places})
        return value

    return parse


def _json_object(raw: Any) -> dict[str, Any]:
    """Rule parameters: a JSON object (blank → {})."""
    text = _text(raw) or "{}"
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        line, column = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, 1)
        raise _CellError(_("Not valid JSON (line %(line)s, column %(column)s).") % {"line": line, "column": column}
                         ) from exc
    if not isinstance(value, dict):
        raise _CellError(_("The rule parameters must be a JSON object, such as {\"target\": 100}."))
    return value


def _yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in YES or text in NO:
        return text in YES
    raise _CellError(_("Enter 是 or 否."))


@dataclass(frozen=True)
class _Column:
    """A column of a sheet. `parse` None: shown for information, ignored on import (header optional)."""

    header: str
    field: str
    width: int
    parse: Callable[[Any], Any] | None
    required: bool = True


LIBRARY_COLUMNS = (
    _Column("代码", "code", 10, _string(16)),
    _Column("名称", "name_zh", 30, _string(100)),
    _Column("英文名称", "name_en", 36, _string(200)),
    _Column("维度", "dimension", 6, _choice(DIMENSION_NAMES_ZH)),
    _Column("类型", "kind", 8, _choice(KIND_LABELS)),
    _Column("数据来源", "source", 12, _choice(SOURCE_LABELS)),
    _Column("单位", "unit", 6, _string(20), required=False),
    _Column("方向", "direction", 10, _choice(DIRECTION_LABELS)),
    _Column("目标值", "target", 10, _number(8, 4), required=False),
    _Column("评分规则", "rule_kind", 14, _choice(RULE_LABELS)),
    _Column("规则参数", "rule_params", 60, _json_object, required=False),
    _Column("核心指标", "core", 9, _yes_no),
    _Column("说明", "description", 40, _string(None), required=False),
    _Column("起始年度", "year_from", 9, None, required=False),
    _Column("终止年度", "year_to", 9, None, required=False),
    _Column("考核对象", "subject", 8, _choice(SUBJECT_LABELS, default="person"), required=False),
)
WEIGHT_COLUMNS = (
    _Column("代码", "code", 10, _string(16)),
    _Column("名称", "name_zh", 30, None, required=False),
    _Column("维度", "dimension", 6, _choice(DIMENSION_NAMES_ZH), required=False),
    _Column("维度权重", "dimension_weight", 10, _number(3, 2), required=False),
    _Column("指标权重", "weight", 10, _number(4, 2)),
)
SETTINGS_COLUMNS = (("方案名称", 30), ("类别", 12), ("层级", 12), ("年度", 8), ("规则配置", 10), ("状态", 10),
                    ("设置", 100))
ERROR_COLUMNS = (("行号", 8), ("列", 12), ("值", 30), ("问题", 90))


@dataclass
class _Row:
    """A data row being checked: raw cells and parsed fields by field name, and its errors."""

    number: int
    columns: Sequence[_Column]
    cells: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def error(self, name: str, message: str) -> RowError:
        header = next(c.header for c in self.columns if c.field == name)
        return RowError(self.number, header, _text(self.cells.get(name)), message)

    @property
    def complete(self) -> bool:
        """Every importable cell was read without error."""
        return not self.errors and all(c.field in self.fields for c in self.columns if c.parse is not None)


# --- reading a workbook --------------------------------------------------------------------------

_Table = list[tuple[int, tuple[Any, ...]]]


def _whole_file_error(message: str) -> RowError:
    return RowError(0, "", "", message)


def _unreadable() -> RowError:
    return _whole_file_error(_("The file is not an Excel workbook (.xlsx), or it is damaged."))


def _unpacked_size_ok(data: bytes) -> bool | None:
    """None: not a zip file at all; otherwise whether the unpacked size stays under the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist()) <= MAX_UNPACKED
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _read_table(data: bytes, sheet_name: str, *, or_first: bool) -> _Table | RowError:
    """The non-blank rows of a sheet, with Excel row numbers (`or_first`: the first sheet if it is absent)."""
    size_ok = _unpacked_size_ok(data)
    if size_ok is None:
        return _unreadable()
    if not size_ok:
        return _whole_file_error(_("The file is too large once unpacked (more than %(limit)s MB).")
                                 % {"limit": MAX_UNPACKED // (1024 * 1024)})
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file; all mean the same here
        return _unreadable()
    try:
        if sheet_name in book.sheetnames:
            return _sheet_rows(book[sheet_name])
        if or_first:
            return _sheet_rows(book.worksheets[0])
        return _whole_file_error(_("The workbook has no sheet named %(name)s.") % {"name": sheet_name})
    except _CellError as exc:
        return _whole_file_error(str(exc))
    except Exception:  # a damaged sheet shows only while its rows are read
        return _unreadable()
    finally:
        book.close()


def _sheet_rows(sheet: Any) -> _Table:
    sheet.reset_dimensions()  # files from other programs may declare wrong dimensions
    rows: _Table = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if any(_text(value) for value in values):
            if len(rows) > MAX_ROWS:
                raise _CellError(_("The sheet has more than %(limit)s rows.") % {"limit": MAX_ROWS})
            rows.append((number, tuple(values)))
    return rows


def _header(table: _Table, columns: Sequence[_Column]) -> tuple[dict[str, int], list[RowError]]:
    """Field name → position of its column, and errors for unknown, repeated and missing headers."""
    number, values = table[0] if table else (1, ())
    known = {column.header: column for column in columns}
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for position, raw in enumerate(values):
        text = _text(raw)
        if not text:
            continue
        column = known.get(text)
        if column is None:
            allowed = "、".join(known)
            errors.append(RowError(number, text, text, _("Unknown column; the columns are: %(columns)s.")
                                   % {"columns": allowed}))
        elif column.field in positions:
            errors.append(RowError(number, text, text, _("This column appears twice.")))
        else:
            positions[column.field] = position
    errors += [RowError(number, c.header, "", _("This column is missing."))
               for c in columns if c.parse is not None and c.field not in positions]
    return positions, errors


def _parse_row(number: int, values: tuple[Any, ...], positions: Mapping[str, int],
               columns: Sequence[_Column]) -> _Row:
    row = _Row(number, columns)
    for column in columns:
        if column.parse is None or column.field not in positions:
            continue
        position = positions[column.field]
        raw = values[position] if position < len(values) else None
        row.cells[column.field] = raw
        try:
            if column.required and not _text(raw):
                raise _CellError(_("This cell is required."))
            row.fields[column.field] = column.parse(raw)
        except _CellError as exc:
            row.errors.append(row.error(column.field, str(exc)))
    return row


def _read_rows(data: bytes, sheet_name: str, columns: Sequence[_Column], *,
               or_first: bool = False) -> tuple[list[_Row], list[RowError]]:
    """Every data row parsed cell by cell, and the file and header errors."""
    table = _read_table(data, sheet_name, or_first=or_first)
    if isinstance(table, RowError):
        return [], [table]
    positions, errors = _header(table, columns)
    return [_parse_row(number, values, positions, columns) for number, values in table[1:]], errors


def _sorted(errors: list[RowError], columns: Sequence[_Column]) -> list[RowError]:
    order = {column.header: position for position, column in enumerate(columns)}
    return sorted(errors, key=lambda e: (e.row, order.get(e.column, len(order))))


def _duplicate_codes(rows: Sequence[_Row]) -> list[RowError]:
    first: dict[str, int] = {}
    errors: list[RowError] = []
    for row in rows:
        code = row.fields.get("code")
        if not code:
            continue
        if code in first:
            message = _("The code %(code)s already appears in row %(row)s.") % {"code": code, "row": first[code]}
            errors.append(row.error("code", message))
        else:
            first[code] = row.number
    return errors


# --- writing a workbook --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    name: str
    columns: Sequence[tuple[str, int]]
    rows: Sequence[Sequence[Any]]
    lists: Mapping[int, Sequence[str]] = field(default_factory=dict)


def _write_cell(sheet: Any, row: int, column: int, value: Any) -> None:
    """Text is always written as text (never a formula or link); numbers as numbers; blanks not at all."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        sheet.write_string(row, column, value)
    else:
        sheet.write_number(row, column, float(value))


def _workbook(sheets: Sequence[_Sheet]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    for spec in sheets:
        sheet = book.add_worksheet(spec.name)
        for position, (header, width) in enumerate(spec.columns):
            sheet.set_column(position, position, width)
            sheet.write_string(0, position, header, bold)
        for number, values in enumerate(spec.rows, start=1):
            for position, value in enumerate(values):
                _write_cell(sheet, number, position, value)
        sheet.freeze_panes(1, 0)
        for position, allowed in spec.lists.items():  # drop-down lists; other values are still accepted
            sheet.data_validation(1, position, MAX_ROWS, position,
                                  {"validate": "list", "source": list(allowed), "show_error": False})
    book.close()
    return buffer.getvalue()


def error_report(errors: Sequence[RowError]) -> bytes:
    """The errors of an import as an .xlsx (行号/列/值/问题) to download."""
    rows = [[e.row, e.column, e.value, e.message] for e in errors]
    return _workbook([_Sheet(ERRORS_SHEET, ERROR_COLUMNS, rows)])


# --- the library ---------------------------------------------------------------------------------


def _display(indicator: Indicator, name: str) -> Any:
    value = getattr(indicator, name)
    if name in CHOICE_LABELS:
        return CHOICE_LABELS[name].get(value, value)
    if name == "core":
        return YES[0] if value else NO[0]
    if name == "rule_params":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _dimension_order(dimension: str) -> int:
    return DIMENSIONS.index(dimension) if dimension in DIMENSIONS else len(DIMENSIONS)


def library_export(year: int) -> bytes:
    """The indicator versions valid in `year` as an .xlsx, one row per indicator (people's then units',
    德能勤绩廉, then code)."""
    versions = sorted(library_for_year(year), key=lambda i: (i.subject != "person", _dimension_order(i.dimension),
                                                             i.code))
    rows = [[_display(indicator, c.field) for c in LIBRARY_COLUMNS] for indicator in versions]
    choices = {**CHOICE_LABELS, "core": {"true": YES[0], "false": NO[0]}}
    lists = {position: list(choices[c.field].values()) for position, c in enumerate(LIBRARY_COLUMNS)
             if c.field in choices}
    columns = [(c.header, c.width) for c in LIBRARY_COLUMNS]
    return _workbook([_Sheet(LIBRARY_SHEET, columns, rows, lists)])


def _library_problem(row: _Row, problem: Problem) -> RowError:
    """An engine problem of an indicator, put in the cell it concerns."""
    name = problem.field.split(".", 1)[0].split("[", 1)[0]
    if problem.field.startswith("rule."):
        name = "rule_params"
    elif name == "rule":
        name = "rule_kind"
    elif name not in row.fields:
        name = "code"
    return row.error(name, problem_text(problem))


def _check_indicator(row: _Row) -> None:
    """The engine's checks of a complete row: vocabulary, rule parameters, rule/kind/direction/target fit."""
    if row.complete:
        row.errors += [_library_problem(row, p) for p in services.indicator_problems(Indicator(**row.fields))]


def _same(read: Any, stored: Any) -> bool:
    """A value read from the file equals the stored one (cells are read trimmed)."""
    return bool(read == (stored.strip() if isinstance(stored, str) else stored))


@dataclass(frozen=True)
class _Change:
    row: _Row
    existing: Indicator | None  # None: a new indicator


def _library_plan(rows: Sequence[_Row], year: int) -> tuple[list[_Change], list[str], list[RowError]]:
    """What the clean rows would do (creates and revisions, unchanged codes), and rows that cannot be done."""
    versions = {indicator.code: indicator for indicator in library_for_year(year)}
    known = set(Indicator.objects.values_list("code", flat=True))
    changes: list[_Change] = []
    unchanged: list[str] = []
    errors: list[RowError] = []
    for row in (row for row in rows if row.complete):
        code = row.fields["code"]
        existing = versions.get(code)
        if existing is None and code in known:
            errors.append(row.error("code", _("The indicator %(code)s is in the library, but not for %(year)s; it "
                                              "cannot be added again.") % {"code": code, "year": year}))
        elif existing is None:
            changes.append(_Change(row, None))
        elif all(_same(row.fields[name], getattr(existing, name)) for name in services.EDITABLE):
            unchanged.append(code)
        elif existing.year_to is not None:
            errors.append(row.error("code", _("The version of %(code)s valid in %(year)s ends in %(year_to)s; only the "
                                              "version in use can be changed.")
                                    % {"code": code, "year": year, "year_to": existing.year_to}))
        else:
            changes.append(_Change(row, existing))
    return changes, unchanged, errors


def _commit_library(actor: User | None, year: int, changes: Sequence[_Change]) -> list[RowError]:
    """Write the changes through the services in one transaction; on a refusal nothing is kept."""
    current: _Change | None = None
    try:
        with transaction.atomic():
            for current in changes:
                if current.existing is None:
                    services.indicator_create(actor=actor, year=year, fields=current.row.fields)
                else:
                    services.indicator_revise(actor=actor, indicator=current.existing, year=year,
                                              fields=current.row.fields)
    except ProblemsError as error:
        if current is None:
            raise
        return [_library_problem(current.row, problem) for problem in error.problems]
    return []


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ProblemsError([Problem("year_out_of_range", "year", {"year": year})])


def library_import(*, actor: User | None, data: bytes, year: int, dry_run: bool) -> ImportReport:
    """Create or revise (from `year` on) the indicators of an .xlsx made like `library_export`'s.

    Every row and cell is checked first; with any error nothing is written and the report lists them
    all. Unchanged rows are left alone; with `dry_run` the report says what would be done.
    """
    services.require_library_editor(actor)
    _check_year(year)
    rows, errors = _read_rows(data, LIBRARY_SHEET, LIBRARY_COLUMNS, or_first=True)
    for row in rows:
        _check_indicator(row)
        errors += row.errors
    errors += _duplicate_codes(rows)
    changes, unchanged, plan_errors = _library_plan(rows, year)
    errors = _sorted(errors + plan_errors, LIBRARY_COLUMNS)
    if not errors and not dry_run:
        errors = _commit_library(actor, year, changes)
    if errors:
        return ImportReport(rows=len(rows), errors=errors)
    return ImportReport(
        rows=len(rows),
        created=[c.row.fields["code"] for c in changes if c.existing is None],
        revised=[c.row.fields["code"] for c in changes if c.existing is not None],
        unchanged=unchanged, committed=not dry_run,
    )


# --- a scheme ------------------------------------------------------------------------------------


def scheme_export(scheme: Scheme) -> bytes:
    """A scheme as an .xlsx: sheet 权重 (code, name, dimension, dimension weight, indicator weight, in
    scheme order) and sheet 设置 (name, category, level, year, profile, status, settings JSON)."""
    versions = {indicator.code: indicator for indicator in library_for_year(scheme.year)}
    rows = []
    for item in scheme.items.all():
        version = versions.get(item.code)
        dimension = version.dimension if version else ""
        weight = scheme.dimension_weights.get(dimension)
        rows.append([item.code, version.name_zh if version else "", DIMENSION_NAMES_ZH.get(dimension, ""),
                     None if weight is None else Decimal(str(weight)), item.weight])
    settings = [[scheme.name, CATEGORY_LABELS.get(scheme.category, scheme.category),
                 LEVEL_LABELS.get(scheme.level, scheme.level), scheme.year,
                 PROFILE_LABELS.get(scheme.profile, scheme.profile), STATUS_LABELS.get(scheme.status, scheme.status),
                 json.dumps(scheme.settings, ensure_ascii=False, sort_keys=True)]]
    weight_columns = [(c.header, c.width) for c in WEIGHT_COLUMNS]
    return _workbook([_Sheet(WEIGHTS_SHEET, weight_columns, rows, {2: list(DIMENSION_NAMES_ZH.values())}),
                      _Sheet(SETTINGS_SHEET, SETTINGS_COLUMNS, settings)])


def _check_codes(rows: Sequence[_Row], versions: Mapping[str, Indicator], year: int) -> None:
    """Each code is in the library of the scheme's year, and its 维度 cell (if filled) is its dimension."""
    for row in rows:
        code = row.fields.get("code")
        if not code:
            continue
        if code not in versions:
            problem = Problem("indicator_not_in_library", "code", {"code": code, "year": year})
            row.errors.append(row.error("code", problem_text(problem)))
        elif row.fields.get("dimension") not in (None, "", versions[code].dimension):
            problem = Problem("indicator_dimension_wrong", "dimension", {"code": code})
            row.errors.append(row.error("dimension", problem_text(problem)))


def _dimension_weights(rows: Sequence[_Row], versions: Mapping[str, Indicator]) -> tuple[dict[str, Decimal],
                                                                                        list[RowError]]:
    """The weight of each dimension, which every row of it that gives one must agree on (none given: 0)."""
    given: dict[str, tuple[int, Decimal]] = {}
    first: dict[str, _Row] = {}
    filled: set[str] = set()
    errors: list[RowError] = []
    for row in (row for row in rows if row.fields.get("code") in versions):
        dimension = versions[row.fields["code"]].dimension
        first.setdefault(dimension, row)
        filled |= {dimension} if _text(row.cells.get("dimension_weight")) else set()
        weight = row.fields.get("dimension_weight")
        if weight is None:
            continue
        if dimension not in given:
            given[dimension] = (row.number, weight)
        elif given[dimension][1] != weight:
            errors.append(row.error("dimension_weight", _(
                "The weight of this dimension is %(weight)s in row %(row)s; every row of one dimension must give "
                "the same weight.") % {"weight": given[dimension][1], "row": given[dimension][0]}))
    errors += [row.error("dimension_weight", _("No row gives the weight of the dimension %(dimension)s.")
                         % {"dimension": DIMENSION_NAMES_ZH[dimension]})
               for dimension, row in first.items() if dimension not in filled]
    return {d: given[d][1] if d in given else Decimal(0) for d in DIMENSIONS}, errors


def _scheme_problem(problem: Problem, rows: Sequence[_Row], firsts: Mapping[str, _Row]) -> RowError:
    """A problem of `scheme_save`, put at the row and column it concerns where there is one (else row 0)."""
    text = problem_text(problem)
    position = re.match(r"indicators\[(\d+)\](?:\.(\w+))?", problem.field)
    if position and int(position[1]) < len(rows):
        return rows[int(position[1])].error("weight" if position[2] == "weight" else "code", text)
    if problem.field.startswith("dimension_weights."):
        dimension = problem.field.split(".", 1)[1]
        name = "weight" if problem.code in ("indicator_weights_sum", "key_indicators_below_minimum") else \
            "dimension_weight"
        if dimension in firsts:
            return firsts[dimension].error(name, text)
        return RowError(0, "维度权重", "", text)
    if problem.field == "dimension_weights":
        return RowError(0, "维度权重", "", text)
    if problem.field == "indicators":
        return RowError(0, "代码", str(problem.params.get("code", "")), text)
    return _whole_file_error(text)


@dataclass(frozen=True)
class _SchemeDiff:
    created: list[str]
    revised: list[str]
    unchanged: list[str]
    removed: list[str]
    changed: bool


def _scheme_diff(scheme: Scheme, dimensions: Mapping[str, Decimal], weights: Mapping[str, Decimal],
                 versions: Mapping[str, Indicator]) -> _SchemeDiff:
    before = {d: Decimal(str(scheme.dimension_weights.get(d, 0))) for d in DIMENSIONS}
    items = [(item.code, item.weight) for item in scheme.items.all()]
    current = dict(items)
    moved = {d for d in DIMENSIONS if before[d] != dimensions[d]}
    created = [code for code in weights if code not in current]
    revised = [code for code in weights if code in current
               and (current[code] != weights[code] or versions[code].dimension in moved)]
    unchanged = [code for code in weights if code in current and code not in revised]
    removed = [code for code in current if code not in weights]
    return _SchemeDiff(created, revised, unchanged, removed, changed=bool(moved) or items != list(weights.items()))


def scheme_import(*, actor: User | None, scheme: Scheme, data: bytes) -> ImportReport:
    """Replace a scheme's weights with those of sheet 权重 of an .xlsx made like `scheme_export`'s.

    Rows are checked first, then the whole scheme by `services.scheme_save` (engine and policy checks);
    nothing is saved unless all of it is valid, and nothing at all when the weights are unchanged.
    """
    services.require_library_editor(actor)
    rows, errors = _read_rows(data, WEIGHTS_SHEET, WEIGHT_COLUMNS)
    versions = {indicator.code: indicator for indicator in library_for_year(scheme.year)}
    _check_codes(rows, versions, scheme.year)
    dimensions, dimension_errors = _dimension_weights(rows, versions)
    errors = _sorted(errors + [e for row in rows for e in row.errors] + _duplicate_codes(rows) + dimension_errors,
                     WEIGHT_COLUMNS)
    if errors:
        return ImportReport(rows=len(rows), errors=errors)
    weights = {row.fields["code"]: row.fields["weight"] for row in rows}
    diff = _scheme_diff(scheme, dimensions, weights, versions)
    if diff.changed:
        try:
            services.scheme_save(actor=actor, scheme=scheme, dimension_weights=dimensions, indicator_weights=weights)
        except ProblemsError as error:
            firsts: dict[str, _Row] = {}
            for row in rows:
                firsts.setdefault(versions[row.fields["code"]].dimension, row)
            problems = [_scheme_problem(p, rows, firsts) for p in error.problems]
            return ImportReport(rows=len(rows), errors=_sorted(problems, WEIGHT_COLUMNS))
    return ImportReport(rows=len(rows), created=diff.created, revised=diff.revised, unchanged=diff.unchanged,
                        committed=True, removed=diff.removed)
