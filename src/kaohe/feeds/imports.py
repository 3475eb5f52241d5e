"""Excel/CSV import of indicator values: template columns, column-wise checks, all or nothing.

The template has eight columns (工号 姓名 指标代码 年度 季度 数值 等级 样本量). Every check runs on whole
columns with polars, so a million rows are checked in about a second: staff numbers resolve only among
the people of the importer's data scope (someone outside is an error for that row, worded like an
unknown number), the name must be that person's, the code must be in the library of the row's year,
the quarter 0–4 (blank = 0, the whole year), a number where the indicator is numeric, a level of the
indicator's rubric where it is a rubric, the sample size a whole number, and no two rows may give the
same person, code, year and quarter. Each problem is a `RowError` (spreadsheet row, Chinese header,
the cell, a message); the file is written only when there is none, through `values_record_frame`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.core.bulk import fetch_all
from kaohe.feeds import selectors
from kaohe.feeds.reading import ReadError, Table, read_table
from kaohe.feeds.values import Rules, library_rules, values_record_frame
from kaohe.indicators.excel import RowError

# (header, field, required)
COLUMNS = (
    ("工号", "staff_no", True), ("姓名", "name", True), ("指标代码", "code", True), ("年度", "year", True),
    ("季度", "quarter", False), ("数值", "value", False), ("等级", "level", False), ("样本量", "sample_size", False),
)
HEADERS = {name: header for header, name, _required in COLUMNS}
TEXT_FIELDS = ("staff_no", "name", "code", "level")
NUMBER_FIELDS = ("year", "quarter", "value", "sample_size")
MAX_REPORTED = 100_000  # errors listed in the report; the count covers them all
PREVIEW_ERRORS = 20
YEARS = (2000, 2100)
Progress = Callable[[str, float], None]


@dataclass
class ImportCheck:
    """What a check found: data rows, the errors (the first `MAX_REPORTED`), and the values when clean."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    values: pl.DataFrame | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    table: Table | None = None

    @property
    def clean(self) -> bool:
        return self.error_count == 0


def _no_progress(stage: str, share: float) -> None:
    """Progress is optional."""


# --- shaping the table -------------------------------------------------------------------------------


def _header_errors(columns: list[str], first_row: int) -> list[RowError]:
    known = {header for header, _name, _required in COLUMNS}
    errors = []
    for column in columns:
        base = column.strip().split("_", 1)[0]
        if base in known and column.strip() != base:  # fastexcel and polars rename a repeated header
            errors.append(RowError(first_row, base, base, _("This column appears twice.")))
        elif column.strip() not in known:
            errors.append(RowError(first_row, column, column, _("Unknown column; the columns are: %(columns)s.")
                                   % {"columns": "、".join(h for h, _n, _r in COLUMNS)}))
    present = {c.strip() for c in columns}
    errors += [RowError(first_row, header, "", _("This column is missing."))
               for header, _name, required in COLUMNS if required and header not in present]
    return errors


def _shaped(table: Table) -> pl.DataFrame:
    """Field-named columns with spreadsheet rows, blank rows dropped: `raw_<field>` for cells read as text
    (trimmed, blank as null), `num_<field>` for numeric columns read as numbers (formatted only for errors)."""
    frame = table.frame.rename({c: c.strip() for c in table.frame.columns})
    parts: list[pl.Expr] = [(pl.int_range(pl.len(), dtype=pl.Int64) + table.first_row + 1).alias("row")]
    for header, name, _required in COLUMNS:
        dtype = frame.schema.get(header)
        if dtype is not None and dtype.is_numeric() and name in NUMBER_FIELDS:
            parts.append(pl.col(header).cast(pl.Float64).alias(f"num_{name}"))
        else:
            column = pl.col(header).cast(pl.String) if dtype is not None else pl.lit(None, dtype=pl.String)
            text = column.str.strip_chars()
            parts.append(pl.when(text == "").then(None).otherwise(text).alias(f"raw_{name}"))
    shaped = frame.select(parts)
    return shaped.filter(pl.any_horizontal(_present(shaped, name) for _h, name, _r in COLUMNS))


def _present(frame: pl.DataFrame, name: str) -> pl.Expr:
    """The cell is not blank."""
    return pl.col(f"num_{name}" if f"num_{name}" in frame.columns else f"raw_{name}").is_not_null()


def _display(frame: pl.DataFrame, name: str) -> pl.Expr:
    """The cell as the report shows it: the text read, or the number (whole numbers without ".0")."""
    if f"num_{name}" not in frame.columns:
        return pl.col(f"raw_{name}").fill_null("")
    number = pl.col(f"num_{name}")
    whole = (number == number.round(0)) & (number.abs() < 1e15)
    text = pl.when(whole).then(number.cast(pl.Int64).cast(pl.String)).otherwise(number.cast(pl.String))
    return text.fill_null("")


def _numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """Parsed numbers of the numeric fields (null when blank or not a number) and a flag for junk."""
    parts = []
    for name in NUMBER_FIELDS:
        if f"num_{name}" in frame.columns:
            number = pl.col(f"num_{name}")
            finite = number.is_finite().fill_null(False)
            parts += [pl.when(finite).then(number).otherwise(None).alias(name),
                      (number.is_not_null() & ~finite).alias(f"bad_{name}")]
            continue
        raw = pl.col(f"raw_{name}")
        parsed = raw.str.replace_all(",", "").cast(pl.Float64, strict=False)
        finite = parsed.is_finite().fill_null(False)
        parts += [pl.when(finite).then(parsed).otherwise(None).alias(name),
                  (raw.is_not_null() & ~finite).alias(f"bad_{name}")]
    texts = [pl.col("raw_staff_no").alias("staff_no"),
             pl.col("raw_name").str.replace_all(r"\s", "").alias("name"),
             pl.col("raw_code").str.to_uppercase().alias("code"), pl.col("raw_level").alias("level")]
    return frame.with_columns(parts + texts)


# --- checks --------------------------------------------------------------------------------------------


def _fill(template: str, name: str, value: pl.Expr) -> pl.Expr:
    """A translated message with one per-row placeholder, as a polars expression."""
    before, _sep, after = template.partition(f"%({name})s")
    return pl.concat_str([pl.lit(before), value.cast(pl.String), pl.lit(after)])


def _error(frame: pl.DataFrame, mask: pl.Expr, name: str, message: str | pl.Expr) -> pl.DataFrame:
    text = pl.lit(message) if isinstance(message, str) else message
    return frame.filter(mask).select(
        pl.col("row"), pl.lit(HEADERS[name]).alias("column"), _display(frame, name).alias("value"),
        text.alias("message"))


def _required(frame: pl.DataFrame) -> list[pl.DataFrame]:
    return [_error(frame, ~_present(frame, name), name, _("This cell is required."))
            for _header, name, required in COLUMNS if required]


def _people_errors(frame: pl.DataFrame) -> list[pl.DataFrame]:
    staff = pl.col("staff_no").is_not_null()
    unknown = _error(frame, staff & pl.col("person_id").is_null(), "staff_no",
                     _("No civil servant with this staff number in your data scope."))
    named = pl.col("name").is_not_null() & pl.col("person_id").is_not_null()
    mismatch = _error(frame, named & (pl.col("name") != pl.col("person_name")), "name",
                      _fill(_("The name does not match the staff number (%(name)s in the records)."), "name",
                            pl.col("person_name")))
    return [unknown, mismatch]


def _number_errors(frame: pl.DataFrame) -> list[pl.DataFrame]:
    year, quarter, sample = pl.col("year"), pl.col("quarter"), pl.col("sample_size")
    bad_year = pl.col("bad_year") | (year.is_not_null() & ((year != year.round(0)) | ~year.is_between(*YEARS)))
    bad_quarter = pl.col("bad_quarter") | (quarter.is_not_null() & ~quarter.is_in([0.0, 1.0, 2.0, 3.0, 4.0]))
    bad_sample = pl.col("bad_sample_size") | (sample.is_not_null() & ((sample != sample.round(0)) | (sample < 0)))
    return [
        _error(frame, bad_year, "year", _("Enter a whole year between 2000 and 2100.")),
        _error(frame, bad_quarter, "quarter", _("Enter the quarter as 0 (the whole year) or 1 to 4.")),
        _error(frame, pl.col("bad_value"), "value", _("Not a number.")),
        _error(frame, bad_sample, "sample_size", _("Enter the sample size as a whole number, or leave it blank.")),
    ]


def _rules_table(rules: Mapping[int, Rules]) -> pl.DataFrame:
    """One row per (year, code): whether it is a rubric and the message listing its levels."""
    rows = []
    for year, rule in rules.items():
        for code in rule.codes:
            levels = rule.levels.get(code)
            hint = _("Use one of the levels %(levels)s.") % {"levels": "、".join(levels)} if levels else ""
            rows.append((year, code, levels is not None, hint))
    schema = {"year": pl.Float64, "code": pl.String, "rubric": pl.Boolean, "level_hint": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _library_errors(frame: pl.DataFrame, rules: Mapping[int, Rules]) -> list[pl.DataFrame]:
    usable_year = pl.col("year").is_in([float(y) for y in rules]) & ~pl.col("bad_year")
    empty = [y for y, rule in rules.items() if not rule.codes]
    no_library = _error(frame, pl.col("year").is_in([float(y) for y in empty]), "year",
                        _("The indicator library has no indicators for this year."))
    unknown = _error(frame, usable_year & pl.col("code").is_not_null() & pl.col("rubric").is_null()
                     & ~pl.col("year").is_in([float(y) for y in empty]), "code",
                     _("Not an indicator of the library of this year."))
    rubric, numeric = pl.col("rubric").fill_null(False), pl.col("rubric").eq(False).fill_null(False)
    levels = pl.col("level_levels")
    return [
        no_library, unknown,
        _error(frame, numeric & pl.col("value").is_null() & ~pl.col("bad_value"), "value",
               _("This indicator needs a number.")),
        _error(frame, numeric & pl.col("level").is_not_null(), "level",
               _("This indicator takes a number, not a level; leave the level blank.")),
        _error(frame, rubric & (pl.col("level").is_null() | ~levels), "level",
               pl.concat_str([pl.lit(_("Not a level of this indicator.") + " "), pl.col("level_hint")])),
    ]


def _duplicate_errors(frame: pl.DataFrame) -> pl.DataFrame:
    key = ["staff_no", "code", "year", "quarter_or_zero"]
    keyed = frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key)).with_columns(
        pl.col("row").min().over(key).alias("first_row"))
    return _error(keyed, pl.col("row") != pl.col("first_row"), "staff_no",
                  _fill(_("The same staff number, indicator, year and quarter as row %(row)s."), "row",
                        pl.col("first_row")))


def _levels_match(frame: pl.DataFrame, rules: Mapping[int, Rules]) -> pl.Series:
    pairs = [(float(year), code, level) for year, rule in rules.items() for code, levels in rule.levels.items()
             for level in levels]
    table = pl.DataFrame(pairs, schema={"year": pl.Float64, "code": pl.String, "level": pl.String}, orient="row")
    matched = frame.select("year", "code", "level").join(table.with_columns(pl.lit(True).alias("ok")),
                                                         on=["year", "code", "level"], how="left",
                                                         maintain_order="left")
    return matched["ok"].fill_null(False).alias("level_levels")


# --- the whole check ---------------------------------------------------------------------------------


def _people(actor: User) -> pl.DataFrame:
    rows = fetch_all(selectors.importable_people(actor).values_list("staff_no", "id", "name"))
    frame = pl.DataFrame(rows, schema={"staff_no": pl.String, "person_id": pl.Int64, "person_name": pl.String},
                         orient="row")
    return frame.with_columns(pl.col("person_name").str.replace_all(r"\s", ""))


def _rules(frame: pl.DataFrame) -> dict[int, Rules]:
    years = frame.filter(~pl.col("bad_year") & (pl.col("year") == pl.col("year").round(0))
                         & pl.col("year").is_between(*YEARS))["year"].unique().to_list()
    return {int(year): library_rules(int(year)) for year in years}


def _joined(frame: pl.DataFrame, people: pl.DataFrame, rules: Mapping[int, Rules]) -> pl.DataFrame:
    frame = frame.join(people, on="staff_no", how="left", maintain_order="left")
    frame = frame.join(_rules_table(rules), on=["year", "code"], how="left", maintain_order="left")
    return frame.with_columns(_levels_match(frame, rules), pl.col("quarter").fill_null(0.0).alias("quarter_or_zero"))


def _collect(frame: pl.DataFrame, rules: Mapping[int, Rules]) -> pl.DataFrame:
    parts = [*_required(frame), *_people_errors(frame), *_number_errors(frame), *_library_errors(frame, rules),
             _duplicate_errors(frame)]
    order = {header: position for position, (header, _name, _required) in enumerate(COLUMNS)}
    errors = pl.concat(parts).unique(["row", "column", "message"], maintain_order=True)
    return errors.with_columns(pl.col("column").replace_strict(order, default=99).alias("position")).sort(
        "row", "position")


def _values(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("person_id"), pl.col("code"), pl.col("year").cast(pl.Int64),
        pl.col("quarter_or_zero").cast(pl.Int64).alias("quarter"), pl.col("value"),
        pl.col("level").fill_null(""), pl.col("sample_size").cast(pl.Int64))


def _summary(values: pl.DataFrame) -> dict[str, Any]:
    codes = values.group_by("code").len().sort("code")
    return {
        "people": values["person_id"].n_unique(),
        "codes": dict(zip(codes["code"].to_list(), codes["len"].to_list(), strict=True)),
        "years": sorted(values["year"].unique().to_list()),
        "quarters": sorted(values["quarter"].unique().to_list()),
    }


def values_check(*, actor: User, data: bytes = b"", file_format: str = "xlsx", table: Table | None = None,
                 progress: Progress = _no_progress) -> ImportCheck:
    """Read (or take the `table` already read) and check a file; nothing is written. `values` holds the
    rows to record when it is clean; `table` the cells as read."""
    if table is None:
        try:
            table = read_table(data, file_format, tuple(HEADERS[name] for name in TEXT_FIELDS))
        except ReadError as exc:
            return ImportCheck(errors=[exc.error], error_count=1)
    header = _header_errors(list(table.frame.columns), table.first_row)
    frame = _shaped(table)
    progress("read", 0.4)
    if header or frame.height == 0:
        errors = header or [RowError(0, "", "", _("The file has no data rows."))]
        return ImportCheck(rows=frame.height, errors=errors, error_count=len(errors), table=table)
    frame = _numbers(frame)
    rules = _rules(frame)
    frame = _joined(frame, _people(actor), rules)
    found = _collect(frame, rules)
    progress("checked", 0.6)
    if found.height:
        listed = [RowError(*row) for row in found.head(MAX_REPORTED).select("row", "column", "value", "message")
                  .iter_rows()]
        return ImportCheck(rows=frame.height, errors=listed, error_count=found.height, table=table)
    values = _values(frame)
    return ImportCheck(rows=frame.height, values=values, summary=_summary(values), table=table)


def values_import(*, actor: User, data: bytes, file_format: str, batch: str, dry_run: bool,
                  progress: Progress = _no_progress) -> ImportCheck:
    """Check a file and, unless `dry_run` or it has errors, record all its values in one transaction."""
    check = values_check(actor=actor, data=data, file_format=file_format, progress=progress)
    if check.clean and not dry_run and check.values is not None:
        values_record_frame(actor=actor, frame=check.values, source="import", batch=batch,
                            progress=lambda stage: progress(stage, 0.8))
    return check


def preview(check: ImportCheck) -> dict[str, Any]:
    """What the import page shows: counts and the first errors (JSON)."""
    return {
        **check.summary, "rows": check.rows, "error_count": check.error_count,
        "errors": [{"row": e.row, "column": e.column, "value": e.value, "message": e.message}
                   for e in check.errors[:PREVIEW_ERRORS]],
    }
