"""Render the bundled demo deck (data/deck.json) to a 16:9 landscape PDF (data/deck.pdf).

One slide per page, exactly: every slide is laid out at the largest body font size
that keeps it on a single page (found by rendering trial copies of that slide alone).
The slide title is always the first text drawn on a page, so text extractors see it
as the page's first line; the section label follows at a different height, then the
blocks in order, the notes, and the page number (plain digits, bottom right).

Tables are ruled (every cell bordered, header row shaded and bold) so that pdfplumber
recovers them cell for cell. The output is byte-for-byte deterministic: fixed creation
date, fixed metadata, and a file /ID derived from the content.

Usage (from the repository root):
    python data/render_deck.py            # writes data/deck.pdf
    python data/render_deck.py --check    # exit 1 if data/deck.pdf is stale
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

DATA_DIR = Path(__file__).resolve().parent
DECK_JSON = DATA_DIR / "deck.json"
DECK_PDF = DATA_DIR / "deck.pdf"

# 16:9 landscape, 13.333 x 7.5 in (the PowerPoint widescreen size).
PAGE_W = 960 * 25.4 / 72  # 338.67 mm = 960 pt
PAGE_H = 540 * 25.4 / 72  # 190.5 mm = 540 pt
MARGIN_X = 14.0
CONTENT_TOP = 27.0
BOTTOM_MARGIN = 12.0  # content must end above this; the page number lives below it

FONT = "Helvetica"
CREATION_DATE = datetime(2017, 2, 8, 0, 0, 0, tzinfo=UTC)
PRODUCER = "fpdf2 (data/render_deck.py)"
CREATOR = "data/render_deck.py"
AUTHOR = "Internet Initiative Japan Inc."

TITLE_SIZES = (24.0, 22.0, 20.0, 18.0, 16.0, 15.0, 14.0)
# Candidate body font sizes (pt), largest first; the first one that fits is used.
BODY_SIZES = tuple(x / 2 for x in range(28, 9, -1))  # 14.0, 13.5, ... 5.0

TITLE_COLOR = (16, 42, 92)
HEADING_COLOR = (16, 42, 92)
TEXT_COLOR = (20, 20, 20)
GREY = (110, 110, 110)
HEADER_FILL = (214, 222, 236)
RULE_COLOR = (16, 42, 92)

PT_TO_MM = 25.4 / 72
LINE_FACTOR = 1.25  # line height as a multiple of the font size
BULLET_INDENT = 6.0  # mm per bullet level
BULLET_TEXT_OFFSET = 4.0  # mm between the bullet glyph and its text
TABLE_LINE_WIDTH = 0.25  # mm
TABLE_PADDING = 1.0  # mm
COLUMN_GUTTER = 10.0  # mm between the columns of a two-column slide
TWO_COLUMN_GAIN = 1.5  # pt of body font a two-column layout must win to be used
FIT_TOLERANCE = 0.05  # mm of slack kept above the bottom margin


class DeckRenderError(ValueError):
    """Raised for content that cannot be rendered faithfully (non latin-1 text, overflow)."""


def latin1(text: str) -> str:
    """Return `text` unchanged, or raise if it cannot be drawn with a core font."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise DeckRenderError(f"text is not latin-1: {text!r}") from exc
    return text


def _line_h(size_pt: float) -> float:
    return size_pt * PT_TO_MM * LINE_FACTOR


def _new_pdf(title: str) -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format=(PAGE_H, PAGE_W))
    pdf.set_margins(MARGIN_X, CONTENT_TOP, MARGIN_X)
    pdf.set_auto_page_break(True, margin=BOTTOM_MARGIN)
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_producer(PRODUCER)
    pdf.set_creator(CREATOR)
    pdf.set_author(AUTHOR)
    pdf.set_title(latin1(title))
    pdf.set_lang("en")
    pdf.set_display_mode(zoom="fullpage", layout="single")
    return pdf


# --------------------------------------------------------------------------- blocks


def _draw_title(pdf: FPDF, title: str) -> None:
    avail = PAGE_W - 2 * MARGIN_X
    for size in TITLE_SIZES:
        pdf.set_font(FONT, "B", size)
        if pdf.get_string_width(title) <= avail:
            break
    pdf.set_text_color(*TITLE_COLOR)
    pdf.set_xy(MARGIN_X, 9.0)
    pdf.multi_cell(avail, _line_h(pdf.font_size_pt), latin1(title), align="L")


def _draw_section(pdf: FPDF, section: str) -> None:
    # Drawn after the title but above it on the page (different baseline), so text
    # extractors keep the title as the first line and put the label on its own line.
    if not section:
        return
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*GREY)
    pdf.set_xy(MARGIN_X, 3.5)
    pdf.cell(PAGE_W - 2 * MARGIN_X, _line_h(9), latin1(section), align="R")


def _draw_rule(pdf: FPDF) -> None:
    pdf.set_draw_color(*RULE_COLOR)
    pdf.set_line_width(0.6)
    y = CONTENT_TOP - 3.0
    pdf.line(MARGIN_X, y, PAGE_W - MARGIN_X, y)


def _paragraph(
    pdf: FPDF,
    text: str,
    size: float,
    style: str = "",
    color=TEXT_COLOR,
    indent: float = 0.0,
) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*color)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(pdf.epw - indent, _line_h(size), latin1(text), align="L")


def _gap(pdf: FPDF, size: float, factor: float) -> None:
    pdf.set_y(pdf.get_y() + size * PT_TO_MM * factor)


def _draw_bullet(pdf: FPDF, item: dict[str, Any], size: float) -> None:
    level = int(item.get("level", 0))
    item_size = size if level == 0 else size * 0.95
    indent = BULLET_INDENT * level
    line_h = _line_h(item_size)
    y = pdf.get_y()
    pdf.set_text_color(*TEXT_COLOR)
    pdf.set_font(FONT, "B" if level == 0 else "", item_size)
    pdf.set_xy(pdf.l_margin + indent, y)
    pdf.cell(BULLET_TEXT_OFFSET, line_h, "\xb7" if level == 0 else "-")
    pdf.set_font(FONT, "", item_size)
    pdf.set_xy(pdf.l_margin + indent + BULLET_TEXT_OFFSET, y)
    width = pdf.epw - indent - BULLET_TEXT_OFFSET
    pdf.multi_cell(width, line_h, latin1(item["text"]), align="L")
    _gap(pdf, item_size, 0.12)


def _col_widths(pdf: FPDF, table: dict[str, Any], size: float) -> list[float]:
    """Column widths (mm): each column's one-line width when the table fits the
    available width, otherwise narrow columns keep theirs and the wide ones share the
    rest (water-filling), never below their longest word."""
    header = table["header"]
    rows = table["rows"]
    pad = 2 * TABLE_PADDING + 1.5
    natural: list[float] = []
    minimum: list[float] = []
    for col in range(len(header)):
        cells = [(header[col], "B")] + [(row[col], "") for row in rows]
        nat = mn = 0.0
        for text, style in cells:
            pdf.set_font(FONT, style, size)
            nat = max(nat, pdf.get_string_width(text) + pad)
            for word in text.split():
                mn = max(mn, pdf.get_string_width(word) + pad)
        natural.append(max(nat, 12.0))
        minimum.append(max(mn, 12.0))
    avail = pdf.epw
    if sum(natural) <= avail:
        return natural
    widths = [0.0] * len(header)
    remaining = avail
    pending = sorted(range(len(header)), key=lambda c: natural[c])
    while pending:
        share = remaining / len(pending)
        if natural[pending[0]] <= share:
            col = pending.pop(0)
            widths[col] = natural[col]
            remaining -= natural[col]
            continue
        for col in pending:
            widths[col] = max(share, minimum[col])
        break
    total = sum(widths)
    if total > avail:
        widths = [w * avail / total for w in widths]
    # Round down to 1/1000 mm so the sum never exceeds the available width by a hair.
    return [math.floor(w * 1000) / 1000 for w in widths]


def _draw_table(pdf: FPDF, table: dict[str, Any], size: float) -> None:
    cell_size = size * 0.92
    header = table["header"]
    for row in table["rows"]:
        if len(row) != len(header):
            raise DeckRenderError(f"ragged table {table.get('title')!r}: {row!r}")
    if table.get("title"):
        _paragraph(pdf, table["title"], size, style="B", color=HEADING_COLOR)
    if table.get("unit"):
        _paragraph(pdf, f"Unit: {table['unit']}", size * 0.8, color=GREY)
    _gap(pdf, size, 0.2)
    widths = _col_widths(pdf, table, cell_size)
    pdf.set_font(FONT, "", cell_size)
    pdf.set_text_color(*TEXT_COLOR)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(TABLE_LINE_WIDTH)
    pdf.set_x(pdf.l_margin)
    headings = FontFace(emphasis="BOLD", color=TEXT_COLOR, fill_color=HEADER_FILL)
    with pdf.table(
        width=sum(widths),
        col_widths=widths,
        align="LEFT",
        text_align="LEFT",
        v_align="TOP",
        line_height=_line_h(cell_size),
        padding=TABLE_PADDING,
        headings_style=headings,
        first_row_as_headings=True,
        repeat_headings=0,
    ) as out:
        for row in [header, *table["rows"]]:
            out.row([latin1(cell) for cell in row])
    _gap(pdf, size, 0.6)


def _draw_unit(pdf: FPDF, unit: tuple[str, Any, bool], size: float) -> None:
    """Draw one flow unit: a whole block, or a single bullet item of a bullets block."""
    kind, payload, last_of_block = unit
    if kind == "heading":
        _gap(pdf, size, 0.25)
        _paragraph(pdf, payload, size * 1.08, style="B", color=HEADING_COLOR)
        _gap(pdf, size, 0.1)
    elif kind == "text":
        _paragraph(pdf, payload, size)
        _gap(pdf, size, 0.3)
    elif kind == "bullet":
        _draw_bullet(pdf, payload, size)
        if last_of_block:
            _gap(pdf, size, 0.2)
    elif kind == "table":
        _draw_table(pdf, payload, size)
    elif kind == "chart_data":
        _paragraph(pdf, "Chart data: " + payload, size * 0.8, style="I", color=GREY)
        _gap(pdf, size, 0.3)
    elif kind == "note":
        _paragraph(pdf, payload, size * 0.72, color=GREY)
    else:
        raise DeckRenderError(f"unknown block kind {kind!r}")


def _units(slide: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    """The slide's blocks as flow units, notes moved to the end."""
    units: list[tuple[str, Any, bool]] = []
    notes: list[tuple[str, Any, bool]] = []
    for block in slide.get("blocks", []):
        kind = block["kind"]
        if kind == "bullets":
            items = block["items"]
            units += [("bullet", it, i == len(items) - 1) for i, it in enumerate(items)]
        elif kind == "table":
            units.append(("table", block, True))
        elif kind == "note":
            notes.append(("note", block["text"], True))
        else:
            units.append((kind, block["text"], True))
    return units + notes


def _columns(ncols: int) -> list[tuple[float, float]]:
    """(left x, width) of each content column."""
    total = PAGE_W - 2 * MARGIN_X
    width = (total - COLUMN_GUTTER * (ncols - 1)) / ncols
    return [(MARGIN_X + i * (width + COLUMN_GUTTER), width) for i in range(ncols)]


def _set_column(pdf: FPDF, left: float, width: float) -> None:
    pdf.set_left_margin(left)
    pdf.set_right_margin(PAGE_W - left - width)


def _measure(unit: tuple[str, Any, bool], size: float, width: float) -> float:
    """Height (mm) of `unit` drawn at `size` in a column `width` mm wide."""
    scratch = FPDF(orientation="P", unit="mm", format=(PAGE_W, 5000.0))
    scratch.set_auto_page_break(False)
    scratch.add_page()
    _set_column(scratch, MARGIN_X, width)
    scratch.set_xy(MARGIN_X, 0.0)
    _draw_unit(scratch, unit, size)
    return scratch.get_y()


def _plan(slide: dict[str, Any], size: float, ncols: int) -> list[int] | None:
    """Column index of every unit, or None when the slide does not fit one page."""
    units = _units(slide)
    cols = _columns(ncols)
    heights = [_measure(u, size, cols[0][1]) for u in units]
    bottom = PAGE_H - BOTTOM_MARGIN - FIT_TOLERANCE
    placement: list[int] = []
    col, y, i = 0, CONTENT_TOP, 0
    while i < len(units):
        # A heading travels with what follows it (a run of headings plus one unit).
        j = i
        while j < len(units) - 1 and units[j][0] == "heading":
            j += 1
        need = sum(heights[i : j + 1])
        if y + need > bottom:
            if col + 1 < ncols and y > CONTENT_TOP:
                col, y = col + 1, CONTENT_TOP
                continue
            return None
        placement += [col] * (j + 1 - i)
        y += need
        i = j + 1
    return placement


def _draw_slide(pdf: FPDF, slide: dict[str, Any], number: int, size: float, ncols: int) -> None:
    placement = _plan(slide, size, ncols)
    if placement is None:
        raise DeckRenderError(f"slide {number} does not fit at {size}pt in {ncols} column(s)")
    pdf.add_page()
    _set_column(pdf, MARGIN_X, PAGE_W - 2 * MARGIN_X)
    _draw_title(pdf, slide["title"])
    _draw_section(pdf, slide.get("section", ""))
    _draw_rule(pdf)
    cols = _columns(ncols)
    current = -1
    for unit, col in zip(_units(slide), placement, strict=False):
        if col != current:
            current = col
            _set_column(pdf, *cols[col])
            pdf.set_xy(cols[col][0], CONTENT_TOP)
        _draw_unit(pdf, unit, size)
    # Page number: plain digits, bottom right, outside the content area.
    _set_column(pdf, MARGIN_X, PAGE_W - 2 * MARGIN_X)
    pdf.set_auto_page_break(False)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*GREY)
    pdf.set_xy(PAGE_W - MARGIN_X - 20, PAGE_H - 8.5)
    pdf.cell(20, _line_h(9), str(number), align="R")
    pdf.set_auto_page_break(True, margin=BOTTOM_MARGIN)


def _fits(slide: dict[str, Any], size: float, ncols: int) -> bool:
    """Whether `slide` fits one page: planned from measured unit heights, then
    confirmed by rendering a trial copy of the slide alone."""
    if _plan(slide, size, ncols) is None:
        return False
    trial = _new_pdf("trial")
    _draw_slide(trial, slide, 1, size, ncols)
    return trial.page == 1


def _best_size(slide: dict[str, Any], ncols: int) -> float | None:
    for size in BODY_SIZES:
        if _fits(slide, size, ncols):
            return size
    return None


def fit_layout(slide: dict[str, Any]) -> tuple[float, int]:
    """(body font size, number of columns) for `slide`: the largest size that fits one
    page in one column, or in two columns when that allows a clearly larger font."""
    one = _best_size(slide, 1)
    two = _best_size(slide, 2)
    if one is None and two is None:
        raise DeckRenderError(f"slide {slide['title']!r} does not fit on one page")
    if two is not None and (one is None or two >= one + TWO_COLUMN_GAIN):
        return two, 2
    assert one is not None
    return one, 1


def render(deck_path: str | Path = DECK_JSON) -> bytes:
    """Render the deck JSON at `deck_path` and return the PDF bytes."""
    deck = json.loads(Path(deck_path).read_text(encoding="utf-8"))
    title = deck["title"]
    pdf = _new_pdf(title)
    for number, slide in enumerate(deck["slides"], start=1):
        size, ncols = fit_layout(slide)
        _draw_slide(pdf, slide, number, size, ncols)
        if pdf.page != number:
            raise DeckRenderError(f"slide {number} overflowed its page")
    return bytes(pdf.output())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if data/deck.pdf differs from a fresh render",
    )
    args = parser.parse_args(argv)
    fresh = render(DECK_JSON)
    if args.check:
        current = DECK_PDF.read_bytes() if DECK_PDF.exists() else b""
        if current != fresh:
            print(f"{DECK_PDF} is stale: run python data/render_deck.py", file=sys.stderr)
            return 1
        print(f"{DECK_PDF} is up to date")
        return 0
    DECK_PDF.write_bytes(fresh)
    print(f"wrote {DECK_PDF} ({len(fresh)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
