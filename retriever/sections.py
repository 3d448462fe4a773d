"""A filing's sections, as its pages head them: "Item 7. Management's Discussion and
Analysis of Financial Condition and Results of Operations" opens the section that runs to
the next item. SEC forms number their items (10-K: Item 7 is the discussion, Item 8 the
financial statements; 10-Q: Items 2 and 1), so a section is known by its title, not its
number. A contents page lists many items and opens none.

Where the document explains its results is `discussion_pages`: the reasons for a change
are given there, while the notes and the statements repeat the same words around figures.
A document without items (a deck, a release) has no sections.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.records import Slide

# "Item 7. Management's ...", "ITEM 7 MANAGEMENT'S ...", "Item 7." alone: not "Item 7 of
# Part II" in a sentence.
ITEM_RE = re.compile(
    r"^\s*(?:[Pp][Aa][Rr][Tt]\s+[IVXivx]+\s*[,.:-]?\s*)?[Ii][Tt][Ee][Mm]\s+(\d{1,2}[ABab]?)"
    r"(?:\s*[.:\-—–]\s*|\s+(?=[A-Z])|\s*$)(?P<title>.*)$"
)
# An item heading is among the first lines of the page that opens its section.
HEAD_LINES = 8
# A page naming more items than this is a contents page.
MAX_ITEMS_ON_PAGE = 2
# A title the layout breaks goes on for at most this many lines of at most this many
# characters (a line of running text is longer).
TITLE_LINES = 2
TITLE_LINE_CHARS = 100
# An item's heading line is at most this long ("ITEM 7. MANAGEMENT'S DISCUSSION AND
# ANALYSIS OF FINANCIAL CONDITION AND RESULTS OF OPERATIONS"); a longer line is running
# text that happens to start with the word.
ITEM_LINE_CHARS = 120
DISCUSSION = "discussionandanalysis"
RISK_FACTORS = "riskfactors"


def section_titles(slides: Sequence[Slide]) -> dict[int, str]:
    """Each page's section: the title of the last item heading at or before it ("" before
    the first)."""
    sections: dict[int, str] = {}
    current = ""
    for slide in slides:
        lines = [line for line in slide.text.splitlines() if line.strip()]
        items = [
            (at, match)
            for at, match in enumerate(map(ITEM_RE.match, lines))
            if match and len(lines[at].strip()) <= ITEM_LINE_CHARS
        ]
        if not items or len(items) > MAX_ITEMS_ON_PAGE:
            sections[slide.number] = current
            continue
        # A section opening near the page's top takes the page; one opening lower down
        # takes the pages after it.
        opened = _title(lines, *items[-1])
        sections[slide.number] = opened if items[0][0] < HEAD_LINES else current
        current = opened
    return sections


def _title(lines: list[str], at: int, match: re.Match[str]) -> str:
    """The item's title: a title the layout breaks ("Item 7. Management's" / "Discussion
    and Analysis ..."), or "Item 7." on a line of its own, goes on in the next lines."""
    title = [match.group("title").strip()]
    for line in lines[at + 1 : at + 1 + TITLE_LINES]:
        if len(line.strip()) > TITLE_LINE_CHARS and any(title):
            break  # running text
        title.append(line.strip())
    return " ".join(" ".join(title).split())


def discussion_pages(slides: Sequence[Slide]) -> set[int]:
    """The pages of the document's management's discussion and analysis, if it has one."""
    # Letters the layout set apart ("DISCUSSION A ND ANALYSIS") are read together.
    return {number for number, title in section_titles(slides).items() if DISCUSSION in "".join(title.split()).lower()}


def risk_factor_pages(slides: Sequence[Slide]) -> set[int]:
    """The pages of the document's risk factors, if it has them: what may happen, not
    what did."""
    return {
        number for number, title in section_titles(slides).items() if RISK_FACTORS in "".join(title.split()).lower()
    }


# A deck's divider slide says a section's name in at most this many words; its section
# runs to the next slide with its title, or else to the next divider, at most this many
# slides on.
DIVIDER_WORDS = 12
SECTION_SLIDES = 20


def section_slides(slides: Sequence[Slide], name: str) -> list[int]:
    """The slides of the deck's section called `name`: from the divider slide that says
    the name (a slide of a few words, "MARKETING / Who are you talking to?") to the
    slide before the next divider of its kind (the same title, "MARKETING / What
    will you talk about?"), or before any next divider. None when no divider says it."""
    wanted = _letters(name)
    if not wanted:
        return []
    for at, slide in enumerate(slides):
        words = slide.text.split()
        if not words or len(words) > DIVIDER_WORDS or wanted not in _letters(slide.text):
            continue
        following = slides[at + 1 : at + 1 + SECTION_SLIDES]
        same = [n for n, other in enumerate(following) if _letters(other.title) == _letters(slide.title)]
        dividers = [n for n, other in enumerate(following) if 0 < len(other.text.split()) <= DIVIDER_WORDS]
        end = same[0] if same else dividers[0] if dividers else len(following)
        return [slide.number] + [other.number for other in following[:end]]
    return []


def _letters(text: str) -> str:
    return "".join(letter for letter in text.lower() if letter.isalpha())
