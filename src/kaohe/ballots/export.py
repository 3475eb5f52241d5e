"""Excel export of a closed round's aggregates: exactly the cells the page shows (suppressed)."""

import io
from collections.abc import Sequence

import xlsxwriter
from django.utils.translation import gettext as _

from kaohe.ballots.choices import DIMENSIONS, RaterRole
from kaohe.ballots.selectors import AggregateRow
from kaohe.ballots.suppression import ALL, HIDDEN, Cell
from kaohe.indicators.choices import Dimension


def hidden_text() -> str:
    return _("Too few ballots, hidden")


def role_label(role: str) -> str:
    return _("All raters") if role == ALL else str(RaterRole(role).label)


def _cell_values(cell: Cell, by_dimension: bool) -> list[object]:
    """n, mean and (by dimension) the five means of a shown cell; the hidden text or blanks otherwise."""
    width = 2 + (len(DIMENSIONS) if by_dimension else 0)
    if cell.stats is None:
        return [hidden_text() if cell.state == HIDDEN else "—", *[""] * (width - 1)]
    means = list(cell.stats.dimension_means or ()) if by_dimension else []
    return [cell.stats.n, float(cell.stats.mean), *(float(m) for m in means)]


def aggregates_workbook(rows: Sequence[AggregateRow], *, by_dimension: bool, anonymity_min: int) -> bytes:
    """One line per ratee and rater group (the roles, then all raters)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Ballot results")[:31])
    header = [_("Name"), _("Department"), _("Rater group"), _("Number of ballots"), _("Mean score")]
    if by_dimension:
        header += [str(Dimension(d).label) for d in DIMENSIONS]
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    line = 1
    for row in rows:
        for cell in row.cells:
            department = row.ratee.department.name if row.ratee.department else ""
            sheet.write_row(line, 0, [row.ratee.name, department, role_label(cell.role),
                                      *_cell_values(cell, by_dimension)])
            line += 1
    sheet.write(line + 1, 0, _("Groups of fewer than %(k)s ballots are hidden, and so is any group that "
                               "subtraction would reveal.") % {"k": anonymity_min})
    book.close()
    return buffer.getvalue()
