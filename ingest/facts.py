"""Turn table cells and bullet lines into typed `Fact`s: value, unit, period, label.

Pure functions over records; no I/O.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from collections.abc import Iterable

from ingest.numbers import (
    BARE_YEAR_RE,
    CURRENCIES,
    PERIOD_RE,
    Figure,
    find_figures,
    find_periods,
    is_money,
    parse_figure,
    period_sort_key,
    period_year,
    split_unit,
)
from ingest.records import Chunk, Fact, Slide, Table
from ingest.statements import StatementTable

UNIT_IN_TEXT_RE = re.compile(
    r"\bunit\s*[:=]?\s*(?P<unit>(?:(?:JPY|USD|EUR|GBP|yen)\s+)?(?:trillion|billion|million|thousand)|%)", re.IGNORECASE
)
TARGET_WORDS = ("target", "plan", "forecast", "outlook", "expect", "prospect", "aim", "guidance")
CHANGE_WORDS = ("yoy", "qoq", "change", "up ", "down ", "increase", "decrease")
# A row that is a ratio of the row above it: "% to Sales", "% of net sales", "Percent of revenues".
RATIO_ROW_RE = re.compile(r"^\s*(?:%|percent(?:age)?|as a %)\s*(?:to|of)\b", re.IGNORECASE)
# "For the full year" without a year: the fiscal year of the period printed around it.
FULL_YEAR_RE = re.compile(r"\b(?:full[- ]year|for the year)\b(?!\s+(?:fiscal\s+)?(?:FY)?\d)", re.IGNORECASE)
# How many characters before a bare year may make it a quarter ("the fourth quarter of 2018").
YEAR_LEAD = 30
# How many characters before a printed period may complete it ("Q4 " before "FY23").
PERIOD_LEAD = 25
# A footnote: its mark, then its text ("*Excluding the impacts of ...").
FOOTNOTE_RE = re.compile(r"^(?P<mark>\*+)\s*(?P<note>[A-Za-z].{4,})$", re.DOTALL)
# How many words after a figure can name what it counts ("3,108 employees").
TRAILING_WORDS = 6


def table_facts(table: Table) -> list[Fact]:
    """One fact per figure in each cell. The label is the row label (and the column
    header when the header is not a period); the period comes from the column (a
    column without one inherits it from its group, see `column_periods`), the row
    label or the table title, in that order."""
    facts: list[Fact] = []
    default_unit = normalize_unit(table.unit)
    headerless_values = _is_value_row_table(table)
    # A table read as one column ("Database systems 97%" under "Area Growth Rate": its
    # columns were not ruled apart): each figure is named by the words before it.
    one_column = all(len(row) == 1 for row in table.rows) and len(table.header) <= 1
    periods_by_column = column_periods(table.header)
    has_period_columns = any(find_periods(column) for column in table.header)
    # Dates set above a ruled table, not in its cells, are in its title, in the columns'
    # order ("Consolidated Balance Sheets December 31, 2022 December 31, 2021").
    title_periods = [] if any(periods_by_column) else _title_periods(table.title)
    above = ""
    for row_index, row in enumerate(table.rows):
        row_label = "" if headerless_values or one_column else row[0]
        row_periods = _row_periods(row, title_periods, default_unit) if len(title_periods) >= 2 else {}
        # "% to Sales" under "Adjusted Income Before Tax": the ratio of the row above.
        if RATIO_ROW_RE.match(row_label) and above:
            row_label = f"{above} {row_label}"
        elif row_label:
            above = row_label
        first_value_column = 0 if headerless_values or one_column else 1
        for column_index in range(first_value_column, len(row)):
            cell = row[column_index]
            column = table.header[column_index] if column_index < len(table.header) else ""
            period = (
                periods_by_column[column_index]
                or row_periods.get(column_index, "")
                or _first(find_periods(row_label))
                or _first(find_periods(table.title))
            )
            column_label = _strip_periods(column)
            if periods_by_column[column_index] and periods_by_column[column_index] == _header_year(column):
                column_label = " ".join(w for w in column_label.split() if w != periods_by_column[column_index])
            label = " - ".join(part for part in (row_label, column_label) if part) or table.title
            # A "%" column or a "... % change" row holds percentages printed without the sign.
            column_unit = "%" if "%" in column or "%" in row_label else _row_unit(row, row_label, default_unit)
            thousands = column_unit != "%" and THOUSANDS_RE.search(column) is not None  # "Total Volume (000)"
            single = parse_figure(cell, column_unit)
            # "(12.0) %", "$ (34)": currency and percent signs printed apart are still one figure.
            whole_cell = single is not None and _bare(single.raw) == _bare(cell)
            figures = [single] if whole_cell and single else find_figures(cell, column_unit)
            tag_source = column if has_period_columns else f"{column} {table.title}"
            previous_end = 0
            # "Cloud-related (of GIO P2-related) | 4.4 (2.2)": the bracketed figure is the part.
            part_of = re.match(r"^(?P<whole>.+?)\s*\(of (?P<part>[^()]+)\)\s*\**$", row_label)
            split_part = part_of is not None and len(figures) == 2 and figures[1].raw.startswith("(")
            for position, figure in enumerate(figures):
                segment = _segment(cell, figure)
                figure_label, figure_period, extra_tags = label, period, ()
                if split_part and part_of is not None:
                    whole, part = part_of.group("whole"), part_of.group("part")
                    name = whole if position == 0 else f"{part} (of {whole})"
                    figure_label = " - ".join(p for p in (name, column_label) if p)
                    extra_tags = ("part",) if position else ()
                elif segment is not None:
                    # "FY20 MVNO business revenue: approx. JPY65 billion (up JPY49.4 billion
                    # from FY15)": the cell's ";"-item names its figures and their period.
                    local = _without_figures(segment).strip(" :;")
                    figure_label = f"{label} ({local})" if local else label
                    figure_period = periods_by_column[column_index] or _first(find_periods(segment)) or period
                elif len(figures) > 1 or one_column:
                    local = _local_label(cell, figure, previous_end)
                    figure_label = f"{label} ({local})" if local else label
                previous_end = figure.end
                facts.append(
                    Fact(
                        fact_id=f"{table.table_id}-r{row_index + 1}c{column_index}-{position}",
                        slide=table.slide,
                        label=figure_label,
                        value=figure.value,
                        unit=_in_thousands(_scaled(figure.unit, column_unit))
                        if thousands
                        else _scaled(figure.unit, column_unit),
                        period=figure_period,
                        raw=figure.raw,
                        context=f"{table.title}: " + " | ".join(row),
                        table_id=table.table_id,
                        row=row_label,
                        column=column,
                        qualifier=figure.qualifier,
                        tags=_tags(tag_source, figure) + extra_tags,
                    )
                )
    return facts


YEAR_HEADER_RE = re.compile(r"(?:19|20)\d\d")
# A column header of at most this many words, one of them a year, is that year's.
HEADER_YEAR_WORDS = 3
PER_SHARE_RE = re.compile(r"\bper\s+(?:\w+\s+){0,2}share\b|\beps\b", re.IGNORECASE)
SHARES_RE = re.compile(r"\bshares\b", re.IGNORECASE)


def _title_periods(title: str) -> list[str]:
    """The periods a table's title ends with, in order: dates, or bare years ("2022 2021")."""
    years = list(itertools.takewhile(YEAR_HEADER_RE.fullmatch, reversed(title.split())))
    return find_periods(title) or (years[::-1] if len(years) >= 2 else [])


def _row_periods(row: tuple[str, ...], periods: list[str], unit: str) -> dict[int, str]:
    """The title's periods given to a row's figures left to right, when it prints one per
    period (a "$" printed in a cell of its own is no figure)."""
    held = [i for i, cell in enumerate(row[1:], start=1) if cell.strip(" $") and parse_figure(cell, unit) is not None]
    return dict(zip(held, periods, strict=True)) if len(held) == len(periods) else {}


def _scaled(unit: str, table_unit: str) -> str:
    """A figure's unit in its table: "$ 1,263" in a table in "USD million" is in USD million."""
    kind, scale = split_unit(table_unit)
    return table_unit if scale and unit == kind else unit or "count"


# A column headed "(000)", "('000)", "(000s)" counts in thousands.
THOUSANDS_RE = re.compile(r"\(\s*(?:in\s+)?[$€£]?\s*['‘’]?000s?\s*\)", re.IGNORECASE)


def _in_thousands(unit: str) -> str:
    """`unit` counted in thousands, unless a percentage or already scaled."""
    kind, scale = split_unit(unit)
    if unit == "%" or scale:
        return unit
    return "thousand" if kind == "count" else f"{kind} thousand"


def _row_unit(row: tuple[str, ...], label: str, unit: str) -> str:
    """A row's unit in a table whose caption scales its amounts ("USD million"): an amount
    per share is in the currency alone, a count of shares (a row that prints no "$") in the
    scale alone."""
    kind, scale = split_unit(unit)
    if not scale or kind == "count":
        return unit
    if PER_SHARE_RE.search(label):
        return kind
    return scale if SHARES_RE.search(label) and not any("$" in cell for cell in row) else unit


def column_periods(header: tuple[str, ...]) -> list[str]:
    """The period of each column. A column without its own period ("% of Revenues",
    "YoY Change") belongs to the group on its left; a change column describes the most
    recent period of that group."""
    periods: list[str] = []
    group: list[str] = []
    previous_was_change = False
    for column in header:
        # A column headed by a year alone ("2014"), or by a year and a word or two
        # ("2006 Results", a chart's series), is that year's.
        own = _first(find_periods(column)) or _header_year(column)
        if own:
            if previous_was_change:
                group = []
            group.append(own)
            periods.append(own)
        elif _is_change_column(column) and group:
            periods.append(max(group, key=period_sort_key))
        else:
            periods.append(group[-1] if group else "")
        previous_was_change = _is_change_column(column) and not own
    return periods


def _header_year(column: str) -> str:
    words = column.strip(" *").split()
    years = [word for word in words if YEAR_HEADER_RE.fullmatch(word)]
    return years[0] if len(years) == 1 and len(words) <= HEADER_YEAR_WORDS else ""


def _is_change_column(column: str) -> bool:
    lowered = column.lower()
    return any(word in lowered for word in ("yoy", "qoq", "change"))


def _segment(cell: str, figure: Figure) -> str | None:
    """The ";"-separated item of a multi-item cell that holds `figure`, or None."""
    if ";" not in cell:
        return None
    start = cell.rfind(";", 0, figure.start) + 1
    end = cell.find(";", figure.end)
    return cell[start : end if end >= 0 else len(cell)].strip()


def _local_label(cell: str, figure: Figure, previous_end: int) -> str:
    """What names a figure inside a cell holding several: the words between the
    previous figure and this one, or else the words right after it."""
    between = cell[previous_end : figure.start]
    words = " ".join(re.sub(r"[()\[\]:,*]", " ", between).split())
    if words and words.lower() not in ("of", "and"):
        return words
    trailing = re.match(r"\s*([A-Za-z][\w'&/-]*(?:\s+[A-Za-z][\w'&/-]*){0,2})", cell[figure.end :])
    return trailing.group(1) if trailing else ""


def passage_facts(chunk: Chunk, slide_unit: str = "") -> list[Fact]:
    """One fact per figure in a passage (bullet, paragraph). The label is the clause
    before the figure plus the words after it that name what it counts. In chart
    residue only figures printed right after a period label ("FY15: 12,052") count."""
    if chunk.kind == "table_row":
        return []
    default_unit = _unit_stated(chunk.text) or _unit_stated(chunk.heading)
    is_chart = chunk.kind == "chart_data"
    if is_chart:
        default_unit = default_unit or slide_unit
    facts = []
    # A year inside a date ("as of Mar. 31, 2016") is part of the period, not a figure.
    dates = [match.span() for match in PERIOD_RE.finditer(chunk.text) if match.group("day")]
    for position, figure in enumerate(find_figures(chunk.text, default_unit, parens_negative=is_chart)):
        if any(start <= figure.start and figure.end <= end + 1 for start, end in dates):
            continue
        if is_chart:
            period = _labelled_period(chunk.text, figure)
            if not period:
                continue
            label = _chart_label(chunk.text, figure) or chunk.heading or chunk.title
            tags: tuple[str, ...] = ("chart",)
        else:
            label = _label_around(chunk.text, figure)
            period = (
                _nearest_period(chunk.text, figure)
                or _first(find_periods(chunk.heading))
                or _first(find_periods(chunk.parent))
            )
            tags = _passage_tags(chunk.text, figure)
            # An item of a list introduced as guidance or a plan is one.
            if "target" not in tags and any(word in chunk.parent.lower() for word in TARGET_WORDS):
                tags = ("target", *tags)
        facts.append(
            Fact(
                fact_id=f"{chunk.chunk_id}-f{position}",
                slide=chunk.slide,
                label=label,
                value=figure.value,
                unit=figure.unit or "count",
                period=period,
                raw=figure.raw,
                context=chunk.text,
                qualifier=figure.qualifier,
                tags=tags,
                heading=" ".join(part for part in (chunk.heading, chunk.parent) if part),
            )
        )
    return facts


CHART_PAIR_RE = re.compile(r"(?P<period>[\w.,\- ]{2,20}?)\s?:\s?$")


def _labelled_period(text: str, figure: Figure) -> str:
    """The period printed as a label right before a chart figure ("1Q-3Q16: 4,408")."""
    before = text[max(0, figure.start - 20) : figure.start]
    match = CHART_PAIR_RE.search(before)
    if not match:
        return ""
    periods = find_periods(match.group("period"))
    return periods[-1] if periods else ""


def _chart_label(text: str, figure: Figure) -> str:
    """The words naming a chart series: the last "Words:" before the figure's period."""
    before = text[: figure.start]
    names = re.findall(r"([A-Z][A-Za-z&/ ]{3,40}?):", before)
    names = [name.strip() for name in names if not find_periods(name)]
    return names[-1] if names else ""


CURRENCY_SIGN_RE = re.compile(r"[$€£¥]")


def statement_facts(table_id: str, statement: StatementTable) -> list[Fact]:
    """One fact per figure of an unruled table: its row (with section parents as the
    heading), its column heading and that column's period, its unit from the caption."""
    facts = []
    # A column with a figure printed in a currency ("$14,953") holds amounts, as one headed
    # by a year does.
    money_columns = {cell.column for row in statement.rows for cell in row.cells if CURRENCY_SIGN_RE.search(cell.raw)}
    above = ""
    for row_number, row in enumerate(statement.rows, start=1):
        parents = " > ".join(row.path[:-1])
        label = f"{above} {row.label}" if RATIO_ROW_RE.match(row.label) and above else row.label
        above = above if label != row.label else row.label
        # Two figures under one column heading ("-37 4%", a figure OCR split in two):
        # which one the column holds is unknown, so neither is stated.
        shared = {column for column, count in Counter(cell.column for cell in row.cells).items() if count > 1}
        for cell in row.cells:
            if cell.column in shared:
                continue
            column = statement.columns[cell.column] if cell.column < len(statement.columns) else ""
            period = statement.periods[cell.column] if cell.column < len(statement.periods) else None
            tags = ["statement"]
            # A column headed by a year ("Percent Change" spanning it aside) holds that
            # year's figures, not a change.
            headed_by_year = bool(re.search(r"\b(?:19|20)\d\d$", column.strip())) or cell.column in money_columns
            if not headed_by_year and re.search(
                r"\bchange\b|\bincrease\b|\bdecrease\b|\bgrowth\b", column, re.IGNORECASE
            ):
                tags.append("change")
            unit = cell.unit
            if (
                not headed_by_year
                and is_money(unit)
                and re.search(r"\bpercent|%", column, re.IGNORECASE)
                and not re.search(r"\bamounts?$", column.strip(), re.IGNORECASE)
            ):
                unit = "%"  # "Total", "Operations", "Currency" under a spanning "Percent Change"
            facts.append(
                Fact(
                    fact_id=f"{table_id}-r{row_number}-c{cell.column + 1}",
                    slide=statement.page,
                    label=label,
                    value=cell.value,
                    unit=unit,
                    period=period.label() if period else "",
                    raw=cell.raw,
                    context=row.text,
                    table_id=table_id,
                    row=label,
                    column=column,
                    tags=tuple(tags),
                    heading=parents,
                    period_end=period.end if period and len(period.end) == 10 else "",
                )
            )
    return facts


def all_facts(
    tables: Iterable[Table],
    chunks: Iterable[Chunk],
    statements: Iterable[tuple[str, StatementTable]] = (),
    slides: Iterable[Slide] = (),
) -> list[Fact]:
    facts: list[Fact] = []
    statements = list(statements)
    read_from_words = {table_id for table_id, _ in statements}
    for table in tables:
        if table.table_id not in read_from_words:
            facts.extend(table_facts(table))
    for table_id, statement in statements:
        facts.extend(statement_facts(table_id, statement))
    chunks = list(chunks)
    facts = _with_footnotes(facts, chunks)
    slide_units: dict[int, str] = {}
    for chunk in chunks:
        unit = _unit_stated(chunk.text)
        if unit:
            slide_units.setdefault(chunk.slide, unit)
    group_periods: dict[tuple[int, str, str], list[str]] = {}
    for chunk in chunks:
        if chunk.kind == "bullet" and chunk.parent:
            # Only a period that labels a sibling ("1Q-3Q16: JPY12,207 million").
            lead = re.match(r"\s*([^:;,]{2,20}):", chunk.text)
            labelled = find_periods(lead.group(1)) if lead else []
            group_periods.setdefault((chunk.slide, chunk.heading, chunk.parent), []).extend(labelled)
    for chunk in chunks:
        siblings = group_periods.get((chunk.slide, chunk.heading, chunk.parent), []) if chunk.parent else []
        for fact in passage_facts(chunk, slide_units.get(chunk.slide, "")):
            if not fact.period and siblings and "chart" not in fact.tags:
                # "Network Services: 1Q-3Q16: JPY12,207 million; ...; Gross margin ratio:
                # 17.8% (down 1.3 points YoY)": a figure without a period of its own is
                # for the latest period its sibling bullets report.
                fact = dataclasses.replace(fact, period=max(siblings, key=period_sort_key))
            facts.append(fact)
    return facts + _title_facts(slides, chunks)


def _title_facts(slides: Iterable[Slide], chunks: list[Chunk]) -> list[Fact]:
    """A slide's headline states its key figure ("Big Data Overall Revenue $53.4B By
    2017", "Twitter at 400M Tweets Per Day"): a figure with a unit or a scale in a title
    no passage of the slide repeats is a fact of the slide. A bare number in a title
    ("Note 5", "Item 7") names a section."""
    passages: dict[int, str] = {}
    for chunk in chunks:
        passages[chunk.slide] = passages.get(chunk.slide, "") + "\n" + chunk.text
    facts = []
    for slide in slides:
        if not slide.title or slide.title in passages.get(slide.number, ""):
            continue
        headline = Chunk(f"s{slide.number}-title", slide.number, slide.title, slide.title, kind="text")
        facts += [
            fact
            for fact in passage_facts(headline)
            if fact.unit not in ("count", "year") and fact.raw not in passages.get(slide.number, "")
        ]
    return facts


def _with_footnotes(facts: list[Fact], chunks: list[Chunk]) -> list[Fact]:
    """A table's column heading marked with asterisks ("12 Weeks Adjusted*") says what its
    footnote on the page says ("*Excluding the impacts from changes in gasoline prices
    and foreign exchange."): the note joins the heading of that column's figures."""
    notes: dict[tuple[int, str], str] = {}
    for chunk in chunks:
        match = FOOTNOTE_RE.match(chunk.text)
        if match:
            notes.setdefault((chunk.slide, match.group("mark")), match.group("note").strip())
    if not notes:
        return facts
    marked = []
    for fact in facts:
        mark = re.search(r"(\*+)$", fact.column.strip())
        note = notes.get((fact.slide, mark.group(1))) if mark and fact.table_id else None
        marked.append(dataclasses.replace(fact, column=f"{fact.column} ({note})") if note else fact)
    return marked


def _bare(text: str) -> str:
    return re.sub(r"[\s$%]", "", text)


def normalize_unit(unit: str) -> str:
    """ "JPY billion" stays; "yen billion" is "JPY billion"; "%" stays; "thousand" stays; "" stays."""
    cleaned = " ".join(unit.replace("Unit", "").replace(":", " ").split())
    lowered = cleaned.lower()
    if lowered in ("%", "percent"):
        return "%"
    match = re.fullmatch(r"(jpy|yen|usd|eur|gbp)?\s*(trillion|billion|million|thousand)?", lowered)
    if match and (match.group(1) or match.group(2)):
        currency = CURRENCIES.get(match.group(1) or "", "")
        return " ".join(part for part in (currency, match.group(2) or "") if part)
    return cleaned


def _is_value_row_table(table: Table) -> bool:
    """A table whose header is all periods and whose rows start with a value
    (e.g. a by-quarter series with no row label)."""
    return bool(table.header) and all(find_periods(cell) for cell in table.header)


def _unit_stated(text: str) -> str:
    match = UNIT_IN_TEXT_RE.search(text)
    return normalize_unit(match.group("unit")) if match else ""


def _strip_periods(text: str) -> str:
    stripped = PERIOD_RE.sub(" ", text)
    stripped = re.sub(r"\(\s*[-\s]*\)", " ", stripped)  # "(Apr. 2016 - Dec. 2016)" leaves "( - )"
    return " ".join(stripped.split())


# Words the deck abbreviates with a full stop that does not end a sentence.
ABBREVIATIONS = frozenset(
    ["subs", "approx", "etc", "inc", "no", "vs", "co", "ltd", "corp", "infra", "est", "dec", "mar"]
)


def _clause_start(before: str) -> int:
    """Where the clause holding the end of `before` starts: after the last ";", bullet or
    sentence end ("Total subs. 1,710" is one clause: "subs." is an abbreviation)."""
    start = max(before.rfind(sep) for sep in (";", "\u2022")) + 1
    for match in re.finditer(r"(\w+)\. ", before):
        if match.group(1).lower() not in ABBREVIATIONS and match.end() > start:
            start = match.end()
    return start


def _without_figures(text: str) -> str:
    for figure in reversed(find_figures(text)):
        text = text[: figure.start] + " " + text[figure.end :]
    return " ".join(text.replace("(", " ").replace(")", " ").replace(",", " ").split())


def _label_around(text: str, figure: Figure) -> str:
    before = text[: figure.start]
    clause = before[_clause_start(before) :].strip(" ,:(-")
    # Drop an earlier figure's clause: keep what follows the last comma if the
    # comma separates two figures ("22,472 ATMs, revenue JPY119.9 billion").
    if ", " in clause and find_figures(clause.rsplit(", ", 1)[0]):
        clause = clause.rsplit(", ", 1)[1].strip()
    # A sibling item of a list ("including 107 in Canada, 40 in Mexico") names its own
    # figure, not this one: only the words that lead the list stay.
    if before.rstrip().endswith((",", ";")) and (siblings := find_figures(clause)):
        clause = clause[: siblings[0].start].strip()
    # In a list of figures ("By 16.9% (FY15), 23.5% (FY14), ...") the words before the
    # first figure name them all.
    residue = _without_figures(clause)
    if not re.search(r"[A-Za-z]{3,}", PERIOD_RE.sub(" ", residue)) and find_figures(before):
        lead = before[: find_figures(before)[0].start]
        lead = lead[_clause_start(lead) :]
        extra = " ".join(word for word in PERIOD_RE.sub(" ", residue).split() if word not in lead.split())
        clause = f"{lead} {extra}".strip(" ,:(-")
    after = text[figure.end :]
    trailing = re.match(rf"\s*((?:[A-Za-z][\w'&/-]*\s*){{1,{TRAILING_WORDS}}})", after)
    words = trailing.group(1).strip() if trailing else ""
    label = f"{clause} {figure.raw} {words}".strip() if clause else f"{figure.raw} {words}"
    return " ".join(label.split())


def _nearest_period(text: str, figure: Figure) -> str:
    """The period closest to the figure, preferring one in the same clause. A bare
    quarter right before it ("1Q-3Q16 +14.3% (3Q +16.0%, 2Q +12.0%)") takes the year of
    the passage's period: 2Q16."""
    bare = re.search(r"(?<![\w-])([1-4])Q\s*:?\s*$", text[: figure.start])
    if bare:
        years = [year for year in map(period_year, find_periods(text)) if year]
        if years and len(set(years)) == 1:
            return f"{bare.group(1)}Q{years[0]}"
    # "16.9% (FY15)": a period in brackets right after the figure is its own.
    bracketed = re.match(r"\s*\(([^()]{2,25})\)", text[figure.end :])
    if bracketed and find_periods(bracketed.group(1)):
        return find_periods(bracketed.group(1))[0]
    best = ""
    best_distance = len(text) + 1
    # Periods as printed, and bare years after "in", "for" ... ("$3 billion in 2023").
    # A period is read with the words just before it: "Q4 FY23" is 4Q23, not FY23.
    spans = [
        (match.start(), match.end(), find_periods(text[max(0, match.start() - PERIOD_LEAD) : match.end()])[-1:])
        for match in PERIOD_RE.finditer(text)
    ]
    # A year is read with the words before it too: "the fourth quarter of 2018" is 4Q18.
    spans += [
        (match.start("year"), match.end("year"), _year_in_words(text, match.start("year"), match.end("year")))
        for match in BARE_YEAR_RE.finditer(text)
        if match.start("year") != figure.start  # a year is not its own period
    ]
    for start, end, periods in spans:
        if not periods:
            continue
        if end <= figure.start:
            distance = figure.start - end
        else:
            between = text[figure.end : start]
            if _sentence_start(between):
                continue  # a later sentence's date ("... $0.92 per share. It is payable on ...")
            # "137 in Apr. 2016", "31.0% as of March 31, 2016": the period that follows.
            linked = re.search(r"\b(in|as of|at|for|during|of)\s*$", between)
            # A period past another figure or bracket belongs to that one ("up 14.3% YoY)
            # (83.1% of 3Q16 revenues)").
            separated = bool(find_figures(between)) or bool(re.search(r"[()]", between))
            distance = (start - figure.end) * (3.0 if separated else 0.05 if linked else 1.5)
        if distance < best_distance:
            best, best_distance = periods[0], distance
    # "In Q4 FY23, ... For the full year, ... $789 million": the year of the period around.
    sentence = text[: figure.start][_sentence_start(text[: figure.start]) :]
    if best and re.match(r"[1-4][QH]", best) and FULL_YEAR_RE.search(sentence) and period_year(best):
        return f"FY{period_year(best)}"
    return best


def _year_in_words(text: str, start: int, end: int) -> list[str]:
    """The period a year ends ("the fourth quarter of 2018": 4Q18), else the year."""
    named = find_periods(text[max(0, start - YEAR_LEAD) : end])
    year = text[start:end]
    return named[-1:] if named and period_year(named[-1]) == year[-2:] else [year]


def _sentence_start(text: str) -> int:
    """Where the last sentence of `text` starts."""
    ends = list(re.finditer(r"[.!?]\s+(?=[A-Z“\"])", text))
    return ends[-1].end() if ends else 0


def _tags(context: str, figure: Figure) -> tuple[str, ...]:
    lowered = context.lower()
    tags = []
    if any(word in lowered for word in TARGET_WORDS):
        tags.append("target")
    if figure.is_change or any(word in lowered for word in ("yoy", "qoq", "change")):
        tags.append("change")
    return tuple(tags)


def _passage_tags(text: str, figure: Figure) -> tuple[str, ...]:
    """ "change" only for a signed figure or one followed by YoY/QoQ ("+11.6%YoY");
    "target" when the clause around the figure speaks of a target or plan."""
    tags = []
    clause = text[max(0, figure.start - 60) : figure.end + 20].lower()
    if any(word in clause for word in TARGET_WORDS):
        tags.append("target")
    if figure.is_change or re.match(r"\s*\)?\s*(yoy|qoq)\b", text[figure.end : figure.end + 8], re.IGNORECASE):
        tags.append("change")
    return tuple(tags)


def _first(items: list[str]) -> str:
    return items[0] if items else ""


def fact_description(fact: Fact, table_title: str) -> str:
    """What gets embedded for a fact (at ingest): its heading, label, table and context."""
    return f"{fact.heading} {fact.label}. {table_title}. {fact.context[:200]}"
