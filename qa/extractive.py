"""The default answerer: extractive and deterministic. It reads the best pages'
passages as units (a bullet, a table row, each sentence of a paragraph), scores each
against the question (embedding similarity, the question's words weighted by rarity,
and whether it answers in the asked way: a cause for "why", names for "who"), and picks
a few with diversity (maximal marginal relevance) under a length budget, from one or
several pages. A heading that names the question's subject answers with its passages,
keeping the page's structure. Every line carries its [Slide N]; nothing is added that
is not on a cited page."""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ingest.numbers import find_periods, period_year, strip_periods
from ingest.readable import readable
from ingest.records import Chunk, Fact, Table
from ingest.text import passage_sentences, root, sentences, tokenize
from qa.answer import Citation
from retriever.hits import SlideHit
from understand.kinds import EXPLANATIONS, Kind, asks_to_compare, cue, is_quote, question_kind, sets_against
from understand.question import key_terms
from understand.terms import asked_thing, singular

# A slide joins the answer only if it scores at least this fraction of the best slide.
SLIDE_KEEP_RATIO = 0.8
# A question naming this share of the best slide's title, on a slide of at least
# OUTLINE_MIN_SECTIONS headed sections, is answered with the slide's outline.
OUTLINE_COVERAGE = 0.8
OUTLINE_MIN_SECTIONS = 3
MAX_BULLETS = 16
# A line of text this short set above bullets is what they hang under.
LEAD_LINE_WORDS = 20
# A heading naming at least this share of the question's key terms answers with the
# whole group of passages under it (chosen on the descriptive gold items).
HEADING_COVERAGE = 0.6
# Slides stating one thing each, whose titles the question names within this much of the
# best one's score (a rank costs 0.05), answer together.
STATEMENT_SLACK = 0.15
TITLE_MAX_WORDS = 10
# A slide title of LIST_TITLE_TERMS key terms or more, every one in the question, over a
# list of LIST_MIN_ITEMS passages or more: the list answers.
LIST_TITLE_TERMS = 2
LIST_MIN_ITEMS = 3
# A slide title ending in its number in a series ("Law #3", "Step 4", "Part II"; OCR reads
# "#1" as "#I"); a series has at least this many slides, each stating a passage of at
# least this many words.
SERIES_TITLE_RE = re.compile(
    r"^(?P<key>.*?[A-Za-z].*?)(?:\s+|\s*#\s*|\s+no\.\s*)(?P<number>\d{1,2}|[IVXl]{1,4})\s*[:.)-]?$", re.IGNORECASE
)
# A numbered title that names its item after the number ("Tip no. 1: Line them up."): the
# key is at most a few words.
NAMED_SERIES_RE = re.compile(
    r"^(?P<key>[A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*){0,2}?)(?:\s+|\s*#\s*|\s+no\.\s*)(?P<number>\d{1,2})\s*[:.)-]\s+(?P<name>\w.*)$",
    re.IGNORECASE,
)
MIN_SERIES = 3
# A numbered item is named in one of a slide's first lines.
TITLE_LINES_READ = 3
SERIES_PASSAGE_WORDS = 4
# A page of 2 to MAX_COLUMNS headed columns answers with COLUMN_ITEMS passages of each.
MAX_COLUMNS = 4
COLUMN_ITEMS = 3

# Unit selection. A paragraph longer than `ingest.text.SPLIT_WORDS` is read sentence by
# sentence.
# Score of a unit: W_DENSE x its passage's cosine similarity to the question + W_WORDS x
# the rarity-weighted share of the question's words it holds (words only in its heading
# or page title count CONTEXT_SHARE) + W_CUE x whether it answers in the asked way +
# W_PAGE x its page's retrieval score relative to the best page, less the penalties.
# Fitted on the dev descriptive items of every gold file (key-point coverage).
W_DENSE = 1.0
W_WORDS = 0.6
W_CUE = 0.15
W_PAGE = 0.6
CONTEXT_SHARE = 0.8
# A sentence of a long paragraph is as close to the question as this share of its own
# similarity and the rest of its paragraph's (corpus dev descriptive key-point recall,
# summed over the four releases: 3.07 with the paragraph's alone, 3.22 at 0.5 and at 1.0;
# a sentence alone loses the subject its paragraph names, so 0.5).
SENTENCE_SHARE = 0.5
PENALTY_KIND = 0.15  # chart residue and footnotes
PENALTY_QUOTE = 0.2  # a quotation, unless the question asks what someone said
PENALTY_FIGURES = 0.3  # x the share of figures in a unit, for "what is X"
PENALTY_TABLE = 0.2  # a table row, for "why", "how", "what is X" and "what did they say"
# Maximal marginal relevance: relevance minus MMR_REDUNDANCY x the closest word overlap
# with what is already chosen. A unit below KEEP_RATIO of the best unit's score (its page
# aside) is left out.
MMR_REDUNDANCY = 0.5
KEEP_RATIO = 0.4
# Length budget: at most MAX_UNITS units and about WORD_BUDGET words; never more than
# MAX_WORDS (a heading's group is trimmed to it too).
MAX_UNITS = 6
WORD_BUDGET = 120
MAX_WORDS = 200
# A page naming at least this many other pages' titles lists the document's contents.
CONTENTS_MIN_TITLES = 3
# A page titled so sums the document up; else the last page of its final SUMMARY_SHARE making
# SUMMARY_MIN_POINTS points or more in bullets of SUMMARY_POINT_WORDS words or more.
SUMMARY_TITLE_RE = re.compile(
    r"^\W*(?:executive |in |to )?(?:summary|conclusions?|(?:key )?takeaways|recap|wrap-up)\W*$", re.IGNORECASE
)
SUMMARY_SHARE = 0.2
SUMMARY_MIN_POINTS = 3
SUMMARY_POINT_WORDS = 6
# An agenda is among the first AGENDA_SHARE of the pages (the first AGENDA_MIN_PAGE at
# least), its entries at most AGENDA_ENTRY_WORDS words.
AGENDA_SHARE = 0.25
AGENDA_MIN_PAGE = 3
AGENDA_ENTRY_WORDS = 8
# A passage printed alike on this share of the pages, and on at least FURNITURE_MIN of them,
# is the pages' frame (`page_furniture`).
FURNITURE_SHARE = 0.2
FURNITURE_MIN = 3
# A table row in a list of passages shows its first ROW_WORDS words (its label and first cells).
ROW_WORDS = 40

FIGURE_RE = re.compile(r"\d")
# The next scale up, in which a discussion rounds a table's figure.
LARGER_SCALE = {"thousand": "million", "million": "billion"}
# An acronym joined by "&" or "/" ("G&A", "R&D", "M&A"), and the little words its
# initials skip ("General and Administrative").
ACRONYM_RE = re.compile(r"\b[A-Za-z]{1,3}[&/][A-Za-z]{1,3}\b")
LINK_WORDS = frozenset({"and", "of", "the", "for"})
# A question about two things joins them.
CONJUNCTION_RE = re.compile(r"\s(?:and|&)\s", re.IGNORECASE)
# Two word stems this long match when one starts the other.
PREFIX_MIN = 5


@dataclass(frozen=True)
class Composition:
    text: str
    citations: list[Citation]
    passages: list[Chunk]


@dataclass(frozen=True)
class Unit:
    """A passage, or one sentence of a long paragraph, with what scores it."""

    chunk: Chunk
    text: str
    order: tuple[int, int, int]  # page, passage, sentence: reading order
    dense: float
    page: float  # the page's retrieval score relative to the best page
    annotates: str = ""  # for a footnote, the page's words its marker is set on


def compose(
    question: str,
    slides: list[SlideHit],
    slide_chunks: dict[int, list[Chunk]],
    row_texts: dict[str, str] | None = None,
    idf: Mapping[str, float] | None = None,
    sentence_dense: Mapping[str, Sequence[float]] | None = None,
    cover: int | None = None,
    series: Mapping[str, list[int]] | None = None,
    named_items: Mapping[int, str] | None = None,
) -> Composition:
    """Compose an answer from `slides` (best first). `slide_chunks` maps a slide number
    to all its passages in reading order; `row_texts` maps a table-row chunk to the row's
    cells as printed, which is what its citation quotes; `idf` weighs the question's
    words by how rare they are in the document; `sentence_dense` maps a long
    paragraph to its sentences' cosine similarity to the question; `cover` is the page
    of a short cover, if the document has one; `series` its numbered series of slides
    (`numbered_series`), `named_items` the items their titles name (`named_items`)."""
    # A short cover (`qa.cover.short_cover`; a question about the document itself is
    # answered from it before this) holds no items of what the document says.
    if cover is not None:
        slides = [slide for slide in slides if slide.slide != cover] or slides
    best = slides[0]
    kept = [slide for slide in slides if slide.score >= best.score * SLIDE_KEEP_RATIO]
    outline = _outline(question, kept[0], slide_chunks)
    if outline:
        return outline
    rows = row_texts or {}
    listed = _series_items(question, series or {}, slide_chunks, named_items or {})
    if listed:
        return _written(listed[0], _readable_units(listed[1:]), rows)
    compared = _comparison(question, slides[:2], slide_chunks)
    if compared:
        return _written(compared[0], _readable_units(compared[1:]), rows)
    group = _heading_group(question, kept, slide_chunks, question_kind(question))
    if group:
        return _written(group[0], _readable_units(group[1:]), rows)
    units = _units(slides, slide_chunks, rows, sentence_dense or {})
    if not units:
        first = best.hits[0].chunk if best.hits else slide_chunks[best.slide][0]
        return _written(first, [], rows)
    chosen = _select(question, units, idf or {}, slide_chunks)
    lead, rest = chosen[0], sorted(chosen[1:], key=lambda unit: unit.order)
    return _written(lead.chunk, rest, rows, lead_text=lead.text)


def drivers(
    line: tuple[str, Citation], figure: Fact, table: Table, nearby: list[Chunk], quoting: list[Chunk]
) -> Composition | None:
    """What drove a figure, as the document discusses it: `line` (the figure's row, and
    its citation), then the sentences giving a cause, for the figure's period, under the
    headings of `nearby` (the table's page and the next) that name the figure's row
    (MD&A's "Devices" over "Devices worldwide sales grew 6.1%, driven by ..."); or, when
    none does, those of `quoting` (the passages that state the figure: "diluted earnings
    per share were $6.95 ... This increase was primarily driven by ..."), then those
    under the headings naming the table (its section: "Operating margins decreased,
    driven by ...") and its other rows, the parts the figure is made of (an operating
    margin's "Cost of Sales", "Selling, General and Administrative Expenses"). None when
    no passage gives a cause."""
    year = period_year(figure.period)

    def causes(chunks: list[Chunk]) -> list[Unit]:
        return [
            unit
            for unit in _sentence_units(chunks)
            if cue("cause", unit.text) and (not year or _names_year(unit.text, year))
        ]

    beside = [unit for unit in causes(nearby) if unit.chunk.heading]
    own = [unit for unit in beside if _labels(unit.chunk.heading, figure.row)]
    rows = [table.title, *(row[0] for row in table.rows if row and row[0] and row[0] != figure.row)]
    parts = [unit for unit in beside if any(_labels(unit.chunk.heading, other) for other in rows)]
    chosen = _by_turns(own or list(dict.fromkeys([*causes(quoting), *parts])))
    if not chosen:
        return None
    text, citation = line
    lines = [text, ""]
    for (slide, heading), units in _by_section(chosen).items():
        label = f"**{heading.rstrip(': ')}**: " if heading else ""
        lines.append(f"- {label}{' '.join(_trimmed(unit.text) for unit in units)} [Slide {slide}]")
    citations = [*(Citation(slide=u.chunk.slide, title=u.chunk.title, text=u.text) for u in chosen), citation]
    return Composition(text="\n".join(lines), citations=citations, passages=[unit.chunk for unit in chosen])


def stating(figure: Fact, question: str, slide_chunks: Mapping[int, list[Chunk]]) -> list[Chunk]:
    """The passages that state `figure`, from the sentence stating it on: as printed
    ("were $6.95"), in a passage naming a word of `question`; or rounded to the next scale
    ("$2.9 billion" for 2,899 million) in a sentence naming most of the figure's own words
    (a rounded figure is common: "Net income was $2.9 billion" is another). A passage that
    stops mid-sentence goes on in the next one under its heading (a paragraph the page
    broke in two)."""
    number = re.search(r"\d[\d,]*(?:\.\d+)?", figure.raw)
    if number is None:
        return []
    printed = re.compile(rf"(?<![\d.,]){re.escape(number.group(0))}(?!\d|[.,]\d)")
    rounded = None
    scale = figure.unit.rpartition(" ")[2]
    if scale in LARGER_SCALE and abs(figure.value) >= 1000:
        larger = abs(figure.value) / 1000
        forms = "|".join(re.escape(f"{larger:.{places}f}") for places in (1, 2))
        rounded = re.compile(rf"(?<![\d.,])(?:{forms})\s*{LARGER_SCALE[scale]}", re.IGNORECASE)
    terms = {root(term) for term in key_terms(question)}
    own = {root(term) for term in tokenize(figure.label)}

    def states(sentence: str, named: bool) -> bool:
        if printed.search(sentence):
            return named
        if rounded is None or not rounded.search(sentence):
            return False
        return 2 * len(own & {root(token) for token in tokenize(sentence)}) > len(own)

    found: list[Chunk] = []
    for page in slide_chunks.values():
        for position, chunk in enumerate(page):
            if chunk.kind not in ("text", "bullet"):
                continue
            if not printed.search(chunk.text) and (rounded is None or not rounded.search(chunk.text)):
                continue  # most passages: no sentence to read
            named = bool(terms & {root(token) for token in tokenize(chunk.text)})
            said = sentences(chunk.text)
            first = next((i for i, sentence in enumerate(said) if states(sentence, named)), None)
            if first is None:
                continue
            after = page[position + 1 : position + 2] if not re.search(r"[.!?]\W*$", chunk.text) else []
            found += [
                replace(chunk, text=" ".join(said[first:])),
                *(c for c in after if c.heading == chunk.heading and c.kind == chunk.kind),
            ]
    return list(dict.fromkeys(found))


def _by_turns(units: list[Unit]) -> list[Unit]:
    """The units that fit the length budget when each heading's group gives its first
    sentence, then each its second, and so on: every section gets a say. In the order given."""
    turns = [unit for turn in itertools.zip_longest(*_by_section(units).values()) for unit in turn if unit is not None]
    kept = {id(unit) for unit in _within_budget(turns)}
    return [unit for unit in units if id(unit) in kept]


def _by_section(units: Sequence[Unit]) -> dict[tuple[int, str], list[Unit]]:
    """`units` grouped by the page and heading they sit under, in the order given."""
    groups: dict[tuple[int, str], list[Unit]] = {}
    for unit in units:
        groups.setdefault((unit.chunk.slide, unit.chunk.heading), []).append(unit)
    return groups


def _sentence_units(chunks: list[Chunk]) -> list[Unit]:
    """The readable sentences of `chunks`' paragraphs and bullets, as units in reading order."""
    return [
        Unit(chunk, sentence, (chunk.slide, position, number), 0.0, 0.0)
        for position, chunk in enumerate(chunks)
        if chunk.kind in ("text", "bullet")
        for number, sentence in enumerate(passage_sentences(chunk) or [chunk.text])
        if readable(sentence)
    ]


def with_line(composition: Composition, line: tuple[str, Citation]) -> Composition:
    """`composition` with `line` (a figure's row, and its citation) as its last bullet."""
    text, citation = line
    gap = "\n" if "\n- " in composition.text else "\n\n"
    return replace(composition, text=f"{composition.text}{gap}- {text}", citations=[*composition.citations, citation])


def _names_year(text: str, year: str) -> bool:
    """Whether `text` is about `year`: it names that year, or names no year at all."""
    years = {period_year(period) for period in find_periods(text)} - {""}
    return not years or year in years


def _labels(heading: str, row: str) -> bool:
    """Whether a heading ("Selling, General and Administrative Expenses:") names a table
    row ("Selling, general and administrative expenses (SG&A)", "Pharmaceutical4" with
    its footnote's mark): the same words, asides and marks left out."""
    row = re.sub(r"\([^)]*\)|(?<=[A-Za-z])\d+\b", " ", row)
    words = {root(t) for t in tokenize(row)}
    return bool(words) and words == {root(t) for t in tokenize(heading)}


def _units(
    slides: list[SlideHit],
    slide_chunks: dict[int, list[Chunk]],
    rows: dict[str, str],
    sentence_dense: Mapping[str, Sequence[float]],
) -> list[Unit]:
    """Every passage of the retrieved pages as units, long paragraphs as sentences.
    `sentence_dense`: each long paragraph's sentences' similarity to the question."""
    best = slides[0].score or 1.0
    units = []
    for slide in slides:
        dense = {hit.chunk.chunk_id: hit.dense for hit in slide.hits}
        for position, chunk in enumerate(slide_chunks.get(slide.slide, [])):
            if chunk.kind == "heading" or chunk.chunk_id not in dense:
                continue
            text = _passage_text(chunk)
            pieces = passage_sentences(chunk) or [text]
            # A sentence is as close to the question as it is, and as its paragraph is.
            own = sentence_dense.get(chunk.chunk_id, ())
            for number, piece in enumerate(pieces):
                if not readable(piece):
                    continue  # OCR's reading of a logo or a chart, a broken word
                order = (slide.slide, position, number)
                closeness = dense[chunk.chunk_id]
                if len(own) == len(pieces) > 1:
                    closeness = SENTENCE_SHARE * own[number] + (1 - SENTENCE_SHARE) * closeness
                annotated = _annotated(piece, slide_chunks.get(slide.slide, []))
                units.append(Unit(chunk, piece, order, closeness, slide.score / best, annotated))
    return units


def _readable_units(chunks: Sequence[Chunk]) -> list[Unit]:
    """The passages under a heading or in a column, as units, those that read as text."""
    return [Unit(c, _passage_text(c), (0, 0, 0), 0.0, 0.0) for c in chunks if readable(_passage_text(c))]


def _select(
    question: str, units: list[Unit], idf: Mapping[str, float], slide_chunks: dict[int, list[Chunk]]
) -> list[Unit]:
    """The best unit, what hangs under it (a heading's passages, a line's sub-bullets or
    the items after its colon), then the next best units by maximal marginal relevance,
    within the length budget."""
    kind = question_kind(question)
    weights: dict[str, float] = {}
    for term in key_terms(question):
        weights[root(term)] = max(weights.get(root(term), 0.0), idf.get(term, 1.0))
    scored = sorted(((_score(unit, weights, kind), unit) for unit in units), key=lambda pair: -pair[0])
    top, lead = scored[0]
    words = {id(unit): {root(t) for t in tokenize(unit.text)} for _, unit in scored}
    children = (
        {chunk.chunk_id for chunk in _children(lead.chunk, slide_chunks)}
        if lead.text == _passage_text(lead.chunk)
        else set()
    )
    chosen = [
        lead,
        *(unit for _, unit in sorted(scored, key=lambda pair: pair[1].order) if unit.chunk.chunk_id in children),
    ]
    chosen = _within_budget(chosen)
    length = sum(len(unit.text.split()) for unit in chosen)
    # Whether a unit is relevant enough is judged on what it says, not on its page.
    floor = (top - W_PAGE * lead.page) * KEEP_RATIO
    candidates = [
        (score, unit)
        for score, unit in scored[1:]
        if score - W_PAGE * unit.page >= floor
        and unit not in chosen
        and (unit.chunk.slide == lead.chunk.slide or _says_any(unit, weights))
    ]
    while candidates and len(chosen) < MAX_UNITS and length < WORD_BUDGET:

        def marginal(pair: tuple[float, Unit]) -> float:
            overlap = max(_jaccard(words[id(pair[1])], words[id(unit)]) for unit in chosen)
            return pair[0] - MMR_REDUNDANCY * overlap

        pick = max(candidates, key=marginal)
        candidates.remove(pick)
        size = len(pick[1].text.split())
        if length + size > MAX_WORDS:
            continue
        if _jaccard(words[id(pick[1])], set().union(*(words[id(unit)] for unit in chosen))) > 0.9:
            continue  # says nothing new
        chosen.append(pick[1])
        length += size
    return chosen


def _within_budget(units: list[Unit]) -> list[Unit]:
    """The first units up to MAX_BULLETS + 1 and MAX_WORDS words (the first always)."""
    kept, length = [], 0
    for unit in units[: MAX_BULLETS + 1]:
        length += len(unit.text.split())
        if kept and length > MAX_WORDS:
            break
        kept.append(unit)
    return kept


def _score(unit: Unit, weights: dict[str, float], kind: Kind) -> float:
    total = sum(weights.values())
    words = {root(t) for t in tokenize(unit.text)}
    # What the unit is about may be said around it: its heading, its page's title, the
    # bullet it hangs under, the rest of its paragraph. A page that opens with running
    # text carried over has that text's first line for a title, which names nothing.
    title = unit.chunk.title if len(unit.chunk.title.split()) <= TITLE_MAX_WORDS else ""
    around = f"{unit.chunk.heading} {title} {unit.chunk.parent}"
    if unit.text != unit.chunk.text:
        around += f" {unit.chunk.text}"
    around += f" {unit.annotates}"
    context = {root(t) for t in tokenize(around)}
    found = {t for t in weights if _holds(words, t)}
    named = sum(weights[t] for t in found)
    named += CONTEXT_SHARE * sum(w for t, w in weights.items() if t not in found and _holds(context, t))
    score = W_DENSE * unit.dense + W_WORDS * (named / total if total else 0.0)
    score += W_CUE * cue(kind, unit.text) + W_PAGE * unit.page
    if unit.chunk.kind in ("chart_data", "note"):
        score -= PENALTY_KIND
    if kind != "said" and is_quote(unit.text):
        score -= PENALTY_QUOTE
    if kind == "definition":
        score -= PENALTY_FIGURES * _figure_share(unit.text)
    if kind in EXPLANATIONS and unit.chunk.kind == "table_row":
        score -= PENALTY_TABLE
    return score


def _annotated(text: str, chunks: list[Chunk]) -> str:
    """For a footnote ("*Excluding the impacts of ..."), the words on its page that carry
    its marker ("Adjusted*"): what it explains. "" for any other passage."""
    marker = re.match(r"\s*(\*{1,3}|†|‡)(?=\s*[A-Za-z])", text)
    if not marker:
        return ""
    mark = re.escape(marker.group(1))
    words = {
        found.group(1)
        for chunk in chunks
        if chunk.text != text
        for found in re.finditer(rf"([A-Za-z][\w-]*){mark}(?!\*)", chunk.text)
    }
    return " ".join(sorted(words))


def _says_any(unit: Unit, weights: dict[str, float]) -> bool:
    """Whether the unit, its paragraph, its heading or the bullet it hangs under holds a
    question word: another page's title naming the subject does not make every line on
    that page worth adding."""
    stems = {root(t) for t in tokenize(f"{unit.chunk.text} {unit.chunk.parent} {unit.chunk.heading}")}
    return any(_holds(stems, term) for term in weights)


def _trimmed(text: str, limit: int = WORD_BUDGET) -> str:
    """`text` cut to its first sentences within `limit` words (a single longer
    sentence is cut at a word, with an ellipsis)."""
    if len(text.split()) <= limit:
        return text
    kept: list[str] = []
    for sentence in sentences(text):
        if kept and len(" ".join([*kept, sentence]).split()) > limit:
            break
        kept.append(sentence)
    trimmed = " ".join(kept)
    if len(trimmed.split()) > limit:
        trimmed = " ".join(trimmed.split()[:limit]) + " …"
    return trimmed


def _holds(stems: set[str], term: str) -> bool:
    """Whether `stems` hold `term` (a stem), or a longer or shorter form of it
    ("differentiat" ~ "differenti" of "differentiation")."""
    if term in stems:
        return True
    if len(term) < PREFIX_MIN:
        return False
    return any(len(s) >= PREFIX_MIN and (s.startswith(term) or term.startswith(s)) for s in stems)


def _figure_share(text: str) -> float:
    tokens = text.split()
    return sum(1 for token in tokens if FIGURE_RE.search(token)) / max(1, len(tokens))


def _jaccard(first: set[str], second: set[str]) -> float:
    return len(first & second) / len(first | second) if first and second else 0.0


def _written(lead: Chunk, rest: list[Unit], rows: dict[str, str], lead_text: str | None = None) -> Composition:
    """The answer: the lead line, then the other units as bullets, each with its
    [Slide N], trimmed to MAX_WORDS. Units under two or more headings of a page (the
    columns of a comparison) are written as one labelled line per heading."""
    first = _trimmed(lead_text if lead_text is not None else _sentence(lead))
    if rest and first.endswith(":") and len(sentences(first)) > 1:
        # A paragraph that introduces the list after it: its last sentence does, and
        # the list gets the words.
        first = sentences(first)[-1]
    if first != (lead_text or _sentence(lead)):
        lead_text = first
    lines = [f"{first} [Slide {lead.slide}]"]
    length = len(first.split())
    bullets = []
    for unit in rest:
        unit = replace(unit, text=_trimmed(unit.text, ROW_WORDS if unit.chunk.kind == "table_row" else WORD_BUDGET))
        length += len(unit.text.split()) + 1 + len(unit.chunk.heading.split())  # the marker, a label
        if length > MAX_WORDS:
            break
        bullets.append(unit)
    if bullets:
        lines.append("")
        headings = {unit.chunk.heading for unit in bullets if unit.chunk.kind != "table_row"}
        labelled = len(headings - {"", lead.heading, lead.text}) >= 2 and "" not in headings
        if labelled and all(readable(heading) for heading in headings):
            groups = _by_section(bullets)
            lines.extend(
                f"- **{heading.rstrip(':')}**: "
                f"{'; '.join(unit.text.removeprefix(f'{heading.rstrip(chr(58))}: ') for unit in units)}"
                f" [Slide {slide}]"
                for (slide, heading), units in groups.items()
            )
        else:
            lines.extend(f"- {unit.text} [Slide {unit.chunk.slide}]" for unit in bullets)
    quoted = [(lead, lead_text if lead_text is not None and lead.kind != "table_row" else None)]
    quoted += [(unit.chunk, unit.text if unit.chunk.kind != "table_row" else None) for unit in bullets]
    citations = [
        Citation(slide=chunk.slide, title=chunk.title, text=text or rows.get(chunk.chunk_id, chunk.text))
        for chunk, text in quoted
    ]
    return Composition(text="\n".join(lines), citations=citations, passages=[chunk for chunk, _ in quoted])


def _heading_group(
    question: str, slides: list[SlideHit], slide_chunks: dict[int, list[Chunk]], kind: Kind
) -> list[Chunk]:
    """A heading that names what the question asks about, with the passages under it.
    The heading must cover most of the question's key terms ("Acme's Cloud Competitive
    Advantages" for "What are Acme's cloud competitive advantages?"). Asked what a thing
    is, the heading over sentences beats the heading over its figures."""
    # A heading names a subject, seldom its period: the period asked about counts as
    # named when the heading's passages name it ("developments" of the quarter asked).
    terms = subject_terms(strip_periods(question))
    periods = set(find_periods(question))
    if not terms:
        return []
    asked = set(asked_thing(question))  # "example actions" of "What example actions does ..."

    def covered(heading: str, passages: list[Chunk]) -> float:
        named = sum(1 for term in terms if _names(heading, term))
        if periods:
            named += bool(periods & {p for c in passages for p in find_periods(f"{heading} {c.text}")})
        return named / (len(terms) + bool(periods))

    best: tuple[float, list[Chunk]] = (0.0, [])
    statements: list[tuple[float, Chunk]] = []
    # A table row that names more of the question than a heading does (its label and
    # its column headings), on as good a page, answers better than the heading's group
    # ("WAN; Business status: ..." against a heading "WAN Services" for "the business
    # status of WAN").
    passage_best = 0.0
    for rank, slide in enumerate(slides):
        chunks = slide_chunks.get(slide.slide, [])
        passage_best = max([passage_best] + [covered(_passage_text(c), [c]) for c in chunks if c.kind == "table_row"])
        for index, chunk in enumerate(chunks):
            if chunk.kind != "heading":
                continue
            members = [c for c in chunks[index + 1 :] if c.heading == chunk.text and c.kind != "heading"]
            coverage = covered(chunk.text, members)
            if coverage < HEADING_COVERAGE or not coverage or coverage < passage_best:
                continue
            if not any(c.kind != "chart_data" for c in members):
                continue  # a chart's caption ("Unit: %") says nothing
            score = coverage - 0.05 * rank  # ties go to the better slide
            if kind == "definition":
                score -= PENALTY_FIGURES * _figure_share(" ".join(c.text for c in members))
            if members and score > best[0]:
                best = (score, [chunk, *members[:MAX_BULLETS]])
                best = (score, _with_other_subject(question, terms, slide, chunks, best[1]))
        # The slide title heads the whole slide ("MVNO Market in Japan"); a page's first
        # line of running text is no title.
        coverage = covered(slide.title, chunks) if len(slide.title.split()) <= TITLE_MAX_WORDS else 0.0
        members = [c for c in chunks if c.kind in ("bullet", "text") and c.level <= 1 and readable(_passage_text(c))]
        # A list whose title the question names word for word, as the thing it asks for
        # ("What example actions does the talk suggest for ...?" on "Example actions"),
        # answers however many more words the question has.
        title_terms = set(key_terms(slide.title))
        named_list = (
            len(title_terms) >= LIST_TITLE_TERMS
            and len(members) >= LIST_MIN_ITEMS
            and readable(slide.title)
            and _named_share(title_terms, question) == 1.0
            and _named_share(asked, slide.title) == 1.0
        )
        if named_list:
            coverage = max(coverage, HEADING_COVERAGE)
        score = coverage - 0.05 * rank - 0.01
        if coverage and coverage >= HEADING_COVERAGE and len(members) <= 1 and readable(slide.title):
            # A slide that states one thing: its one passage, or its title alone.
            said = members[0] if members else next((c for c in chunks if c.text == slide.title), None)
            statements.append((score, replace(said or _title_chunk(slide), kind="text")))  # a statement, not a heading
        if coverage and coverage >= HEADING_COVERAGE and members and score > best[0]:
            columns = _columns(slide, chunks)
            lead = [_title_chunk(slide)] if named_list and not columns else []
            best = (score, columns or [*lead, members[0], *members[1:MAX_BULLETS]])
    # Slides that each state one thing, all named by the question as well ("Having lots
    # of reports does not make you data-driven", then "... dashboards ..."): the list.
    top = max((score for score, _ in statements), default=0.0)
    alike = [chunk for score, chunk in statements if score >= top - STATEMENT_SLACK]
    if len(alike) > 1 and top >= best[0] - STATEMENT_SLACK:
        return sorted(alike, key=lambda chunk: chunk.slide)[:MAX_BULLETS]
    return best[1]


def numbered_series(slide_chunks: Mapping[int, list[Chunk]]) -> dict[str, list[int]]:
    """The document's slides titled alike but for their number ("Big Data Law #1", "...
    #2", "Step 3"), at least `MIN_SERIES` numbers of them: their shared title (lower case)
    and the slides, in order."""
    series: dict[str, dict[str, int]] = {}  # key -> its number in the title -> the slide
    for number, chunks in slide_chunks.items():
        title = chunks[0].title if chunks else ""
        numbered = SERIES_TITLE_RE.match(title.strip()) or NAMED_SERIES_RE.match(title.strip())
        if numbered and len(numbered.group("key").split()) <= TITLE_MAX_WORDS:
            series.setdefault(numbered.group("key").lower(), {}).setdefault(numbered.group("number"), number)
    return {key: sorted(slides.values()) for key, slides in series.items() if len(slides) >= MIN_SERIES}


def named_items(texts: Mapping[int, str]) -> dict[int, str]:
    """Per slide, the line of its text that numbers an item and names it ("Tip no. 1: Line
    them up."), to its first sentence's end."""
    found = {}
    for number, text in texts.items():
        for line in text.splitlines()[:TITLE_LINES_READ]:
            if item := NAMED_SERIES_RE.match(line.strip()):
                ends = re.search(r"[.!?](?:\s|$)", item.group(0)[item.start("name") :])
                found[number] = item.group(0)[: item.start("name") + ends.end()].strip() if ends else item.group(0)
                break
    return found


def _series_items(
    question: str,
    series: Mapping[str, list[int]],
    slide_chunks: Mapping[int, list[Chunk]],
    named: Mapping[int, str],
) -> list[Chunk]:
    """A numbered series whose shared title names what the question asks about ("What are
    the laws of big data?") or the thing it asks for ("What tips ...?" of "Tip no. 1: ..."):
    each slide's item its title names (`named_items`), or else its first passage that
    reads, in order."""
    terms = subject_terms(strip_periods(question))
    if not terms or not series:
        return []
    asked = asked_thing(question)  # "tips" of "what tips does the author give?"
    best: tuple[float, list[int]] = (0.0, [])
    for key, numbers in series.items():
        coverage = sum(1 for term in terms if _names(key, term)) / len(terms)
        if asked and all(_names(key, singular(term)) for term in asked):
            coverage = 1.0
        if coverage >= HEADING_COVERAGE and coverage > best[0]:
            best = (coverage, numbers)
    said = []
    for number in best[1]:
        chunks = slide_chunks[number]
        # An item the title names after its number: the line of the slide that says so.
        if named.get(number) and chunks:
            said.append(replace(chunks[0], kind="text", text=named[number]))
            continue
        index = next(
            (
                i
                for i, chunk in enumerate(chunks)
                if chunk.kind != "table_row"
                and chunk.text != chunk.title
                and len(chunk.text.split()) >= SERIES_PASSAGE_WORDS
                and readable(_passage_text(chunk))
            ),
            None,
        )
        if index is None:
            continue
        first, text = chunks[index], chunks[index].text
        # A sentence set as a heading's line and carried on below it: the whole sentence.
        if not text.rstrip().endswith((".", "!", "?")) and index + 1 < len(chunks):
            following = chunks[index + 1].text
            ends = re.search(r"[.!?](?:\s|$)", following)
            text = f"{text} {following[: ends.end()].strip() if ends else following}"
        said.append(replace(first, kind="text", text=text))
    return said[:MAX_BULLETS] if len(said) >= MIN_SERIES else []


def _title_chunk(slide: SlideHit) -> Chunk:
    return Chunk(f"{slide.slide}-title", slide.slide, slide.title, slide.title, kind="heading")


def _with_other_subject(
    question: str, terms: set[str], slide: SlideHit, chunks: list[Chunk], group: list[Chunk]
) -> list[Chunk]:
    """Asked about two things ("Why did sales & marketing and G&A expenses increase?"),
    the group of the heading naming the first, and that of another heading of the page
    naming what the first leaves out, under the page's title; `group` otherwise."""
    if not CONJUNCTION_RE.search(question):
        return group
    heading = group[0]
    left = {term for term in terms if not _names(heading.text, term)}
    others = [
        (sum(1 for term in left if _names(chunk.text, term)), index)
        for index, chunk in enumerate(chunks)
        if chunk.kind == "heading" and chunk.text != heading.text
    ]
    named, index = max(others, default=(0, -1))
    if not named:
        return group
    other = chunks[index]
    members = [c for c in chunks[index + 1 :] if c.heading == other.text and c.kind in ("bullet", "text")]
    if not members:
        return group
    title = _title_chunk(slide)
    half = MAX_BULLETS // 2
    return [title, *group[1 : half + 1], *members[:half]]


def _comparison(question: str, slides: list[SlideHit], slide_chunks: dict[int, list[Chunk]]) -> list[Chunk]:
    """Asked how something compares, on a slide with a heading that sets one side against
    another ("Competitors", "Differentiation points towards competitors"): that heading's
    passages, after those of the heading naming the question's subject if one names more
    of its words than any other ("Acme's Cloud"); each group is then written as one
    labelled line. [] otherwise."""
    if not asks_to_compare(question):
        return []
    # The subject is named by the question's other words ("Acme's cloud" in "How does
    # Acme's cloud compare with its competitors?").
    terms = {term for term in key_terms(question) if not asks_to_compare(term)}
    for slide in slides:
        chunks = slide_chunks.get(slide.slide, [])
        headings = [chunk for chunk in chunks if chunk.kind == "heading"]
        against = [heading for heading in headings if sets_against(heading.text)]
        if not against:
            continue
        # The subject's heading names more of the question's other words than any other.
        shares = sorted(
            (
                (_named_share(terms, heading.text), index)
                for index, heading in enumerate(headings)
                if heading not in against
            ),
            reverse=True,
        )
        if shares and shares[0][0] > 0 and (len(shares) == 1 or shares[1][0] < shares[0][0]):
            against = [headings[shares[0][1]], *against]
        groups = [[c for c in chunks if c.heading == h.text and c.kind in ("bullet", "text")] for h in against]
        groups = [group for group in groups if group]
        if not groups:
            continue
        if len(groups) == 1:
            return [against[0], *groups[0]]
        title = Chunk(f"{slide.slide}-title", slide.slide, slide.title, slide.title, kind="heading")
        return [title, *(chunk for group in groups for chunk in group)]
    return []


def _columns(slide: SlideHit, chunks: list[Chunk]) -> list[Chunk]:
    """A page laid out under two or more headings (the columns of a comparison) as its
    title, then the first COLUMN_ITEMS passages under each heading; [] otherwise."""
    columns = [
        [c for c in chunks if c.heading == heading.text and c.kind in ("bullet", "text")][:COLUMN_ITEMS]
        for heading in chunks
        if heading.kind == "heading"
    ]
    columns = [column for column in columns if column]
    if not 2 <= len(columns) <= MAX_COLUMNS:
        return []
    title = Chunk(f"{slide.slide}-title", slide.slide, slide.title, slide.title, kind="heading")
    return [title, *(chunk for column in columns for chunk in column)]


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
        if first is not None and readable(heading.text) and readable(first.text):
            sections.append((heading, first))
    if len(sections) < OUTLINE_MIN_SECTIONS:
        return None
    # The question's last word names what it asks for ("... cloud competitors"): a
    # section headed by it, alone on the slide, answers with its own passages. Not when
    # the question joins two things ("revenue and operating margin growth").
    last = key_terms(strip_periods(question))[-1:] if not CONJUNCTION_RE.search(question) else []
    focus = [heading for heading, _ in sections if last and _names(heading.text, last[0])]
    if len(focus) == 1:
        heading = focus[0]
        members = [c for c in chunks if c.heading == heading.text and c.kind != "heading"][:MAX_BULLETS]
        return _written(heading, _readable_units(members), {})
    sections = sections[:MAX_BULLETS]
    lines = [f"**{slide.title}**: [Slide {slide.slide}]", ""]
    lines.extend(f"- {h.text.rstrip(':')}: {first.text} [Slide {h.slide}]" for h, first in sections)
    used = [chunk for pair in sections for chunk in pair]
    citations = [Citation(slide=slide.slide, title=slide.title, text=slide.title)]
    citations += [Citation(slide=c.slide, title=c.title, text=c.text) for c in used]
    return Composition(text="\n".join(lines), citations=citations, passages=used)


def _named_share(terms: set[str], text: str) -> float:
    """The share of `terms` that `text` (a heading, a slide title) names, in any form."""
    return sum(1 for term in terms if _names(text, term)) / len(terms) if terms else 0.0


def _names(text: str, term: str) -> bool:
    """Whether `text` names `term`: a word in any form, or an acronym ("g&a") written as
    such or spelled out by the initials of consecutive words ("General & administrative")."""
    if ACRONYM_RE.fullmatch(term):
        if re.search(rf"(?<![\w&/]){re.escape(term)}(?![\w&/])", text, re.IGNORECASE):
            return True
        initials = "".join(word[0] for word in re.findall(r"[A-Za-z]\w*", text) if word.lower() not in LINK_WORDS)
        return re.sub(r"[&/]", "", term) in initials.lower()
    return _holds({root(word) for word in tokenize(text)}, root(term))


def subject_terms(question: str) -> set[str]:
    """The question's key terms, an acronym ("G&A", "R&D") kept whole rather than as
    its letters."""
    acronyms = {match.lower() for match in ACRONYM_RE.findall(question)}
    letters = {letter for acronym in acronyms for letter in tokenize(acronym)}
    return {term for term in key_terms(question) if term not in letters} | acronyms


def _children(lead: Chunk, slide_chunks: dict[int, list[Chunk]]) -> list[Chunk]:
    """What hangs under the lead: a heading's passages, or a bullet's sub-bullets, or
    the items after a line ending in a colon."""
    chunks = slide_chunks.get(lead.slide, [])
    if lead not in chunks:
        return []
    after = chunks[chunks.index(lead) + 1 :]
    if lead.kind == "heading":
        return [c for c in after if c.heading == lead.text and c.kind != "heading"][:MAX_BULLETS]
    # A line of text set above a list introduces it, as a bullet does its sub-bullets.
    introduces = lead.kind == "text" and len(lead.text.split()) <= LEAD_LINE_WORDS
    children = []
    for chunk in after:
        if chunk.kind != "bullet" or chunk.level < lead.level + (0 if introduces else 1):
            break
        children.append(chunk)
    return children[:MAX_BULLETS]


def page_furniture(chunks: Sequence[Chunk], pages: int) -> set[str]:
    """The ids of passages printed on many pages alike (with their numbers aside): a
    running footer, a source line, a website, "© ... Consortium", "Slide 21". Repeated on
    at least FURNITURE_SHARE of the pages (and FURNITURE_MIN of them), they are the
    page's frame, not what it says."""
    pages_with: dict[str, set[int]] = {}
    for chunk in chunks:
        if chunk.kind != "table_row":
            pages_with.setdefault(_furniture_key(chunk.text), set()).add(chunk.slide)
    repeated = {
        key
        for key, on in pages_with.items()
        if len(on) >= max(FURNITURE_MIN, FURNITURE_SHARE * pages) and re.search(r"[a-z]{3}", key)
    }
    return {chunk.chunk_id for chunk in chunks if chunk.kind != "table_row" and _furniture_key(chunk.text) in repeated}


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def contents_page(slide_chunks: Mapping[int, list[Chunk]], titles: Mapping[int, str]) -> int | None:
    """The page that lists the document's contents: the one with at least
    CONTENTS_MIN_TITLES passages naming other pages' titles ("1. About Acme" > "Acme's
    History"), the most if several; None when no page does. An agenda near the front
    (in its first AGENDA_SHARE of pages) names the sections after it in words of its own:
    a short bullet sharing two words or more, half its words or half the title's, with a
    later page's title names it ("Inbound marketing is key" > "Inbound Marketing",
    "Building your digital brand" > "The Digital Brand")."""
    best, most = None, 0
    named = {
        number: _comparable(title) for number, title in titles.items() if len(title.split()) >= 2 and readable(title)
    }
    stems = {number: {root(word) for word in title.split()} for number, title in named.items()}
    front = max(AGENDA_MIN_PAGE, round(len(titles) * AGENDA_SHARE))

    def names_a_title(chunk: Chunk, entry: str) -> bool:
        words = {root(word) for word in entry.split()}
        loose = chunk.kind == "bullet" and chunk.slide <= front and len(words) <= AGENDA_ENTRY_WORDS
        for other, title in named.items():
            shared = len(words & stems[other])
            if other != chunk.slide and title == entry:
                return True
            if loose and other > chunk.slide and shared >= 2 and shared >= min(len(words), len(stems[other])) / 2:
                return True
        return False

    for number, chunks in slide_chunks.items():
        entries = {entry for c in chunks if (entry := _comparable(c.text)) and names_a_title(c, entry)}
        if len(entries) >= CONTENTS_MIN_TITLES and len(entries) > most:
            best, most = number, len(entries)
    return best


def summary_page(
    slide_chunks: Mapping[int, list[Chunk]], titles: Mapping[int, str], closeness: Mapping[int, float]
) -> int | None:
    """The page that sums the document up: the last whose title says so ("Summary", "Key
    Takeaways"), else the last of its final SUMMARY_SHARE of pages that makes its points
    in bullets, SUMMARY_MIN_POINTS or more sentences of SUMMARY_POINT_WORDS words, and is
    closer to the document as a whole than most of its pages (`closeness`): a deck's
    closing page of conclusions, whatever its title ("The Sky is the Limit"), not its
    closing legal notice. None when none does."""
    titled = [number for number, title in titles.items() if SUMMARY_TITLE_RE.search(title)]
    if titled:
        return max(titled)
    last = max(titles, default=0)
    typical = statistics.median(closeness.values()) if closeness else 1.0
    for number in sorted(slide_chunks, reverse=True):
        if number <= last * (1 - SUMMARY_SHARE):
            break
        points = [c for c in slide_chunks[number] if c.kind == "bullet" and len(c.text.split()) >= SUMMARY_POINT_WORDS]
        if len(points) >= SUMMARY_MIN_POINTS and all(readable(c.text) for c in points):
            return number if closeness.get(number, 0.0) > typical else None
    return None


def compose_contents(number: int, title: str, chunks: list[Chunk]) -> Composition:
    """A contents or summary page's entries: its first-level entries when it has some under which
    others hang (an entry hanging under none is first-level, whatever its indent), else
    every entry (within the length budget). It is headed by its title, or where OCR could
    not read that, its first heading that reads."""
    entries = [c for c in chunks if c.kind in ("bullet", "text")]
    top = [c for c in entries if c.level == 0 or not c.parent]
    chosen = top if 1 < len(top) < len(entries) else entries
    if not readable(title):
        title = next((c.text for c in chunks if c.kind == "heading" and readable(c.text)), title)
    lead = Chunk(f"{number}-title", number, title, title, kind="heading")
    return _written(lead, _readable_units(chosen[: MAX_BULLETS * 2]), {})


def _comparable(text: str) -> str:
    """A title or an entry as compared: no numbering, no case, no punctuation."""
    return " ".join(tokenize(re.sub(r"^\s*(?:\d+[.)]|[IVX]+\.)\s*", "", text)))


def _passage_text(chunk: Chunk) -> str:
    if chunk.kind == "table_row":
        return f"{chunk.heading.rstrip(':')}: {chunk.text}" if chunk.heading else chunk.text
    return chunk.text


def _sentence(chunk: Chunk) -> str:
    text = _passage_text(chunk)
    if chunk.kind == "heading":
        return f"**{text.rstrip(':')}**:"
    return text
