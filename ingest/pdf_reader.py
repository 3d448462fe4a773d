"""Read a deck PDF into slides, passages and tables.

pypdf gives each page's plain text (the `Slide`); pdfplumber gives the layout: ruled
tables (`Table`) and the lines outside them, grouped into passages (`Chunk`) by
bullet markers, indentation, font size and vertical gaps. Pages without a text layer
are read from the text layer OCR gives them (`ingest.ocr`). One slide per page. Both
readers work from one parse of the page's content stream (`ingest.content_stream`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import logging
import multiprocessing
import os
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pdfplumber
from pypdf import PdfReader

from ingest.charts import ChartTable, boxes_meet
from ingest.content_stream import read_once
from ingest.errors import DeckError
from ingest.facts import YEAR_HEADER_RE, table_facts
from ingest.files import OpenedPdf, open_checked
from ingest.numbers import find_periods, strip_periods
from ingest.ocr import (
    INSTALL_HINT,
    MARK_REACH,
    OcrPage,
    OcrReading,
    OcrWord,
    ocr_cell,
    ocr_pdf,
    ocr_spelling,
    ocr_workdir,
    pages_without_text,
    tesseract_version,
)
from ingest.readable import readable, rejoined
from ingest.records import Chunk, Slide, Table
from ingest.statements import (
    StatementTable,
    complete_periods,
    inherit_headings,
    read_statements,
    stated_year_end_month,
)
from ingest.text import model_words

logging.getLogger("pdfminer").setLevel(logging.ERROR)
logging.getLogger("pypdf").setLevel(logging.ERROR)
# pdfplumber logs a metadata value it cannot parse ("[WARNING] Metadata key ..."), which
# the reading does without: not a line for the CLI's stderr.
logging.getLogger("pdfplumber").setLevel(logging.ERROR)

BULLET_RE = re.compile(
    # A symbol font's glyph in the private use area ("\uf0b7") is a bullet too.
    r"^(?:[-\u2013\u2022\u00b7\u25c6\u27a4>\u2713\u221a\u2666\u25a0\u25aa\u25cf\u25cb*\u00bb\ue000-\uf8ff]|\d{1,2}[.)])\s+"
)
UNIT_LINE_RE = re.compile(r"^\(?\s*unit\s*[:=]?\s*(?P<unit>[^)]+?)\s*\)?$", re.IGNORECASE)
CHART_PREFIX = "Chart data:"
# An OCR'd word's right edge is moved right by this share of its height (see `_read_page`).
OCR_INK_WIDENING = 0.45
# Lines further apart than this many line-heights start a new passage.
PARAGRAPH_GAP = 0.9
# A ruled "table" covering this share of the page or more is the page's frame.
PAGE_FRAME_SHARE = 0.9
# A paragraph's first line is indented by at most this many ems.
INDENT_EMS = 6
# A sentence wraps into a line whose type is at most this much larger or smaller (OCR
# measures one type's size from each line's letters).
WRAP_SIZE_RATIO = 1.4
# Words whose tops are this share of their size apart (at least 2 points) stand on one row.
ROW_SHARE = 0.1
# A row printed above a table's ruling is at most this many line heights above it.
ROW_ABOVE_GAP = 1.0
# Two columns of running text (lines of this many words or more, this many on either
# side) have a gutter in the middle GUTTER_SPAN of the page, wherever it is.
COLUMN_PROSE_WORDS = 5
COLUMN_PROSE_LINES = 3
GUTTER_SPAN = 0.6
# Two columns OCR read as one: rows with at least GUTTER_WORDS words either side of the
# gutter, the nearest of letters, in at least GUTTER_ROWS rows.
GUTTER_WORDS = 3
GUTTER_ROWS = 4
LETTERS_RE = re.compile(r"[A-Za-z][A-Za-z'’.,;:-]*")
# A diagram's labels: lines of at most this many words in a row, each label at most two
# lines, the second centred under the first within this many ems; looked for among this
# many passages before.
LABEL_WORDS = 3
LABEL_CENTRE_EMS = 0.75
LABEL_ROW_LOOKBACK = 12
# Lines overlap by at most this share of their type's size (a "y" above a "2") one below
# the other; more, they are level.
OVERLAP_SHARE = 0.2
# A line of at least this many words, most not capitalised, is running text, not a
# heading (see `_running_text`).
RUNNING_TEXT_WORDS = 8
# A line in a face of its own is a heading if it has at most this many words and no figure.
HEADING_MAX_WORDS = 12
# An underline runs under most of its line's width (this share or more, no more than an
# em past either end), its top within this many ems of the line's foot.
UNDERLINE_SHARE = 0.7
UNDERLINE_GAP_EMS = 0.5
# A link and a date are underlined as what they are, not as headings (a statement's
# column dates "January 28, 2023").
UNDERLINED_NOT_HEADING_RE = re.compile(r"www\.|https?:|\S@\S|\.(?:com|org|net)\b|\b(?:19|20)\d{2}\b")
# A table's first row is content, not its header, when one of its cells is written as
# the cells below it are: at least this many words, as most of them are.
CONTENT_CELL_WORDS = 5
FIGURE_LINE_RE = re.compile(r"\d[\d,.]*\s*%|[$€£¥]\s*\d")
# pdfplumber settings for ruled tables: every cell is bordered, so lines alone
# delimit cells (text-based detection would split wrapped cells).
TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
# Documents with at least this many pages are read by several (forked) processes, this
# many pages per task.
PARALLEL_PAGES = 16
# Above this share of a page's characters in grey, grey is the text's colour, not a
# chart's mark.
GREY_TEXT_SHARE = 0.8
PAGES_PER_TASK = 8
MAX_READERS = 4


@dataclass(frozen=True)
class ParsedDeck:
    title: str
    sha256: str
    slides: tuple[Slide, ...]
    chunks: tuple[Chunk, ...]
    tables: tuple[Table, ...]
    statements: tuple[tuple[str, StatementTable], ...] = ()  # (table id, unruled table read from word positions)
    warnings: tuple[str, ...] = ()  # what the reading had to work around, for the manifest and the CLI
    ocr: OcrReading | None = None  # the pages read by OCR, when any
    unread_pages: tuple[int, ...] = ()  # pages that could not be read (damaged), left out


def check_page_count(pdf: OpenedPdf, max_pages: int) -> int:
    """The PDF's page count, or a `DeckError` when it is over `max_pages` (checked before
    any reading, so a huge upload costs nothing)."""
    if not pdf.pages:
        raise DeckError(f"PDF has no pages: {pdf.source}")
    if pdf.pages > max_pages:
        raise DeckError(f"the PDF has {pdf.pages} pages; the limit is {max_pages} (DECKQA_MAX_PAGES): {pdf.source}")
    return pdf.pages


def validate_pdf(pdf: OpenedPdf) -> None:
    """A `DeckError` for a deck that cannot be used (no pages, no text and no OCR engine
    to read it). Cheap: no layout, and text only until a page has some."""
    with _pdf_errors(pdf.source):
        reader = _text_reader(pdf.path)
        if not reader.pages:
            raise DeckError(f"PDF has no pages: {pdf.source}")
        if not any(_page_has_text(page) for page in reader.pages):
            if not any(_has_image(page) for page in reader.pages):
                raise DeckError(f"no extractable text, and no pictures to read by OCR: {pdf.source}")
            if tesseract_version() is None:
                raise DeckError(f"no text layer on any page (an image-only PDF); {INSTALL_HINT}: {pdf.source}")


def _page_has_text(page: Any) -> bool:
    """Whether a page has text; a page that cannot be read has none (it is left out)."""
    try:
        return bool((page.extract_text() or "").strip())
    except Exception:  # a damaged page: the reading skips it and says so
        return False


@contextmanager
def _pdf_errors(path: Path) -> Iterator[None]:
    """Anything a PDF library raises on a broken file, as a one-line `DeckError`."""
    try:
        yield
    except DeckError:
        raise
    except BrokenProcessPool as error:
        raise DeckError(f"reading stopped: a reader process died (out of memory?): {path}") from error
    except Exception as error:  # pypdf and pdfminer raise many types on broken content
        raise DeckError(f"damaged PDF ({type(error).__name__}: {error}): {path}") from error


def _text_reader(path: Path) -> PdfReader:
    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        raise DeckError(f"encrypted PDF, decrypt it first: {path}")
    return reader


def read_deck(
    path: Path,
    progress: Callable[[int, int], None] | None = None,
    ocr_progress: Callable[[int, int], None] | None = None,
    name: Path | None = None,
) -> ParsedDeck:
    """Parse the deck at `path`. Raises `DeckError` for anything unusable, naming the file
    `name` (the file as given, when `path` is its decrypted or repaired copy). Pages with
    no text layer are read by OCR when Tesseract is installed (`ocr_progress` then counts
    them, starting at 0 before the first)."""
    try:
        return _read_deck(path, progress, ocr_progress)
    except DeckError as error:
        if name is None or name == path:
            raise
        raise DeckError(str(error).replace(str(path), str(name))) from error.__cause__


def _read_deck(
    path: Path,
    progress: Callable[[int, int], None] | None,
    ocr_progress: Callable[[int, int], None] | None,
) -> ParsedDeck:
    data = open_checked(path)
    metadata_title = _metadata_title(path)

    slides: list[Slide] = []
    chunks: list[Chunk] = []
    tables: list[Table] = []
    statements: list[StatementTable] = []
    split_pages: list[int] = []
    warnings = []
    with _pdf_errors(path):
        pages = list(_read_pages(path, progress))
    if not pages:
        raise DeckError(f"PDF has no pages: {path}")
    unreadable = [number for number, (_, layout) in enumerate(pages, start=1) if layout.unread]
    if len(unreadable) == len(pages):
        raise DeckError(f"damaged PDF ({pages[0][1].unread}): no page could be read: {path}")
    if unreadable:
        first = pages[unreadable[0] - 1][1].unread
        warnings.append(f"{len(unreadable)} pages could not be read and are left out ({_listed(unreadable)}): {first}")
    pages, ocr, unread = _with_ocr(path, pages, ocr_progress)
    if unread:
        warnings.append(f"{len(unread)} pages have no text layer and were not read ({_listed(unread)}); {INSTALL_HINT}")
    read_by_ocr = {page.number for page in ocr.pages} if ocr is not None else set()
    failed = sorted(number for number in read_by_ocr if pages[number - 1][1].unread)
    if failed:
        first = pages[failed[0] - 1][1].unread
        warnings.append(
            f"{len(failed)} pages read by OCR could not be laid out and are left out ({_listed(failed)}): {first}"
        )
    with _pdf_errors(path):
        for number, (text, layout) in enumerate(pages, start=1):
            title = layout.title or _first_line(text, number in read_by_ocr) or f"Slide {number}"
            cleaned = _clean_text(text)
            slides.append(Slide(number=number, title=title, text=cleaned, periods=tuple(find_periods(cleaned))))
            table_titles = {raw_table.title for raw_table in layout.tables if raw_table.title}
            chunks.extend(_passages(layout.lines, number, title, table_titles))
            for index, raw_table in enumerate(layout.tables, start=1):
                table = _table_record(raw_table, number, index)
                if table is not None:
                    tables.append(table)
                    chunks.extend(_table_row_chunks(table, title))
            statements.extend(layout.statements)
            if _digits_split(layout.plain_text, text):
                split_pages.append(number)
    if not any(slide.text.strip() for slide in slides):
        read = "OCR found no text either" if ocr else "no text layer (an image-only PDF?)"
        raise DeckError(f"no extractable text: {read}: {path}")
    # Headings printed once for a statement continued over pages, years that stand for a
    # fiscal year: completed from the whole document.
    named = []
    year_end_month = stated_year_end_month("\n".join(slide.text for slide in slides))
    for index, statement in enumerate(complete_periods(inherit_headings(statements), year_end_month), start=1):
        table = statement_table(statement, f"p{statement.page}-u{index}")
        tables.append(table)
        chunks.extend(_table_row_chunks(table, slides[statement.page - 1].title))
        named.append((table.table_id, statement))
    if split_pages:
        warnings.append(
            f"figures split by the layout reader on {len(split_pages)} pages ({_listed(split_pages)}), as in '1 ,696': "
            "joined by position; the text reader keeps them whole"
        )
    deck_title = metadata_title or (slides[0].title if slides else path.stem)
    return ParsedDeck(
        title=deck_title,
        sha256=hashlib.sha256(data).hexdigest(),
        slides=tuple(slides),
        chunks=tuple(chunks),
        tables=tuple(tables),
        statements=tuple(named),
        warnings=tuple(warnings),
        ocr=ocr,
        unread_pages=tuple(unreadable),
    )


def _with_ocr(
    path: Path, pages: list[tuple[str, _PageLayout]], progress: Callable[[int, int], None] | None
) -> tuple[list[tuple[str, _PageLayout]], OcrReading | None, list[int]]:
    """`pages` with those that have no text layer read again from their OCR text layer;
    the OCR reading; the pages left unread (no OCR engine)."""
    empty = pages_without_text([text for text, _ in pages], [layout.picture_share for _, layout in pages])
    empty = [number for number in empty if not pages[number - 1][1].unread]
    if empty:
        reader = _text_reader(path)
        empty = [number for number in empty if _has_image(reader.pages[number - 1])]
    if not empty:
        return pages, None, []
    if tesseract_version() is None:
        if len(empty) == len(pages) or not any(text.strip() for text, _ in pages):
            raise DeckError(f"no text layer on any page (an image-only PDF); {INSTALL_HINT}: {path}")
        return pages, None, empty
    if progress is not None:
        progress(0, len(empty))
    with ocr_workdir() as work, _pdf_errors(path):
        merged, reading = ocr_pdf(path, empty, Path(work), progress)
        read = dict(zip(empty, _read_numbers(merged, reading), strict=True))
    return [read.get(number, page) for number, page in enumerate(pages, start=1)], reading, []


def _has_image(page: Any, depth: int = 3) -> bool:
    """Whether a page draws a picture (an image XObject, directly or inside a form): a page
    without text and without pictures (blank, or vector drawings) has nothing to OCR."""
    try:
        resources = page.get("/Resources")
        objects = resources.get_object().get("/XObject") if resources is not None else None
        if objects is None:
            return False
        for reference in objects.get_object().values():
            xobject = reference.get_object()
            subtype = xobject.get("/Subtype")
            if subtype == "/Image" or (subtype == "/Form" and depth > 0 and _has_image(xobject, depth - 1)):
                return True
    except Exception:  # a damaged page's resources: nothing to read by OCR there
        return False
    return False


def _read_numbers(path: Path, reading: OcrReading) -> Iterator[tuple[str, _PageLayout]]:
    """The pages OCR read (`path` holds their text layers), as `_read_range` reads them."""
    for page in reading.pages:
        yield from _read_range(path, page.number - 1, page.number, ocr=page)


def _listed(numbers: list[int], shown: int = 8) -> str:
    return ", ".join(str(number) for number in numbers[:shown]) + (" ..." if len(numbers) > shown else "")


def _read_pages(path: Path, progress: Callable[[int, int], None] | None) -> Iterator[tuple[str, _PageLayout]]:
    """Each page's plain text (pypdf) and layout (pdfplumber), in page order. A long
    document is read by one process per core, a few pages per task; a short one here."""
    total = len(_text_reader(path).pages)
    workers = min(os.cpu_count() or 1, MAX_READERS)
    if total < PARALLEL_PAGES or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for number, page in enumerate(_read_range(path, 0, total), start=1):
            yield page
            if progress is not None:
                progress(number, total)
        return
    ranges = [(first, min(first + PAGES_PER_TASK, total)) for first in range(0, total, PAGES_PER_TASK)]
    # Forked: a spawned reader would re-run the caller's main script (the chat's, a
    # server's). The child only reads the file with pure-Python libraries already imported.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        tasks = [pool.submit(_read_range_list, path, first, last) for first, last in ranges]
        try:
            for task, (_, last) in zip(tasks, ranges, strict=True):
                yield from task.result()
                if progress is not None:
                    progress(last, total)
        finally:
            for task in tasks:
                task.cancel()


def _read_range(path: Path, first: int, last: int, ocr: OcrPage | None = None) -> Iterator[tuple[str, _PageLayout]]:
    """Pages `first` to `last` (0-based, end excluded). A page that cannot be read (a
    damaged content stream, a font past repair) comes back empty, its error in `unread`:
    the others are still read."""
    reader = _text_reader(path)
    with pdfplumber.open(path) as pdf:
        for index in range(first, last):
            try:
                page = pdf.pages[index]
                text = read_once(reader.pages[index], page)  # one parse of the page for both readers
                layout = _read_page(page, index + 1, ocr)
                if UNMAPPED in text or UNMAPPED in layout.plain_text:
                    text, layout = _with_ligatures(text), _with_ligatures(layout)
                page.close()  # drop the page's cached layout: memory stays flat on long documents
            except Exception as error:  # pypdf and pdfminer raise many types on broken content
                text, layout = "", _PageLayout("", [], [], [], unread=f"{type(error).__name__}: {_one_line(error)}")
            yield text, layout


def _one_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__


# A ligature glyph ("ﬁ", "ﬂ", "ﬀ") whose font maps it to no character comes out as NUL:
# "\x00rst quarter", "e\x00ective tax rate". Each such word is read back with the ligature
# that makes it a word of the embedding model's vocabulary, else with "fi", the most common.
UNMAPPED = "\x00"
LIGATURES = ("fi", "fl", "ff", "ffi", "ffl")
UNMAPPED_WORD_RE = re.compile(r"[A-Za-z]*\x00[A-Za-z\x00]*")


def _with_ligatures(value: Any) -> Any:
    """`value` (text, or a page layout and everything in it) with each NUL-ligature word
    read back (`UNMAPPED`)."""
    if isinstance(value, str):
        return UNMAPPED_WORD_RE.sub(lambda match: _ligature_word(match.group(0)), value) if UNMAPPED in value else value
    if isinstance(value, list | tuple):
        return type(value)(_with_ligatures(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{field.name: _with_ligatures(getattr(value, field.name)) for field in dataclasses.fields(value)}
        )
    return value


def _ligature_word(word: str) -> str:
    known = model_words()
    for ligature in LIGATURES:
        candidate = word.replace(UNMAPPED, ligature)
        if candidate.lower() in known:
            return candidate
    return word.replace(UNMAPPED, LIGATURES[0])


def _read_range_list(path: Path, first: int, last: int) -> list[tuple[str, _PageLayout]]:
    """One reader process's task (its errors come back as `DeckError`)."""
    with _pdf_errors(path):
        return list(_read_range(path, first, last))


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    grey: bool
    font: str = ""  # the font most of its words are set in


@dataclass
class _RawTable:
    title: str
    unit: str
    cells: list[list[str]]
    # Its first row is its header, even empty (a chart of one series names none).
    headed: bool = False


@dataclass
class _PageLayout:
    title: str
    lines: list[_Line]
    tables: list[_RawTable]
    statements: list[StatementTable]
    plain_text: str = ""
    unread: str = ""  # why the page could not be read ("" when it was)
    picture_share: float = 0.0  # the share of the page its pictures cover


def _read_page(page: Any, number: int, ocr: OcrPage | None = None) -> _PageLayout:
    """One page's layout. `ocr`: what OCR read of the page, whose text layer this is. Its
    words span their ink, narrower than a font's advance widths by about 0.45 of the
    word's height (median over the words of the bundled deck and a release, matched with
    their text layers); for reading tables from word positions each word is widened by
    that much, so the gaps between a label and its figures read as in a text PDF. Its
    lines get back the bold, sizes and bullets OCR's text layer drops (`_ocr_typography`)."""

    def extract_words(source: Any, **options: Any) -> list[dict[str, Any]]:
        words = source.extract_words(use_text_flow=ocr is not None, **options)
        if ocr is None:
            return words
        return [
            {**word, "x1": word["x1"] + OCR_INK_WIDENING * (word["bottom"] - word["top"])}
            for word in _on_baselines(words)
        ]

    # A frame ruled round the whole page (a slide's border or background) is no table, nor
    # is a box of one row round text beside text: read as tables, they took every word of
    # their page out of its passages.
    area = float(page.width) * float(page.height)
    found = [
        table
        for table in page.find_tables(TABLE_SETTINGS)
        if _area(table.bbox) < PAGE_FRAME_SHARE * area
        and sum(1 for row in table.extract() if any(cell and cell.strip() for cell in row)) > 1
    ]
    # Unruled tables read from all the page's words: where one has column periods, the
    # ruling pdfplumber found there is shading (one-row tables without headers), not the table.
    # Plain words: a font change inside a figure or a date must not split it.
    all_words = extract_words(page)
    # A bar chart OCR's picture showed (`ingest.charts`) is its table: no other reading of
    # its words is.
    charts = list(ocr.charts) if ocr is not None else []
    chart_boxes = [chart.box for chart in charts]
    read = [
        statement
        for statement in read_statements(all_words, number, float(page.width))
        if any(statement.periods)
        and not any(_overlaps(box, statement) for box in chart_boxes)
        # On an OCR'd page the rulings are rules drawn back from its image, not shading.
        and _statement_reads_better(
            statement, [t for t in found if _overlaps(t.bbox, statement)], number, ocr is not None
        )
    ]
    found = [
        table
        for table in found
        if not any(_overlaps(table.bbox, statement) for statement in read)
        and not any(boxes_meet(table.bbox, box) for box in chart_boxes)
    ]
    boxes = [table.bbox for table in found] + chart_boxes

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    free = page.filter(outside_tables) if boxes else page
    words = free.extract_words(extra_attrs=["size", "fontname", "non_stroking_color"], use_text_flow=ocr is not None)
    if ocr is not None:
        words = _ocr_typography(_on_baselines(words), ocr)
    free_words = extract_words(free) if boxes else all_words  # no table: the page's own words
    statements = read + [
        table
        for table in read_statements(free_words, number, float(page.width))
        if not any(table.top <= other.bottom and table.bottom >= other.top for other in read)
        and not any(_overlaps(box, table) for box in chart_boxes)
    ]
    # A statement's lines are its rows (and their figures are its facts), not passages.
    words = [word for word in words if not any(t.top - 1 <= float(word["top"]) <= t.bottom + 1 for t in statements)]
    gutter = _word_gutter(words, float(page.width)) if ocr is not None else None
    lines = [line for line in _segments(words, gutter) if line.text]
    if ocr is not None:
        lines = _glued_bullets(lines)
    # Grey marks a chart's figures where it sets them apart from the page's text; on a
    # page mostly printed in grey it is just the colour of the text.
    grey_chars = sum(len(line.text) for line in lines if line.grey)
    if grey_chars > GREY_TEXT_SHARE * sum(len(line.text) for line in lines):
        lines = [replace(line, grey=False) for line in lines]
    lines = _heading_faces(lines)
    if ocr is not None:
        # A picture's underline, drawn back as a rule (a text layer's underlines are mostly
        # links' and tables', and its headings say so by their face).
        lines = _underlined(lines, page.horizontal_edges)
    lines = _drop_page_furniture(lines, page.height, number)
    lines = reading_order(lines, float(page.width))
    title_lines = _title_lines(lines, page.height, read_by_ocr=ocr is not None)
    title = " ".join(line.text for line in title_lines)
    if title_lines and not _set_apart(title_lines, lines):
        # In the type of the page's text, the title ends where the running text starts
        # (a release's "Domestic SG&A" heading, then its paragraph). A page opening
        # with running text has no title lines: its first line names it, and stays text.
        heading = list(itertools.takewhile(lambda line: not _running_text(line.text), title_lines))
        title = " ".join(line.text for line in heading) or _first_heading(lines) or title_lines[0].text
        title_lines = heading
    # Running text above the largest type makes that a section's heading inside the
    # page ("Business Outlook" below the bullets carried over): it names the page but
    # heads only what follows it, and nothing above it is furniture.
    if title_lines and any(
        _running_text(line.text) for line in lines if line.bottom <= title_lines[0].top and line not in title_lines
    ):
        title_lines = []
    # Lines beside the title (a section label in the header band) are page furniture;
    # running text beside it (another column's) is not.
    header_bottom = max((line.bottom for line in title_lines), default=0.0)
    body = [
        line
        for line in lines
        if line not in title_lines and (line.top >= header_bottom - 1 or _running_text(line.text))
    ]
    # Nor are a statement's column headings passages ("Q4 2022 Q4 2021 vs. Q4 2021"); they
    # may still name the page.
    heads = [(t.head_top, t.top) for t in statements if t.head_top is not None]
    body = [line for line in body if not any(top - 1 <= line.top < bottom - 1 for top, bottom in heads)]

    tables = []
    for table in found:
        box = table.bbox
        cells = [[_clean_cell(cell) for cell in row] for row in table.extract()]
        # Rows set above its ruling in its columns (a header printed on a band of colour):
        # the table's first rows, no passages.
        band, top_rows = _rows_above(table, body)
        if band:
            cells = top_rows + cells
            body = [line for line in body if not any(line is taken for taken in band)]
            box = (box[0], min(line.top for line in band), box[2], box[3])
        if ocr is not None:
            cells = [[ocr_cell(cell) for cell in row] for row in cells]
        caption_lines = [
            line for line in body if box[1] - 40 <= line.bottom <= box[1] + 1 and line.x0 < box[2] and line.x1 > box[0]
        ]
        caption_lines.sort(key=lambda line: (round(line.top), line.x0))
        title_text, unit, dates = "", "", ""
        for _, same_line in itertools.groupby(caption_lines, key=lambda line: round(line.top)):
            text = " ".join(line.text for line in same_line)
            unit_match = UNIT_LINE_RE.match(text)
            if unit_match:
                unit = unit_match.group("unit").strip()
            elif _dates_only(text):
                # The columns' dates set above the ruling ("December 31, 2022  December 31,
                # 2021"), left to right: the table's title carries them, in their order.
                dates = text
            elif text.strip().startswith("(") and _scale_caption(text):
                continue  # the amounts' scale, read below
            elif not text.rstrip().endswith(".") and not _running_text(text):  # a paragraph's lines are none
                title_text, dates = text, ""
        if not unit:
            # "(In millions, except per share data)" over the table or the page it is on:
            # its amounts' scale, in the currency its cells print.
            captions = [line for line in lines if line.bottom <= box[1] + 1 and _scale_caption(line.text)]
            if captions:
                caption = max(captions, key=lambda line: line.bottom).text
                dollars = "$" in caption or any("$" in cell for row in cells for cell in row)
                unit = f"USD {_scale_caption(caption)}" if dollars else _scale_caption(caption)
        if not title_text:
            # No caption right above: the nearest heading above names the table.
            above = [line for line in body if line.bottom <= box[1] + 1 and line.bold and not _running_text(line.text)]
            title_text = max(above, key=lambda line: line.bottom).text if above else ""
        title_text = " ".join(part for part in (title_text, dates) if part)
        tables.append(_RawTable(title=title_text, unit=unit, cells=cells))
    tables += [_chart_table(chart, title) for chart in charts]
    plain_text = " ".join(str(word["text"]) for word in all_words)
    return _PageLayout(
        title=title,
        lines=body,
        tables=tables,
        statements=statements,
        plain_text=plain_text,
        picture_share=_picture_share(page) if ocr is None else 0.0,
    )


# An OCR'd line whose ink's mean stroke width is over this share of its font size is
# bold. Chosen on the bundled deck rasterised at 150 dpi (1,098 lines matched with its
# text layer: 98% right); on a release held out (1,623 lines), 94% right: 89% of its
# bold lines found, 4% of its regular lines taken for bold.
BOLD_STROKE = 0.127
# Words of an OCR'd page whose bottoms are this close (points) stand on one baseline.
BASELINE_TOLERANCE = 1.5
# OCR's text layer sizes each line from its own letters: sizes this close are one size.
OCR_SIZE_TOLERANCE = 0.15
# ... and from their ink: a line without a descending letter is sized this much smaller
# (a bullet's wrapped line "customers worldwide" 15 pt under "... for 48 million" 19 pt;
# a title in capitals, "RECOMMENDED READING", under the first bullet below it).
DESCENDER_SHARE = 0.2
DESCENDERS = frozenset("gjpqy()[]{}")


def _ocr_typography(words: list[dict[str, Any]], ocr: OcrPage) -> list[dict[str, Any]]:
    """`words` of an OCR'd page's text layer (one font, a size per line) with the
    typography the layout reader uses put back from what OCR measured on the image: bold
    (a line's stroke width against its size), sizes within `OCR_SIZE_TOLERANCE` made one,
    acronyms' capital "I" read back from "l" (`ocr_spelling`), and a "•" before each line that starts at a bullet mark (in place of a character OCR
    read for the mark)."""
    near: dict[int, list[OcrWord]] = {}
    for read in ocr.words:
        near.setdefault(int((read.box[1] + read.box[3]) / 2) // 10, []).append(read)

    def measured(word: dict[str, Any]) -> OcrWord | None:
        x, y = (float(word["x0"]) + float(word["x1"])) / 2, (float(word["top"]) + float(word["bottom"])) / 2
        for key in (int(y) // 10 - 1, int(y) // 10, int(y) // 10 + 1):
            for read in near.get(key, ()):
                if read.box[0] - 1 <= x <= read.box[2] + 1 and read.box[1] - 1 <= y <= read.box[3] + 1:
                    return read
        return None

    # Bold is the ink's stroke against the size OCR measured; the classes of sizes are
    # of the lines' full heights.
    full = [float(word["size"]) for word in _full_height(words)]
    sizes = _size_classes(full)
    typed = []
    for word, size in zip(words, full, strict=True):
        read, inked = measured(word), float(word["size"])
        bold = read is not None and inked > 0 and read.line_stroke / inked > BOLD_STROKE
        typed.append({**word, "size": sizes[size], "fontname": "OCR-Bold" if bold else "OCR"})
    for x0, top, x1, bottom in ocr.marks:
        middle = (top + bottom) / 2
        # A character OCR read for the mark itself gives way to the mark.
        typed = [
            w
            for w in typed
            if not (x0 - 1 <= float(w["x0"]) and float(w["x1"]) <= x1 + 1 and w["top"] <= middle <= w["bottom"])
        ]
        after = [
            w
            for w in typed
            if float(w["top"]) <= middle <= float(w["bottom"])
            and x1 - 1 <= float(w["x0"]) <= x1 + MARK_REACH * (float(w["bottom"]) - float(w["top"]))
        ]
        if after:
            first = min(after, key=lambda w: float(w["x0"]))
            # The mark reaches its line's first word, so it is never a column apart.
            typed.append({**first, "text": "\u2022", "x0": x0, "x1": float(first["x0"]) - 0.5})
    return typed


def _on_baselines(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OCR'd words spelled as `ocr_spelling` reads them, each as tall as the words on its
    baseline. OCR's text layer sizes each word from its own letters, so "(3.2)%" (its
    brackets reach higher) starts above the figures beside it and the reader would take
    it for a line of its own; the words' bottoms, their baseline, agree."""
    ordered = sorted(words, key=lambda word: float(word["bottom"]))
    result: list[dict[str, Any]] = []
    start = 0
    for end in range(1, len(ordered) + 1):
        if end < len(ordered) and float(ordered[end]["bottom"]) - float(ordered[start]["bottom"]) <= BASELINE_TOLERANCE:
            continue
        line = ordered[start:end]
        heights = sorted(float(word["bottom"]) - float(word["top"]) for word in line)
        height = heights[len(heights) // 2]
        result.extend(
            {**word, "text": ocr_spelling(str(word["text"])), "top": float(word["bottom"]) - height} for word in line
        )
        start = end
    return result


def _full_height(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OCR'd words with the size of their line as if it had a descending letter: a
    line's words share its size and top."""
    lines: dict[tuple[float, float], list[str]] = {}
    for word in words:
        lines.setdefault((round(float(word["top"]), 1), float(word["size"])), []).append(word["text"])
    shallow = {
        key
        for key, texts in lines.items()
        if any(char.isalpha() for char in "".join(texts)) and not DESCENDERS.intersection("".join(texts))
    }
    return [
        {**word, "size": round(float(word["size"]) / (1 - DESCENDER_SHARE), 1)}
        if (round(float(word["top"]), 1), float(word["size"])) in shallow
        else word
        for word in words
    ]


def _size_classes(sizes: list[float]) -> dict[float, float]:
    """Each size mapped to the commonest size of its class: sizes sorted, a class starting
    where one is more than `OCR_SIZE_TOLERANCE` above the class's smallest."""
    counts = Counter(sizes)
    classes: list[list[float]] = []
    for size in sorted(counts):
        if classes and size <= classes[-1][0] * (1 + OCR_SIZE_TOLERANCE):
            classes[-1].append(size)
        else:
            classes.append([size])
    return {size: max(members, key=counts.__getitem__) for members in classes for size in members}


# Words on one baseline further apart than this many font sizes belong to different
# columns or table-like blocks, not to one line of text.
COLUMN_GAP = 2.0


def _segments(words: list[dict[str, Any]], gutter: float | None = None) -> list[_Line]:
    """Group words into line segments: same baseline, no wide horizontal gap, and not
    across a `gutter` between columns."""
    segments = []
    for row in _rows(words):
        current = [row[0]]
        for word in row[1:]:
            gap = float(word["x0"]) - float(current[-1]["x1"])
            across = gutter is not None and float(current[-1]["x1"]) <= gutter <= float(word["x0"])
            if gap > COLUMN_GAP * float(word.get("size", 10)) or across:
                segments.append(_line(current))
                current = [word]
            else:
                current.append(word)
        segments.append(_line(current))
    return segments


def _rows(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words on one row (their tops within 2 points, or a tenth of the type's size where
    it is set large), each row left to right."""
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        near = max(2.0, ROW_SHARE * float(word.get("size", 0.0)))
        if rows and abs(float(rows[-1][0]["top"]) - float(word["top"])) <= near:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: float(w["x0"])) for row in rows]


def _word_gutter(words: list[dict[str, Any]], width: float) -> float | None:
    """On an OCR'd page, the gutter between two columns of text set close together, whose
    rows OCR read across (a gap no wider than between words): the x in the middle
    GUTTER_SPAN of the page that no word crosses and that the most rows have words of
    letters right before and after (GUTTER_WORDS or more a side), in GUTTER_ROWS rows or
    more; or None."""
    rows = _rows(words)
    read = [word for word in words if word["text"] != "\u2022"]  # (a bullet mark reaches to its line)
    best: tuple[int, float] | None = None
    for x in range(int(width * (1 - GUTTER_SPAN) / 2), int(width * (1 + GUTTER_SPAN) / 2)):
        if any(float(word["x0"]) < x < float(word["x1"]) for word in read):
            continue
        across = 0
        for row in rows:
            before = [word for word in row if float(word["x1"]) <= x]
            after = [word for word in row if float(word["x0"]) >= x]
            if (
                len(before) >= GUTTER_WORDS
                and len(after) >= GUTTER_WORDS
                and LETTERS_RE.fullmatch(str(before[-1]["text"]))
                and LETTERS_RE.fullmatch(str(after[0]["text"]))
            ):
                across += 1
        if across >= GUTTER_ROWS and (best is None or across > best[0]):
            best = (across, float(x))
    return best[1] if best else None


def _line(words: list[dict[str, Any]]) -> _Line:
    sizes = [round(float(word.get("size", 0.0)), 1) for word in words] or [0.0]
    fonts = [str(word.get("fontname", "")) for word in words]
    colors = [word.get("non_stroking_color") for word in words]
    return _Line(
        text=rejoined(" ".join(" ".join(str(word["text"]) for word in words).split())),
        x0=min(float(word["x0"]) for word in words),
        x1=max(float(word["x1"]) for word in words),
        top=min(float(word["top"]) for word in words),
        bottom=max(float(word["bottom"]) for word in words),
        size=max(set(sizes), key=sizes.count),
        bold=bool(fonts) and sum("Bold" in font for font in fonts) > len(fonts) / 2,
        grey=bool(colors) and all(_is_grey(color) for color in colors),
        font=max(set(fonts), key=fonts.count) if fonts else "",
    )


def _is_grey(color: Any) -> bool:
    if isinstance(color, (tuple, list)) and len(color) in (1, 3):
        values = [float(v) for v in color]
        return all(0.3 <= v <= 0.8 for v in values) and max(values) - min(values) < 0.05
    return False


def reading_order(lines: list[_Line], width: float) -> list[_Line]:
    """Lines in reading order. On a two-column page, each band between full-width
    lines is read left column first, then right column."""
    middle = width / 2
    gutter = width * 0.02

    def side(line: _Line) -> str:
        if line.x1 <= middle + gutter:
            return "left"
        if line.x0 >= middle - gutter:
            return "right"
        return "full"

    # Columns of running text split where no line of it crosses, whatever their widths.
    found = _prose_gutter(lines, width)
    if found is not None:
        middle, gutter = found, 0.0
    ordered = sorted(lines, key=lambda line: (round(line.top), line.x0))
    sides = [side(line) for line in ordered]
    if not ("left" in sides and "right" in sides and sides.count("right") >= 2):
        return ordered
    result: list[_Line] = []
    band: list[_Line] = []
    for line, where in zip(ordered, sides, strict=True):
        if where == "full":
            result.extend(_band_order(band, side))
            band = []
            result.append(line)
        else:
            band.append(line)
    result.extend(_band_order(band, side))
    return result


def _prose_gutter(lines: list[_Line], width: float) -> float | None:
    """The middle of the widest gap between columns of running text that no line of
    COLUMN_PROSE_WORDS words or more crosses, with at least COLUMN_PROSE_LINES such lines
    on either side, in the middle GUTTER_SPAN of the page; or None."""
    prose = [line for line in lines if len(line.text.split()) >= COLUMN_PROSE_WORDS]
    if len(prose) < 2 * COLUMN_PROSE_LINES:
        return None
    low, high = width * (1 - GUTTER_SPAN) / 2, width * (1 + GUTTER_SPAN) / 2
    edges = sorted({low, high, *(x for line in prose for x in (line.x0, line.x1) if low < x < high)})
    best: tuple[float, float] | None = None
    for left, right in itertools.pairwise(edges):
        x = (left + right) / 2
        if any(line.x0 < x < line.x1 for line in prose):
            continue
        sides = sum(line.x1 <= x for line in prose), sum(line.x0 >= x for line in prose)
        if min(sides) >= COLUMN_PROSE_LINES and (best is None or right - left > best[1] - best[0]):
            best = (left, right)
    return (best[0] + best[1]) / 2 if best is not None else None


def _band_order(band: list[_Line], side: Callable[[_Line], str]) -> list[_Line]:
    left = [line for line in band if side(line) == "left"]
    right = [line for line in band if side(line) == "right"]
    return left + right


def _drop_page_furniture(lines: list[_Line], height: float, number: int) -> list[_Line]:
    """Drop the printed page number at the bottom of the page."""
    return [line for line in lines if not (line.text == str(number) and line.top > height * 0.85)]


def _heading_faces(lines: list[_Line]) -> list[_Line]:
    """Lines set in a heading face marked bold, where the font names do not say which
    face is bold (embedded fonts are often named "F2", "F3"): a short line, not running
    text, wholly in a font other than the one most of the page's text is set in, at
    that size or larger ("International Revenue" above its paragraph)."""
    if any(line.bold for line in lines):
        return lines
    fonts: Counter[str] = Counter()
    sizes: Counter[float] = Counter()
    for line in lines:
        fonts[line.font] += len(line.text)
        sizes[line.size] += len(line.text)
    if len(fonts) < 2:
        return lines
    body_font, body_size = fonts.most_common(1)[0][0], sizes.most_common(1)[0][0]
    return [
        replace(line, bold=True)
        if line.font != body_font
        and line.size >= body_size
        and not line.grey
        and len(line.text.split()) <= HEADING_MAX_WORDS
        and not _running_text(line.text)
        and not FIGURE_LINE_RE.search(line.text)
        else line
        for line in lines
    ]


def _underlined(lines: list[_Line], edges: list[dict[str, Any]]) -> list[_Line]:
    """Short lines underlined by a rule of about their width marked bold: an underline
    sets a heading apart as a bold face does ("Crankshaft Position Sensor" over its
    bullets). A rule much wider than the line is a table's or a divider, not its underline."""
    rules = [
        (float(edge["x0"]), float(edge["x1"]), float(edge["top"]))
        for edge in edges
        if float(edge["x1"]) - float(edge["x0"]) > 0
    ]
    if not rules:
        return lines

    def underlined(line: _Line) -> bool:
        width = line.x1 - line.x0
        return any(
            line.bottom - UNDERLINE_GAP_EMS * line.size <= top <= line.bottom + UNDERLINE_GAP_EMS * line.size
            and x0 >= line.x0 - line.size
            and x1 <= line.x1 + line.size
            and x1 - x0 >= UNDERLINE_SHARE * width
            for x0, x1, top in rules
        )

    return [
        replace(line, bold=True)
        if not line.bold
        and re.search(r"[^\W\d_]{2}", line.text)
        and len(line.text.split()) <= HEADING_MAX_WORDS
        and not _running_text(line.text)
        and not FIGURE_LINE_RE.search(line.text)
        and not UNDERLINED_NOT_HEADING_RE.search(line.text)
        and underlined(line)
        else line
        for line in lines
    ]


def _set_apart(title: list[_Line], lines: list[_Line]) -> bool:
    """Whether title lines are set apart from the page's text: larger than the type most
    of its characters are set in, or bold where that type is not."""
    sizes: Counter[float] = Counter()
    weights: Counter[bool] = Counter()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.text)
        weights[line.bold] += len(line.text)
    body_size, body_bold = sizes.most_common(1)[0][0], weights.most_common(1)[0][0]
    return round(title[0].size, 1) > body_size or (all(line.bold for line in title) and not body_bold)


def _running_text(text: str) -> bool:
    """Whether a line reads as running text rather than a heading: at least
    RUNNING_TEXT_WORDS words, most of them not capitalised ("Condensed Consolidated
    Statements of Earnings" is a heading; "revenue, versus $2.30 billion, or 15.3% of
    revenue, last year" is text)."""
    if text.startswith("(") and text.endswith(")"):
        return False  # a caption: "($ in millions, except per share amounts)"
    words = re.findall(r"[A-Za-z][A-Za-z'’&.-]*", text)
    capitalised = sum(1 for word in words if word[0].isupper())
    return len(words) >= RUNNING_TEXT_WORDS and capitalised < 0.5 * len(words)


def _picture_share(page: Any) -> float:
    """The share of the page its pictures cover (overlaps counted once per picture)."""
    area = float(page.width) * float(page.height)
    if area <= 0:
        return 0.0
    covered = 0.0
    for image in page.images:
        width = min(float(page.width), float(image["x1"])) - max(0.0, float(image["x0"]))
        height = min(float(page.height), float(image["bottom"])) - max(0.0, float(image["top"]))
        covered += max(0.0, width) * max(0.0, height)
    return min(1.0, covered / area)


def _title_lines(lines: list[_Line], height: float, read_by_ocr: bool = False) -> list[_Line]:
    """The lines set in the largest font near the top of the page. On a page read by OCR,
    only lines that read as text: the letters of a logo or a picture above the title
    ("LE", "©", "SLO") are often the largest type OCR finds there."""
    top_band = [line for line in lines if line.top < height * 0.3 and (not read_by_ocr or readable(line.text))]
    if not top_band:
        return []
    biggest = max(line.size for line in top_band)
    first = min((line for line in top_band if line.size == biggest), key=lambda line: line.top)
    title = [first]
    for line in sorted(top_band, key=lambda line: line.top):
        if line is first or line.size != biggest:
            continue
        if 0 < line.top - title[-1].bottom < biggest * 0.8:
            title.append(line)
    return title


def _passages(
    lines: list[_Line], slide: int, title: str, table_titles: set[str] | frozenset[str] = frozenset()
) -> list[Chunk]:
    """Group lines into passages: a bullet with its wrapped lines, a heading, a
    paragraph. A passage never leaves its slide and carries the heading above it. A
    table's title heads only the table and its chart residue: a bullet after it
    belongs to the heading before the table."""
    groups: list[list[_Line]] = []
    in_rows = _in_label_rows(lines)
    for line in lines:
        if groups and _continues(groups[-1], line):
            groups[-1].append(line)
        elif id(line) in in_rows and (label := _label_above(groups, line, in_rows)) is not None:
            # A diagram's label of two lines ("Product" over "Owner"), read after the
            # labels beside its first line.
            label.append(line)
        elif len(groups) > 1 and _beside(groups[-1], groups[-2][-1]) and _continues(groups[-2], line):
            # A line read between two of a paragraph's, from beside it (a picture's
            # letters left of a centred paragraph), does not break it.
            groups[-2].append(line)
        else:
            groups.append([line])
    chunks: list[Chunk] = []
    heading = outer_heading = ""
    indents = sorted({round(group[0].x0) for group in groups if BULLET_RE.match(group[0].text)})
    for index, group in enumerate(groups, start=1):
        text = _join_lines(line.text for line in group)
        if not re.search(r"[^\W_]", text):
            continue  # a rule drawn with characters ("______"): no passage, no heading
        first = group[0]
        kind = _kind(group, text)
        level = 0
        if kind == "bullet":
            level = _nearest_index(indents, round(first.x0))
            text = BULLET_RE.sub("", text, count=1)
        if kind == "chart_data":
            text = text[len(CHART_PREFIX) :].strip() if text.startswith(CHART_PREFIX) else text
        if kind == "heading":
            if text in table_titles and heading not in table_titles:
                outer_heading = heading
            heading = text
        elif kind == "bullet" and heading in table_titles:
            heading = outer_heading
        parent = _parent_text(chunks, kind, level, heading)
        chunks.append(
            Chunk(
                chunk_id=f"s{slide}-p{index}",
                slide=slide,
                title=title,
                text=text,
                heading="" if kind == "heading" else heading,
                kind=kind,
                level=level,
                parent=parent,
            )
        )
    return chunks


def _parent_text(previous: list[Chunk], kind: str, level: int, heading: str) -> str:
    """The text of the nearest earlier bullet at a lower level under the same heading;
    for a bullet of the first level, the sentence that introduces its list ("... the
    following guidance for FY24:"), when one does."""
    if kind != "bullet":
        return ""
    if level == 0:
        before = next((chunk for chunk in reversed(previous) if chunk.kind != "bullet" or chunk.level > 0), None)
        if before is None or before.kind != "text" or before.heading != heading:
            return ""
        introduces = before.text.endswith(":") or re.search(r"\bthe following\b", before.text, re.IGNORECASE)
        return before.text if introduces else ""
    for chunk in reversed(previous):
        if chunk.kind == "heading" or chunk.heading != heading:
            return ""
        if chunk.kind == "bullet" and chunk.level < level:
            return chunk.text
    return ""


def _continues(group: list[_Line], line: _Line) -> bool:
    last = group[-1]
    if BULLET_RE.match(line.text):
        return False
    gap = line.top - last.bottom
    if gap > max(last.size, line.size) * PARAGRAPH_GAP or gap < -max(1.0, OVERLAP_SHARE * min(last.size, line.size)):
        return False  # a line further down starts a passage, one level with it is beside it
    if _wraps_into(last, line):
        return True  # a sentence goes on, whatever weight OCR measured each line in
    if line.bold != last.bold or line.grey != last.grey:
        return False
    if line.size != last.size or line.x0 > last.x1:
        return False  # another type; or a line right of the last one's end, beside it
    # A wrapped line of a bullet hangs at the bullet's text, right of its marker; a
    # paragraph's first line may be indented, and the lines after it start further left.
    anchor = group[0]
    if not BULLET_RE.match(anchor.text):
        if len(group) == 1 and _indented_first(anchor, line):
            return True
        anchor = min(group[1:], key=lambda wrapped: wrapped.x0, default=anchor)
    return line.x0 >= anchor.x0 - 1


# A bullet OCR read as an "e" run into the line's first word ("eVariable resister").
GLUED_BULLET_RE = re.compile(r"^e(?=[A-Z][a-z])")


def _glued_bullets(lines: list[_Line]) -> list[_Line]:
    """An OCR'd page's lines with a bullet read as an "e" glued to their first word given
    back as a bullet, where two lines or more start so ("eVariable resister", "eChange in
    throttle angle"): one such word may be a name spelled so, not a page's list of them."""
    glued = [line for line in lines if GLUED_BULLET_RE.match(line.text)]
    if len(glued) < 2:
        return lines
    return [replace(line, text=GLUED_BULLET_RE.sub("\u2022 ", line.text)) if line in glued else line for line in lines]


def _in_label_rows(lines: list[_Line]) -> set[int]:
    """The short lines (at most LABEL_WORDS words) level with another short line clear of
    them on either side: a row of a diagram's labels (by `id`)."""
    short = sorted((line for line in lines if len(line.text.split()) <= LABEL_WORDS), key=lambda line: line.top)
    in_rows: set[int] = set()
    for i, line in enumerate(short):
        for other in itertools.islice(short, i + 1, None):
            if other.top >= line.bottom:
                break
            if other.x1 < line.x0 or line.x1 < other.x0:
                in_rows.update((id(line), id(other)))
    return in_rows


def _label_above(groups: list[list[_Line]], line: _Line, in_rows: set[int]) -> list[_Line] | None:
    """The label of a row of labels that `line` finishes: one line, right above it, centred
    over it or aligned at its left, in type of about its size and weight (a bullet starts
    a passage of its own)."""
    if BULLET_RE.match(line.text):
        return None
    for group in reversed(groups[-LABEL_ROW_LOOKBACK:]):
        above = group[-1]
        if len(group) != 1 or id(above) not in in_rows or above.bold != line.bold:
            continue
        gap = line.top - above.bottom
        if not -OVERLAP_SHARE * line.size <= gap <= PARAGRAPH_GAP * max(above.size, line.size):
            continue
        if max(above.size, line.size) > WRAP_SIZE_RATIO * min(above.size, line.size):
            continue
        centred = abs((above.x0 + above.x1) - (line.x0 + line.x1)) / 2 <= LABEL_CENTRE_EMS * line.size
        if centred or abs(above.x0 - line.x0) <= 1:
            return group
    return None


def _beside(group: list[_Line], line: _Line) -> bool:
    """Whether `group` is one line level with `line` and clear of it on either side."""
    only = group[0]
    return len(group) == 1 and only.top < line.bottom and (only.x1 < line.x0 or line.x1 < only.x0)


def _wraps_into(last: _Line, line: _Line) -> bool:
    """Whether `line` goes on with the sentence `last` left unfinished, wherever each
    starts (a centred paragraph, OCR's sizes of one type measured apart): `last` ends
    without a sentence's or a label's end, `line` starts in lower case (or anyhow, after
    a comma or a word no sentence ends on: "endorsed by" / "24 active firms"), both in
    one column and in type of about one size."""
    if re.search(r"[.!?:;]\W*$", last.text):
        return False
    if not (re.match(r"[a-z]", line.text) or (re.match(r"[\w(]", line.text) and _left_hanging(last.text))):
        return False
    if max(last.size, line.size) > WRAP_SIZE_RATIO * min(last.size, line.size):
        return False
    return line.x0 < last.x1 and last.x0 < line.x1


# Words no sentence ends on: an article, a preposition, a conjunction.
HANGING_WORDS = frozenset(
    ["a", "an", "the", "and", "or", "nor", "but", "of", "by", "for", "from", "in", "into", "onto", "on", "at", "to",
     "with", "as", "than", "via", "per", "including", "such"]
)  # fmt: skip


def _left_hanging(text: str) -> bool:
    """Whether `text` breaks off mid-sentence: after a comma or a word no sentence ends on."""
    if text.endswith(","):
        return True
    words = re.findall(r"[A-Za-z]+$", text)
    return bool(words) and words[0].lower() in HANGING_WORDS


def _indented_first(first: _Line, line: _Line) -> bool:
    """Whether `first` is a paragraph's indented first line and `line` the next line of
    the paragraph: it starts left of `first` by no more than INDENT_EMS, and `first` runs
    as far right as it does (it wrapped at the margin)."""
    indent = first.x0 - line.x0
    return 0 < indent <= INDENT_EMS * first.size and first.x1 >= line.x1 - first.size


def _kind(group: list[_Line], text: str) -> str:
    first = group[0]
    if text.startswith(CHART_PREFIX) or first.grey:
        return "chart_data"
    if BULLET_RE.match(text):
        return "bullet"
    if (first.bold or _label_line(group, text)) and re.search(r"[^\W_]{2}", text):
        return "heading"  # (marks with no word, "=P)| x", head nothing)
    return "text"


def _label_line(group: list[_Line], text: str) -> bool:
    """A line of its own that ends in a colon, short, no figure and no sentence
    ("CONTACTS:", "Key risks:"): it labels what follows, as a heading does."""
    return (
        len(group) == 1
        and text.endswith(":")
        and len(text.split()) <= HEADING_MAX_WORDS
        and not FIGURE_LINE_RE.search(text)
        and not _running_text(text)
    )


def _nearest_index(values: list[int], value: int) -> int:
    if not values:
        return 0
    return min(range(len(values)), key=lambda i: abs(values[i] - value))


def _join_lines(lines: Iterable[str]) -> str:
    """Join wrapped lines; a hyphen at a line end joins the word halves."""
    text = ""
    for line in lines:
        if text.endswith("-") and line[:1].islower() and not text.endswith(" -"):
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text.strip()


def _dates_only(text: str) -> bool:
    """Whether a line is dates and nothing else ("December 31, 2022 December 31, 2021")."""
    if len(years := text.split()) >= 2 and all(YEAR_HEADER_RE.fullmatch(year) for year in years):
        return True  # "2022 2021"
    rest = re.sub(r"[\d,.\s]|\b(?:as\s+of|at|ended|ending)\b", " ", strip_periods(text), flags=re.IGNORECASE)
    return bool(find_periods(text)) and not rest.strip()


def _scale_caption(text: str) -> str:
    """The scale a caption gives ("million" for "(In millions, except per share data)",
    "($ in thousands)", "Statements of Cash Flows $ in millions"), or ""."""
    match = re.search(r"(?:\(\s*(?:dollars\s+)?|\$\s*)in\s+(millions|thousands|billions)\b", text, re.IGNORECASE)
    return match.group(1).lower().rstrip("s") if match else ""


def _chart_table(chart: ChartTable, title: str) -> _RawTable:
    """A chart's table, named by its page's title (a chart's own caption is often its
    legend, set above it). A chart of one series has no legend: the year its title names
    alone ("2006 Health IT Staffing Needs") heads it; a chart over years is a table whose
    columns are the years."""
    header, *rows = (list(row) for row in chart.cells)
    # A chart over years ("2011", "2012", ... along its axis): a row per series, a column
    # per year, as a table of years is printed (its columns are their periods).
    if all(YEAR_HEADER_RE.fullmatch(row[0].strip(" *")) for row in rows):
        years = ["", *(row[0].strip(" *") for row in rows)]
        return _RawTable(
            title, "", [years, *([name, *(row[i] for row in rows)] for i, name in enumerate(header) if i)], headed=True
        )
    years = {word for word in title.split() if YEAR_HEADER_RE.fullmatch(word)}
    if len(header) == 2 and not header[1] and len(years) == 1:
        header = ["", years.pop()]
    return _RawTable(title, "", [header, *rows], headed=True)


def _table_record(raw: _RawTable, slide: int, index: int) -> Table | None:
    held = [row for row in raw.cells[1 if raw.headed else 0 :] if any(cell for cell in row)]
    rows = [raw.cells[0], *held] if raw.headed else held
    if len(rows) < 2 and not (rows and len(rows[0]) > 1):
        return None
    header, *body = rows
    if not raw.headed and _is_content_row(header, body):
        header, body = tuple("" for _ in header), rows  # the first row is content: no header
    return Table(
        table_id=f"s{slide}-t{index}",
        slide=slide,
        title=raw.title or f"Table {index}",
        unit=raw.unit,
        header=tuple(header),
        rows=tuple(tuple(row) for row in body),
    )


def _is_content_row(first: list[str], body: list[list[str]]) -> bool:
    """Whether a table's first row is one more row of its content (a list of headlines),
    not column headings: a cell of several words over a column of cells as long."""
    for column, cell in enumerate(first):
        below = [len(row[column].split()) for row in body if column < len(row) and row[column]]
        if len(cell.split()) >= CONTENT_CELL_WORDS and below and statistics.median(below) >= CONTENT_CELL_WORDS:
            return True
    return False


def _statement_reads_better(statement: StatementTable, ruled: list[Any], number: int, ocr: bool = False) -> bool:
    """Whether the unruled reading of a region dates more of its figures than pdfplumber's
    ruled tables there do (shaded rows read as one-row tables, headings outside the
    ruling): the reading that knows more figures' periods wins; a tie keeps the ruling.
    On an OCR'd page the ruling always wins where there is one."""
    if not ruled:
        return True
    if ocr:
        return False
    ruled_dated = 0
    for index, table in enumerate(ruled, start=1):
        record = _table_record(
            _RawTable("", "", [[_clean_cell(c) for c in row] for row in table.extract()]), number, index
        )
        ruled_dated += sum(1 for fact in table_facts(record) if fact.period) if record else 0
    statement_dated = sum(
        1
        for row in statement.rows
        for cell in row.cells
        if cell.column < len(statement.periods) and statement.periods[cell.column]
    )
    return statement_dated > ruled_dated


SPLIT_FIGURE_RE = re.compile(r"\b\d{1,3} ,\d{3}\b|\b\d \d{2}\.\d\b|\b0 \.\d\b")


def _digits_split(layout_text: str, plain_text: str) -> bool:
    """Whether the layout reader split figures the text reader keeps whole: "1 ,696"
    where the text reader has "1,696" (the two readers of each page checked against each other)."""
    suspects = SPLIT_FIGURE_RE.findall(layout_text)
    whole = [suspect for suspect in suspects if suspect.replace(" ", "") in plain_text]
    return len(whole) >= 2


def _area(box: tuple[float, float, float, float]) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _overlaps(box: tuple[float, float, float, float], statement: StatementTable) -> bool:
    _x0, top, _x1, bottom = box
    return top <= statement.bottom and bottom >= statement.top


def statement_table(statement: StatementTable, table_id: str) -> Table:
    """An unruled table as a `Table` record: the row label carries its section parents."""
    width = len(statement.columns)
    rows = []
    for row in statement.rows:
        cells = [""] * width
        for cell in row.cells:
            if cell.column < width:
                cells[cell.column] = cell.raw
        rows.append((" > ".join(row.path), *cells))
    units = sorted({cell.unit for row in statement.rows for cell in row.cells if cell.unit})
    return Table(
        table_id=table_id,
        slide=statement.page,
        title=statement.title or f"Table on page {statement.page}",
        unit=units[0] if len(units) == 1 else "",
        header=("", *statement.columns),
        rows=tuple(rows),
    )


def _table_row_chunks(table: Table, title: str) -> list[Chunk]:
    chunks = []
    for index, row in enumerate(table.rows, start=1):
        pairs = [
            f"{column}: {cell}" if column else cell
            for column, cell in zip(table.header[1:], row[1:], strict=False)
            if cell
        ]
        unit = f" (unit: {table.unit})" if table.unit else ""
        text = f"{row[0]} - " + "; ".join(pairs) if row[0] else "; ".join(pairs)
        chunks.append(
            Chunk(
                chunk_id=f"{table.table_id}-r{index}",
                slide=table.slide,
                title=title,
                text=text,
                heading=f"{table.title}{unit}",
                kind="table_row",
            )
        )
    return chunks


def _rows_above(table: Any, lines: list[_Line]) -> tuple[list[_Line], list[list[str]]]:
    """The rows printed right above `table`'s ruling in its columns: lines level with one
    another, each inside one column, at least two columns filled, each row within a
    line's height of the one below it. Returns their lines and their cells, top first."""
    rows = [row for row in table.rows if row.cells]
    if not rows:
        return [], []
    widest = max(rows, key=lambda row: sum(cell is not None for cell in row.cells))
    columns = [(cell[0], cell[2]) if cell is not None else None for cell in widest.cells]
    if sum(column is not None for column in columns) < 2:
        return [], []
    top = float(table.bbox[1])
    left, right = float(table.bbox[0]), float(table.bbox[2])
    taken: list[_Line] = []
    found: list[list[str]] = []
    while True:
        above = [line for line in lines if line.bottom <= top + 1 and line.x0 >= left - 1 and line.x1 <= right + 1]
        if not above:
            break
        nearest = max(above, key=lambda line: line.bottom)
        if top - nearest.bottom > ROW_ABOVE_GAP * nearest.size:
            break
        level = [line for line in above if line.top < nearest.bottom and nearest.top < line.bottom]
        row = [""] * len(columns)
        for line in level:
            middle = (line.x0 + line.x1) / 2
            at = [i for i, column in enumerate(columns) if column is not None and column[0] <= middle <= column[1]]
            if len(at) != 1 or row[at[0]]:
                return (taken, found)
            row[at[0]] = line.text
        if sum(bool(cell) for cell in row) < 2 or _dates_only(" ".join(cell for cell in row if cell)):
            break  # (a line of dates over the ruling goes to the table's title: `_dates_only`)
        taken.extend(level)
        found.insert(0, row)
        top = min(line.top for line in level)
    return taken, found


def _clean_cell(cell: str | None) -> str:
    return " ".join((cell or "").split())


def _clean_text(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def _metadata_title(path: Path) -> str:
    """The document information's title, when it is text ("" otherwise). pypdf returns
    a title that is no string (an array, a dictionary) as it is; a damaged one can raise
    anything, even `RecursionError`: the title is optional, so none is kept then."""
    try:
        reader = PdfReader(path, strict=False)
        title = reader.metadata.title if reader.metadata else None
    except Exception:
        return ""
    return title if isinstance(title, str) else ""


def _first_heading(lines: list[_Line]) -> str:
    """The page's first heading (a bold line that is not running text): what names a page
    that opens with running text carried over from the page before."""
    return next((line.text for line in lines if line.bold and not _running_text(line.text)), "")


def _first_line(text: str, read_by_ocr: bool = False) -> str:
    """The text's first line; on a page read by OCR, its first line that reads as text."""
    for line in text.splitlines():
        if line.strip() and (not read_by_ocr or readable(line)):
            return line.strip()
    return ""
