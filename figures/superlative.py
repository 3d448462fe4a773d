"""Which row of a table leads ("Which segment had the highest net income in Q2 2022?",
"Which region had the biggest drop in revenues?"): the figure the question names is looked
up; the rows of its table that print the same column (its items, not its totals) are
compared, and the one the question's word asks for (highest or lowest) answers, with the
others beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from figures.lookup import FactLookup
from figures.term_index import stem
from ingest.numbers import strip_periods
from ingest.records import Fact
from ingest.text import tokenize
from understand.question import key_terms

SUPERLATIVE_RE = re.compile(
    r"^(?:[^,?]{0,60},\s*)?(?:which|what)\s+(?P<kind>[\w&/()' -]{2,60}?)\s+"
    r"(?:had|has|have|was|were|is|are|did|does|do|performed|saw|showed|recorded|reported|contributed|generated)\b"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
HIGHEST_RE = re.compile(r"\b(?:highest|largest|biggest|greatest|most|best|top|strongest|fastest)\b", re.I)
LOWEST_RE = re.compile(r"\b(?:lowest|smallest|least|worst|weakest|slowest)\b", re.I)
# A superlative of a fall ("the biggest drop") is the lowest change.
FALL_RE = re.compile(r"\b(?:drop|decline|decrease|fall|loss|contraction)\w*\b", re.I)
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


def leader(question: str, lookup: FactLookup) -> Leader | None:
    """The row that leads, for a "which ... highest/lowest ..." question; else None."""
    match = SUPERLATIVE_RE.search(question.strip())
    if not match:
        return None
    rest = match.group("rest")
    highest = bool(HIGHEST_RE.search(rest)) and not FALL_RE.search(rest)
    if not (HIGHEST_RE.search(rest) or LOWEST_RE.search(rest)):
        return None
    if LOWEST_RE.search(rest) and not HIGHEST_RE.search(rest):
        highest = bool(FALL_RE.search(rest))  # "the smallest decline" is the highest change
    asked = HIGHEST_RE.sub(" ", LOWEST_RE.sub(" ", rest))
    # The rows compared are the things asked about (segments, regions); the figure asked
    # is what their column or section is headed (a row named for it is a line item).
    kind = key_terms(match.group("kind"))
    metric = {stem(term) for term in key_terms(strip_periods(FALL_RE.sub(" ", asked)))} - {stem(t) for t in kind}
    anchor = next(
        (
            found.fact
            for found in lookup.rank(asked, limit=CANDIDATES)
            if found.fact.table_id
            and found.period_ok
            and lookup.page_holds(found.fact, kind)  # a page about the things compared
            and metric & _stems(f"{found.fact.column} {found.fact.heading}")
            and not metric <= _stems(found.fact.label)
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
    ]
    if len({fact.label for fact in rows}) < ROWS:
        return None
    best = max(rows, key=lambda fact: fact.value) if highest else min(rows, key=lambda fact: fact.value)
    return Leader(best, tuple(fact for fact in rows if fact is not best), highest)


def _stems(text: str) -> set[str]:
    return {stem(token) for token in tokenize(text)}
