"""Tables without ruling lines, read from word positions: financial statements and the
like ("Three Months Ended / January 28, / 2023  2022", "$" and "%" as separate tokens,
negatives in parentheses, "—" for empty cells, indented rows under section headings).

pdfplumber's `lines` strategy only finds ruled tables, and its `text` strategy splits a
statement at every wide gap without knowing which words are a header. Here a table is
what a reader sees: a run of lines that end in figures aligned in columns (right edges,
as figures are right-aligned), the header lines above them that name each column's
period, the caption that states the unit and scale, and row labels whose indentation
and trailing colons give each row its section parents.

Pure functions over pdfplumber word dicts (`text`, `x0`, `x1`, `top`, `bottom`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
from typing import Any

Word = dict[str, Any]

# Words on one line whose tops differ by at most this many points.
LINE_TOLERANCE = 2.5
# A figure's right edge within this many points of a column's belongs to it.
COLUMN_GAP = 12.0
# The label must end this far (points) left of the first figure of a row.
LABEL_GAP = 6.0
# Header words farther apart than this (points) are separate column headings.
HEADER_SEGMENT_GAP = 7.0
# A line with more words than this and no figures is prose, not a table line.
PROSE_WORDS = 14
# Lines farther apart than this many line heights break a table.
MAX_LINE_GAP = 3.2
# How many lines above a table's first row can hold its column headings and caption.
HEADER_LINES = 5
# A statement's title line, which column headings never are.
STATEMENT_TITLE_RE = re.compile(r"\bstatements?\s+of\b|\bbalance\s+sheets?\b", re.I)
CAPTION_LINES = 4
# The end of a sentence introducing a table, left out of its title: "... were as follows:".
INTRODUCTION_END_RE = re.compile(
    r"(?:\s+(?:were|are|is|was)\s+as\s+follows|\s+(?:include|includes|included)?\s*the\s+following)?\s*:\s*$",
    re.IGNORECASE,
)
# How far above a table's headings the sentence introducing it may be set (points).
INTRODUCTION_GAP = 120

NUMBER_RE = re.compile(r"^\(?[-\u2212]?\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?\)?$")
DASH_RE = re.compile(r"^[-\u2012\u2013\u2014\u2212]+$|^n/?[am]$|^nm$|^\*+$", re.IGNORECASE)
YEAR_RE = re.compile(r"^(?:19|20)\d{2}$")
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# "August 28, 2022"; OCR reads the comma as a point at times ("August 28. 2022").
DATE_RE = re.compile(
    r"\b(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2})[,.]?\s+(?P<year>(?:19|20)\d{2})\d?\b",
    re.IGNORECASE,
)
MONTH_DAY_RE = re.compile(
    r"\b(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2})\b", re.I
)
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "nine": 9, "twelve": 12}
SPAN_RE = re.compile(r"\b(?P<count>\d{1,2}|one|two|three|four|six|nine|twelve)[\s-]+(?P<what>months?|weeks?)\b", re.I)
QUARTER_ORDINAL_RE = re.compile(
    r"\b(?P<word>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\b|\bq(?P<digit>[1-4])\b", re.I
)
QUARTER_ORDINALS = {
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "1st": "1",
    "2nd": "2",
    "3rd": "3",
    "4th": "4",
}
QUARTER_RE = re.compile(r"\b(?:quarters?|qtd|q[1-4])\b", re.I)
YEAR_SPAN_RE = re.compile(r"\b(?:years?|fiscal|fy|full[\s-]year|annual|ytd)\b|\bfy(?=\s?'?\d{2}\b)", re.I)
# A note under a table: a footnote mark, then its sentence.
FOOTNOTE_LINE_RE = re.compile(r"^\((?:[a-z]|\d{1,2})\)\s+[A-Z][a-z]+\s+\w+")
AXIS_TICKS = 4  # evenly spaced values in every column: a chart's scale, not a table
# Fewer ticks make a scale where a table has one column of them, each a multiple of a
# round step (100%, 80%, 60% beside a chart's prose): measured figures rarely are.
ROUND_AXIS_TICKS = 3
ROUND_STEPS = (1, 2, 2.5, 5)
# "the fiscal year ended December 31, 2022", "years ended January 28": the fiscal year's end.
YEAR_ENDED_RE = re.compile(
    r"\b(?:fiscal\s+)?years?\s+(?:ended|ending)\s+(?P<month>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*)\.?\s+(?P<day>\d{1,2})\b",
    re.I,
)
YEAR_TO_DATE_RE = re.compile(r"\bq(?P<quarter>[1-4])\s*(?:ytd|year[\s-]to[\s-]date)\b", re.I)
SCALES = {"thousand": "thousand", "thousands": "thousand", "000s": "thousand", "000": "thousand",
          "million": "million", "millions": "million", "mn": "million", "mm": "million",
          "billion": "billion", "billions": "billion", "bn": "billion"}  # fmt: skip
# "(000s)" is a scale; the zeros of "100,000,000 shares" are not.
SCALE_RE = re.compile(r"(?<![\d,.])\b(thousands?|millions?|billions?|mn|mm|bn|000s?)\b", re.I)
CURRENCY_SIGNS = (("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"))
MONEY = frozenset(code for _, code in CURRENCY_SIGNS)
CURRENCY_WORDS = re.compile(r"\b(dollars?|usd|euros?|eur|pounds?|gbp|yen|jpy)\b", re.I)
CURRENCY_BY_WORD = {"dollar": "USD", "usd": "USD", "euro": "EUR", "eur": "EUR", "pound": "GBP", "gbp": "GBP",
                    "yen": "JPY", "jpy": "JPY"}  # fmt: skip
PER_SHARE_RE = re.compile(r"per\s+(?:(?:common|diluted|basic|ordinary)\s+){0,2}share|\beps\b|per\s+ads\b", re.I)
# Words of a period heading ("Three Months Ended", "January 28, 2023"): read as a phrase.
PERIOD_WORDS_RE = re.compile(r"\d|\b(?:months?|weeks?|ended|ending|years?|quarters?|fiscal)\b", re.I)
# A line of at least this many words that ends with a full stop is prose.
SENTENCE_WORDS = 5
# A label ending on one of these goes on on the next line.
CONTINUING_WORDS = frozenset({"to", "of", "and", "or", "for", "from", "in", "on", "by", "with", "the", "a", "an"})
UNIT_NOTE_RE = re.compile(r"\([^()]{1,30}\)")
COUNT_SCALE_RE = re.compile(r"\((?:in\s+)?(thousands?|millions?|000s?)\)", re.I)
# Footnote marks after a label: "change1", "charges 3", "(2,3)", "*".
FOOTNOTE_RE = re.compile(r"(?<=[A-Za-z)])\d{1,2}(?:,\d)*$|(?<=[a-z]{4})\s\d(?:,\d)*$|\s*\(\d(?:,\d)*\)$|\*+$")


@dataclass(frozen=True)
class Period:
    """What span a figure covers: `months` long ending on `end` (a duration), or the
    balance on `end` (an instant, `months` 0). `end` is an ISO date, or a year alone
    when the heading prints no day."""

    kind: str
    end: str
    months: int
    name: str = ""  # the canonical name questions use: "4Q23", "FY22", "1Q-3Q23", "Dec. 31, 2022"

    def label(self) -> str:
        if self.name:
            return self.name
        if not self.end:
            return ""
        if self.kind == "instant":
            return f"as of {self.end}"
        return f"{self.months} months ended {self.end}" if self.months else f"period ended {self.end}"


@dataclass(frozen=True)
class StatementCell:
    value: float
    raw: str
    unit: str
    column: int


@dataclass(frozen=True)
class StatementRow:
    path: tuple[str, ...]  # section parents, then the row's own label
    cells: tuple[StatementCell, ...]
    text: str  # the line as printed

    @property
    def label(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass(frozen=True)
class StatementTable:
    page: int
    title: str
    caption: str
    columns: tuple[str, ...]  # each column's heading, top line first
    periods: tuple[Period | None, ...]
    rows: tuple[StatementRow, ...]
    top: float
    bottom: float
    head_top: float | None = None  # where its column headings start (None: at `top`)


@dataclass
class _Line:
    words: list[Word]
    label_words: list[Word] = field(default_factory=list)
    cells: list[tuple[float, float, str, str]] = field(default_factory=list)  # (x0, x1, raw, currency)
    dashes: list[tuple[float, float]] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(float(w["top"]) for w in self.words)

    @property
    def bottom(self) -> float:
        return max(float(w["bottom"]) for w in self.words)

    @property
    def x0(self) -> float:
        return float(self.words[0]["x0"])

    @property
    def text(self) -> str:
        return " ".join(str(w["text"]) for w in self.words)

    @property
    def label(self) -> str:
        return " ".join(str(w["text"]) for w in self.label_words)

    @property
    def label_x0(self) -> float:
        return float(self.label_words[0]["x0"]) if self.label_words else self.x0

    @property
    def is_row(self) -> bool:
        return bool(self.cells) and not self.is_year_header

    @property
    def is_year_header(self) -> bool:
        # "2022 2021" (perhaps beside a caption): a heading line, not a row of figures.
        years = [raw for _, _, raw, _ in self.cells if YEAR_RE.match(raw.strip("()"))]
        return (
            bool(years)
            and len(years) == len(self.cells)
            and (len(years) >= 2 or not self.label_words or _is_caption(self.label))
        )


def read_statements(words: list[Word], page: int, width: float) -> list[StatementTable]:
    """Every unruled table of figures on one page, top to bottom."""
    lines = [_split(line) for line in _lines(words)]
    tables = []
    index = 0
    while index < len(lines):
        if not lines[index].is_row:
            index += 1
            continue
        end = _block_end(lines, index)
        rows = [line for line in lines[index:end] if line.is_row]
        if len(rows) >= 2:
            table = _table(lines, index, end, page)
            if table is not None and not _is_chart_axis(table):
                tables.append(table)
        index = max(end, index + 1)
    # A page's own caption ("($ in millions, except per share amounts)" under its title)
    # gives its tables' amounts their scale when their own lines do not.
    scale = next((_scale(line.text) for line in lines if _is_caption(line.text) and _currency("", line.text)), "")
    return [replace(table, rows=_with_scale(table.rows, scale)) for table in tables]


def _is_chart_axis(table: StatementTable) -> bool:
    """A chart's scale read as a table: every column of figures steps evenly (100,000,
    200,000, ... 700,000 up the side of a bar chart), at least `AXIS_TICKS` values. A
    table's figures are measured, not spaced; the words beside an axis are passages."""
    columns: dict[int, list[float]] = {}
    for row in table.rows:
        for cell in row.cells:
            columns.setdefault(cell.column, []).append(cell.value)
    if not columns:
        return False

    def evenly_spaced(values: list[float]) -> bool:
        """One step throughout, a tick OCR lost aside (14, 12, 11, 10)."""
        steps = [round(later - earlier, 6) for earlier, later in pairwise(values)]
        ticks = AXIS_TICKS if len(columns) > 1 or not _round_ticks(values) else ROUND_AXIS_TICKS
        if len(values) < ticks or not steps or min(map(abs, steps)) == 0:
            return False
        step = min(steps, key=abs)
        return sum(s != step for s in steps) <= 1 and all(s == step or s == 2 * step for s in steps)

    return all(evenly_spaced(values) for values in columns.values())


def _round_ticks(values: list[float]) -> bool:
    """Whether each of `values` is a multiple of their step between neighbours, and the
    step a round number (1, 2, 2.5 or 5 times a power of ten: 20 in 100, 80, 60)."""
    step = abs(values[1] - values[0]) if len(values) > 1 else 0
    if step == 0:
        return False
    scale = 10 ** math.floor(math.log10(step))
    return round(step / scale, 6) in ROUND_STEPS and all(math.isclose(v / step, round(v / step)) for v in values)


def inherit_headings(tables: list[StatementTable]) -> list[StatementTable]:
    """A statement continued on the next page often prints its column headings once:
    a table with no headings takes those of the table before it with as many columns,
    and, when its amounts carry a currency but no scale, that table's scale ("in millions"
    is printed once, over the statement's first page)."""
    result: list[StatementTable] = []
    for table in tables:
        previous = result[-1] if result else None
        if (
            previous is not None
            and not any(DASH_RE.sub("", column).strip() for column in table.columns)
            and any(previous.columns)
            and table.page - previous.page <= 1
        ):
            # Column by column, those that hold figures in each ("$" signs or a label's
            # overflow may make an empty column in one of them).
            own, theirs = _figure_columns(table), _figure_columns(previous)
            if len(own) == len(theirs):
                taken = dict(zip(own, theirs, strict=True))
                columns = tuple(previous.columns[taken[i]] if i in taken else "" for i in range(len(table.columns)))
                periods = tuple(previous.periods[taken[i]] if i in taken else None for i in range(len(table.columns)))
                table = StatementTable(
                    table.page, table.title or previous.title, table.caption or previous.caption,
                    columns, periods, _with_money(table.rows, _money_unit(previous.rows)),
                    table.top, table.bottom, table.head_top,
                )  # fmt: skip
        result.append(table)
    return result


def _figure_columns(table: StatementTable) -> list[int]:
    """The columns of `table` that hold figures (in at least a quarter of its rows, not a
    stray number read into an empty column), left to right."""
    held = Counter(cell.column for row in table.rows for cell in row.cells if cell.column < len(table.columns))
    return sorted(column for column, rows in held.items() if rows >= max(2, len(table.rows) / 4))


def _money_unit(rows: tuple[StatementRow, ...]) -> str:
    """The money unit most of a table's amounts are in ("USD million"), or ""."""
    units = Counter(cell.unit for row in rows for cell in row.cells if cell.unit.partition(" ")[0] in MONEY)
    return units.most_common(1)[0][0] if units else ""


def _with_money(rows: tuple[StatementRow, ...], unit: str) -> tuple[StatementRow, ...]:
    """A continued table's rows in the unit of the table it continues (`unit`, "USD
    million"): amounts printed with its currency take its scale, and amounts printed
    bare take the whole unit. Amounts per share keep theirs."""
    currency, _, scale = unit.partition(" ")
    if not unit:
        return rows

    def converted(cell: StatementCell) -> StatementCell:
        if cell.unit == currency and scale:
            return replace(cell, unit=unit)
        return replace(cell, unit=unit) if not cell.unit else cell

    return tuple(
        row
        if PER_SHARE_RE.search(" ".join(row.path))
        else replace(row, cells=tuple(converted(cell) for cell in row.cells))
        for row in rows
    )


def _with_scale(rows: tuple[StatementRow, ...], scale: str) -> tuple[StatementRow, ...]:
    """Rows whose amounts printed without a scale ("USD") take `scale`; amounts per share
    keep none."""
    if not scale:
        return rows

    def scaled(cell: StatementCell) -> StatementCell:
        return replace(cell, unit=f"{cell.unit} {scale}") if cell.unit in MONEY else cell

    return tuple(
        row
        if PER_SHARE_RE.search(" ".join(row.path))
        else replace(row, cells=tuple(scaled(cell) for cell in row.cells))
        for row in rows
    )


def complete_periods(tables: list[StatementTable], year_end_month: int | None = None) -> list[StatementTable]:
    """Periods a heading states only in part, completed from the document's other headings:
    a year alone ends on the date in that year (or the first week of the next) that the
    document's full-date spans end on most often, but a quarter named by its ordinal
    ("Q1" over "2023") is named so ("1Q23"), never dated as another quarter; a year alone
    ending inside the fiscal year (an interim report's "2021" under a lost "Three Months
    Ended March 31,") is the year to that date; a span alone ("12 Weeks") ends on the
    document's latest full-date duration end. `year_end_month` is the month the fiscal
    year ends in as the document's text states it (`stated_year_end_month`); without it,
    it is read from the columns."""
    dated = sorted(
        {period.end for table in tables for period in table.periods if period is not None and len(period.end) == 10}
    )
    durations = Counter(
        period.end
        for table in tables
        for period in table.periods
        if period is not None and len(period.end) == 10 and period.kind == "duration"
    )
    latest = max(durations, default="")
    fiscal_end_month = year_end_month or fiscal_year_end_month(tables)

    def year_end(year: str) -> str:
        def in_year(day: str) -> bool:
            # A year ending in the first week of January is the year before's (52/53-week years).
            first_week = day[5:7] == "01" and int(day[8:]) <= 7
            return (day[:4] == year and not first_week) or (int(day[:4]) == int(year) + 1 and first_week)

        # The span the document reports most often in that year, else its latest date.
        spans = [day for day in durations if in_year(day)]
        if spans:
            return max(spans, key=lambda day: (durations[day], day))
        return max((day for day in dated if in_year(day)), default=year)

    def year_to_date(end: str) -> int:
        """How many months of its fiscal year end on `end` (12 at the year's close)."""
        return (_closing_month(date.fromisoformat(end)) - fiscal_end_month - 1) % 12 + 1

    completed = []
    for table in tables:
        periods = []
        for heading, period in zip(table.columns, table.periods, strict=True):
            if (
                period is not None
                and len(period.end) == 4
                and not _other_quarter(heading, period, year_end, fiscal_end_month)
            ):
                end = year_end(period.end)
                months = period.months
                if period.kind == "duration" and months == 12 and len(end) == 10 and year_to_date(end) in (3, 6, 9):
                    months = year_to_date(end)
                period = Period(period.kind, end, months)
            elif period is None and latest and _months(heading):
                period = Period("duration", latest, _months(heading))
            if period is not None:
                name = period_name(period, fiscal_end_month) or _name_from_heading(heading, period)
                period = Period(period.kind, period.end, period.months, name)
            periods.append(period)
        completed.append(
            StatementTable(
                table.page,
                table.title,
                table.caption,
                table.columns,
                tuple(periods),
                table.rows,
                table.top,
                table.bottom,
                table.head_top,
            )
        )
    return completed


def _other_quarter(heading: str, period: Period, year_end: Callable[[str], str], fiscal_end_month: int) -> bool:
    """Whether the date `year_end` would give a quarter its heading names by ordinal ("Q1"
    over "2023") ends another quarter (the document's spans end in its second)."""
    ordinal = QUARTER_ORDINAL_RE.search(heading)
    if period.months != 3 or ordinal is None:
        return False
    word = (ordinal.group("word") or ordinal.group("digit")).lower()
    named = period_name(Period("duration", year_end(period.end), 3), fiscal_end_month)
    return bool(named) and not named.startswith(f"{QUARTER_ORDINALS.get(word, word)}Q")


def _name_from_heading(heading: str, period: Period) -> str:
    """The name of a period whose end only its year tells (no heading in the document
    dates it): "FY22" for twelve months of 2022, "4Q22" for "Fourth Quarter 2022"."""
    if period.kind != "duration" or len(period.end) != 4:
        return ""
    year = period.end[2:]
    if period.months == 12:
        return f"FY{year}"
    ordinal = QUARTER_ORDINAL_RE.search(heading)
    if period.months == 3 and ordinal:
        word = (ordinal.group("word") or ordinal.group("digit")).lower()
        return f"{QUARTER_ORDINALS.get(word, word)}Q{year}"
    return ""


def stated_year_end_month(text: str) -> int | None:
    """The month the fiscal year ends in, as the document's text says it ("for the fiscal
    year ended December 31, 2022"; an interim report refers to its annual report so), the
    month most such phrases close; None when none does."""
    ends = []
    for found in YEAR_ENDED_RE.finditer(text):
        try:
            ends.append(date(2000, MONTHS[found.group("month")[:3].lower()], int(found.group("day"))).isoformat())
        except ValueError:
            continue
    return fiscal_year_end_month_of(ends) if ends else None


def fiscal_year_end_month(tables: list[StatementTable]) -> int:
    """The month the document's fiscal year ends in: from its twelve-month columns, else
    from its earlier balance-sheet dates (the prior year end beside the latest quarter)."""
    years = [p.end for t in tables for p in t.periods if p is not None and p.months == 12 and len(p.end) == 10]
    if not years:
        instants = sorted(
            {p.end for t in tables for p in t.periods if p is not None and p.kind == "instant" and len(p.end) == 10}
        )
        years = instants[:-1]
    return fiscal_year_end_month_of(years) if years else 12


def fiscal_year_end_month_of(ends: list[str]) -> int:
    """The month most of these ISO dates close (a date in a month's first week closes the month before)."""
    months = [_closing_month(date.fromisoformat(end)) for end in ends]
    return max(set(months), key=months.count) if months else 12


def _closing_month(day: date) -> int:
    """A period ending in the first week of a month closes the month before (52/53-week years)."""
    if day.day <= 7:
        return 12 if day.month == 1 else day.month - 1
    return day.month


def period_name(period: Period, fiscal_end_month: int) -> str:
    """The name an analyst uses: "FY23" for the fiscal year ending in 2023 (a year ending
    in the first week of January is the previous one's), "4Q23", "1H23", "1Q-3Q23";
    a balance on a date: "Dec. 31, 2022". Fiscal years are named by the calendar year they
    end in, as US filings do; a document that names them by the year they begin (April
    to March years, say) states its periods in its own headings, which are read as printed."""
    if len(period.end) != 10:
        return ""
    end = date.fromisoformat(period.end)
    if period.kind == "instant":
        return f"{end.strftime('%b')}. {end.day}, {end.year}".replace("May.", "May")
    closing = _closing_month(end)
    closing_year = end.year - 1 if closing == 12 and end.month == 1 else end.year
    # The fiscal year this period falls in ends in `fiscal_end_month` of `fiscal_year`.
    fiscal_year = closing_year if closing <= fiscal_end_month else closing_year + 1
    quarter = ((closing - fiscal_end_month - 1) % 12) // 3 + 1
    year = f"{fiscal_year % 100:02d}"
    if period.months == 12:
        return f"FY{year}"
    if period.months == 3:
        return f"{quarter}Q{year}"
    if period.months == 6 and quarter == 2:
        return f"1H{year}"
    if period.months == 9 and quarter == 3:
        return f"1Q-3Q{year}"
    return ""


def _lines(words: list[Word]) -> list[list[Word]]:
    """Words on one line: their tops align, or (type of two sizes set on one baseline: a
    bold "TOTAL ASSETS" beside its figures) their bottoms do."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (float(w["top"]), float(w["x0"]))):
        first = rows[-1][0] if rows else None
        if first is not None and (
            abs(float(first["top"]) - float(word["top"])) <= LINE_TOLERANCE
            or abs(float(first["bottom"]) - float(word["bottom"])) <= LINE_TOLERANCE
        ):
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: float(w["x0"])) for row in rows]


def _merged_tokens(words: list[Word]) -> list[Word]:
    """Glue what a PDF split: "1" ",696" -> "1,696"; "(" "50.9)" -> "(50.9)"; "1" "00.0" -> "100.0"."""
    merged: list[Word] = []
    for word in words:
        text = str(word["text"])
        if merged:
            previous = merged[-1]
            gap = float(word["x0"]) - float(previous["x1"])
            before = str(previous["text"])
            glue = (
                (gap < 3.0 and re.fullmatch(r"\(?\$?\d+", before) and re.match(r"^(?:,\d{3}|0\d)", text))
                or (gap < 3.0 and before in ("(", "$", "($") and re.match(r"^[\d.]", text))
                # Touching fragments are one figure the PDF kerned apart: "3" "2.8", "0" ".7".
                or (gap < 0.8 and re.fullmatch(r"\(?\$?[\d,]*\d", before) and re.match(r"^[\d.,]", text))
            )
            if glue:
                merged[-1] = {**previous, "text": str(previous["text"]) + text, "x1": word["x1"]}
                continue
        merged.append(word)
    return merged


FOOTNOTE_MARK_RE = re.compile(r"^\([a-z]\)$")


def _split(words: list[Word]) -> _Line:
    """A line's label words and its trailing figures (with "$" and "%" folded in)."""
    tokens = _merged_tokens(words)
    line = _Line(words=words)
    cells: list[tuple[float, float, str, str]] = []
    dashes: list[tuple[float, float]] = []
    index = len(tokens) - 1
    pending_percent = False
    while index >= 0:
        token = tokens[index]
        text = str(token["text"]).strip()
        if text in ("%", "%)") or text == "pts":
            pending_percent = True
        elif text in ("$", "€", "£", "¥") and cells:
            cells[-1] = (*cells[-1][:3], text)
        elif NUMBER_RE.match(text) or (text.endswith("%") and NUMBER_RE.match(text[:-1] + "")):
            raw = text + ("%" if pending_percent and not text.endswith("%") else "")
            sign = ""
            if text.startswith(("$", "($")):
                sign = "$"
            cells.append((float(token["x0"]), float(token["x1"]), raw, sign))
            pending_percent = False
        elif DASH_RE.match(text):
            dashes.append((float(token["x0"]), float(token["x1"])))
            pending_percent = False
        elif not FOOTNOTE_MARK_RE.match(text) or index == 0:
            break  # a footnote's mark among the figures ("5,645 (a) (45)") is no label word
        index -= 1
    label = tokens[: index + 1]
    figures = sorted(cells, key=lambda cell: cell[0])
    # A figure that runs on from the label is part of it: "US Exports (4)", "Q4 2022".
    while label and figures and figures[0][0] - float(label[-1]["x1"]) < LABEL_GAP:
        x0, x1, raw, _currency = figures.pop(0)
        label = [*label, {**label[-1], "text": raw, "x0": x0, "x1": x1}]
    first_x0 = min([cell[0] for cell in figures] + [dash[0] for dash in dashes], default=None)
    if label and first_x0 is not None and first_x0 - float(label[-1]["x1"]) < LABEL_GAP:
        return _Line(words=words, label_words=list(words))
    line.label_words = label
    line.cells = figures
    line.dashes = dashes
    return line


def _block_end(lines: list[_Line], start: int) -> int:
    """One past the last line of the table starting at `start`."""
    heights = [line.bottom - line.top for line in lines[start : start + 5]]
    height = sorted(heights)[len(heights) // 2] if heights else 10.0
    end = start + 1
    last_row = start
    while end < len(lines):
        line = lines[end]
        gap = line.top - lines[end - 1].bottom
        if gap > MAX_LINE_GAP * height:
            break
        if not line.is_row:
            if len(line.words) > PROSE_WORDS or line.is_year_header:
                break
            if end - last_row > 3:
                break
        else:
            last_row = end
        end += 1
    return last_row + 1


def _columns(rows: list[_Line]) -> list[tuple[float, float]]:
    """Column spans (x0, x1) from the figures' right edges, left to right."""
    edges = sorted({round(cell[1], 1) for row in rows for cell in row.cells})
    groups: list[list[float]] = []
    for edge in edges:
        if groups and edge - groups[-1][-1] <= COLUMN_GAP:
            groups[-1].append(edge)
        else:
            groups.append([edge])
    spans = []
    for group in groups:
        low, high = group[0] - COLUMN_GAP / 2, group[-1] + COLUMN_GAP / 2
        starts = [cell[0] for row in rows for cell in row.cells if low <= cell[1] <= high]
        spans.append((min(starts), max(group)))
    return spans


def _column_of(cell_x1: float, spans: list[tuple[float, float]]) -> int:
    return min(range(len(spans)), key=lambda i: abs(spans[i][1] - cell_x1))


def _segments(words: list[Word]) -> list[tuple[float, float, str]]:
    """A line's runs of words set close together. A bracketed note ends its run: the
    column headings set close after "(in millions, except per share amounts)" are
    headings, not more of the note."""
    segments: list[list[Word]] = []
    for word in words:
        closed = (
            bool(segments)
            and str(segments[-1][0]["text"]).startswith("(")
            and str(segments[-1][-1]["text"]).endswith(")")
        )
        if segments and not closed and float(word["x0"]) - float(segments[-1][-1]["x1"]) <= HEADER_SEGMENT_GAP:
            segments[-1].append(word)
        else:
            segments.append([word])
    return [
        (float(group[0]["x0"]), float(group[-1]["x1"]), " ".join(str(w["text"]) for w in group)) for group in segments
    ]


def _table(lines: list[_Line], start: int, end: int, page: int) -> StatementTable | None:
    rows = [line for line in lines[start:end] if line.is_row]
    spans = _columns(rows)
    if not spans:
        return None
    label_right = min(span[0] for span in spans) - 4
    # Where the rows' labels end: a year heading set left of its figures (over the "$"
    # beside them) is still right of every label.
    labels_end = max((float(word["x1"]) for row in rows for word in row.label_words), default=label_right)
    first_row = start
    # Section headings above the first row ("Assets", "Current assets:") belong to the table.
    while start > 0:
        line = lines[start - 1]
        in_label_area = (
            not line.is_row and float(line.words[-1]["x1"]) <= label_right and len(line.words) <= PROSE_WORDS
        )
        if not in_label_area or lines[start].top - line.bottom > 20 or line.text.strip().startswith("("):
            break
        start -= 1
    # Column headings: the lines right above whose words sit over the columns.
    headings: list[list[str]] = [[] for _ in spans]
    own: list[list[str]] = [[] for _ in spans]  # only the heading words right above each column
    root = ""
    caption_parts: list[str] = []
    above = start - 1
    header_top = lines[start].top
    taken = 0
    while above >= 0 and taken < HEADER_LINES:
        line = lines[above]
        if line.is_row or header_top - line.bottom > 40:
            break
        if taken and STATEMENT_TITLE_RE.search(line.text) and not PERIOD_WORDS_RE.search(line.text):
            break  # "Consolidated Statements of Cash Flows" over "Year Ended": the title
        if taken == 0 and _is_caption(line.text) and above > 0 and lines[above - 1].is_year_header:
            # "(In millions)" set between the years and the first row: the headings are above.
            caption_parts.insert(0, line.text)
            header_top = line.top
            above -= 1
            continue
        if taken == 0 and all(_is_caption(text) for _, _, text in _segments(line.words)):
            # "(Unaudited)" alone under the dates: a note on the columns; the dates are above.
            caption_parts.insert(0, line.text)
            header_top = line.top
            above -= 1
            continue
        segments = [
            segment
            for segment in _segments(line.words)
            if (segment[1] > label_right or (segment[0] > labels_end and YEAR_RE.match(segment[2])))
            and not _is_caption(segment[2])
            and not DASH_RE.match(segment[2])
        ]
        if not segments or (len(line.words) > PROSE_WORDS and len(segments) < 2) or _ends_a_sentence(line.text):
            break
        others = [text for x0, x1, text in _segments(line.words) if (x0, x1, text) not in segments]
        over = [word for word in line.words if float(word["x1"]) > label_right]
        if len(segments) < len(spans) == len(over) and not PERIOD_WORDS_RE.search(line.text):
            # One word per column, set close ("Domestic International Consolidated"): each
            # heads its own column.
            segments = [(float(word["x0"]), float(word["x1"]), str(word["text"])) for word in over]
        if taken == 0 and others and not _is_caption(others[0]) and start == first_row:
            root = clean_label(others[0])  # "Domestic Segment Results" beside the dates: the rows' section
        else:
            caption_parts[:0] = others
        # The heading line above this one: a segment set flush under one of its segments
        # continues that column's heading ("Adjusted*" under "12 Weeks").
        anchors = _segments(lines[above - 1].words) if above > 0 and not lines[above - 1].is_row else []
        for column, texts in zip(range(len(spans)), _assign(segments, spans, anchors), strict=True):
            headings[column][:0] = texts
        for x0, x1, text in segments:
            for column, (c0, c1) in enumerate(spans):
                if x0 <= c1 + 3 and x1 >= c0 - 3:
                    own[column].insert(0, text)
        header_top = line.top
        above -= 1
        taken += 1
    head_top = header_top if taken else None
    # Caption and title: a few lines above the headings.
    for line in reversed(lines[max(0, above - CAPTION_LINES + 1) : above + 1]):
        # The sentence introducing the table, right above it ("Comparable sales ... were as
        # follows:"), names it, however long and however far above it is set.
        introduces = not caption_parts and line.text.rstrip().endswith(":")
        too_far = header_top - line.bottom > (INTRODUCTION_GAP if introduces else 60)
        if line.is_row or too_far or (len(line.words) > PROSE_WORDS and not introduces):
            break
        caption_parts.insert(0, line.text)
        header_top = line.top
    caption = " ".join(caption_parts)
    # The title: the nearest line above that names something (not a caption, not a
    # wrapped row's end in lower case), one set in capitals first ("CONSOLIDATED BALANCE
    # SHEETS" over a remark "Subject to Reclassification").
    named = [
        part
        for part in reversed(caption_parts)
        if not _is_caption(part) and re.search(r"[A-Za-z]{3}", part) and not re.match(r"\W*[a-z]", part)
    ]
    title = next((part for part in named if part.upper() == part), named[0] if named else "")
    # "Comparable sales for the first quarter were as follows:" -> "Comparable sales for the first quarter"
    title = INTRODUCTION_END_RE.sub("", title).strip()
    columns = tuple(" ".join(parts) for parts in headings)
    periods = _periods(columns, caption)
    currency = next((cell[3] for row in rows for cell in row.cells if cell[3]), "")
    own_columns = tuple(" ".join(parts) for parts in own)
    table_rows = _rows(lines[start:end], spans, _unit_caption(caption, columns), own_columns, currency, root)
    if not table_rows:
        return None
    return StatementTable(
        page=page,
        title=title,
        caption=caption,
        columns=columns,
        periods=periods,
        rows=tuple(table_rows),
        top=lines[start].top,
        bottom=lines[end - 1].bottom,
        head_top=head_top,
    )


# Two heading segments whose left or right edges are this close (points) are set flush.
FLUSH = 1.5


def _assign(
    segments: list[tuple[float, float, str]],
    spans: list[tuple[float, float]],
    anchors: list[tuple[float, float, str]] | None = None,
) -> list[list[str]]:
    """Which heading segment names each column. As many segments as columns or more: by
    overlap. Fewer: each column takes the nearest one, so "Three Months Ended" centred
    over two columns names both; but a segment over one column, set flush under a segment
    of the heading line above that is over that column alone (`anchors`), continues that
    column's heading only ("Adjusted*" under the second "12 Weeks")."""

    def hits(x0: float, x1: float) -> list[int]:
        return [i for i, (c0, c1) in enumerate(spans) if x0 <= c1 + 3 and x1 >= c0 - 3]

    named: list[list[str]] = [[] for _ in spans]
    if len(segments) >= len(spans):
        for x0, x1, text in segments:
            if DASH_RE.match(text):
                continue
            hit = [i for i, (c0, c1) in enumerate(spans) if x0 <= c1 + 3 and x1 >= c0 - 3]
            for i in hit or [min(range(len(spans)), key=lambda i: abs(sum(spans[i]) / 2 - (x0 + x1) / 2))]:
                named[i].append(text)
        return named
    continued = [
        (x0, x1, text)
        for x0, x1, text in segments
        if len(column := hits(x0, x1)) == 1
        and any(
            hits(a0, a1) == column and (abs(a0 - x0) <= FLUSH or abs(a1 - x1) <= FLUSH) for a0, a1, _ in anchors or ()
        )
    ]
    for x0, x1, text in continued:
        named[hits(x0, x1)[0]].append(text)
    spanning = [segment for segment in segments if segment not in continued]
    if not spanning:
        return named
    centres = [(c0 + c1) / 2 for c0, c1 in spans]
    for i, centre in enumerate(centres):
        if named[i]:
            continue  # its own heading continues
        x0, x1, text = min(spanning, key=lambda segment: abs((segment[0] + segment[1]) / 2 - centre))
        named[i].append(text)
    return named


def _unit_caption(caption: str, columns: tuple[str, ...]) -> str:
    """The caption, with the units the column headings state in parentheses ("SALES
    ($MM)") when the caption states none: they are the unit of the figures below."""
    if _currency("", caption) or _scale(caption):
        return caption
    stated = [part for part in UNIT_NOTE_RE.findall(" ".join(columns)) if _currency("", part) or _scale(part)]
    return " ".join([caption, *dict.fromkeys(stated)]).strip()


def _is_caption(text: str) -> bool:
    """ "(in millions, except per share data)", "($ and shares in millions ...)", "(Unaudited)"."""
    stripped = text.strip()
    return (stripped.startswith("(") and stripped.endswith(")")) or bool(
        re.search(r"\bin\s+(?:thousands|millions|billions)\b|\bunaudited\b", stripped, re.I)
    )


def _rows(
    lines: list[_Line],
    spans: list[tuple[float, float]],
    caption: str,
    columns: tuple[str, ...],
    currency: str,
    root: str = "",
) -> list[StatementRow]:
    """Rows with their section parents: a label-only line opens a section; a row indented
    under it (or any row, for a heading ending in ":" or in capitals, until a row comes
    back out to the left of its first child) hangs under it."""
    sections: list[dict[str, Any]] = []  # {"text", "x0", "child_x0", "strong"}
    rows: list[StatementRow] = []
    # A column with a figure printed in a currency holds amounts, whatever "%" a heading
    # spanning further columns brings it ("Full Year 2022 ... % Change").
    money_columns = {_column_of(cell[1], spans) for line in lines if line.is_row for cell in line.cells if cell[3]}
    previous: _Line | None = None
    for line in lines:
        if not line.is_row:
            text = clean_label(line.label or line.text)
            if not text:
                continue
            if FOOTNOTE_LINE_RE.match(text):
                # "(a) Amounts may not calculate due to rounding.": a note under the table,
                # neither the row above's label wrapping nor a section.
                previous = line
                continue
            if previous is not None and previous.is_row and rows and re.match(r"^[a-z(]", text):
                # The row's label wraps onto this line: "Earnings before ... in income" / "(loss) of affiliates".
                last = rows[-1]
                rows[-1] = StatementRow((*last.path[:-1], f"{last.label} {text}"), last.cells, f"{last.text} {text}")
                previous = line
                continue
            if (
                sections
                and previous is sections[-1]["line"]
                and sections[-1]["text"].split()[-1].lower() in CONTINUING_WORDS
            ):
                # "Earnings per common share attributable to" / "Acme Incorporated:": one
                # heading on two lines.
                section = sections[-1]
                section["text"] = f"{section['text']} {text.rstrip(':').strip()}"
                section["strong"] = section["strong"] or text.endswith(":")
                section["line"] = previous = line
                continue
            _close_sections(sections, line.label_x0, opening=True)
            for section in sections:  # a section's first child may be a section of its own
                if section["child_x0"] is None:
                    section["child_x0"] = line.label_x0
            strong = (
                text.endswith(":") or (text.upper() == text and any(c.isalpha() for c in text)) or _title_cased(text)
            )
            sections.append(
                {
                    "text": text.rstrip(":").strip(),
                    "x0": line.label_x0,
                    "child_x0": None,
                    "strong": strong,
                    "line": line,
                }
            )
            previous = line
            continue
        label = clean_label(line.label)
        x0 = line.label_x0
        if (
            label
            and re.match(r"^[a-z]", label)
            and sections
            and sections[-1]["child_x0"] is None
            and previous is sections[-1]["line"]
        ):
            # "Less: Accelerated Computing ..." / "intersegment revenue  (520)": one label on two lines.
            label = f"{sections.pop()['text']} {label}"
        _close_sections(sections, x0, opening=False)
        for section in sections:
            if section["child_x0"] is None:
                section["child_x0"] = x0
        path = ((root,) if root else ()) + tuple(section["text"] for section in sections) + ((label,) if label else ())
        unit_text = " ".join((*path, caption))
        cells = []
        for _x0, x1_cell, raw, cell_currency in line.cells:
            column = _column_of(x1_cell, spans)
            value = _value(raw)
            if value is None:
                continue
            header = columns[column] if column < len(columns) and column not in money_columns else ""
            unit = _unit(raw, path, header, caption, cell_currency or currency, unit_text)
            cells.append(StatementCell(value, raw, unit, column))
        if cells:
            rows.append(StatementRow(path, tuple(cells), line.text))
        previous = line
    return rows


def _ends_a_sentence(text: str) -> bool:
    """A line of several words ending with a full stop: the end of a paragraph above a
    table, not its column headings."""
    return len(text.split()) >= SENTENCE_WORDS and text.rstrip().endswith(".")


def _title_cased(text: str) -> bool:
    """A label written as a title ("Domestic Segment Non-GAAP Results"): two words or
    more, each longer word capitalised, not ending on a word that continues the label on
    the next line ("Net income attributable to")."""
    words = re.findall(r"[A-Za-z][\w'&-]*", text)
    long_words = [word for word in words if len(word) > 3]
    return (
        len(words) >= 2
        and bool(long_words)
        and all(word[0].isupper() for word in long_words)
        and words[-1].lower() not in CONTINUING_WORDS
    )


def _close_sections(sections: list[dict[str, Any]], x0: float, opening: bool) -> None:
    while sections:
        section = sections[-1]
        child_x0 = section["child_x0"]
        if opening:
            # A new heading at or left of this one replaces it (a sibling or a way out).
            if x0 <= section["x0"] + 2 or (child_x0 is not None and x0 < child_x0 - 2):
                sections.pop()
                continue
            return
        if (
            x0 < section["x0"] - 2
            or (child_x0 is not None and x0 < child_x0 - 2)
            or (child_x0 is None and x0 <= section["x0"] + 2 and not section["strong"])
        ):
            sections.pop()
        else:
            return


def clean_label(text: str) -> str:
    text = " ".join(text.split())
    return FOOTNOTE_RE.sub("", text).strip()


def _value(raw: str) -> float | None:
    text = raw.replace("$", "").replace("%", "").replace(",", "").replace("\u2212", "-")
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    try:
        value = float(text)
    except ValueError:
        return None
    return -value if negative else value


def _unit(raw: str, path: tuple[str, ...], header: str, caption: str, currency: str, unit_text: str) -> str:
    label = " ".join(path)
    if "%" in raw or "%" in header or "%" in label or re.search(r"\bpercent", f"{label} {header}", re.I):
        return "%"
    count_scale = COUNT_SCALE_RE.search(label)
    if count_scale:
        return SCALES.get(count_scale.group(1).lower(), "count")
    money = _currency(currency, caption)
    if PER_SHARE_RE.search(unit_text.replace(caption, "")) or PER_SHARE_RE.search(label):
        return money or "USD"
    if re.search(r"\bshares\b", label, re.I) and "$" not in raw:
        shares_scale = re.search(r"shares\b[^)]*?\bin\s+(thousands|millions|billions)", caption, re.I)
        scale_words = SCALE_RE.search(caption)
        if shares_scale:
            return SCALES[shares_scale.group(1).lower()]
        if scale_words and "$" not in caption:
            return SCALES.get(scale_words.group(1).lower(), "count")
        return "count"
    scale = _scale(label) or _scale(caption)
    if money:
        return f"{money} {scale}".strip()
    return scale or ""


def _scale(caption: str) -> str:
    """The caption's scale, spelled-out words first ("in millions" over a "(000s)" elsewhere)."""
    words = [match.group(1).lower() for match in SCALE_RE.finditer(caption)]
    spelled = [word for word in words if word[0].isalpha()]
    chosen = (spelled or words or [""])[0]
    return SCALES.get(chosen, "")


def _currency(sign: str, caption: str) -> str:
    for symbol, code in CURRENCY_SIGNS:
        if symbol in sign or symbol in caption:
            return code
    word = CURRENCY_WORDS.search(caption)
    if word:
        return CURRENCY_BY_WORD[word.group(1).lower().rstrip("s")]
    return "USD" if sign else ""


def _periods(columns: tuple[str, ...], caption: str) -> tuple[Period | None, ...]:
    """Each column's period from its heading (and the caption, for "Years ended December 31")."""
    month_day = MONTH_DAY_RE.search(caption)
    periods = []
    for heading in columns:
        periods.append(parse_period(heading, caption, month_day))
    return tuple(periods)


def parse_period(heading: str, caption: str = "", month_day: re.Match[str] | None = None) -> Period | None:
    """ "Three Months Ended January 28, 2023" -> 3 months ended 2023-01-28; "Dec 31, 2022"
    -> as of 2022-12-31; "12 Weeks Ended November 20, 2022" -> 3 months; "FY22" -> 12
    months ended 2022; "Twelve Months 2021" -> 12 months ended 2021."""
    text = f"{heading}"
    end = ""
    found = DATE_RE.search(text)
    if found:
        end = _iso(found)
    else:
        years = re.findall(r"\b((?:19|20)\d{2})\b", text) or [
            f"20{short}" for short in re.findall(r"\bFY\s?'?(\d{2})\b", text, re.I)
        ]
        if years:
            year = years[-1]
            if month_day is not None:
                month = MONTHS[month_day.group("month")[:3].lower()]
                end = date(int(year), month, int(month_day.group("day"))).isoformat()
            else:
                end = year
    if not end:
        return None
    if not found and month_day is not None and re.search(r"\b(?:at|as\s+of)\s*$", caption[: month_day.start()], re.I):
        return Period("instant", end, 0)  # a year under "At December 31": that day's balance
    months = _months(text) or _months(caption)
    if months:
        return Period("duration", end, months)
    if found and not YEAR_SPAN_RE.search(text):
        return Period("instant", end, 0)
    return (
        Period("duration", end, 12)
        if YEAR_SPAN_RE.search(f"{text} {caption}") or not found
        else Period("instant", end, 0)
    )


def _months(text: str) -> int:
    months = _months_as_printed(text)
    if not months:
        # Letters the layout set apart ("Three M on t hs E nded"): the words joined again.
        months = _months_as_printed(re.sub(r"(?<=[A-Za-z])\s(?=[a-z])", "", text))
    return months


def _months_as_printed(text: str) -> int:
    to_date = YEAR_TO_DATE_RE.search(text)
    if to_date:
        return 3 * int(to_date.group("quarter"))  # "Q4 YTD": the year to the fourth quarter's end
    span = SPAN_RE.search(text)
    if span:
        count = span.group("count").lower()
        number = WORD_NUMBERS.get(count) or int(count)
        if span.group("what").lower().startswith("week"):
            # 12-, 13- or 16-week quarters, 24/26 weeks, 36/39/40 weeks, 52/53 weeks.
            return next(months for weeks, months in ((17, 3), (28, 6), (41, 9), (99, 12)) if number <= weeks)
        return number
    if QUARTER_RE.search(text):
        return 3
    if YEAR_SPAN_RE.search(text):
        return 12
    return 0


def _iso(found: re.Match[str]) -> str:
    try:
        return date(
            int(found.group("year")), MONTHS[found.group("month")[:3].lower()], int(found.group("day"))
        ).isoformat()
    except ValueError:
        return found.group("year")
