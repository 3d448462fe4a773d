"""Checks and features of a question: validation, intent, key terms."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.errors import DeckQAError
from ingest.text import tokenize
from understand.terms import QUESTION_FILLER

MAX_QUESTION_CHARS = 1000


class QuestionError(DeckQAError, ValueError):
    """The question cannot be answered as asked (empty, too long)."""


def validate_question(question: str) -> str:
    """The question stripped, or a `QuestionError` saying what is wrong."""
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    stripped = " ".join(question.split())
    if not stripped:
        raise QuestionError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}")
    return stripped


LIST_INTENT_RE = re.compile(
    r"^\s*(what\s+(are|were)|which|list|name|explain|describe|summari[sz]e|outline|how\s+(does|do|is|will)|"
    r"why|tell me about|what\s+is\s+(the\s+company'?s\s+|its\s+)?(the\s+)?\w+\s+(model|strategy|strategies)|give)\b",
    re.IGNORECASE,
)
PLURAL_HINTS = (
    "advantages", "strategies", "reasons", "risks", "points", "features", "highlights",
    "factors", "drivers", "plans", "model", "developments", "services", "differentiation",
    "competitors", "trends", "cases", "examples", "customers", "subsidiaries",
)  # fmt: skip

# Words that say little about which passage answers: they occur all over the deck.
GENERIC_TERMS = QUESTION_FILLER | frozenset({"business"})


def wants_list(question: str) -> bool:
    if LIST_INTENT_RE.search(question):
        return True
    # A hint written as a name ("domestic Services comparable sales") names a row, not a list.
    words = re.findall(r"[A-Za-z]+", question)
    return any(word.lower() in PLURAL_HINTS and not (index and word[0].isupper()) for index, word in enumerate(words))


def name_forms(names: Sequence[str]) -> list[str]:
    """The company's names as a question may write them: an "&" also as "n" ("A&B" as
    "AnB")."""
    forms = [*names, *(name.replace("&", "n") for name in names if re.search(r"\w&\w", name))]
    return list(dict.fromkeys(forms))


def without_names(question: str, names: Sequence[str]) -> str:
    """`question` with the document's own company names (`ingest.names`) read as "the
    company": "How much did Acme collect ..." asks about the document, not about a
    thing called Acme. Its subsidiaries keep their own words ("Acme Europe" -> "the
    company Europe")."""
    if not names:
        return question
    alternatives = "|".join(re.escape(name) for name in sorted(name_forms(names), key=len, reverse=True))
    pattern = rf"(?<![\w&])(?:the\s+)?(?:{alternatives})(?P<owner>['’]s?)?(?![\w&])"

    def company(match: re.Match[str]) -> str:
        return "the company's" if match.group("owner") else "the company"

    return " ".join(re.sub(pattern, company, question, flags=re.IGNORECASE).split())


def with_names(text: str, written: Sequence[str], names: Sequence[str]) -> str:
    """`text` (built from `without_names` questions) with "the company" written again as
    the user named it in `written` (the question and the turns before it)."""
    for source in written:
        for name in sorted(name_forms(names), key=len, reverse=True):
            match = re.search(rf"(?<![\w&]){re.escape(name)}(?![\w&])", source, flags=re.IGNORECASE)
            if match:
                as_written = match.group(0)
                return re.sub(
                    r"\bthe company(?P<owner>['’]s)?\b",
                    lambda found: as_written + (found.group("owner") or ""),  # noqa: B023 (returns at once)
                    text,
                )
    return text


def key_terms(question: str) -> list[str]:
    """Content tokens of the question that are specific enough to look for."""
    return [token for token in tokenize(question) if token not in GENERIC_TERMS]


# "on slide 14", "page 21 and 62", "Pages 100-110", "slides 3, 4 and 5".
PAGES_NAMED_RE = re.compile(
    r"\b(?:slides?|pages?)\s+(?P<numbers>\d{1,4}(?:\s*(?:,|-|–|and|&|to|through)\s*\d{1,4})*)\b", re.IGNORECASE
)


SECTION_NAMED_RE = re.compile(
    r"\b(?:in|of|from|under)\s+the\s+[\"“'‘](?P<name>[^\"”’]{3,80})[\"”'’]\s+(?:section|part|chapter)\b"
    r"|\b(?:section|part|chapter)\s+(?:called|named|titled|entitled)\s+[\"“'‘](?P<called>[^\"”’]{3,80})[\"”'’]",
    re.IGNORECASE,
)


def named_section(question: str) -> str:
    """The title of the section `question` names ('In the "Who are you talking to" section,
    ...'), or ""."""
    match = SECTION_NAMED_RE.search(question)
    return (match.group("name") or match.group("called")).strip() if match else ""


# "Besides the two companies on page 42, ...": pages named to be left out.
LEFT_OUT_RE = re.compile(
    r"\b(?:besides|except(?:\s+for)?|other\s+than|apart\s+from|aside\s+from|excluding)\b[^?.;]*", re.I
)


def named_pages(question: str) -> list[int]:
    """The slides or pages `question` names by number, in order ("between page 21 and 62":
    21, 62; "Pages 100-110": 100 to 110), but those it leaves out (`left_out_pages`)."""
    left_out = set(left_out_pages(question))
    return [page for page in _pages_in(question) if page not in left_out]


def left_out_pages(question: str) -> list[int]:
    """The pages `question` names to leave out ("Besides the two companies on page 42")."""
    return [page for clause in LEFT_OUT_RE.findall(question) for page in _pages_in(clause)]


def _pages_in(question: str) -> list[int]:
    pages: list[int] = []
    for match in PAGES_NAMED_RE.finditer(question):
        for span in re.split(r"\s*(?:,|and|&)\s*", match.group("numbers")):
            ends = [int(number) for number in re.findall(r"\d+", span)]
            if len(ends) == 2 and 0 < ends[1] - ends[0] <= 100:
                pages.extend(range(ends[0], ends[1] + 1))
            else:
                pages.extend(ends)
    return list(dict.fromkeys(pages))
