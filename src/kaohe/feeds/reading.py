"""Reading an uploaded .xlsx or .csv of indicator values into one polars frame, columnar and fast.

.xlsx goes through fastexcel (Rust calamine → Arrow): text columns are read as text, the numeric
columns as numbers when every cell of the column is a number (one pass over 1 M rows takes a few
seconds) and as text otherwise, so that "95分" or "—" can be reported with what was typed. .csv goes
through `polars.read_csv`, all text; UTF-8 (with or without BOM) and GB18030 (Excel's "CSV" on a
Chinese Windows) are accepted. The result keeps the spreadsheet row number of every data row.
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

import polars as pl
from defusedxml import ElementTree
from django.utils.translation import gettext as _

from kaohe.indicators.excel import RowError

SHEET = "指标数据"
MAX_ROWS = 1_048_575  # the data rows of one Excel sheet
MAX_UNPACKED = 2 * 1024**3  # bytes of the unpacked workbook (zip bomb guard); 1 M rows unpack to ~350 MB
FIRST_ROW_SCAN = 4 * 1024**2  # bytes of sheet XML scanned to find the header row
logging.getLogger("fastexcel.types.dtype").setLevel(logging.ERROR)  # "falling back to string" is expected here


@dataclass(frozen=True)
class Table:
    """The cells of a file by header (text or numbers, nulls for blanks); `first_row` is the header's row."""

    frame: pl.DataFrame
    first_row: int


class ReadError(Exception):
    """The file as a whole cannot be read; `error` is the row-0 entry for the report."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.error = RowError(0, "", "", message)


def _unreadable(kind: str) -> ReadError:
    if kind == "csv":
        return ReadError(_("The file is not a CSV text file in UTF-8 or GB18030, or it is damaged."))
    return ReadError(_("The file is not an Excel workbook (.xlsx), or it is damaged."))


def read_table(data: bytes, file_format: str, text_columns: tuple[str, ...]) -> Table:
    """The table of an upload; `text_columns` are read as text whatever their cells hold."""
    table = _read_csv(data) if file_format == "csv" else _read_xlsx(data, text_columns)
    if table.frame.height > MAX_ROWS:
        raise ReadError(_("The file has more than %(limit)s data rows.") % {"limit": f"{MAX_ROWS:,}"})
    return table


# --- CSV ----------------------------------------------------------------------------------------------


def _utf8(data: bytes) -> bytes:
    """The bytes as UTF-8 without BOM; GB18030 (a superset of GBK) is converted."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise _unreadable("csv") from exc
    return data


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise _unreadable("csv")
    try:
        frame = pl.read_csv(io.BytesIO(_utf8(data)), infer_schema=False, truncate_ragged_lines=True)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise _unreadable("csv") from exc
    return Table(frame, 1)


# --- XLSX ---------------------------------------------------------------------------------------------


def _unpacked_size(data: bytes) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable("xlsx") from exc


def _read_xlsx(data: bytes, text_columns: tuple[str, ...]) -> Table:
    import fastexcel

    if _unpacked_size(data) > MAX_UNPACKED:
        raise ReadError(_("The file is too large once unpacked (more than %(limit)s MB).")
                        % {"limit": MAX_UNPACKED // 1024**2})
    try:
        reader = fastexcel.read_excel(data)
        name = SHEET if SHEET in reader.sheet_names else reader.sheet_names[0]
        frame = _load(reader, name, text_columns)
    except (fastexcel.FastExcelError, IndexError, ValueError) as exc:
        raise _unreadable("xlsx") from exc
    return Table(frame, first_data_row(data, name))


def _load(reader: object, name: str, text_columns: tuple[str, ...]) -> pl.DataFrame:
    """Numbers as numbers when a column holds nothing else; otherwise every column as text."""
    import fastexcel

    dtypes = dict.fromkeys(text_columns, "string")
    try:
        sheet = reader.load_sheet(name, dtypes=dtypes, schema_sample_rows=None,  # type: ignore[attr-defined]
                                  dtype_coercion="strict")
    except fastexcel.UnsupportedColumnTypeCombinationError:
        sheet = reader.load_sheet(name, dtypes="string")  # type: ignore[attr-defined]
    frame: pl.DataFrame = sheet.to_polars()
    return frame


_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(/?)>")
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)\b[^>]*>")


def _sheet_path(archive: zipfile.ZipFile, name: str) -> str:
    """The XML part of the sheet called `name` (workbook.xml → relationships → target)."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rid = next(s.get(rel) for s in book.iter(f"{main}sheet") if s.get("name") == name)
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels if r.get("Id") == rid) or ""
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def first_data_row(data: bytes, name: str) -> int:
    """The Excel row number of the first row holding a value (calamine starts its range there); 1 if unsure."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(_sheet_path(archive, name)) as part:
            head = part.read(FIRST_ROW_SCAN)
    except (KeyError, StopIteration, zipfile.BadZipFile, ParseError, OSError, ValueError):
        return 1
    matches = list(_ROW.finditer(head))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        if match.group(2):  # <row …/> holds no cells
            continue
        body = head[match.end(): following.start() if following else len(head)]
        number = _ROW_NUMBER.search(match.group(1))
        if number and _VALUE.search(body):
            return int(number.group(1))
    return 1
