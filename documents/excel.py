"""Excel (xlsx) helpers on openpyxl: formula-injection-safe cells and the standard table workbook.

Formula injection. Text typed by applicants (a project title, a member's name) must never become a formula in a
workbook that staff open: a cell starting with `=`, `+`, `-` or `@` (or a tab/CR before one) is evaluated by Excel,
LibreOffice and WPS when it is typed or imported from CSV. OWASP's advice "prefix with a single quote" is advice for
CSV, where `'` is the spreadsheet's own typing convention; in an xlsx file a literal apostrophe would simply be part of
the text and show up in every cell. The xlsx equivalent of that apostrophe is structural, and we do both parts:

1. the cell is written as a string cell (`t="s"`/`inlineStr`, never an `<f>` element): openpyxl otherwise turns any
   `str` starting with `=` into a formula, and `#N/A`-like strings into error cells; a string cell is never
   calculated by Excel or LibreOffice;
2. the cell gets the `quotePrefix` style flag, which is exactly what Excel stores when a user types `'=1+1`: the text
   shows unchanged, and re-editing the cell (F2, Enter) keeps it text instead of turning it into a live formula.

So the visible text stays exactly what the user wrote (searchable, copyable), and no spreadsheet evaluates it.
Numbers (int, float, Decimal) stay numbers, dates stay dates. Characters that XML cannot carry are dropped, and
line ends become LF.
"""

import datetime
import decimal
import io
from collections.abc import Iterable, Sequence

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# Characters that make a spreadsheet treat typed or imported text as a formula: first, or after leading whitespace
# (tab and CR are in OWASP's list because some importers strip them).
FORMULA_TRIGGERS = ("=", "+", "-", "@")
LEADING_WHITESPACE = " \t\r\n"
_NATIVE_TYPES = (bool, int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta)

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E7E7E7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
TEXT_ALIGNMENT = Alignment(vertical="center", wrap_text=True)


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.lstrip(LEADING_WHITESPACE).startswith(FORMULA_TRIGGERS)


def escape_cell(cell: Cell, value) -> Cell:
    """Store `value` in `cell` so that no spreadsheet ever evaluates it; return the cell.

    Numbers, booleans, dates and None are stored as they are. Anything else is stored as text (a string cell),
    and text that starts like a formula also gets the `quotePrefix` flag (see the module docstring).
    Works for normal cells (`escape_cell(ws["B3"], title)`) and for write-only cells
    (`escape_cell(WriteOnlyCell(ws), title)`).
    """
    if value is None or isinstance(value, _NATIVE_TYPES):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)  # xlsx has no time zones
        cell.value = value
        return cell
    # XML turns a bare CR into LF on reading anyway; normalise so the stored text is what a reader gets back.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    cell.value = text
    cell.data_type = "s"  # openpyxl guessed "f" for "=..." and "e" for "#N/A": both are text here
    if is_formula_like(text):
        cell.quotePrefix = True
    return cell


def text_width(value) -> int:
    """Display width in Excel's character units: a CJK (full-width) character counts twice."""
    if value is None:
        return 0
    lines = str(value).splitlines() or [""]
    return max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in lines)


def _auto_widths(headers: Sequence, rows) -> list[float]:
    widths = [text_width(h) for h in headers]
    if isinstance(rows, (list, tuple)):
        for row in rows:
            for index, value in enumerate(row[: len(widths)]):
                widths[index] = max(widths[index], text_width(value))
    return [min(max(w + 2, 6), 60) for w in widths]


def build_table_workbook(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    column_widths: Sequence[float] | None = None,
    sheet_title: str | None = None,
    write_only: bool = False,
    plain_body: bool = False,
) -> bytes:
    """One sheet: a merged title row, a bold header row (frozen, repeated on printed pages), then the rows.

    Every text cell goes through `escape_cell`; numbers stay numbers. Without `column_widths` the widths follow
    the longest value (of the header only, when `rows` is an iterator). `write_only=True` streams rows (pays off
    above ~50k rows); there openpyxl needs widths, freeze panes and print titles before the first append.
    `plain_body=True` (write-only only) appends body values without borders or alignment, wrapping only text that
    needs the escape in a cell (`needs_escape`): the large exports, where a styled cell per value doubles the time.
    Returns the xlsx file as bytes.
    """
    headers = [str(h) for h in headers]
    columns = max(len(headers), 1)
    widths = list(column_widths) if column_widths is not None else _auto_widths(headers, rows)
    sheet_name = _sheet_name(sheet_title or title)

    workbook = Workbook(write_only=write_only)
    if write_only:
        ws = workbook.create_sheet(sheet_name)
    else:
        ws = workbook.active
        ws.title = sheet_name
    _setup_sheet(ws, widths, columns)

    if write_only:
        ws.append([_styled(WriteOnlyCell(ws), title, font=TITLE_FONT, alignment=HEADER_ALIGNMENT)])
        ws.append([_header_cell(WriteOnlyCell(ws), h) for h in headers])
        body = (
            (lambda value: _plain_value(ws, value))
            if plain_body
            else (lambda value: _body_cell(WriteOnlyCell(ws), value))
        )
        for row in rows:
            ws.append([body(value) for value in row])
    else:
        _styled(ws.cell(row=1, column=1), title, font=TITLE_FONT, alignment=HEADER_ALIGNMENT)
        for column, header in enumerate(headers, start=1):
            _header_cell(ws.cell(row=2, column=column), header)
        for row_index, row in enumerate(rows, start=3):
            for column, value in enumerate(row, start=1):
                _body_cell(ws.cell(row=row_index, column=column), value)
    title_range = f"A1:{get_column_letter(columns)}1"
    if write_only:
        ws.merged_cells.add(title_range)  # a write-only sheet has no merge_cells(); merges are written at the end
    elif columns > 1:
        ws.merge_cells(title_range)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def needs_escape(text: str) -> bool:
    """Whether openpyxl would store `text` as anything but the same plain string: a formula ("=…"), an error
    ("#N/A"), or text with characters XML cannot carry or a CR. Only such text needs `escape_cell`."""
    return (
        is_formula_like(text) or text in ERROR_CODES or "\r" in text or ILLEGAL_CHARACTERS_RE.search(text) is not None
    )


def _plain_value(ws, value):
    if isinstance(value, str) and needs_escape(value):
        return escape_cell(WriteOnlyCell(ws), value)
    return value


def _sheet_name(name: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name)).strip("'")
    return cleaned[:31] or "Sheet1"


def _setup_sheet(ws: Worksheet, widths: Sequence[float], columns: int) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[1].height = 28
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape" if columns > 6 else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _styled(cell, value, *, font=None, alignment=None, border=None, fill=None):
    escape_cell(cell, value)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    return cell


def _header_cell(cell, value):
    return _styled(cell, value, font=HEADER_FONT, alignment=HEADER_ALIGNMENT, border=BORDER, fill=HEADER_FILL)


def _body_cell(cell, value):
    alignment = None if isinstance(value, _NATIVE_TYPES) else TEXT_ALIGNMENT
    return _styled(cell, value, alignment=alignment, border=BORDER)
