"""What a document is, read from its own first pages: its kind (a deck, an annual or
quarterly report, a release), its company and the period it covers, as it says them.

The kinds are the forms a securities filing names itself by (SEC Forms 10-K, 10-Q and
8-K, and the annual and quarterly reports they are); anything else is a deck.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ingest.index_store import RECORDS, Manifest

# Pages of the front matter that say what the document is.
FRONT_PAGES = 3
KINDS = (
    ("annual report", re.compile(r"\bform\s+10-K\b|\bannual\s+report\s+pursuant\b", re.IGNORECASE)),
    ("quarterly report", re.compile(r"\bform\s+10-Q\b|\bquarterly\s+report\s+pursuant\b", re.IGNORECASE)),
    (
        "release",
        re.compile(
            r"\bform\s+8-K\b|\b(?:press|news|immediate)\s+release\b|\breports?\b[^.]{0,80}\bresults\b", re.IGNORECASE
        ),
    ),
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "For the fiscal year ended December 31, 2018", "For the quarterly period ended May 7, 2023".
PERIOD_RE = re.compile(
    rf"\b(?P<what>fiscal\s+year|year|quarterly\s+period|quarter|period|(?:three|six|nine|twelve)\s+months)"
    rf"(?:\s*\([^)]{{0,30}}\))?\s+ended\s+(?P<date>{_MONTH}\s+\d{{1,2}}\s*,\s*(?P<year>(?:19|20)\d\d))",
    re.IGNORECASE,
)
YEAR_RE = re.compile(r"\b(?:FY\s?)?((?:19|20)\d\d)\b")


@dataclass(frozen=True)
class Description:
    title: str  # the document's own title (its metadata, else its first heading)
    kind: str  # "deck", "annual report", "quarterly report" or "release"
    company: str  # "" when the document names no legal entity
    period: str  # as the document says it ("year ended December 31, 2018"), or ""
    year: str  # the period's year ("2018"), or ""


def describe_front(folder: Path, manifest: Manifest) -> Description:
    """The description of the document whose index is in `folder`."""
    with closing(sqlite3.connect(f"file:{folder / RECORDS}?mode=ro", uri=True)) as db:
        pages = [text for (text,) in db.execute("SELECT text FROM slides ORDER BY number LIMIT ?", (FRONT_PAGES,))]
    return describe(manifest.deck_title, pages, manifest.names)


def describe(title: str, front_pages: list[str], names: tuple[str, ...]) -> Description:
    front = "\n".join(front_pages)
    kind = next((name for name, pattern in KINDS if pattern.search(front)), "deck")
    company = names[0] if names else ""
    match = PERIOD_RE.search(front)
    if match:
        period = " ".join(f"{match.group('what')} ended {match.group('date')}".split()).replace(" ,", ",")
        return Description(title, kind, company, period, match.group("year"))
    # The year the title names, else the year the front pages name most.
    years = YEAR_RE.findall(title) or YEAR_RE.findall(front)
    return Description(title, kind, company, "", Counter(years).most_common(1)[0][0] if years else "")
