"""Questions about the document itself: its title, who presents it, when. The cover says
("What is the title of the slide?", "Who is the presenter of this deck?", "When was this
report published?"); the pages after it are about the subject, not about the document.
How long a talk is, its first pages say (the cover, the agenda: "We Have 50 Minutes").

The cover is the first page whose text reads (`ingest.readable`). A question about the
date is answered with the first year the cover prints, as a figure; a question about the
title or the presenter with the cover's text, which holds both.
"""

from __future__ import annotations

import calendar
import re

from ingest.index_store import DeckIndex
from ingest.readable import readable
from ingest.records import Slide
from qa.answer import Answer, Citation, Trace, Value

DOCUMENT = r"(?:deck|slides?|slide deck|presentation|talk|report|document|study|survey|paper)"
THE_DOCUMENT = rf"(?:this|the)\s+{DOCUMENT}"
TITLE_RE = re.compile(
    rf"\btitle of {THE_DOCUMENT}\b|\b{THE_DOCUMENT}['’]s title\b|\bwhat is {THE_DOCUMENT} (?:called|titled|named)\b",
    re.I,
)
PERSON_RE = re.compile(
    rf"\bwho (?:is|was|are|were) the (?:presenters?|authors?|speakers?)\b"
    rf"|\bwho (?:presented|presents|wrote|gave|prepared|authored|made|created) {THE_DOCUMENT}\b"
    rf"|\b(?:presenters?|authors?|speakers?) of {THE_DOCUMENT}\b",
    re.I,
)
DATE_RE = re.compile(
    rf"\b(?:when|what year|which year|in what year|what date)\s+(?:was|is|were|did)\s+{THE_DOCUMENT}\s+"
    r"(?:presented|published|given|written|released|delivered|created|prepared|dated|made|held)\b",
    re.I,
)
LENGTH_RE = re.compile(
    rf"\bhow long (?:is|was|will be|does|did) {THE_DOCUMENT}\b|\b(?:length|duration) of {THE_DOCUMENT}\b", re.I
)
# "We Have 50 Minutes", "a 90-minute session", "2 hrs".
DURATION_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)[\s-]*(minutes?|mins?|hours?|hrs?)\b", re.I)
# The document's length is said on its first pages (the cover, the agenda).
LENGTH_PAGES = 3
YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
MONTHS = {name.lower() for name in (*calendar.month_name[1:], *calendar.month_abbr[1:])}
# The cover's text quoted: at most this many words.
COVER_WORDS = 30
# A cover of at most this many words says only what the document is, who presents it and
# when; a longer first page (a release's) is running text.
SHORT_COVER_WORDS = 40


def cover_slide(index: DeckIndex) -> Slide | None:
    """The cover: the first page whose text reads."""
    return next((slide for slide in index.slides if any(readable(line) for line in slide.text.splitlines())), None)


def short_cover(index: DeckIndex) -> int | None:
    """The cover's page number when it says only what the document is, who presents it
    and when: its lines are no items of what the document says."""
    cover = cover_slide(index)
    return cover.number if cover is not None and len(cover.text.split()) <= SHORT_COVER_WORDS else None


def cover_answer(plain: str, asked: str, index: DeckIndex, trace: Trace) -> Answer | None:
    """The answer to a question about the document itself, from its cover; None when the
    question is about something else, or the cover does not say."""
    date, person, title = DATE_RE.search(plain), PERSON_RE.search(plain), TITLE_RE.search(plain)
    if LENGTH_RE.search(plain):
        return _length_answer(asked, index, trace)
    if not (date or person or title):
        return None
    cover = cover_slide(index)
    if cover is None:
        return None
    trace = trace.model_copy(update={"retrieved_slides": [cover.number], "refusal_check": "asks about the document"})
    if date:
        dated = next((line for line in cover.text.splitlines() if YEAR_RE.search(line)), None)
        if dated is None:
            return None
        year = YEAR_RE.search(dated)
        assert year is not None
        written = _date_written(dated, year)
        citation = Citation(slide=cover.number, title=cover.title, text=dated.strip())
        value = Value(number=float(year.group(0)), unit="year", raw=written)
        answer = f"**{year.group(0)}**: the cover is dated {written} [Slide {cover.number}]"
        return Answer(question=asked, answer=answer, route="text", citations=[citation], value=value, debug=trace)
    lines = [line.strip() for line in cover.text.splitlines() if line.strip() and readable(line)]
    text = " ".join(" ".join(lines).split()[:COVER_WORDS])
    citation = Citation(slide=cover.number, title=cover.title, text=text)
    answer = f"The cover reads: {text} [Slide {cover.number}]"
    return Answer(question=asked, answer=answer, route="text", citations=[citation], debug=trace)


def _length_answer(asked: str, index: DeckIndex, trace: Trace) -> Answer | None:
    """How long the talk is, as its first pages say ("We Have 50 Minutes"); None when they
    do not."""
    cover = cover_slide(index)
    if cover is None:
        return None
    for slide in index.slides[cover.number - 1 : cover.number - 1 + LENGTH_PAGES]:
        for line in slide.text.splitlines():
            said = DURATION_RE.search(line)
            if said is None:
                continue
            unit = said.group(2).lower()
            unit = "minutes" if unit.startswith("min") else "hours"
            citation = Citation(slide=slide.number, title=slide.title, text=line.strip())
            value = Value(number=float(said.group(1)), unit=unit, raw=said.group(0))
            trace = trace.model_copy(
                update={"retrieved_slides": [slide.number], "refusal_check": "asks about the document"}
            )
            text = f"**{said.group(1)} {unit}**: “{line.strip()}” [Slide {slide.number}]"
            return Answer(question=asked, answer=text, route="text", citations=[citation], value=value, debug=trace)
    return None


def _date_written(line: str, year: re.Match[str]) -> str:
    """The date as the cover writes it: the word holding the year ("11/15/2012"), after
    its month and day when they are words ("July 2011", "June 3, 2015")."""
    words = [(word.start(), word.group(0)) for word in re.finditer(r"\S+", line)]
    at = max(i for i, (start, _) in enumerate(words) if start <= year.start())
    first = at
    while first > 0 and first > at - 2:
        word = words[first - 1][1].strip(",.").lower()
        if word not in MONTHS and not (word.isdigit() and int(word) <= 31):
            break
        first -= 1
    return " ".join(word for _, word in words[first : at + 1])
