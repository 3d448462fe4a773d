"""The question's periods as the document names them.

Analysts write a period many ways: "Q2 of FY2024", "2021 Q1", "the second fiscal quarter
of 2023", "the six months ended June 30, 2022". The document's figures are named in its
own calendar ("2Q24", "1H22"): a quarter is a quarter of its fiscal year, and a span
ending on a date is named by where that date falls in it. `Calendar` is read from the
document's dated figures (a statement column "Three Months Ended July 29, 2023" named
"2Q24" says the fiscal year ends in late January and is named by the year it ends in),
and `in_document_terms` writes the question's periods in those names.
"""

from __future__ import annotations

import calendar as months_of_year
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ingest.numbers import find_periods
from ingest.statements import MONTHS, Period, period_name
from understand.instructions import ASKING_WORDS

# "Q2 of FY2024", "Q2 of fiscal 2024" -> "Q2 FY2024".
QUARTER_OF_RE = re.compile(r"\bQ([1-4])\s+of\s+(?=(?:FY\s?|fiscal(?: year)?\s+)?(?:19|20)?\d{2}\b)", re.I)
# "2021 Q1", "FY2023 Q4" -> "Q1 2021", "Q4 FY2023".
YEAR_THEN_QUARTER_RE = re.compile(r"\b(FY\s?)?((?:19|20)\d{2})\s+Q([1-4])\b", re.I)
# "the second fiscal quarter of 2023" -> "the second quarter of fiscal 2023".
FISCAL_QUARTER_RE = re.compile(r"\b(first|second|third|fourth) fiscal quarter (?:of |in )?((?:19|20)\d{2})\b", re.I)
# "the six months ended June 30, 2022": a span ending on a date.
SPAN_ENDED_RE = re.compile(
    r"\b(?P<count>3|6|9|12|three|six|nine|twelve)[\s-]months?\s+(?:ended|ending|to|through)\s+"
    r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+"
    r"(?:(?P<day>\d{1,2}),?\s+)?(?P<year>(?:19|20)\d{2})\b",
    re.I,
)
SPAN_MONTHS = {"3": 3, "6": 6, "9": 9, "12": 12, "three": 3, "six": 6, "nine": 9, "twelve": 12}
NAME_RE = re.compile(r"^(?:FY|(?P<quarter>[1-4])Q)(?P<year>\d{2})$")


@dataclass(frozen=True)
class Calendar:
    """The document's fiscal year: the month it ends in, and how its name's year relates
    to the calendar year it ends in (0: "FY23" ends in 2023; -1: "FY16" ends in 2017)."""

    end_month: int
    year_offset: int = 0

    def name(self, months: int, end: date) -> str:
        """The document's name for the `months` ending on `end` ("" when it has none)."""
        name = period_name(Period("duration", end.isoformat(), months), self.end_month)
        if not name or not self.year_offset:
            return name
        return name[:-2] + f"{(int(name[-2:]) + self.year_offset) % 100:02d}"


# A question opening on an interrogative, a verb of asking, or an auxiliary (after a lead-in
# clause: "Looking at VaR, did ...").
ASKING_WORD_RE = re.compile(
    rf"(?:[^,:?]{{0,80}}[,:]\s*)?\W*(?:{ASKING_WORDS}|whom|whose|had|will|list|explain|describe|give|tell|show|"
    r"compare|summari[sz]e)\b",
    re.I,
)
# A year standing alone in a noun phrase (not in a range, a date or an amount).
BARE_YEAR_IN_PHRASE_RE = re.compile(r"(^|[\s,(])((?:19|20)\d{2})(?![\w%-]|[.,]\d)")


def _telegraphic_year(question: str) -> str:
    """ "Acme diluted EPS 2020?", "Acme 2017 diluted EPS": a question written as a
    noun phrase names its year bare; it is the period asked ("... in 2020")."""
    if ASKING_WORD_RE.match(question) or find_periods(question):
        return question
    return BARE_YEAR_IN_PHRASE_RE.sub(lambda m: f"{m.group(1)}in {m.group(2)}", question, count=1)


def document_calendar(dated: Iterable[tuple[str, str]]) -> Calendar | None:
    """The calendar the document's figures are named in, from (period name, ISO end date)
    pairs of its dated figures: of the calendars (the month the fiscal year ends in, the
    year it is named by), the one that names most of its full years and quarters as the
    document does. None when no figure is both named and dated."""
    spans = {
        (name, date.fromisoformat(end), 12 if name.startswith("FY") else 3)
        for name, end in dated
        if NAME_RE.match(name) and len(end) == 10
    }
    if not spans:
        return None
    calendars = [Calendar(month, offset) for offset in (0, -1) for month in range(1, 13)]
    fits = [sum(calendar.name(months, end) == name for name, end, months in spans) for calendar in calendars]
    return calendars[fits.index(max(fits))] if max(fits) else None


def in_document_terms(question: str, calendar: Calendar | None) -> str:
    """`question` with its periods written as the document names them."""
    question = _telegraphic_year(question)
    question = QUARTER_OF_RE.sub(lambda m: f"Q{m.group(1)} ", question)
    question = YEAR_THEN_QUARTER_RE.sub(lambda m: f"Q{m.group(3)} {m.group(1) or ''}{m.group(2)}", question)
    question = FISCAL_QUARTER_RE.sub(lambda m: f"{m.group(1)} quarter of fiscal {m.group(2)}", question)
    if calendar is None:
        return question

    def named(match: re.Match[str]) -> str:
        year, month = int(match.group("year")), MONTHS[match.group("month").lower()]
        day = int(match.group("day")) if match.group("day") else months_of_year.monthrange(year, month)[1]
        try:
            end = date(year, month, day)
        except ValueError:
            return match.group(0)
        return calendar.name(SPAN_MONTHS[match.group("count").lower()], end) or match.group(0)

    return SPAN_ENDED_RE.sub(named, question)
