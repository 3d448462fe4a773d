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

ITEM_RE = re.compile(r"^\s*(?:part\s+[iv]+\s*[,.:-]?\s*)?item\s+(\d{1,2}[ab]?)\s*[.:\-—–]?\s*(?P<title>.*)$", re.I)
# An item heading is among the first lines of the page that opens its section.
HEAD_LINES = 8
# A page naming more items than this is a contents page.
MAX_ITEMS_ON_PAGE = 2
# A title the layout breaks goes on for at most this many lines of at most this many
# characters (a line of running text is longer).
TITLE_LINES = 2
TITLE_LINE_CHARS = 80
DISCUSSION_RE = re.compile(r"\bdiscussion\s+and\s+analysis\b", re.I)


def section_titles(slides: Sequence[Slide]) -> dict[int, str]:
    """Each page's section: the title of the last item heading at or before it ("" before
    the first)."""
    sections: dict[int, str] = {}
    current = ""
    for slide in slides:
        lines = [line for line in slide.text.splitlines() if line.strip()]
        items = [match for match in map(ITEM_RE.match, lines) if match]
        opening = [(at, match) for at, match in enumerate(map(ITEM_RE.match, lines[:HEAD_LINES])) if match]
        if opening and len(items) <= MAX_ITEMS_ON_PAGE:
            at, match = opening[0]
            # A title the layout breaks ("Item 7. Management's" / "Discussion and Analysis
            # ..."), or "Item 7." on a line of its own: the next line goes on with it.
            title = [match.group("title").strip()]
            for line in lines[at + 1 : at + 1 + TITLE_LINES]:
                if len(line.strip()) > TITLE_LINE_CHARS:
                    break  # running text
                title.append(line.strip())
            current = " ".join(" ".join(title).split())
        sections[slide.number] = current
    return sections


def discussion_pages(slides: Sequence[Slide]) -> set[int]:
    """The pages of the document's management's discussion and analysis, if it has one."""
    return {number for number, title in section_titles(slides).items() if DISCUSSION_RE.search(title)}
