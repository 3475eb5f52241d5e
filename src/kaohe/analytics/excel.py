"""Excel workbooks with Chinese headers, written with xlsxwriter in constant-memory mode (rows stream
to the file as they are written, so a city-wide listing does not sit in memory twice)."""

import os
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

UNSAFE = str.maketrans(dict.fromkeys("[]:*?/\\", "·"))
Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx with one worksheet per (name, headers, rows); None is an empty cell."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        book = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
        bold = book.add_format({"bold": True, "bg_color": "#F4F6FA", "border": 1})
        for name, headers, rows in sheets:
            sheet = book.add_worksheet(name.translate(UNSAFE)[:31])
            sheet.write_row(0, 0, list(headers), bold)
            sheet.freeze_panes(1, 0)
            sheet.set_column(0, max(len(headers) - 1, 0), 14)
            for r, row in enumerate(rows, start=1):
                sheet.write_row(r, 0, row)  # None is a blank cell
        book.close()
        with open(path, "rb") as stream:
            return stream.read()
    finally:
        os.unlink(path)
