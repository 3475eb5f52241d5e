"""Downloadable templates of the value import, with Chinese headers: an .xlsx (the sheet to fill, the
column notes, and the indicators of the year with their levels) and a .csv (UTF-8 with BOM, so Excel
on a Chinese Windows opens it right)."""

import io

import xlsxwriter
from django.utils.translation import gettext as _

from kaohe.feeds.imports import COLUMNS
from kaohe.feeds.reading import SHEET
from kaohe.feeds.values import library_rules
from kaohe.indicators.adapter import library_for_year

NOTES_SHEET, CODES_SHEET = "填写说明", "指标代码"


def _notes() -> dict[str, str]:
    return {
        "工号": _("The staff number of the civil servant (required)."),
        "姓名": _("The name, checked against the staff number (required)."),
        "指标代码": _("An indicator code of the year, see the sheet 指标代码 (required)."),
        "年度": _("The year, such as 2026 (required)."),
        "季度": _("0 or blank for the whole year, 1 to 4 for a quarter."),
        "数值": _("The number, for numeric indicators (95 for 95%)."),
        "等级": _("The level, for rubric indicators (such as 好、较好、一般、较差)."),
        "样本量": _("The number of ratings behind a satisfaction value (optional)."),
    }


def values_template_xlsx(year: int) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet = book.add_worksheet(SHEET)
    for position, (header, _name, _required) in enumerate(COLUMNS):
        sheet.set_column(position, position, 14)
        sheet.write_string(0, position, header, bold)
    sheet.freeze_panes(1, 0)
    sheet.data_validation(1, 4, 1_048_575, 4, {"validate": "list", "source": ["0", "1", "2", "3", "4"],
                                               "show_error": False})
    notes = book.add_worksheet(NOTES_SHEET)
    notes.set_column(0, 0, 12)
    notes.set_column(1, 1, 70)
    for row, (header, text) in enumerate(_notes().items()):
        notes.write_string(row, 0, header, bold)
        notes.write_string(row, 1, text)
    codes = book.add_worksheet(CODES_SHEET)
    for position, (header, width) in enumerate((("指标代码", 10), ("名称", 32), ("单位", 8), ("等级", 24))):
        codes.set_column(position, position, width)
        codes.write_string(0, position, header, bold)
    rules = library_rules(year)
    for row, indicator in enumerate(library_for_year(year).order_by("code"), start=1):
        codes.write_row(row, 0, [indicator.code, indicator.name_zh, indicator.unit,
                                 "、".join(rules.levels.get(indicator.code, ()))])
    book.close()
    return buffer.getvalue()


def values_template_csv() -> bytes:
    return ("\ufeff" + ",".join(header for header, _name, _required in COLUMNS) + "\r\n").encode("utf-8")
