"""Questions for a way to get in touch: a phone number, an e-mail address, a web address.
A document writes them by their form ("+1-615-591-2955", "name@example.com",
"www.example.com"), seldom under the words the question uses ("phone", "website"), so they
are found by their form: phone numbers by the `phonenumbers` library (libphonenumber's
rules for every country), the others by their shape. The answer quotes each with the line
that says whose it is, on the pages the question names, else on the best retrieved page
that writes one, else on every page that does (a closing contact page, most often).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import phonenumbers

from ingest.index_store import DeckIndex
from ingest.readable import readable
from ingest.records import Chunk
from qa.answer import Answer, Citation, Trace
from understand.question import key_terms, left_out_pages

ASKED_RE = {
    # (Not "a mobile phone": what is owned, not a number to call.)
    "phone": re.compile(
        r"\b(?:tele)?phone\s+(?:numbers?|no\b)|\btelephone\b|\bcontact\s+(?:tele)?phone\b", re.IGNORECASE
    ),
    "email": re.compile(r"\be-?mail(?:\s+address(?:es)?)?\b", re.IGNORECASE),
    "web": re.compile(r"\b(?:web\s?site|web\s+address|home\s?page|url)s?\b", re.IGNORECASE),
}
WRITTEN_RE = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "web": re.compile(r"\b(?:https?://|www\.)[\w.-]+\.[a-z]{2,}(?:/[\w./?=&%#-]*)?", re.IGNORECASE),
}
KIND_NAMES = {"phone": "Phone number", "email": "E-mail address", "web": "Web address"}
# A phone number has at least this many digits; one the library does not know, written in
# groups joined by dashes or dots, at least this many (a date, "2015-07-01", has 8).
PHONE_DIGITS = 7
PHONE_SHAPE_DIGITS = 9
PHONE_SHAPE_RE = re.compile(r"(?<![\w.-])\+?\(?\d{1,4}\)?(?:[-.]\d{1,5}){2,5}(?![\w-]|\.\d)")
# An address of either kind, as a word.
ADDRESS_RE = re.compile(r"@|^(?:https?://|www\.)", re.IGNORECASE)
# A number written without its country's code is read as one of this country's.
DEFAULT_REGION = "US"
# At most this many found are quoted.
MAX_FOUND = 3
# What its passage says before it, at most this many words, is quoted with it.
SAID_WORDS = 30
# The lines naming whose it is: of this many lines right above it on its page, those of at
# most this many words.
OWNER_LINES = 2
OWNER_WORDS = 8


def asked_contact(question: str) -> str:
    """ "phone", "email" or "web" when the question asks for one, else ""."""
    return next((kind for kind, pattern in ASKED_RE.items() if pattern.search(question)), "")


def written(kind: str, text: str) -> list[str]:
    """The phone numbers, e-mail addresses or web addresses `text` writes, in order."""
    if kind == "phone":
        # A number the library does not know as one of the default region's, written as
        # a phone number is ("81-3-5205-6500": groups of digits joined by dashes or dots).
        known = [
            match.raw_string.strip()
            for match in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION, leniency=phonenumbers.Leniency.VALID)
        ]
        shaped = [
            found
            for found in PHONE_SHAPE_RE.findall(text)
            if _digits(found) >= PHONE_SHAPE_DIGITS and not any(found in number or number in found for number in known)
        ]
        return sorted(known + shaped, key=text.find)
    return [found.rstrip(".") for found in WRITTEN_RE[kind].findall(text)]


def contact_answer(
    plain: str,
    asked: str,
    index: DeckIndex,
    by_page: Mapping[int, list[Chunk]],
    pages: Sequence[int],
    ranked: Sequence[int],
    trace: Trace,
) -> Answer | None:
    """The phone numbers (e-mail or web addresses) the question asks for, each with the
    line that says whose; None when it asks for none or the document writes none.
    `by_page`: each page's passages in reading order; `pages`: the pages the question
    names; `ranked`: the retrieved pages, best first."""
    kind = asked_contact(plain)
    if not kind:
        return None
    found: dict[int, list[tuple[Chunk, list[str]]]] = {}
    for chunk in index.chunks:
        # (Each is read only where it can be: a phone number has seven digits or more.)
        values = written(kind, chunk.text) if kind != "phone" or _digits(chunk.text) >= PHONE_DIGITS else []
        if values:
            found.setdefault(chunk.slide, []).append((chunk, values))
    for number in left_out_pages(plain):  # "Besides the two companies on page 42, ..."
        found.pop(number, None)
    if pages:
        chosen = [number for number in pages if number in found]
    else:
        best = next((number for number in ranked if number in found), None)
        chosen = [best] if best is not None else sorted(found)
    if not chosen:
        return None
    entries = []
    for number in chosen:
        for chunk, values in found[number]:
            start = 0
            for value in values:
                at = max(chunk.text.find(value, start), start)
                said = " ".join(chunk.text[start:at].split()[-SAID_WORDS:])
                entries.append((number, chunk, value, said, _owner(said, chunk, by_page[number])))
                start = at + len(value)
    # Asked for someone's ("the e-mail of the Vice President of ..."): the ones whose lines
    # name most of the question's words.
    terms = set(key_terms(plain))
    named = [len(terms & set(key_terms(owner))) for *_, owner in entries]
    if max(named) > 0:
        entries = [entry for entry, count in zip(entries, named, strict=True) if count == max(named)]
    # Each as its passage writes it ("TEL: ... URL: ... E-Mail: **ir@...**"), or, alone on
    # its line, named with whose it is or the page it is on.
    titles = {slide.number: slide.title for slide in index.slides}
    lines = [
        (
            f"{said} **{value}**"
            if readable(said)
            else f"{KIND_NAMES[kind]} of {owner}: **{value}**"
            if owner
            else f"{KIND_NAMES[kind]} on {_page_name(number, titles.get(number, ''))}: **{value}**"
        )
        + f" [Slide {number}]"
        for number, _, value, said, owner in entries
    ]
    citations = list(
        dict.fromkeys(Citation(slide=number, title=chunk.title, text=chunk.text) for number, chunk, *_ in entries)
    )
    lines, citations = lines[:MAX_FOUND], citations[:MAX_FOUND]
    text = lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)
    trace = trace.model_copy(
        update={"retrieved_slides": list(dict.fromkeys(c.slide for c in citations)), "refusal_check": f"asks a {kind}"}
    )
    return Answer(question=asked, answer=text, route="text", citations=citations, debug=trace)


def _page_name(number: int, title: str) -> str:
    return f"“{title}”" if readable(title) else f"slide {number}"


def _digits(text: str) -> int:
    return sum(character.isdigit() for character in text)


def _owner(before: str, chunk: Chunk, chunks: list[Chunk]) -> str:
    """Whose it is: the words before it in its passage, since the one before it ("Omar Diaz
    Director of Retail Market Development omar.diaz@..."), figures and addresses aside; or
    else the short lines of words of the two right above it on its page ("Ana Lee",
    "President")."""
    words = [word for word in before.split() if not any(ch.isdigit() for ch in word) and not ADDRESS_RE.search(word)]
    own = " ".join(words[-OWNER_WORDS:]).strip(" •¢-,;:")
    if own and readable(own):
        return own
    at = chunks.index(chunk)
    above = [c.text.strip(" •¢-") for c in chunks[max(0, at - OWNER_LINES) : at]]
    return ", ".join(
        text
        for text in above
        if text and readable(text) and len(text.split()) <= OWNER_WORDS and not any(ch.isdigit() for ch in text)
    )
