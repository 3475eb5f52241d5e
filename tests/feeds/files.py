"""Building upload files for the import tests."""

import io

import xlsxwriter

HEADERS = ["工号", "姓名", "指标代码", "年度", "季度", "数值", "等级", "样本量"]


def xlsx(rows, *, headers=HEADERS, sheet="指标数据", first_row=0, first_column=0) -> bytes:
    """A workbook with the header at Excel row `first_row + 1`; None cells stay blank."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    worksheet = book.add_worksheet(sheet)
    worksheet.write_row(first_row, first_column, headers)
    for number, row in enumerate(rows, start=first_row + 1):
        for position, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, str):
                worksheet.write_string(number, first_column + position, cell)
            else:
                worksheet.write_number(number, first_column + position, cell)
    book.close()
    return buffer.getvalue()


def csv(rows, *, headers=HEADERS, encoding="utf-8-sig") -> bytes:
    lines = [",".join(headers)] + [",".join("" if c is None else str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
