"""Which row of a table leads ("Which segment had the highest net income in Q2 2022?",
"Which region had the biggest drop in revenues?"): the figure the question names is looked
up; the rows of its table that print the same column (its items, not its totals) are
compared, and the one the question's word asks for (highest or lowest) answers, with the
others beside it. When the question lists the things compared ("Among operating,
investing and financing activities, which brought in the most cash?"), each is looked up
with the figure asked, and the confident ones are compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from figures.lookup import FactLookup, unit_kind
from figures.term_index import stem
from ingest.numbers import SCALES, find_figures, split_unit, strip_periods
from ingest.records import Fact
from ingest.text import tokenize
from understand.question import key_terms

SUPERLATIVE_RE = re.compile(
    r"^(?:[^,?]{0,60},\s*)?(?:which|what)\s+(?P<kind>[\w&/()' -]{2,60}?)\s+"
    r"(?:had|has|have|was|were|is|are|did|does|do|performed|saw|showed|recorded|reported|contributed|generated)\b"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
# "What was the top staffing need in 2006?": the superlative before the things compared.
TOP_RE = re.compile(
    r"^\s*(?:which|what)\s+(?:was|were|is|are)\s+the\s+(?P<rest>(?:top|leading|biggest|largest|highest|greatest|"
    r"lowest|smallest|most\s+(?:common|popular|cited|frequent)|least\s+(?:common|popular))\s+"
    r"(?P<kind>[\w&/()' -]{2,60}?))(?:\s+(?:in|for|during|of|as of)\s+[^?]*?)?\s*(?:\band\b[^?]*)?\??\s*$",
    re.IGNORECASE,
)
HIGHEST_WORDS_RE = re.compile(r"\b(?:most\s+(?:common|popular|cited|frequent)|leading)\b", re.I)
HIGHEST_RE = re.compile(r"\b(?:highest|largest|biggest|greatest|most|best|top|strongest|fastest)\b", re.I)
LOWEST_RE = re.compile(r"\b(?:lowest|smallest|least|worst|weakest|slowest)\b", re.I)
# A superlative of a fall ("the biggest drop") is the lowest change.
FALL_RE = re.compile(r"\b(?:drop|decline|decrease|fall|loss|contraction)\w*\b", re.I)
# The things compared, listed: "Among A, B and C, which ...", "Which of A, B or C had ...".
OPTIONS_RE = re.compile(
    r"(?:\bamong|^\s*(?:which|what)\s+of)\s+(?:the\s+)?(?P<options>[^?]+?(?:,|\band\b|\bor\b)[^?]+?)"
    r"(?:\s*,\s*(?:which|what)\b|\s+(?=(?:had|has|have|was|were|is|are|did|does|do|brought|generated)\b))"
    r"(?P<rest>[^?]*)",
    re.IGNORECASE,
)
# A serial comma before the last item ("A, B, and C"); else items parted by commas and a last "and"/"or".
SERIAL_RE = re.compile(r",\s*(?:and|or)\s+", re.IGNORECASE)
OPTION_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+(?!.*\s(?:and|or)\s)", re.IGNORECASE)
BRACKETED_RE = re.compile(r"\([^)]*\)")
TOTAL_RE = re.compile(r"^\s*(?:total|all\b|consolidated|combined)|\btotal\s*$", re.I)
# Rows compared: at least this many.
ROWS = 3
# Ranked facts looked through for one in a table whose rows are the things compared.
CANDIDATES = 40


@dataclass(frozen=True)
class Leader:
    best: Fact
    others: tuple[Fact, ...]  # the rows compared with it, in the table's order
    highest: bool
    names: tuple[tuple[str, str], ...] = ()  # (fact id, the name the question listed it by)
    asked_as: str = ""  # the question's words for what leads ("biggest drop"), when a fall

    @property
    def word(self) -> str:
        return self.asked_as or ("highest" if self.highest else "lowest")


def leader(question: str, lookup: FactLookup) -> Leader | None:
    """The row that leads, for a "which ... highest/lowest ..." question; else None."""
    listed = _among_listed(question, lookup)
    if listed is not None:
        return listed
    match = SUPERLATIVE_RE.search(question.strip())
    top = TOP_RE.search(question.strip()) if match is None or not _superlative(match.group("rest")) else None
    if top is not None:
        match = top
    if not match:
        return None
    rest = HIGHEST_WORDS_RE.sub("most", match.group("rest"))
    highest = bool(HIGHEST_RE.search(rest)) and not FALL_RE.search(rest)
    if not _superlative(rest):
        return None
    if LOWEST_RE.search(rest) and not HIGHEST_RE.search(rest):
        highest = bool(FALL_RE.search(rest))  # "the smallest decline" is the highest change
    asked = HIGHEST_RE.sub(" ", LOWEST_RE.sub(" ", rest))
    # The rows compared are the things asked about (segments, regions); the figure asked
    # is what their column or section is headed (a row named for it is a line item).
    kind = key_terms(match.group("kind"))
    metric = {stem(term) for term in key_terms(strip_periods(FALL_RE.sub(" ", asked)))} - {stem(t) for t in kind}
    titles = {table.table_id: table.title for table in lookup.index.tables}
    anchor = next(
        (
            found.fact
            for found in lookup.rank(asked, limit=CANDIDATES)
            if found.fact.table_id
            and found.period_ok
            # a page about the things compared ("geographic area" for "geographic region")
            and any(lookup.page_holds(found.fact, [term]) for term in kind)
            and metric & _stems(f"{found.fact.column} {found.fact.heading} {titles.get(found.fact.table_id, '')}")
            and not metric <= _stems(found.fact.label)
        ),
        None,
    )
    if anchor is None:
        # A survey's chart names no measure ("2006 Health IT Staffing Needs", its column
        # a year): the table whose title (or its page's) names the things compared, in
        # the period asked.
        anchor = next(
            (
                found.fact
                for found in lookup.rank(asked, limit=CANDIDATES)
                if found.fact.table_id
                and found.period_ok
                and kind
                and {stem(term) for term in kind}
                <= _stems(f"{titles.get(found.fact.table_id, '')} {lookup.index.slide(found.fact.slide).title}")
            ),
            None,
        )
    if anchor is None:
        return None
    rows = [
        fact
        for fact in lookup.facts
        if fact.table_id == anchor.table_id
        and fact.column == anchor.column
        and fact.period == anchor.period
        and fact.unit == anchor.unit
        and not TOTAL_RE.search(fact.label)
        and not _stems(fact.label) <= metric  # the metric's own total ("Revenues")
    ]
    if len({fact.label for fact in rows}) < ROWS:
        return None
    best = max(rows, key=lambda fact: fact.value) if highest else min(rows, key=lambda fact: fact.value)
    if _beaten_on_its_page(best, rows, highest, lookup):
        return None
    return Leader(best, tuple(fact for fact in rows if fact is not best), highest, asked_as=_fall_asked(rest))


def _beaten_on_its_page(best: Fact, rows: list[Fact], highest: bool, lookup: FactLookup) -> bool:
    """Whether a page read by OCR writes a figure in the rows' unit beyond the leader's
    that none of the rows holds: its table, read from a picture, lost the row that leads
    ("Clinical Informaticists OO 24%o" over a chart read from 22% down)."""
    if best.slide not in lookup.index.manifest.ocr_pages:
        return False
    held = {fact.value for fact in rows}
    written = [figure.value for figure in find_figures(lookup.index.slide(best.slide).text) if figure.unit == best.unit]
    return any(value not in held and (value > best.value if highest else value < best.value) for value in written)


def _superlative(words: str) -> bool:
    return bool(HIGHEST_RE.search(words) or LOWEST_RE.search(words) or HIGHEST_WORDS_RE.search(words))


def _among_listed(question: str, lookup: FactLookup) -> Leader | None:
    """The leader of the things the question lists, each looked up with the figure asked."""
    match = OPTIONS_RE.search(question)
    if not match:
        return None
    rest = BRACKETED_RE.sub(" ", match.group("rest"))  # "(or lost the least)"
    if not (HIGHEST_RE.search(rest) or LOWEST_RE.search(rest)):
        return None
    highest = bool(HIGHEST_RE.search(rest)) != bool(FALL_RE.search(rest))
    options = _options(match.group("options"))
    if len(options) < 2 or any(len(option.split()) > 6 for option in options):
        return None
    # A noun the last option shares with the others: "operating, investing and financing activities".
    last = options[-1].split()
    shared = " ".join(last[1:]) if len(last) > 1 and all(len(o.split()) == 1 for o in options[:-1]) else ""
    asked = HIGHEST_RE.sub(" ", LOWEST_RE.sub(" ", rest))
    found, names = [], []
    for option in options:
        phrase = option if not shared or option.endswith(shared) else f"{option} {shared}"
        result = lookup.answer(f"{phrase} {asked}")
        if result is None or not result.confident or len(result.facts) != 1:
            return None
        found.append(result.facts[0])
        names.append((result.facts[0].fact_id, option if option.lower() not in result.facts[0].label.lower() else ""))
    kinds = {unit_kind(fact.unit) for fact in found}
    # Amounts of one table in "USD million" and of another in "million" (its currency
    # unprinted) compare; a percentage and an amount do not.
    if ("%" in kinds and len(kinds) > 1) or len({fact.fact_id for fact in found}) < len(found):
        return None
    best = (max if highest else min)(found, key=_in_units)
    named = tuple((fact_id, name) for fact_id, name in names if name)
    return Leader(best, tuple(fact for fact in found if fact is not best), highest, named, _fall_asked(rest))


def _options(listed: str) -> list[str]:
    """The things a list names: "A, B, and C" parted at its commas ("Safety and Graphics"
    stays one), "A, B or C" at its last "or" too."""
    parts = SERIAL_RE.sub(", ", listed).split(",") if SERIAL_RE.search(listed) else OPTION_SPLIT_RE.split(listed)
    return [part.strip() for part in parts if part.strip()]


def _fall_asked(rest: str) -> str:
    """ "biggest drop" of "had the biggest drop in revenues": how the question names a
    fall that leads ("" when it asks no fall)."""
    words = [
        (match.group(0).lower(), match.end()) for match in (HIGHEST_RE.search(rest), LOWEST_RE.search(rest)) if match
    ]
    fall = FALL_RE.search(rest)
    if not words or fall is None:
        return ""
    word, end = min(words, key=lambda pair: abs(fall.start() - pair[1]))
    return f"{word} {fall.group(0).lower()}" if 0 <= fall.start() - end <= 2 else ""


def _in_units(fact: Fact) -> float:
    """The fact's value in units (a "million" scale multiplied out), to compare across tables."""
    return fact.value * SCALES.get(split_unit(fact.unit)[1], 1.0)


def _stems(text: str) -> set[str]:
    return {stem(token) for token in tokenize(text)}
