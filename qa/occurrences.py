"""How many times the document writes a word or a name: counted on its pages, never
guessed. "How many times does "HIT" appear in the slides?", "How many times is the bank
mentioned on page 4?"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.index_store import DeckIndex
from qa.answer import Answer, Citation, Trace, Value

# The counted term, quoted or up to three words, then the verb that says it is written.
OCCURRENCE_RE = re.compile(
    r"\bhow many times (?:does|do|did|is|are|was|were|has|have) (?:the (?:word|words|term|name|phrase) )?"
    r"(?:[\"“‘'](?P<quoted>[^\"”’']{1,60})[\"”’']|(?P<bare>[\w&.-]+(?: [\w&.-]+){0,2}?))"
    r"(?: be)? (?:appear|appears|appeared|occur|occurs|occurred|mentioned|written|used|shown|cited|named)\b",
    re.IGNORECASE,
)
# Pages listed in the answer before "and N more".
LISTED_PAGES = 8


def occurrence_answer(plain: str, asked: str, index: DeckIndex, pages: Sequence[int], trace: Trace) -> Answer | None:
    """How many times the term the question quotes is written on `pages` (every page when
    none is named); None when the question asks no such count. A term in capitals (an
    acronym, "HIT") is counted as written; any other in any case."""
    match = OCCURRENCE_RE.search(plain)
    if match is None:
        return None
    term = " ".join((match.group("quoted") or match.group("bare")).split())
    if not re.search(r"\w", term):
        return None
    words = r"\s+".join(re.escape(word) for word in term.split())
    pattern = re.compile(rf"(?<![\w-]){words}(?:['’]?s)?(?![\w-])", 0 if term.isupper() else re.IGNORECASE)
    chosen = set(pages) or {slide.number for slide in index.slides}
    found = {slide.number: len(pattern.findall(slide.text)) for slide in index.slides if slide.number in chosen}
    # Each page quoted from the passage that writes the term (a page's text runs a table's
    # cells into its lines), else from the page's line.
    quoted: dict[int, str] = {}
    for chunk in index.chunks:
        if found.get(chunk.slide) and chunk.slide not in quoted and pattern.search(chunk.text):
            quoted[chunk.slide] = chunk.text
    counts: list[tuple[int, int, str, str]] = []
    for slide in index.slides:
        if found.get(slide.number):
            lines = (line for line in slide.text.splitlines() if pattern.search(line))
            line = quoted.get(slide.number) or next(lines, slide.title)  # (a term across a line break)
            counts.append((slide.number, found[slide.number], slide.title, line.strip()))
    total = sum(count for _, count, _, _ in counts)
    where = "on " + _pages_named(sorted(chosen)) if pages else "in the document"
    trace = trace.model_copy(
        update={
            "retrieved_slides": [number for number, _, _, _ in counts],
            "refusal_check": "counts a term's occurrences",
        }
    )
    value = Value(number=float(total), unit="count", raw=str(total))
    if not counts:
        answer = f"“{term}” is not written {where}: **0** times."
        return Answer(question=asked, answer=answer, route="text", value=value, debug=trace)
    listed = ", ".join(f"{count} on [Slide {number}]" for number, count, _, _ in counts[:LISTED_PAGES])
    more = f" and more on {len(counts) - LISTED_PAGES} other pages" if len(counts) > LISTED_PAGES else ""
    times = "time" if total == 1 else "times"
    answer = f"“{term}” is written **{total}** {times} {where}: {listed}{more}."
    citations = [Citation(slide=number, title=title, text=line) for number, _, title, line in counts]
    return Answer(question=asked, answer=answer, route="text", citations=citations, value=value, debug=trace)


def _pages_named(pages: list[int]) -> str:
    return f"page {pages[0]}" if len(pages) == 1 else "pages " + ", ".join(str(page) for page in pages)
