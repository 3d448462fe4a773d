"""Pages without a text layer, read with OCR (Tesseract).

A page whose text layer holds fewer than `MIN_TEXT_CHARS` characters (a slide exported
as a picture, a scan), or a picture page (`picture_page`: a few words of text layer, a
title and a source line, over pictures that cover much of the page, a chart pasted as an
image) is rendered with pdfium and read by Tesseract, which writes an
invisible text layer for it (a text-only PDF page, word by word, at the words'
positions) and each word's confidence. `ocr_pdf` returns a copy of the PDF whose image
pages are replaced by those text pages, so the rest of the reading (lines, passages,
tables from word positions, facts) is the same as for any PDF, page by page in a
document that mixes both.

OCR's text layer has one font and no bullets; `_typography` measures on the image what
the layout reader needs of them: each line's stroke width (bold), and the bullet marks
OCR left out or read as a stray character.

A page that comes back near-empty or unsure is read again from a grey, contrast-stretched
image thresholded by Sauvola's method (light text on coloured cells survives it), and
the reading with more confidently read characters is kept.

Light text on a filled shape (a table's dark header row, a chart's coloured bars with
their values written in white) is lost to Tesseract's one threshold for the whole page
(`light_text_fills`). Such shapes are read again on their own, as dark ink on white (each
pixel's difference from the shape's colour), and their reading replaces what the page's
reading had there.

Tesseract is a system program (Debian: `apt install tesseract-ocr`); without it a
document with image pages is refused with a message that says so.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any

from ingest.charts import ChartTable, bar_charts, boxes_meet
from ingest.errors import DeckError
from ingest.readable import DIGITS_READ_AS_LETTERS

# A page with fewer non-space characters in its text layer is read by OCR.
MIN_TEXT_CHARS = 20
# So is a page with fewer than this many over pictures that cover at least this share of
# it: on the dev decks, a survey's slides are a title and a source line (24-175
# characters) over a chart pasted as an image (0.3-0.9 of the page). No page of the
# bundled deck or the releases is both, and two of the 5,034 pages of 38 filings are.
PICTURE_PAGE_CHARS = 300
PICTURE_PAGE_SHARE = 0.3
DPI = 300
# Tesseract's word confidence (0-100) from which a word counts as read.
CONFIDENT = 60.0
# A figure, or a word of its row label or column, read with less confidence is not
# stated. Measured on the bundled deck rasterised at 150 dpi (342 table and text figures
# compared with its text layer): below 50, 6 figures, 5 of them right; the misread
# figures (a dropped decimal point) were read at 79-96, so confidence alone does not
# catch them (`index_store._decimals_missing` does).
FIGURE_CONFIDENT = 50.0
# A first reading with fewer confident characters than this, or a lower share of
# confident characters, is read again with the other preprocessing.
RETRY_CHARS = 40
RETRY_SHARE = 0.6
PAGE_TIMEOUT_S = 180
# Tesseract's page segmentation: 11, "sparse text", finds every piece of text wherever it
# is; the layout reader puts words back in lines and columns from their positions. On the
# bundled deck at 150 dpi: figures read 96.6% against 96.0% for the default (3), which
# missed a whole table column on one slide.
PAGE_SEGMENTATION = "11"
# Wall seconds per page read by OCR on 2 cores (`python -m eval bench`: 0.88 on 8 slides at
# 150 dpi; 1.1-1.7 on the corpus releases' letter pages, which hold more words).
SECONDS_PER_PAGE = 1.0
# Ruling lines in a page image: darker than the page's background by this much (0-255),
# at least this long, at most this thick (a one-pixel line of a picture a third as fine
# as the page's rendering, with its blur, is 9); ends this close count as touching.
DARKER_THAN_BACKGROUND = 60
MIN_RULE_INCH = 0.25
MAX_RULE_PX = 10
# A horizontal rule shorter than this is kept only beside another one (`ruling_lines`).
MIN_LONE_RULE_INCH = 1.0
# How far beyond a rule's edge the page is looked for (past its blurred edge).
RULE_SIDE_PX = 2
RULE_TOUCH_PX = 6
# A fill's edge inside a ruled table steps this much in grey (0-255) (`fill_rules`).
FILL_RULE_STEP = 40
# Its ends are at most this far from the rules it runs between (a cell's fill stops short
# of a white line between cells, blurred).
FILL_RULE_REACH_INCH = 0.1
FILL_RULE_ROUNDS = 3
# Fill edges along this share of a table's width (or height) are a row (a column) across it.
FILL_ROW_SHARE = 0.5
# A table's rules: this many horizontal ones across this share of its width at least, and
# this many vertical ones, each this share of its height.
FILL_TABLE_ROWS = 2
FILL_TABLE_COLUMNS = 3
FILL_TABLE_HEIGHT = 0.8
# A painted-out rule inside a dark band takes the colour of this many pixels on either
# side of it, this far from it (past its blurred edge).
SIDE_PX = 4
SIDE_GAP_PX = 4
# A bullet mark: a blob at most this share of its line's height on either side (and at
# least the smaller), this solid (its ink over its box: a disc fills 0.79, a bold "<"
# 0.51), within this many line heights left of the line's first word and with no ink
# this many line heights left of it (a letter of a word before it has ink beside it).
# Measured on the bundled deck and two releases rasterised at 150 dpi, against their
# text layers: of the 190 bullets OCR did not read, 147 were found; of 2,590 lines with
# no bullet, none got one. Every bullet found filled at least 0.8 of its box.
MARK_SIZE = (0.15, 0.75)
MARK_FILL = 0.7
MARK_REACH = 2.5
MARK_CLEAR = 1.0
# A filled shape (`light_text_fills`): at least this thick (a bar, a table's header row;
# a letter's stroke is thinner), differing from the page's background by this much on
# some channel, with this share of its outline filled (a rectangle's; not a photograph's
# edge or a pie's slice), at most this share of the page (a coloured page is its
# background). Parts of one shape split by the text on it are joined across this width.
# Its text is what differs from its colour by `FILL_INK` (between these shares of it: a
# letter's stroke, which can be as thick, has next to none), read when most of it is
# lighter than the shape; it is made as dark as the most any pixel differs allows, at
# most this many times darker (light text on a light bar).
FILL_THICK_INCH = 0.12
FILL_MIN_WIDTH_INCH = 0.3
FILL_INK_SHARE = (0.005, 0.6)
FILL_MAX_GAIN = 3.0
FILL_DIFFERS = 40
FILL_OUTLINE = 0.85
FILL_MAX_SHARE = 0.5
FILL_BRIDGE_INCH = 1.0
FILL_INK = 60
# Neighbouring pixels of the shrunk image this far apart in colour are a shape's edge.
FILL_EDGE = 40
# A shape is of one colour: this share of it within `FILL_DIFFERS` of its median.
FILL_ONE_COLOUR = 0.85
# Fills are found on the page image shrunk by this factor.
FILL_SCALE = 4
# A page with this many words holding a digit and this many solid regions at least this
# thick (a bar chart's bars) is read again with the regions cleared
# (`_with_regions_cleared_read`); a region's box is at least `BAR_MIN_INCH` thick (a bold
# title's letter stroke is not).
CLEARED_FIGURES = 2
CLEARED_SHAPES = 3
BAR_THICK_INCH = 0.1
BAR_MIN_INCH = 0.1
# What that reading adds is on a line with a word this close to a shape (a value at a
# bar's end, a category label beside the axis).
CLEARED_NEAR_INCH = 0.6
# ... and replaces only words it meets in type at most this many times as tall.
SAME_TYPE = 2.0
INSTALL_HINT = "install Tesseract OCR to read it (Debian/Ubuntu: apt install tesseract-ocr)"


@dataclass(frozen=True)
class OcrWord:
    text: str
    confidence: float
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # x0, top, x1, bottom in points
    # The mean stroke width of the ink of the word's line, in points: with the line's
    # font size it tells bold from regular (OCR's text layer has one font).
    line_stroke: float = 0.0


@dataclass(frozen=True)
class OcrPage:
    number: int  # 1-based page number in the document
    words: tuple[OcrWord, ...]
    variant: str  # which preprocessing gave the kept reading
    retried: bool
    seconds: float
    # Bullet marks, as boxes in points: a small solid blob left of a line that OCR did
    # not read as text, or a lone non-alphanumeric character it read in place of one.
    marks: tuple[tuple[float, float, float, float], ...] = ()
    # Bar charts read from the image as tables (`ingest.charts`), boxes in points.
    charts: tuple[ChartTable, ...] = ()

    @property
    def confident_chars(self) -> int:
        return sum(len(word.text) for word in self.words if word.confidence >= CONFIDENT)

    @property
    def chars(self) -> int:
        return sum(len(word.text) for word in self.words)


@dataclass(frozen=True)
class OcrReading:
    engine: str
    pages: tuple[OcrPage, ...]
    seconds: float

    def summary(self) -> dict[str, Any]:
        """What the index manifest records."""
        return {
            "engine": self.engine,
            "pages": [page.number for page in self.pages],
            "retried": [page.number for page in self.pages if page.retried],
            "shapes_read_again": [page.number for page in self.pages if "+fills" in page.variant],
            "read_with_regions_cleared": [page.number for page in self.pages if "+cleared" in page.variant],
            "charts": [page.number for page in self.pages if page.charts],
            "seconds": round(self.seconds, 2),
            "seconds_per_page": round(self.seconds / max(1, len(self.pages)), 2),
        }

    def word_confidence(self) -> dict[int, dict[str, float]]:
        """Per page, each word as read (lowercased, outer punctuation stripped) and its
        highest confidence there (a word repeated on the page is known if read well once)."""
        found: dict[int, dict[str, float]] = {}
        for page in self.pages:
            words = found.setdefault(page.number, {})
            for word in page.words:
                key = ocr_key(word.text)
                if key:
                    words[key] = max(words.get(key, 0.0), word.confidence)
        return found


# Letters OCR confuses with each other ('FIFO' read as 'FlFO', 'FY00' as 'FYOO'), folded to one.
CONFUSABLE = str.maketrans({"l": "i", "1": "i", "|": "i", "!": "i", "0": "o"})


def ocr_form(word: str) -> str:
    """`word` lowercased with the letters OCR confuses folded together: two spellings
    with the same form may be one word read two ways."""
    return word.lower().translate(CONFUSABLE)


# A run of capitals with a lowercase "l" among them ("FlFO", "lPO"): OCR's usual misreading
# of a capital "I" in an acronym.
# Two capitals, or a capital after the first letter ("lPO"); not "Ill", a word.
_CAPS_WITH_L = re.compile(
    r"(?<![A-Za-z])(?=[A-Zl]*l)(?=[A-Zl]*[A-Z][A-Zl]*[A-Z]|[A-Zl][A-Zl]*[A-Z])[A-Zl]+(?![A-Za-z])"
)


# A day and a year OCR ran together at the comma ("Dec 31,2022"); no figure is grouped so.
_DAY_COMMA_YEAR = re.compile(r"\b(\d{1,2}),((?:19|20)\d{2})\b")


# A year shortened after an apostrophe, its digits read as letters ("'II" for "'11").
_SHORT_YEAR = re.compile(r"(?<=['‘’])(?=[0-9IlO]{2}\b)(?=\S*[IlO])[0-9IlO]{2}\b")


def ocr_spelling(text: str) -> str:
    """`text` as OCR read it with the "l" of an acronym of capitals read back as "I"
    ("FlFO's" -> "FIFO's"; a word with other lowercase letters is left as read), the
    space after a date's comma put back ("Dec 31,2022" -> "Dec 31, 2022"), and a year
    shortened after an apostrophe read back as digits ("'II" -> "'11")."""
    text = _DAY_COMMA_YEAR.sub(r"\1, \2", text)
    text = _SHORT_YEAR.sub(lambda found: found.group().translate(DIGITS_READ_AS_LETTERS), text)
    return _CAPS_WITH_L.sub(lambda found: found.group().replace("l", "I"), text)


# A Roman numeral after a name, its "I"s read as bars or small "l"s ("Wave Ill", "Wave |"),
# and a rule read as a bar where a cell starts ("| Wave").
_NUMERAL_READ = re.compile(r"\b(?P<name>[A-Z][a-z]+ )(?P<numeral>(?=[|lI]{0,2}[|l])[|lI]{1,3})(?![\w|])")
_LEADING_BAR = re.compile(r"^\|\s+(?=\w)")


def ocr_cell(text: str) -> str:
    """A table cell as OCR read it, spelled as `ocr_spelling` reads it, with a Roman
    numeral after a name read back ("Wave Ill" -> "Wave III") and a bar a rule left where
    it starts taken away."""
    text = _LEADING_BAR.sub("", ocr_spelling(text))
    return _NUMERAL_READ.sub(lambda found: found.group("name") + "I" * len(found.group("numeral")), text)


def ocr_key(text: str) -> str:
    return text.strip(" .,;:()[]{}'\"*").lower()


@functools.cache
def tesseract_version() -> str | None:
    """'tesseract 5.3.0', or None when Tesseract is not installed."""
    program = shutil.which("tesseract")
    if program is None:
        return None
    try:
        done = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = (done.stdout or done.stderr).splitlines()
    return lines[0].strip() if lines else "tesseract"


def estimated_ocr_seconds(pages: int) -> int:
    cores = max(1, os.cpu_count() or 1)
    return max(1, round(pages * SECONDS_PER_PAGE * min(cores, 2) / cores))


def pages_without_text(page_texts: list[str], picture_shares: list[float] | None = None) -> list[int]:
    """1-based numbers of the pages whose text layer is (nearly) empty, or a few words over
    pictures (`picture_shares`: the share of each page its pictures cover)."""
    shares = picture_shares or [0.0] * len(page_texts)
    return [
        number
        for number, (text, share) in enumerate(zip(page_texts, shares, strict=True), start=1)
        if picture_page(sum(not char.isspace() for char in text), share)
    ]


def picture_page(chars: int, picture_share: float) -> bool:
    """Whether a page with `chars` characters of text layer, whose pictures cover
    `picture_share` of it, is read by OCR."""
    return chars < MIN_TEXT_CHARS or (chars < PICTURE_PAGE_CHARS and picture_share >= PICTURE_PAGE_SHARE)


def ocr_pdf(
    path: Path,
    numbers: list[int],
    folder: Path,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Path, OcrReading]:
    """Read pages `numbers` of `path` with OCR; return a copy of the PDF (in `folder`)
    with those pages replaced by their text layer, and what was read."""
    import pypdfium2
    from pypdf import PdfReader, PdfWriter

    engine = tesseract_version()
    if engine is None:
        raise DeckError(f"{len(numbers)} pages have no text layer; {INSTALL_HINT}: {path}")
    started = time.perf_counter()
    document = pypdfium2.PdfDocument(str(path))
    render_lock = Lock()  # pdfium is not thread-safe; Tesseract runs in its own process

    def read(number: int) -> tuple[OcrPage, Path]:
        with render_lock:
            image = document[number - 1].render(scale=DPI / 72).to_pil().convert("RGB")
        return _read_page_image(image, number, folder)

    workers = max(1, min(os.cpu_count() or 1, len(numbers)))
    pages: list[OcrPage] = []
    layers: dict[int, Path] = {}
    try:
        with ThreadPoolExecutor(workers) as pool:
            for done, (page, layer) in enumerate(pool.map(read, numbers), start=1):
                pages.append(page)
                layers[page.number] = layer
                if progress is not None:
                    progress(done, len(numbers))
    finally:
        document.close()
    writer = PdfWriter()
    original = PdfReader(path, strict=False)
    for number, page in enumerate(original.pages, start=1):
        writer.add_page(PdfReader(layers[number]).pages[0] if number in layers else page)
    merged = folder / "ocr.pdf"
    with merged.open("wb") as out:
        writer.write(out)
    return merged, OcrReading(engine, tuple(pages), time.perf_counter() - started)


def ruling_lines(grey: Any) -> list[tuple[int, int, int, int]]:
    """The ruling lines of a page image (a 2-D uint8 array): thin straight dark runs, as
    (x0, y0, x1, y1) pixel boxes. Horizontal ones at least `MIN_RULE_INCH` long; vertical
    ones as long and touching a horizontal one (a table's borders cross; a tall
    letter's stroke does not reach a rule)."""
    import numpy as np

    background = float(np.median(grey))
    dark = grey < max(0.0, background - DARKER_THAN_BACKGROUND)
    shortest = round(MIN_RULE_INCH * DPI)
    horizontal = _runs(dark, shortest)
    # A table's rules come in sets: a short stroke without another of the same ends
    # above or below it is part of a drawing or a large letter (the bar of a "5").
    alone_under = round(MIN_LONE_RULE_INCH * DPI)
    ends = 2 * RULE_TOUCH_PX

    def partnered(line: tuple[int, int, int, int]) -> bool:
        x0, y0, x1, _ = line
        return x1 - x0 >= alone_under or any(
            abs(ox0 - x0) <= ends and abs(ox1 - x1) <= ends and abs(oy0 - y0) > MAX_RULE_PX
            for ox0, oy0, ox1, _ in horizontal
        )

    horizontal = [line for line in horizontal if partnered(line)]
    vertical = [(y0, x0, y1, x1) for x0, y0, x1, y1 in _runs(dark.T, shortest)]
    near = RULE_TOUCH_PX

    def touches(line: tuple[int, int, int, int]) -> bool:
        x0, y0, x1, y1 = line
        return any(
            hx0 - near <= x1 and x0 <= hx1 + near and y0 - near <= hy1 and hy0 <= y1 + near
            for hx0, hy0, hx1, hy1 in horizontal
        )

    return horizontal + [line for line in vertical if touches(line)]


def fill_rules(grey: Any, lines: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The rules a ruled table draws with fills, not lines: where a cell's fill meets
    another colour (a coloured header row over white rows, a shaded column beside a white
    one), a straight step of FILL_RULE_STEP or more in grey, as long as a rule, running
    from one of the table's rules (`lines`) to another across it, where no line is."""
    import numpy as np

    horizontal = [line for line in lines if line[2] - line[0] >= line[3] - line[1]]
    vertical = [line for line in lines if line[2] - line[0] < line[3] - line[1]]
    if not horizontal or not _ruled_table(horizontal, vertical):
        return []
    pixels = grey.astype(np.int16)
    shortest = round(MIN_RULE_INCH * DPI)
    near = round(FILL_RULE_REACH_INCH * DPI)
    found: list[tuple[int, int, int, int]] = []

    def spans(x0: int, x1: int, y: int, crossing: list[tuple[int, int, int, int]]) -> tuple[int, int] | None:
        # Both ends at the table's rules across it (where a rule is drawn, though not
        # through this run: its rows and columns run the table's length), and within
        # them: the run from the one rule to the other.
        if not crossing or not min(c[1] for c in crossing) - near <= y <= max(c[3] for c in crossing) + near:
            return None

        def at(x: int) -> int | None:
            middles = [round((cx0 + cx1) / 2) for cx0, _, cx1, _ in crossing]
            closest = min(middles, key=lambda middle: abs(middle - x))
            return closest if abs(closest - x) <= near else None

        start, end = at(x0), at(x1)
        return (start, end) if start is not None and end is not None and start < end else None

    def new(x0: int, y0: int, x1: int, y1: int, alike: list[tuple[int, int, int, int]]) -> bool:
        middle = (y0 + y1) / 2
        return not any(
            ay0 - MAX_RULE_PX <= middle <= ay1 + MAX_RULE_PX and ax0 + RULE_TOUCH_PX < x1 and x0 < ax1 - RULE_TOUCH_PX
            for ax0, ay0, ax1, ay1 in alike
        )

    across = _runs(np.abs(np.diff(pixels, axis=0)) >= FILL_RULE_STEP, shortest)
    # Vertical runs, and vertical rules, with their axes swapped (as `_runs` finds them in
    # the transposed image): one reading for both.
    down = _runs((np.abs(np.diff(pixels, axis=1)) >= FILL_RULE_STEP).T, shortest)
    columns = _swapped(vertical)
    upright: list[tuple[int, int, int, int]] = []
    # A fill's edge may run to another fill's edge (a shaded column under a coloured header).
    for _ in range(FILL_RULE_ROUNDS):
        before = len(found) + len(upright)
        crossing = vertical + _swapped(upright)
        for x0, y0, x1, y1 in across:
            ends = spans(x0, x1, y0, crossing)
            if ends and new(ends[0], y0, ends[1], y1, horizontal + found):
                found.append((ends[0], y0, ends[1], y1))
        crossing = _swapped(horizontal + found)
        for y0, x0, y1, x1 in down:
            ends = spans(y0, y1, x0, crossing)
            if ends and new(ends[0], x0, ends[1], x1, columns + upright):
                upright.append((ends[0], x0, ends[1], x1))
        if len(found) + len(upright) == before:
            break
    return _across_table(found, horizontal) + _swapped(_across_table(upright, columns))


def _swapped(lines: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """(x0, y0, x1, y1) boxes as (y0, x0, y1, x1): a vertical line read as a horizontal one."""
    return [(y0, x0, y1, x1) for x0, y0, x1, y1 in lines]


def _ruled_table(horizontal: list[tuple[int, int, int, int]], vertical: list[tuple[int, int, int, int]]) -> bool:
    """Whether the rules are a table's: FILL_TABLE_ROWS horizontal rules or more across
    FILL_TABLE_HEIGHT of the rules' width, and FILL_TABLE_COLUMNS vertical ones, each (its
    pieces together) as tall as FILL_TABLE_HEIGHT of their height. A chart's one axis, its
    legend's box and its gridlines are not, nor are boxes of text side by side."""
    top, bottom = min(line[1] for line in horizontal), max(line[3] for line in horizontal)
    left, right = min(line[0] for line in horizontal + vertical), max(line[2] for line in horizontal + vertical)
    if sum(x1 - x0 >= FILL_TABLE_HEIGHT * (right - left) for x0, _, x1, _ in horizontal) < FILL_TABLE_ROWS:
        return False  # boxes side by side, each its own frame, are no table
    heights: dict[int, int] = {}
    for x0, y0, _, y1 in vertical:
        column = next((x for x in heights if abs(x - x0) <= RULE_TOUCH_PX), x0)
        heights[column] = heights.get(column, 0) + y1 - y0
    return sum(height >= FILL_TABLE_HEIGHT * (bottom - top) for height in heights.values()) >= FILL_TABLE_COLUMNS


def _across_table(
    found: list[tuple[int, int, int, int]], drawn: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]]:
    """Fill edges at one height along FILL_ROW_SHARE or more of the table's width (its
    drawn rules' extent) as one rule across the whole table: a table's row runs its
    width, where two fills of like grey meet too (a coloured header over a dark column).
    Given and returned as horizontal (x0, y0, x1, y1) boxes."""
    if not found:
        return found
    left, right = min(line[0] for line in drawn), max(line[2] for line in drawn)
    rows: list[list[tuple[int, int, int, int]]] = []
    for line in sorted(found, key=lambda line: line[1]):
        if rows and line[1] - rows[-1][0][1] <= MAX_RULE_PX:
            rows[-1].append(line)
        else:
            rows.append([line])
    whole = []
    for row in rows:
        if sum(x1 - x0 for x0, _, x1, _ in row) >= FILL_ROW_SHARE * (right - left):
            whole.append((left, min(line[1] for line in row), right, max(line[3] for line in row)))
        else:
            whole.extend(row)
    return whole


def _runs(dark: Any, shortest: int) -> list[tuple[int, int, int, int]]:
    """Thin horizontal runs of True in `dark` at least `shortest` long, as (x0, y0, x1, y1)
    boxes; runs in consecutive rows with the same ends are one line, kept only when at
    most `MAX_RULE_PX` thick."""
    import numpy as np

    edges = np.diff(np.pad(dark, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    long = ends - starts >= shortest
    open_lines: dict[tuple[int, int], list[int]] = {}  # (start, end) // tolerance -> [x0, y0, x1, y1]
    lines: list[list[int]] = []
    for y, x0, x1 in zip(rows[long].tolist(), starts[long].tolist(), ends[long].tolist(), strict=True):
        key = (x0 // RULE_TOUCH_PX, x1 // RULE_TOUCH_PX)
        line = open_lines.get(key)
        if line is not None and line[3] >= y - 1:
            line[3] = y
            continue
        open_lines[key] = line = [x0, y, x1 - 1, y]
        lines.append(line)
    height = dark.shape[0]

    def edge(x0: int, y0: int, x1: int, y1: int) -> bool:
        # A rule has the page on at least one side; a row of a filled shape (a large
        # letter's stroke, an icon) has more of the shape above and below it.
        beside = [y for y in (y0 - RULE_SIDE_PX, y1 + RULE_SIDE_PX) if 0 <= y < height]
        return not beside or any(dark[y, x0 : x1 + 1].mean() < 0.5 for y in beside)

    return [(x0, y0, x1, y1) for x0, y0, x1, y1 in lines if y1 - y0 < MAX_RULE_PX and edge(x0, y0, x1, y1)]


def _without_lines(image: Any, lines: list[tuple[int, int, int, int]]) -> Any:
    """The image with its ruling lines painted over in the background colour: Tesseract
    reads a vertical rule as '|' and a cell's text better without its borders."""
    import numpy as np
    from PIL import Image

    pixels = np.array(image)
    original = pixels.copy()
    height, width = pixels.shape[:2]
    background = np.median(pixels.reshape(-1, *pixels.shape[2:]), axis=0)
    for x0, y0, x1, y1 in lines:
        top, bottom, left, right = max(0, y0 - 1), min(height, y1 + 2), max(0, x0 - 1), min(width, x1 + 2)
        # A rule inside a dark band takes the band's colour (painted the page's white, it
        # would cut the band into white boxes OCR skips); elsewhere the page's background.
        near, far = SIDE_GAP_PX, SIDE_GAP_PX + SIDE_PX  # past the rule's blurred edge
        if x1 - x0 >= y1 - y0:
            around = [
                original[max(0, top - far) : max(0, top - near), left:right],
                original[bottom + near : bottom + far, left:right],
            ]
        else:
            around = [
                original[top:bottom, max(0, left - far) : max(0, left - near)],
                original[top:bottom, right + near : right + far],
            ]
        samples = np.concatenate([part.reshape(-1, *pixels.shape[2:]) for part in around if part.size])
        side = np.median(samples, axis=0) if len(samples) else background
        dark = float(np.mean(background)) - float(np.mean(side)) > DARKER_THAN_BACKGROUND
        pixels[top:bottom, left:right] = side if dark else background
    return Image.fromarray(pixels)


def _with_lines(layer: Path, lines: list[tuple[int, int, int, int]], size: tuple[int, int]) -> None:
    """Draw `lines` (pixel boxes of an image `size`) into the one-page PDF `layer`, so the
    layout reader finds the ruled tables the picture had."""
    if not lines:
        return
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    scale = 72 / DPI
    drawing = FPDF(unit="pt", format=(size[0] * scale, size[1] * scale))
    drawing.add_page()
    drawing.set_line_width(0.5)
    for x0, y0, x1, y1 in lines:
        if x1 - x0 >= y1 - y0:
            middle = (y0 + y1) / 2 * scale
            drawing.line(x0 * scale, middle, x1 * scale, middle)
        else:
            middle = (x0 + x1) / 2 * scale
            drawing.line(middle, y0 * scale, middle, y1 * scale)
    writer = PdfWriter()
    page = writer.add_page(PdfReader(layer).pages[0])
    page.merge_page(PdfReader(io.BytesIO(bytes(drawing.output()))).pages[0])
    with layer.open("wb") as out:
        writer.write(out)


def light_text_fills(image: Any) -> list[tuple[int, int, int, int]]:
    """The filled shapes of a page image (RGB) with light text on them, as (x0, top, x1,
    bottom) pixel boxes, inside their outline."""
    import numpy as np

    pixels = np.asarray(image)
    found = []
    for box, colour in filled_shapes(image):
        if box[2] - box[0] < FILL_MIN_WIDTH_INCH * DPI:
            continue
        crop = pixels[box[1] : box[3], box[0] : box[2]].astype(np.int16)
        ink = np.abs(crop - colour).max(axis=-1) > FILL_INK
        low, high = FILL_INK_SHARE
        if not low <= float(ink.mean()) <= high:
            continue
        if (crop[ink].mean(axis=-1) > colour.mean()).mean() > 0.5:
            found.append(box)
    return found


def filled_shapes(image: Any) -> list[tuple[tuple[int, int, int, int], Any]]:
    """The filled shapes of a page image (RGB): a chart's bars, a table's shaded rows, a
    coloured box; each as its (x0, top, x1, bottom) pixel box inside its outline and its
    colour (RGB, int16). Found on the image shrunk `FILL_SCALE` times: regions that differ
    from the page's background, at least `FILL_THICK_INCH` thick, of one colour, with a
    filled outline (a rectangle's; not a photograph's edge or a pie's slice), at most
    `FILL_MAX_SHARE` of the page."""
    import numpy as np
    from scipy import ndimage

    shrunk = _shrunk(image)
    if shrunk is None:
        return []
    small, differs = shrunk
    # Where the colour changes (two shapes side by side, a letter's edge), no shape is.
    edge = np.zeros(differs.shape, bool)
    steps = np.abs(np.diff(small, axis=0)).max(axis=-1) > FILL_EDGE
    edge[1:] |= steps
    edge[:-1] |= steps
    steps = np.abs(np.diff(small, axis=1)).max(axis=-1) > FILL_EDGE
    edge[:, 1:] |= steps
    edge[:, :-1] |= steps
    thick = max(1, round(FILL_THICK_INCH * DPI / FILL_SCALE))
    solid = ndimage.binary_opening(differs & ~edge, structure=np.ones((thick, thick)))
    pieces, _ = ndimage.label(solid)
    bridge = max(1, round(FILL_BRIDGE_INCH * DPI / FILL_SCALE))
    joined, _ = ndimage.label(ndimage.binary_closing(solid, structure=np.ones((1, bridge))) | solid)
    shapes: list[tuple[slice, slice, Any]] = []  # rows, columns, colour
    piece_boxes = ndimage.find_objects(pieces)

    def shape(rows: slice, cols: slice, member: Any) -> bool:
        if not _outlined(differs, rows, cols):
            return False
        pixels_in = small[rows, cols][member]
        colour = np.median(pixels_in, axis=0)
        if (np.abs(pixels_in - colour).max(axis=-1) <= FILL_DIFFERS).mean() < FILL_ONE_COLOUR:
            return False
        shapes.append((rows, cols, colour))
        return True

    for index, (rows, cols) in enumerate(ndimage.find_objects(joined), start=1):
        if shape(rows, cols, solid[rows, cols] & (joined[rows, cols] == index)):
            continue
        # Shapes joined across a gap that is no text on them, or of other colours: each
        # one on its own.
        inside = np.unique(pieces[rows, cols][joined[rows, cols] == index])
        for piece in inside[inside > 0].tolist():
            piece_rows, piece_cols = piece_boxes[piece - 1]
            shape(piece_rows, piece_cols, pieces[piece_rows, piece_cols] == piece)
    found = []
    for rows, cols, colour in shapes:
        if (rows.stop - rows.start) * (cols.stop - cols.start) > FILL_MAX_SHARE * small.shape[0] * small.shape[1]:
            continue
        # Inside the shape's outline, clear of its edge.
        box = (
            (cols.start + 1) * FILL_SCALE,
            (rows.start + 1) * FILL_SCALE,
            (cols.stop - 1) * FILL_SCALE,
            (rows.stop - 1) * FILL_SCALE,
        )
        found.append((box, colour))
    return found


def _shrunk(image: Any) -> tuple[Any, Any] | None:
    """The page image (RGB) shrunk `FILL_SCALE` times (int16), and where it differs from the
    page's background (its median colour) by over `FILL_DIFFERS`; None for a page too small."""
    import numpy as np
    from PIL import Image

    width, height = image.size
    small = np.asarray(image.resize((width // FILL_SCALE, height // FILL_SCALE), Image.BOX)).astype(np.int16)
    if min(small.shape[:2]) < 3:
        return None
    background = np.median(small.reshape(-1, small.shape[-1]), axis=0)
    return small, np.abs(small - background).max(axis=-1) > FILL_DIFFERS


def solid_regions(image: Any) -> tuple[Any, list[tuple[int, int, int, int]]]:
    """The solid regions of a page image (RGB): where it differs from the page's background
    over at least `BAR_THICK_INCH` both ways (a chart's bars, a coloured box, a picture;
    not a letter's stroke), found on the image shrunk `FILL_SCALE` times. Returns their
    mask (the shrunk image's size, grown by a step round each to take in its edge) and
    their boxes in pixels, those at least `BAR_MIN_INCH` thick."""
    import numpy as np
    from scipy import ndimage

    shrunk = _shrunk(image)
    if shrunk is None:
        return np.zeros((image.size[1] // FILL_SCALE, image.size[0] // FILL_SCALE), bool), []
    _, differs = shrunk
    thick = max(1, round(BAR_THICK_INCH * DPI / FILL_SCALE))
    pieces, count = ndimage.label(ndimage.binary_opening(differs, structure=np.ones((thick, thick))))
    kept = np.zeros(count + 1, bool)
    boxes = []
    for index, (rows, cols) in enumerate(ndimage.find_objects(pieces), start=1):
        tall, wide = rows.stop - rows.start, cols.stop - cols.start
        if min(tall, wide) * FILL_SCALE < BAR_MIN_INCH * DPI or tall * wide > FILL_MAX_SHARE * pieces.size:
            continue
        kept[index] = True
        boxes.append((cols.start * FILL_SCALE, rows.start * FILL_SCALE, cols.stop * FILL_SCALE, rows.stop * FILL_SCALE))
    return ndimage.binary_dilation(kept[pieces], iterations=2), boxes


def _without_regions(image: Any, mask: Any) -> Any:
    """The page image with the regions of `mask` (shrunk `FILL_SCALE` times) in the page's
    background colour."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image).copy()
    background = np.median(pixels[::8, ::8].reshape(-1, pixels.shape[-1]), axis=0).astype(pixels.dtype)
    full = np.repeat(np.repeat(mask, FILL_SCALE, axis=0), FILL_SCALE, axis=1)
    height, width = min(full.shape[0], pixels.shape[0]), min(full.shape[1], pixels.shape[1])
    pixels[:height, :width][full[:height, :width]] = background
    return Image.fromarray(pixels)


def _outlined(differs: Any, rows: slice, cols: slice) -> bool:
    """Whether the outline of the box `rows`, `cols` of `differs` is filled: a shape's
    rectangle, whatever is written on it."""
    import numpy as np

    box = differs[rows, cols]
    if box.shape[0] < 3 or box.shape[1] < 3:
        return False
    outline = np.concatenate([box[:2].ravel(), box[-2:].ravel(), box[:, :2].ravel(), box[:, -2:].ravel()])
    return float(outline.mean()) >= FILL_OUTLINE


def _as_ink(image: Any, boxes: list[tuple[int, int, int, int]]) -> Any:
    """A white page with only the shapes in `boxes`, each pixel as dark as it differs from
    its shape's colour (the box's median): light text on a dark or coloured fill becomes
    dark text on white."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image)
    out = np.full(pixels.shape[:2], 255, np.uint8)
    for x0, top, x1, bottom in boxes:
        crop = pixels[top:bottom, x0:x1].astype(np.int16)
        colour = np.median(crop.reshape(-1, crop.shape[-1]), axis=0)
        ink = np.abs(crop - colour).max(axis=-1)
        gain = min(FILL_MAX_GAIN, 255 / max(1.0, float(np.percentile(ink, 99))))
        out[top:bottom, x0:x1] = (255 - np.clip(ink * gain, 0, 255)).astype(np.uint8)
    return Image.fromarray(out).convert("RGB")


def _inside(x: float, y: float, boxes: list[tuple[int, int, int, int]]) -> bool:
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


# A line of Tesseract's text layer, and a word of it: its text as UTF-16 in hex. The
# layer writes the lines and their words in the order of its table of words.
_LAYER_LINE_RE = re.compile(rb"BT\s.*?\sET\s?", re.DOTALL)
_LAYER_WORD_RE = re.compile(rb"\[\s*<([0-9A-Fa-f]*)>\s*\]\s*TJ")


def _without_words(content: bytes, words: list[OcrWord], gone: list[bool]) -> bytes | None:
    """Tesseract's text layer `content` with the words `gone` says emptied (where the
    others are written is unchanged), or None when its words are not `words`, in order."""
    found = [match for match in _LAYER_WORD_RE.finditer(content) if match.group(1)]  # emptied before: gone
    if len(found) != len(words):
        return None
    for match, word in zip(found, words, strict=True):
        text = bytes.fromhex(match.group(1).decode()).decode("utf-16-be", errors="replace")
        if text.strip() != word.text:
            return None
    out, last = [], 0
    for match, drop in zip(found, gone, strict=True):
        if drop:
            out += [content[last : match.start(1)], b""]
            last = match.end(1)
    out.append(content[last:])
    return b"".join(out)


Words = tuple[tuple[OcrWord, tuple[int, int, int]], ...]


def _with_fills_read(
    image: Any, boxes: list[tuple[int, int, int, int]], words: Words, layer: Path, base: Path
) -> tuple[Words, int]:
    """The page's reading with what lies on the shapes in `boxes` read again from them
    alone (`_as_ink`): the page's words and lines there are replaced, in `words` and in
    the text layer `layer` (rewritten). Returns the words and how many were read there."""
    fill_words, fill_layer = _tesseract(_as_ink(image, boxes), [], base)
    fill_words = tuple((word, (block + FILL_BLOCKS, par, line)) for word, (block, par, line) in fill_words)
    if not any(word.confidence >= CONFIDENT for word, _ in fill_words):
        return words, 0

    # A word of the page's reading is replaced when it lies on a shape, or is unsure and
    # reaches onto one (OCR's reading of a dark band is a few letters as tall as the band).
    def replaced(word: OcrWord) -> bool:
        x0, top, x1, bottom = word.box
        if _inside((x0 + x1) / 2, (top + bottom) / 2, boxes):
            return True
        return word.confidence < CONFIDENT and any(boxes_meet(word.box, box) for box in boxes)

    gone = [replaced(word) for word, _ in words]
    merged = _merged(words, layer, gone, fill_words, fill_layer, [True] * len(fill_words))
    return (merged, len(fill_words)) if merged is not None else (words, 0)


def _with_regions_cleared_read(
    image: Any, mask: Any, boxes: list[tuple[int, int, int, int]], words: Words, layer: Path, base: Path
) -> tuple[Words, int]:
    """The page's reading with what Tesseract reads once the solid regions (`mask`, with
    `boxes`) are cleared (`solid_regions`): a chart's values and labels beside its bars,
    lost to the page's reading, which took the bars for text, or misread beside them. A
    word read confidently there, on a line near a region, clear of every region (one that
    reaches into a cleared region may have lost its letters there), is added where it
    meets no word of the page's reading, and replaces the words it meets where they were
    read less surely. Returns the words and how many were added."""
    again, again_layer = _tesseract(_without_regions(image, mask), [], base)
    again = tuple((word, (block + CLEARED_BLOCKS, par, line)) for word, (block, par, line) in again)
    gone = [False] * len(words)
    added = []
    near = round(CLEARED_NEAR_INCH * DPI)
    around = [(x0 - near, top - near, x1 + near, bottom + near) for x0, top, x1, bottom in boxes]
    # A line of that reading with a word near a shape: a category label's first words lie
    # further from the axis than its last.
    lines_near = {line for word, line in again if any(boxes_meet(word.box, box) for box in around)}

    def on_region(box: tuple[float, float, float, float]) -> bool:
        x0, top, x1, bottom = (round(v / FILL_SCALE) for v in box)
        return bool(mask[max(0, top) : max(0, bottom) + 1, max(0, x0) : max(0, x1) + 1].any())

    for word, line in again:
        # (A word in type over twice as tall is another line's: the page's reading of a
        # figure set large, "5%...", its box reaching over the small words beside it.)
        met = [
            i
            for i, (old, _) in enumerate(words)
            if not gone[i] and boxes_meet(old.box, word.box) and _height(old.box) <= SAME_TYPE * _height(word.box)
        ]
        if any(words[i][0].text == word.text for i in met):
            added.append(False)  # read alike: the page's reading stands, in its line
            continue
        sure = word.confidence >= CONFIDENT and line in lines_near and not on_region(word.box)
        if sure and all(words[i][0].confidence < word.confidence for i in met):
            for i in met:
                gone[i] = True
            added.append(True)
        else:
            added.append(False)
    if not any(added):
        return words, 0
    merged = _merged(words, layer, gone, again, again_layer, added)
    return (merged, sum(added)) if merged is not None else (words, 0)


def _height(box: tuple[float, float, float, float]) -> float:
    return box[3] - box[1]


def _merged(
    words: Words, layer: Path, gone: list[bool], new: Words, new_layer: Path, added: list[bool]
) -> Words | None:
    """The page's words without those `gone`, then the `added` words of a second reading
    (`new`); `layer` rewritten to hold the same words, the second reading's lines after
    the page's. None (and `layer` unchanged) when a layer does not match its words."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ContentStream

    writer = PdfWriter(clone_from=layer)
    page = writer.pages[0]
    content = page.get_contents()
    page_bytes = content.get_data() if content is not None else b""
    new_content = PdfReader(new_layer).pages[0].get_contents()
    new_bytes = new_content.get_data() if new_content is not None else b""
    page_bytes = _without_words(page_bytes, [word for word, _ in words], gone)
    new_bytes = _without_words(new_bytes, [word for word, _ in new], [not keep for keep in added])
    if page_bytes is None or new_bytes is None:
        return None  # a layer that is not the reading's, line for line: left as it is
    lines = _LAYER_LINE_RE.findall(page_bytes) + [
        line for line in _LAYER_LINE_RE.findall(new_bytes) if any(m.group(1) for m in _LAYER_WORD_RE.finditer(line))
    ]
    prefix = _LAYER_LINE_RE.split(page_bytes)[0]
    stream = ContentStream(None, writer)
    stream.set_data(prefix + b"\n" + b"\n".join(lines))
    page.replace_contents(stream)
    with layer.open("wb") as out:
        writer.write(out)
    kept = tuple(pair for pair, drop in zip(words, gone, strict=True) if not drop)
    return kept + tuple(pair for pair, keep in zip(new, added, strict=True) if keep)


# Tesseract's block numbers of a shape's reading start here, apart from the page's; and
# of the reading with the shapes cleared.
FILL_BLOCKS = 10_000
CLEARED_BLOCKS = 20_000


def _read_page_image(image: Any, number: int, folder: Path) -> tuple[OcrPage, Path]:
    import numpy as np

    started = time.perf_counter()
    grey = np.asarray(image.convert("L"))
    lines = ruling_lines(grey)
    rules = lines + fill_rules(grey, lines)
    image = _without_lines(image, lines)
    words, layer = _tesseract(image, [], folder / f"p{number}")
    page = OcrPage(number, tuple(word for word, _ in words), "plain", False, 0.0)
    if page.confident_chars < RETRY_CHARS or page.confident_chars < RETRY_SHARE * max(1, page.chars):
        from PIL import ImageOps

        grey = ImageOps.autocontrast(image.convert("L"))
        retry_words, retry_layer = _tesseract(grey, ["-c", "thresholding_method=2"], folder / f"p{number}-sauvola")
        retry = OcrPage(number, tuple(word for word, _ in retry_words), "grey-sauvola", True, 0.0)
        if retry.confident_chars > page.confident_chars:
            page, layer, words = retry, retry_layer, retry_words
        else:
            page = OcrPage(number, page.words, "plain", True, 0.0)
    variant = page.variant
    fills = light_text_fills(image)
    if fills:
        words, read = _with_fills_read(image, fills, words, layer, folder / f"p{number}-fills")
        variant += "+fills" if read else ""
    # A chart's figures beside its bars: read again with the bars cleared.
    figures = sum(1 for word, _ in words if any(c.isdigit() for c in word.text))
    if figures >= CLEARED_FIGURES:
        mask, boxes = solid_regions(image)
        if len(boxes) >= CLEARED_SHAPES:
            words, read = _with_regions_cleared_read(image, mask, boxes, words, layer, folder / f"p{number}-cleared")
            variant += "+cleared" if read else ""
    scale = 72 / DPI
    charts = tuple(
        ChartTable(tuple(v * scale for v in chart.box), chart.cells)  # type: ignore[arg-type]
        for chart in bar_charts(image, [word for word, _ in words], DPI, FIGURE_CONFIDENT, _line_reader(image))
    )
    _with_lines(layer, rules, image.size)
    typed, marks = _typography(np.asarray(image.convert("L")), words)
    seconds = time.perf_counter() - started
    return OcrPage(page.number, typed, variant, page.retried, seconds, marks, charts), layer


def _typography(
    grey: Any, words: tuple[tuple[OcrWord, tuple[int, int, int]], ...]
) -> tuple[tuple[OcrWord, ...], tuple[tuple[float, float, float, float], ...]]:
    """What OCR's text drops of a page's typography, read from its image (`grey`, 2-D
    uint8): each word with its line's stroke width, and the bullet marks."""
    scale = 72 / DPI
    lines: dict[tuple[int, int, int], list[OcrWord]] = {}
    for word, line in words:
        lines.setdefault(line, []).append(word)
    typed: list[OcrWord] = []
    marks: list[tuple[float, float, float, float]] = []
    for members in lines.values():
        members.sort(key=lambda word: word.box[0])
        strokes = [(_stroke_width(grey, word.box), len(word.text)) for word in members]
        weights = sum(count for width, count in strokes if width is not None)
        stroke = sum(width * count for width, count in strokes if width is not None) / weights if weights else 0.0
        typed.extend(
            OcrWord(word.text, word.confidence, tuple(v * scale for v in word.box), stroke * scale)  # type: ignore[arg-type]
            for word in members
        )
        heights = sorted(word.box[3] - word.box[1] for word in members)
        height = heights[len(heights) // 2]
        top, bottom = min(word.box[1] for word in members), max(word.box[3] for word in members)
        first = members[0]
        if _read_as_mark(first.text) and _solid(grey, first.box):
            marks.append(first.box)
        else:
            mark = _mark_left_of(grey, first.box[0], top, bottom, height)
            if mark is not None:
                marks.append(mark)
    return tuple(typed), tuple(tuple(v * scale for v in box) for box in marks)  # type: ignore[misc]


def _read_as_mark(text: str) -> bool:
    """A lone character OCR may read in place of a bullet ("=", "_", "«", ".", a round dot
    as "e" or "o"): not another letter or a digit, a currency sign, a bracket or a percent
    sign. (Its ink must still be one solid blob, as a letter's never is.)"""
    if text in ("e", "o"):
        return True
    return (
        len(text) == 1 and not text.isalnum() and unicodedata.category(text) not in {"Sc", "Ps", "Pe"} and text != "%"
    )


def _solid(grey: Any, box: tuple[float, float, float, float]) -> bool:
    """Whether the ink in `box` is one solid, squarish blob (a bullet's dot or square),
    not a character's strokes ("<", "*")."""
    import numpy as np
    from scipy import ndimage

    x0, top, x1, bottom = (int(v) for v in box)
    crop = grey[max(0, top - 1) : bottom + 1, max(0, x0 - 1) : x1 + 1]
    if crop.shape[0] < 3 or crop.shape[1] < 3:
        return False
    background = np.median(np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]]))
    labels, count = ndimage.label(np.abs(crop.astype(np.int16) - int(background)) > DARKER_THAN_BACKGROUND)
    if not count:
        return False
    largest = int(np.argmax(np.bincount(labels.ravel())[1:])) + 1
    rows, cols = ndimage.find_objects(labels)[largest - 1]
    tall, wide = rows.stop - rows.start, cols.stop - cols.start
    return 0.4 <= wide / tall <= 2.5 and (labels[rows, cols] == largest).sum() >= MARK_FILL * tall * wide


def _stroke_width(grey: Any, box: tuple[float, float, float, float]) -> float | None:
    """The mean stroke width of the ink in `box` (pixels): twice its area over its
    boundary. Ink is what differs from the box's border by at least half the most any
    pixel does, so light text on a dark band is measured as well as dark on light."""
    import numpy as np

    x0, top, x1, bottom = (int(v) for v in box)
    crop = grey[max(0, top - 2) : bottom + 2, max(0, x0 - 2) : x1 + 2].astype(np.float32)
    if crop.shape[0] < 3 or crop.shape[1] < 3:
        return None
    background = np.median(np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]]))
    deviation = np.abs(crop - background)
    peak = float(np.percentile(deviation, 99))
    if peak < DARKER_THAN_BACKGROUND * 2 / 3:
        return None
    ink = deviation > peak / 2
    area = int(ink.sum())
    if area < 10:
        return None
    padded = np.pad(ink, 1)
    inner = padded[1:-1, 1:-1] & padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    return 2 * area / max(1, area - int(inner.sum()))


def _mark_left_of(grey: Any, left: float, top: float, bottom: float, height: float) -> tuple[int, int, int, int] | None:
    """A bullet mark OCR left out, left of a line that starts at `left`: a small solid
    blob, vertically inside the line, with nothing right beside it on its left."""
    import numpy as np
    from scipy import ndimage

    x_start = max(0, int(left - (MARK_REACH + MARK_CLEAR + 0.5) * height))
    y_start = max(0, int(top) - 2)
    region = grey[y_start : int(bottom) + 2, x_start : max(x_start, int(left) - 1)]
    if region.shape[0] < 3 or region.shape[1] < 3:
        return None
    background = np.median(np.concatenate([region[0], region[-1], region[:, 0]]))
    labels, _ = ndimage.label(np.abs(region.astype(np.int16) - int(background)) > DARKER_THAN_BACKGROUND)
    blobs = ndimage.find_objects(labels)
    smallest, largest = (share * height for share in MARK_SIZE)
    found = None
    for index, (rows, cols) in enumerate(blobs, start=1):
        tall, wide = rows.stop - rows.start, cols.stop - cols.start
        if cols.start == 0 or cols.stop < region.shape[1] - MARK_REACH * height:
            continue
        if not (smallest <= tall <= largest and smallest <= wide <= largest and 0.4 <= wide / tall <= 2.5):
            continue
        if (labels[rows, cols] == index).sum() < MARK_FILL * tall * wide:
            continue
        middle = (rows.start + rows.stop) / 2 + y_start
        if not (top + 0.2 * (bottom - top) <= middle <= top + 0.9 * (bottom - top)):
            continue
        beside = any(
            other is not None
            and number != index
            and cols.start - MARK_CLEAR * height < other[1].stop <= cols.start
            and other[0].start < rows.stop
            and other[0].stop > rows.start
            for number, other in enumerate(blobs, start=1)
        )
        if not beside and (found is None or cols.stop > found[2] - x_start):
            found = (x_start + cols.start, y_start + rows.start, x_start + cols.stop, y_start + rows.stop)
    return found


def _tesseract(
    image: Any, options: list[str], base: Path
) -> tuple[tuple[tuple[OcrWord, tuple[int, int, int]], ...], Path]:
    """Run Tesseract on one page image: its words with confidences and pixel boxes, each
    with its (block, paragraph, line), and a one-page text-only PDF (`base`.pdf) of the
    same size as the page."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    command = ["tesseract", "-", str(base), "--dpi", str(DPI), "--psm", PAGE_SEGMENTATION, "-l", "eng"]
    command += ["-c", "textonly_pdf=1", *options]
    command += ["pdf", "tsv"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one page per core, not one page on all
    try:
        done = subprocess.run(
            command, input=buffer.getvalue(), capture_output=True, timeout=PAGE_TIMEOUT_S, env=env, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise DeckError(f"OCR of a page took over {PAGE_TIMEOUT_S} s") from error
    layer, table = base.with_suffix(".pdf"), base.with_suffix(".tsv")
    if done.returncode != 0 or not layer.exists() or not table.exists():
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise DeckError(f"OCR failed ({message[-1] if message else done.returncode})")
    words = []
    with table.open(newline="", encoding="utf-8", errors="replace") as rows:
        for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
            text = (row.get("text") or "").strip()
            if text and row.get("level") == "5":
                left, top = int(row.get("left") or 0), int(row.get("top") or 0)
                box = (left, top, left + int(row.get("width") or 0), top + int(row.get("height") or 0))
                line = (int(row.get("block_num") or 0), int(row.get("par_num") or 0), int(row.get("line_num") or 0))
                words.append((OcrWord(text, float(row.get("conf") or 0), box), line))
    return tuple(words), layer


# Characters of a chart's value read again on its own.
VALUE_CHARACTERS = "0123456789.,%$"


def _line_reader(
    image: Any,
) -> Callable[[list[tuple[float, float, float, float]], bool], list[tuple[str, float]]]:
    """Reads one line of figures in each of some boxes of `image`, in one Tesseract run
    (one line, figures' characters only): the boxes' crops set side by side, apart, on a
    strip as high as they are, or with a margin of paper above and below (Tesseract reads
    some values better one way, some the other). Each box's text and its least sure
    word's confidence ("", 0 where none)."""

    def read(boxes: list[tuple[float, float, float, float]], margin: bool) -> list[tuple[str, float]]:
        from PIL import Image

        crops = []
        for box in boxes:
            x0, top, x1, bottom = (round(v) for v in box)
            x0, top = max(0, x0), max(0, top)
            x1, bottom = min(x1, image.width), min(bottom, image.height)
            crops.append(image.crop((x0, top, max(x1, x0 + 1), max(bottom, top + 1))))
        if not crops:
            return []
        height = max(crop.height for crop in crops)
        gap = height if margin else height // 3
        strip = Image.new(
            "RGB", (gap + max(crop.width for crop in crops) + gap, gap + len(crops) * (height + gap)), "white"
        )
        spans, y = [], gap
        for crop in crops:
            strip.paste(crop, (gap, y))
            spans.append((y, y + crop.height))
            y += height + gap
        buffer = io.BytesIO()
        strip.save(buffer, "PNG", compress_level=1)
        command = ["tesseract", "-", "-", "--dpi", str(DPI), "--psm", "6", "-l", "eng"]
        command += ["-c", f"tessedit_char_whitelist={VALUE_CHARACTERS}", "tsv"]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            done = subprocess.run(
                command, input=buffer.getvalue(), capture_output=True, timeout=60, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            return [("", 0.0)] * len(boxes)
        read_words: list[list[tuple[str, float]]] = [[] for _ in boxes]
        output = io.StringIO(done.stdout.decode(errors="replace"))
        for row in csv.DictReader(output, delimiter="\t", quoting=csv.QUOTE_NONE):
            text = (row.get("text") or "").strip()
            if row.get("level") != "5" or not text:
                continue
            middle = int(row.get("top") or 0) + int(row.get("height") or 0) / 2
            for index, (top, bottom) in enumerate(spans):
                if top - gap / 2 <= middle <= bottom + gap / 2:
                    read_words[index].append((text, float(row.get("conf") or 0)))
        return [
            ("".join(text for text, _ in found), min(conf for _, conf in found)) if found else ("", 0.0)
            for found in read_words
        ]

    return read


def ocr_workdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="deckqa-ocr-")
