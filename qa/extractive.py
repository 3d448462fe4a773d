"""The default answerer: extractive and deterministic. It picks the passages of the best
slides that answer the question and composes a lead sentence, then bullets when the
question asks for a list. Every line carries its [Slide N]; nothing is added that is
not on a cited slide."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.records import Chunk
from ingest.text import tokenize
from qa.answer import Citation
from retriever.hits import Hit, SlideHit
from understand.question import key_terms, wants_list

# A slide joins the answer only if it scores at least this fraction of the best slide.
SLIDE_KEEP_RATIO = 0.8
# A question naming this share of the best slide's title, on a slide of at least
# OUTLINE_MIN_SECTIONS headed sections, is answered with the slide's outline.
OUTLINE_COVERAGE = 0.8
OUTLINE_MIN_SECTIONS = 3
# A passage joins a list answer if its relevance is at least this fraction of the best.
PASSAGE_KEEP_RATIO = 0.75
MAX_BULLETS = 8
# A heading naming at least this share of the question's key terms answers with the
# whole group of passages under it (chosen on the descriptive gold items).
HEADING_COVERAGE = 0.6


@dataclass(frozen=True)
class Composition:
    text: str
    citations: list[Citation]
    passages: list[Chunk]


def compose(
    question: str,
    slides: list[SlideHit],
    slide_chunks: dict[int, list[Chunk]],
    row_texts: dict[str, str] | None = None,
) -> Composition:
    """Compose an answer from `slides` (best first). `slide_chunks` maps a slide number
    to all its passages in reading order; `row_texts` maps a table-row chunk to the row's
    cells as printed, which is what its citation quotes."""
    best = slides[0]
    kept = [slide for slide in slides if slide.score >= best.score * SLIDE_KEEP_RATIO]
    listing = wants_list(question)
    outline = _outline(question, kept[0], slide_chunks)
    if outline:
        return outline
    group = _heading_group(question, kept, slide_chunks)
    if group:
        lead_chunk, bullets = group[0], group[1:]
    else:
        ranked = sorted(_relevance(question, kept), key=lambda item: -item[1])
        lead_chunk = ranked[0][0]
        bullets = _children(lead_chunk, slide_chunks)
        if listing:
            threshold = ranked[0][1] * PASSAGE_KEEP_RATIO
            extra = [chunk for chunk, score in ranked[1:] if score >= threshold and chunk not in bullets]
            bullets = _reading_order([*bullets, *extra[: MAX_BULLETS - 1]], slide_chunks)
        bullets = [chunk for chunk in bullets if chunk != lead_chunk][:MAX_BULLETS]
    lines = [f"{_sentence(lead_chunk)} [Slide {lead_chunk.slide}]"]
    if bullets:
        lines.append("")
        lines.extend(f"- {_passage_text(chunk)} [Slide {chunk.slide}]" for chunk in bullets)
    used = [lead_chunk, *bullets]
    rows = row_texts or {}
    citations = [Citation(slide=c.slide, title=c.title, text=rows.get(c.chunk_id, c.text)) for c in used]
    return Composition(text="\n".join(lines), citations=citations, passages=used)


def _relevance(question: str, slides: list[SlideHit]) -> list[tuple[Chunk, float]]:
    terms = set(key_terms(question))
    scored = []
    for slide in slides:
        for hit in slide.hits:
            scored.append((hit.chunk, _passage_score(hit, terms)))
    return scored


def _passage_score(hit: Hit, terms: set[str]) -> float:
    tokens = set(tokenize(f"{hit.chunk.heading} {hit.chunk.text}"))
    overlap = len(terms & tokens) / len(terms) if terms else 0.0
    kind_penalty = 0.15 if hit.chunk.kind in ("chart_data", "note") else 0.0
    return hit.dense + 0.5 * overlap - kind_penalty


def _heading_group(question: str, slides: list[SlideHit], slide_chunks: dict[int, list[Chunk]]) -> list[Chunk]:
    """A heading that names what the question asks about, with the passages under it.
    The heading must cover most of the question's key terms ("Acme's Cloud Competitive
    Advantages" for "What are Acme's cloud competitive advantages?")."""
    terms = set(key_terms(question))
    if not terms:
        return []
    best: tuple[float, list[Chunk]] = (0.0, [])
    for rank, slide in enumerate(slides):
        chunks = slide_chunks.get(slide.slide, [])
        for index, chunk in enumerate(chunks):
            if chunk.kind != "heading":
                continue
            coverage = _named_share(terms, chunk.text)
            if coverage < HEADING_COVERAGE or not coverage:
                continue
            members = [c for c in chunks[index + 1 :] if c.heading == chunk.text and c.kind != "heading"]
            if not any(c.kind != "chart_data" for c in members):
                continue  # a chart's caption ("Unit: %") says nothing
            score = coverage - 0.05 * rank  # ties go to the better slide
            if members and score > best[0]:
                best = (score, [chunk, *members[:MAX_BULLETS]])
        # The slide title heads the whole slide ("MVNO Market in Japan").
        coverage = _named_share(terms, slide.title)
        score = coverage - 0.05 * rank - 0.01
        members = [c for c in chunks if c.kind in ("bullet", "text") and c.level <= 1]
        if coverage and coverage >= HEADING_COVERAGE and members and score > best[0]:
            best = (score, [members[0], *members[1:MAX_BULLETS]])
    return best[1]


def _outline(question: str, slide: SlideHit, slide_chunks: dict[int, list[Chunk]]) -> Composition | None:
    """A question naming the best slide's title ("What is Acme's MVNO business model?" on
    "Acme's MVNO Business Model") whose slide is laid out in headed sections: each section
    with its first line, an outline of the whole slide."""
    terms = set(key_terms(question))
    if not terms or _named_share(terms, slide.title) < OUTLINE_COVERAGE:
        return None
    chunks = slide_chunks.get(slide.slide, [])
    sections = []
    for heading in (c for c in chunks if c.kind == "heading"):
        first = next((c for c in chunks if c.heading == heading.text and c.kind in ("bullet", "text")), None)
        if first is not None:
            sections.append((heading, first))
    if len(sections) < OUTLINE_MIN_SECTIONS:
        return None
    sections = sections[:MAX_BULLETS]
    lines = [f"**{slide.title}**: [Slide {slide.slide}]", ""]
    lines.extend(f"- {h.text.rstrip(':')}: {first.text} [Slide {h.slide}]" for h, first in sections)
    used = [chunk for pair in sections for chunk in pair]
    citations = [Citation(slide=slide.slide, title=slide.title, text=slide.title)]
    citations += [Citation(slide=c.slide, title=c.title, text=c.text) for c in used]
    return Composition(text="\n".join(lines), citations=citations, passages=used)


def _named_share(terms: set[str], text: str) -> float:
    """The share of `terms` that `text` (a heading, a slide title) names, plurals included."""
    words = set(tokenize(text))
    return sum(1 for t in terms if t in words or t.rstrip("s") in words) / len(terms) if terms else 0.0


def _children(lead: Chunk, slide_chunks: dict[int, list[Chunk]]) -> list[Chunk]:
    """What hangs under the lead: a heading's passages, or a bullet's sub-bullets, or
    the items after a line ending in a colon."""
    chunks = slide_chunks.get(lead.slide, [])
    if lead not in chunks:
        return []
    after = chunks[chunks.index(lead) + 1 :]
    if lead.kind == "heading":
        return [c for c in after if c.heading == lead.text and c.kind != "heading"][:MAX_BULLETS]
    children = []
    for chunk in after:
        if chunk.kind != "bullet" or chunk.level <= lead.level:
            break
        children.append(chunk)
    return children[:MAX_BULLETS]


def _reading_order(chunks: list[Chunk], slide_chunks: dict[int, list[Chunk]]) -> list[Chunk]:
    position = {c.chunk_id: i for chunks_ in slide_chunks.values() for i, c in enumerate(chunks_)}
    return sorted(chunks, key=lambda c: (c.slide, position.get(c.chunk_id, 0)))


def _passage_text(chunk: Chunk) -> str:
    if chunk.kind == "table_row":
        return f"{chunk.heading}: {chunk.text}" if chunk.heading else chunk.text
    return chunk.text


def _sentence(chunk: Chunk) -> str:
    text = _passage_text(chunk)
    if chunk.kind == "heading":
        return f"**{text.rstrip(':')}**:"
    return text
