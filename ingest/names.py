"""The names a document gives its own company ("Acme Wholesale Corporation", "Acme",
"ACM", "SMS"), read from its text at ingest.

A question that names the document's own company ("How much did Acme collect ...")
asks about the document, not about a thing called "Acme": understanding reads that
name as "the company" (`understand.question.without_names`). The name is found the way
a reader finds it: written as a legal entity ("... Inc.", "... Corporation", "... and
Subsidiaries", "... (NYSE: SMS)"), the entity written so most often, with the forms the
document also uses for it (its initials, its ticker, its first word used alone).
"""

from __future__ import annotations

import re
from collections import Counter

# A run of capitalised words (or "&") on one line: a proper name.
_NAME = r"(?P<name>(?:[A-Z0-9][\w'-]*|&)(?:[ \t]+(?:[A-Z0-9][\w'-]*|&)){0,3})"
# How a company writes its legal name or its listing.
_SUFFIX = (
    r",?[ \t]+(?i:inc\b\.?|incorporated\b|corporation\b|corp\.|company\b|co\.(?:,[ \t]*inc\b\.?)?"
    r"|ltd\b\.?|limited\b|plc\b|ag\b|n\.v\.|s\.a\.)|[ \t]+(?i:and[ \t]+subsidiaries)\b"
)
_TICKER = r"[ \t]*\((?:NYSE|NASDAQ|Nasdaq|LSE|TSE|TSX)[ \t]*:[ \t]*(?P<ticker>[A-Z.]{1,6})\)"
ENTITY_RE = re.compile(
    _NAME
    + rf"(?:(?:{_SUFFIX})(?:{_TICKER})?|{_TICKER.replace('ticker', 'listed')})"
    # The short name it defines for itself: 'Acme Wholesale Corporation ("Acme" or the "Company")'.
    + r"(?:\s*\(\s*[“\"](?P<alias>[^”\"]{2,40})[”\"])?"
)
# Words that open a sentence or a heading before a legal name, not part of it.
_LEADING = frozenset(["the", "total", "and", "of", "by", "for", "from", "to", "with", "in", "on", "at", "as"])


def document_names(pages: list[str]) -> tuple[str, ...]:
    """The company's names, longest first; () when the document names no legal entity."""
    text = "\n".join(pages)
    entities: Counter[str] = Counter()
    others: dict[str, set[str]] = {}
    for match in ENTITY_RE.finditer(text):
        name = _trimmed(match.group("name"))
        if not name:
            continue
        entities[name] += 1
        for other in (match.group("ticker"), match.group("listed"), match.group("alias")):
            if other and other.strip(" .").lower() not in ("company", "the company"):
                others.setdefault(name, set()).add(other.strip(" ."))
    if not entities:
        return ()
    # The entity written most often as one; ties go to the name the text uses most.
    name = max(entities, key=lambda entity: (entities[entity], _occurrences(entity, text)))
    names = {name, *others.get(name, ())}
    words = [word for word in name.split() if word != "&"]
    initials = "".join(word[0] for word in words if word[0].isalpha()).upper()
    if len(initials) >= 2 and _occurrences(initials, text, case=True):
        names.add(initials)
    if "&" in name and len(initials) == 2:
        names.add("&".join(initials))  # "S&S" for "Smith & Smith"
    return tuple(sorted(names, key=lambda item: (-len(item), item)))


def _trimmed(name: str) -> str:
    words = name.split()
    while words and words[0].lower() in _LEADING:
        words = words[1:]
    while words and words[-1] == "&":
        words = words[:-1]
    trimmed = " ".join(words)
    # A heading in capitals ("ACME STORES CO., INC.") names the same company as "Acme Stores".
    return trimmed.title() if trimmed.isupper() and len(trimmed) > 4 and " " in trimmed else trimmed


def _occurrences(phrase: str, text: str, case: bool = False) -> int:
    pattern = rf"(?<![\w&]){re.escape(phrase)}(?![\w&])"
    return len(re.findall(pattern, text, flags=0 if case else re.IGNORECASE))
