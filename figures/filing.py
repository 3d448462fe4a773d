"""A filing read as financial statements: which page prints which primary statement.

A page prints a primary statement when a line near its top is the statement's title and
nothing else: "Consolidated Balance Sheets", "Acme Corp. Consolidated statements
of income (unaudited)", "Condensed Consolidated Statements of Cash Flows (in millions)". A
line that names a statement inside a phrase or a sentence is about it, not it: "Analysis of
the consolidated statements of income", "Supplemental Balance Sheet Information",
"Selected income statement data", "We have audited the accompanying consolidated balance
sheets".
"""

from __future__ import annotations

import itertools
import re

from understand.instructions import STATEMENT_RES

# A page names the statement it prints in its first characters.
HEAD_CHARS = 300
# Words a title may print before the statement's name: the company's name ("Acme Inc.
# and Subsidiaries"), "Condensed", "Consolidated". Capitalised, as a title is: a phrase
# about a statement has lower-case words there ("Analysis of the", "Amounts recognized in").
PREFIX_WORDS = 8
# What a title may print after the name: a bracketed note, the scale, the dates it covers,
# the reporting group ("Acme Incorporated and Subsidiary Companies"); not a page number
# (a contents line).
SUFFIX_RE = re.compile(
    r"(?:\s*[\-–—:,]?\s*(?:\([^)]*(?:\)|$)|(?:for\s+the|as\s+of|at|years?|three|six|nine|twelve|quarters?|months?)\b.*"
    r"|(?:in\s+)?(?:millions|thousands|billions)\b.*|unaudited"
    r"|(?:[A-Z][\w.,&]*\s+)+and\s+(?:its\s+)?(?:consolidated\s+)?subsidiar(?:y|ies)(?:\s+companies)?\b))*\s*[.:]?\s*",
    re.IGNORECASE,
)
PAGE_NUMBER_RE = re.compile(r"\b\d{1,3}\s*$")
# A word run into a number ("Firm36"): a contents line whose page number lost its space.
RUN_IN_RE = re.compile(r"[a-z]\d")


def primary_statement(page: str, title: str = "") -> str:
    """The primary statement `page` prints ("income statement", "balance sheet", "cash
    flow statement"), as its title or a title line near its top names it; or "". A head
    that names two statements as titles is a list of them (contents), none."""
    head = re.sub(r"^\s*table\s+of\s+contents\s*", "", page, flags=re.IGNORECASE)[:HEAD_CHARS]
    lines = [line.strip() for line in head.splitlines()]
    # A title broken over lines by the layout: "Consolidated Statement of Incom" + "e".
    candidates = [title, *lines]
    for first, second in itertools.pairwise(lines):
        candidates += [first + second, f"{first} {second}"]
    named = set()
    for line in candidates:
        line = re.sub(r"(?<=\w{3})\s(?=\w\b)", "", line)  # a last letter set apart: "Incom e"
        for name, pattern in STATEMENT_RES:
            match = pattern.search(line)
            if match and _is_title(line[: match.start()], line[match.end() :]):
                named.add(name)
    return named.pop() if len(named) == 1 else ""


def _is_title(before: str, after: str) -> bool:
    words = before.split()
    lower_case = [word for word in words if word.islower() and word != "and"]
    if len(words) > PREFIX_WORDS or lower_case or any(RUN_IN_RE.search(word) for word in words):
        return False
    return SUFFIX_RE.fullmatch(after) is not None and not PAGE_NUMBER_RE.search(after)
