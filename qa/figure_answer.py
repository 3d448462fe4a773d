"""Compose numeric answers: a looked-up or derived figure with its unit, period, slide
and the table row behind it; or a figure found in a retrieved sentence."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from operator import attrgetter
from typing import Any

from figures.arithmetic import number_text
from figures.judgement import Judged
from figures.lookup import (
    COUNT_QUESTION_RE,
    YEAR_QUESTION_RE,
    LookupResult,
    caption,
    counted_words,
    expand,
    named_by_row,
    same_period,
    words_besides_figures,
)
from figures.superlative import Leader
from figures.term_index import stem
from ingest.index_store import DeckIndex
from ingest.numbers import (
    CURRENCIES,
    SCALE_LETTERS,
    find_figures,
    find_periods,
    period_year,
    spelled_counts,
    strip_periods,
)
from ingest.ocr import ocr_form
from ingest.readable import readable
from ingest.records import Chunk, Fact
from ingest.text import may_abbreviate, sentences, tokenize
from qa.answer import Answer, Citation, FactTrace, TableTrace, Trace, Value
from retriever.hits import SlideHit
from understand.question import key_terms, wants_list
from understand.terms import head_terms, verb_forms

# A sentence answers a numeric question in the text fallback only if it holds this
# share of the question's key terms (calibrated on eval/gold.jsonl).
SENTENCE_COVERAGE = 0.75
# A number of this size or more, or with decimals, is too particular to meet twice on a
# page by chance.
DISTINCT_NUMBER = 100
# A key term on the passage's slide but not in the passage counts this share of one.
PAGE_TERM_SHARE = 0.5
# A table ingest names by its page only ("Table on page 12 (unit: USD)") names nothing.
GENERIC_TABLE_RE = re.compile(r"Table (?:on page )?\d+\b")
# A one-word row label this short ("US") says what it is only with its section.
SHORT_LABEL = 3


def display(fact: Fact) -> str:
    """The figure as printed, with its unit when the print lacks it."""
    return figure_text(fact.raw, fact.unit)


def figure_text(printed: str, unit: str) -> str:
    """A figure as printed with its unit when the print lacks it: "JPY158.0 billion",
    "21,266 JPY million", "approx. 70%", "44.5%". The one figure formatter of the answers
    and the chat."""
    if unit in ("count", "year", "") or _unit_in_raw(printed, unit):
        return printed
    if re.search(r"\d\s?[KMBk]$", printed) and unit.split()[-1] in SCALE_LETTERS.values():
        return printed  # "$53.4B", "€ 100M": the letter is the scale
    if unit == "%":
        return printed if re.search(r"per\s?cent", printed, re.IGNORECASE) else f"{printed}%"
    currency, _, scale = unit.partition(" ")
    if any(sign in printed and code == currency for sign, code in CURRENCIES.items() if not sign.isalpha()):
        if scale and re.search(rf"\b{re.escape(scale)}\b", printed, re.IGNORECASE):
            return printed  # "approximately $850 million" says it all
        return f"{printed} {scale}".strip()  # "$14,953 million", not "$14,953 USD million"
    return f"{printed} {unit}"


def _unit_in_raw(raw: str, unit: str) -> bool:
    lowered = raw.lower()
    return all(part.lower() in lowered for part in unit.split())


def fact_citation(fact: Fact, index: DeckIndex) -> Citation:
    """Cite the table row (cells as printed) or the bullet the fact comes from."""
    slide = index.slide(fact.slide)
    table = index.table(fact.table_id) if fact.table_id else None
    if table is not None:
        row = next((r for r in table.rows if fact.row and r[0] == fact.row), None)
        if row is None:
            row = next((r for r in table.rows if fact.raw in " ".join(r)), table.rows[0] if table.rows else ())
        return Citation(slide=fact.slide, title=slide.title, text=" ".join(cell for cell in row if cell))
    return Citation(slide=fact.slide, title=slide.title, text=fact.context)


def table_trace(fact: Fact, index: DeckIndex) -> TableTrace | None:
    """The source table with the matched row and column, for the UI to highlight."""
    table = index.table(fact.table_id) if fact.table_id else None
    if table is None:
        return None
    row_index = next((i for i, r in enumerate(table.rows) if fact.row and r[0] == fact.row), None)
    if row_index is None:
        row_index = next((i for i, r in enumerate(table.rows) if fact.raw in r), 0)
    return TableTrace(
        table_id=table.table_id,
        slide=table.slide,
        title=table.title,
        unit=table.unit,
        header=list(table.header),
        rows=[list(r) for r in table.rows],
        row_index=row_index,
        column=fact.column,
    )


def fact_trace(fact: Fact) -> FactTrace:
    return FactTrace(
        fact_id=fact.fact_id, label=fact.label, raw=fact.raw, unit=fact.unit, period=fact.period, slide=fact.slide
    )


def _stated_too(fact: Fact, index: DeckIndex) -> Fact | None:
    """A figure a sentence of the table fact's page states, of the same number, read
    with confidence; only a number too particular to meet by chance (with decimals, or
    of three digits or more)."""
    if not fact.table_id or not ("." in fact.raw or abs(fact.value) >= DISTINCT_NUMBER):
        return None
    unsure = index.manifest.unsure_facts
    return next(
        (
            other
            for other in index.facts
            if other.slide == fact.slide
            and not other.table_id
            and other.value == fact.value
            and other.fact_id not in unsure
        ),
        None,
    )


def _citations(facts: Sequence[Fact], index: DeckIndex) -> list[Citation]:
    """Each fact's page cited once, in the facts' order."""
    citations: list[Citation] = []
    for fact in facts:
        citation = fact_citation(fact, index)
        if citation not in citations:
            citations.append(citation)
    return citations


def numeric_answer(asked: str, result: LookupResult, index: DeckIndex, trace: Trace) -> Answer:
    citations = _citations(result.facts, index)
    facts = [fact_trace(f) for f in result.facts]
    rows = [row for row in (table_trace(f, index) for f in result.facts) if row]
    trace = trace.model_copy(update={"facts": facts, "table_rows": rows})
    # A cell OCR read unsure that a sentence of its page states as well ("+/-1.5" under
    # "Wave III", "+/- 1.5 percent ... for wave III") is read; the sentence's unit says
    # what the bare number counts.
    unsure_ids = index.manifest.unsure_facts
    confirmed = {
        fact.fact_id: _stated_too(fact, index) if fact.fact_id in unsure_ids else None for fact in result.facts
    }
    result = dataclasses.replace(
        result,
        facts=[
            dataclasses.replace(fact, unit=also.unit)
            if (also := confirmed[fact.fact_id]) and fact.unit == "count"
            else fact
            for fact in result.facts
        ],
    )
    unsure = [fact for fact in result.facts if fact.fact_id in unsure_ids and not confirmed[fact.fact_id]]
    if unsure:
        # OCR read this figure, its row or its column with low confidence: the page is
        # shown, the figure is not stated.
        fact = unsure[0]
        period = f" ({_period_phrase(fact)})" if fact.period else ""
        text = (
            f"{_label_phrase(fact, index)}{period} is on slide {fact.slide}, but that page has no text layer and OCR "
            f"could not read the figure reliably: please check the slide. [Slide {fact.slide}]"
        )
        trace = trace.model_copy(update={"lookup": f"{trace.lookup or ''}; OCR read {fact.fact_id} unsure"})
        return Answer(question=asked, answer=text, route="table", citations=citations, debug=trace)
    if result.formula is None:
        fact = result.facts[0]
        period = f" ({_period_phrase(fact)})" if fact.period else ""
        text = f"{_label_phrase(fact, index)}: **{display(fact)}**{period} [Slide {fact.slide}]"
        value = Value(number=fact.value, unit=fact.unit, period=fact.period or None, raw=fact.raw)
    else:
        labels = [_label_phrase(f) for f in result.facts]
        # Two rows of one name ("Client Computing" under revenue and under operating
        # income) are told apart by their sections.
        sections = {label: {_section(f) for f, other in zip(result.facts, labels, strict=True) if other == label}
                    for label in labels}  # fmt: skip
        labels = [
            f"{_section(f)} {label}" if len(sections[label]) > 1 and _section(f) else label
            for f, label in zip(result.facts, labels, strict=True)
        ]
        parts = "; ".join(
            f"{label}: {display(f)}" + (f" ({_period_phrase(f)})" if f.period else "") + f" [Slide {f.slide}]"
            for f, label in zip(result.facts, labels, strict=True)
        )
        shown = _rounded(result.value)
        unit = "" if result.unit in ("ratio", "count", "") else f" {result.unit}"  # "20", not "20 count"
        text = f"**{shown}{unit}** ({result.label}: {result.formula} = {shown}). From {parts}."
        value = Value(
            number=round(result.value, 4), unit=result.unit, formula=result.formula, period=result.period or None
        )
    if result.notes:
        text += "\n\n" + " ".join(result.notes)
    return Answer(question=asked, answer=text, route="table", citations=citations, value=value, debug=trace)


def row_line(fact: Fact, index: DeckIndex) -> tuple[str, Citation]:
    """The figure's row as one line, every period of its kind it prints, the asked one first
    ("Operating income margin: 19.1% (FY22); 20.8% (FY21) [Slide 27]"), and its citation:
    what an explanation of the figure's change is about."""
    row = [fact]
    if fact.table_id:
        row += [f for f in index.facts if f.table_id == fact.table_id and f.row == fact.row and f is not fact]
    # The periods of the asked one's kind: years beside a year, quarters beside a quarter.
    dated = [f for f in row if f.period and f.unit == fact.unit and _period_kind(f) == _period_kind(fact)]
    periods = dict.fromkeys(f.period for f in dated)
    shown = [next(f for f in dated if f.period == period) for period in periods] or [fact]
    figures = "; ".join(display(f) + (f" ({_period_phrase(f)})" if f.period else "") for f in shown)
    return f"{_label_phrase(fact, index)}: {figures} [Slide {fact.slide}]", fact_citation(fact, index)


def judgement_answer(asked: str, judged: Judged, index: DeckIndex, trace: Trace) -> Answer:
    """The figures that decide a judgement, period by period, each with the line items it
    is made of and their pages, and what they show; no verdict beyond that."""
    lines: list[str] = []
    facts: list[Fact] = []
    for name, found in judged.figures:
        shown = []
        for period, result in found:
            operands = "; ".join(
                f"{_label_phrase(fact)}: {display(fact)} [Slide {fact.slide}]" for fact in result.facts
            )
            shown.append(f"{period}: **{_judged_value(result)}** ({operands})")
            facts.extend(result.facts)
        lines.append(f"- {name[:1].upper()}{name[1:]}: " + "; ".join(shown))
    text = "\n".join(lines)
    if judged.findings:
        text += "\n\n" + " ".join(judged.findings)
    if judged.judgement:
        text += f"\n\nThese are the figures that decide {judged.judgement}; the verdict is the reader's."
    trace = trace.model_copy(
        update={
            "facts": [fact_trace(fact) for fact in facts],
            "lookup": f"judgement: {', '.join(name for name, _ in judged.figures)}",
        }
    )
    return Answer(question=asked, answer=text, route="table", citations=_citations(facts, index), debug=trace)


def leader_answer(asked: str, leader: Leader, index: DeckIndex, trace: Trace) -> Answer:
    """The row that leads, with its figure, and the rows it was compared with."""
    best = leader.best
    period = f" ({_period_phrase(best)})" if best.period else ""
    word = leader.word
    listed = dict(leader.names)  # the question's names for what it listed, where the labels lack them

    def name(fact: Fact) -> str:
        return f"{listed[fact.fact_id]} ({fact.label})" if fact.fact_id in listed else fact.label

    text = f"**{name(best)}**: {display(best)}{period}, the {word} of {len(leader.others) + 1} [Slide {best.slide}]"
    others = "; ".join(
        f"{name(fact)}: {display(fact)}" + (f" [Slide {fact.slide}]" if fact.slide != best.slide else "")
        for fact in leader.others
    )
    text += f"\n\nCompared with: {others}."
    trace = trace.model_copy(
        update={
            "facts": [fact_trace(fact) for fact in (best, *leader.others)],
            "table_rows": [row for row in (table_trace(best, index),) if row],
            "lookup": f"the {word} of the things the question lists"
            if leader.names or len({fact.table_id for fact in (best, *leader.others)}) > 1
            else f"the {word} of the rows of {best.table_id}, column {best.column!r}",
        }
    )
    value = Value(number=best.value, unit=best.unit, period=best.period or None, raw=best.raw)
    return Answer(
        question=asked,
        answer=text,
        route="table",
        citations=[
            fact_citation(fact, index) for fact in {fact.slide: fact for fact in (*leader.others, best)}.values()
        ][::-1],
        value=value,
        debug=trace,
    )


def _judged_value(result: LookupResult) -> str:
    if result.formula is None:
        return display(result.facts[0])
    if result.unit in ("%", "points"):
        return f"{result.value:.1f}{'%' if result.unit == '%' else ' points'}"
    if result.unit in ("ratio", ""):
        return f"{result.value:.2f}"
    if result.unit == "count":
        return number_text(round(result.value, 2))
    return f"{number_text(round(result.value, 2))} {result.unit}"


SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def in_asked_terms(answer: Answer, scale: str | None, decimals: int | None, percent: bool = False) -> Answer:
    """A figure answer also stated in the scale, rounding and unit the question asked for
    ("Answer in USD billions", "Round to two decimal places", "in %"): 8,738 USD million
    is 8.738 USD billion; a ratio of 0.23 is 23%. Its value is the figure so, with the step
    as formula."""
    value = answer.value
    if value is None or (scale is None and decimals is None and not percent):
        return answer
    words = value.unit.split()
    number, unit, formula, step = value.number, value.unit, value.formula, ""
    if percent and unit in ("ratio", "") and value.formula:
        # A share computed as a ratio, asked in percent.
        number, unit, step = value.number * 100, "%", "× 100"
        formula = f"({value.formula}) {step}"
    elif scale and len(words) == 2 and words[1] in SCALES and words[1] != scale:
        ratio = SCALES[words[1]] / SCALES[scale]
        number = value.number * ratio
        unit = f"{words[0]} {scale}"
        step = f"× {ratio:,.0f}" if ratio >= 1 else f"/ {1 / ratio:,.0f}"
        formula = f"({value.formula}) {step}" if value.formula else f"{_plain(value.number)} {step}"
    converted = unit != value.unit
    if not converted and (decimals is None or float(number).is_integer()):
        return answer  # already as asked
    shown = f"{number:,.{decimals}f}" if decimals is not None else _plain(number)
    of = "" if value.unit in ("ratio", "") else f" {value.unit}"
    how = f" ({_plain(value.number)}{of} {step})" if converted else ""
    shown_unit = "" if unit == "ratio" else f" {unit}"
    text = f"{answer.answer}\n\nAs asked: **{shown}{shown_unit}**{how}."
    changed = {"number": number, "unit": unit, "formula": formula, "raw": None if converted else value.raw}
    return answer.model_copy(update={"answer": text, "value": value.model_copy(update=changed)})


def _plain(number: float) -> str:
    """A figure with its separators and at most four decimals: 8,738; 8.738."""
    return f"{number:,.4f}".rstrip("0").rstrip(".")


# "How many of the laws ...", "how many of its stores": a part of a whole the text counts.
PARTITIVE_RE = re.compile(r"\bhow many of (?:the|these|those|its|their|our|his|her)\b", re.I)


def text_figure_answer(
    question: str,
    slides: list[SlideHit],
    slide_chunks: Mapping[int, Sequence[Chunk]],
    slide_periods: Mapping[int, Sequence[str]],
) -> tuple[str, Citation, Value] | None:
    """A passage from a retrieved slide that states a figure and covers the question's
    key terms; the figure closest to those terms is the answer. A slide is about one
    subject: a term the passage lacks but its slide writes (in its title or another
    passage: "Acme moves money for 48 million customers ... 132,000 employees") counts
    `PAGE_TERM_SHARE` of one, if the passage itself names what is asked. Only a page
    naming every period the question names is read (`slide_periods`)."""
    terms = [t for t in key_terms(question) if not re.fullmatch(r"\d+", t)]
    if not terms:
        return None
    head = [t for t in head_terms(question) if t in terms]
    periods = find_periods(question)
    years = {period_year(period) for period in periods} - {""}
    counting = COUNT_QUESTION_RE.search(question) is not None
    dating = YEAR_QUESTION_RE.search(question) is not None
    # Each in its forms ("days" and "day": the stemmer keeps a short plural whole).
    asked_nouns = {stem(term) for term in expand(head)}
    verbs = verb_forms(question)
    stated = {_digits(number) for number in re.findall(r"\d[\d,.]*", question)} - {""}
    best: tuple[float, Any, Any] | None = None
    for slide in slides:
        if not _names_periods(slide_periods.get(slide.slide, ()), periods):
            continue  # a figure for a period is read on a page that names that period
        dense = {hit.chunk.chunk_id: hit.dense for hit in slide.hits}
        chunks = list(slide_chunks.get(slide.slide, ()))
        # A slide's headline states its key figure ("Big Data Revenue $53.4B By 2017"), its
        # sentence going on in the line under it ("This has resulted in over $4.4 BN" /
        # "in venture-backed exits in the region during the last 24 months").
        said = slide.title
        if chunks and not re.search(r"[.:!?]\s*$", said) and re.match(r"[a-z]", chunks[0].text):
            said = f"{said} {chunks[0].text}"
        headline = Chunk(f"s{slide.slide}-title", slide.slide, slide.title, said)
        dense[headline.chunk_id] = slide.best_dense
        chunks.append(headline)
        page = _read_forms(set(tokenize(slide.title)).union(*(tokenize(f"{c.heading} {c.text}") for c in chunks)))
        for chunk in chunks:
            if chunk.kind in ("chart_data", "heading", "table_row"):
                continue  # table cells were the lookup's to find
            named = {period_year(period) for period in find_periods(chunk.text)}
            if years and named and not years & named:
                continue  # a sentence about other years ("In fiscal 2020, net sales increased 5%")
            tokens = _read_forms(set(tokenize(f"{chunk.heading} {chunk.text}")))
            own = [t for t in terms if _holds(tokens, t)]
            on_page = [t for t in terms if t not in own and _holds(page, t)]
            # What is asked: the metric, or the event a "when" question dates ("founded").
            asked = head or ([t for t in terms if t in verbs] if dating else [])
            if on_page and not (asked and all(_holds(tokens, t) for t in asked)):
                on_page = []
            # The question's verb is often said otherwise ("did the training last": "a
            # four-day training"); missing, it counts half.
            unsaid_verbs = [t for t in terms if t in verbs and t not in own and t not in on_page and not dating]
            coverage = (len(own) + PAGE_TERM_SHARE * (len(on_page) + len(unsaid_verbs))) / len(terms)
            figures = find_figures(chunk.text)
            if counting:  # "supports four delivery lifecycles"
                figures = sorted(figures + spelled_counts(chunk.text), key=attrgetter("start"))
            if dating:  # "When was it founded?": a year, not the amounts beside it
                figures = [figure for figure in figures if _is_year(figure)]
            # A number the question writes says which ("during the last 24 months"), it is
            # not what is asked.
            figures = [figure for figure in figures if _digits(figure.raw) not in stated]
            # "About 15,000,000 results": a figure counting the very thing asked, on a page
            # writing every other word of the question, answers however few the passage holds.
            counts_asked = counting and any(counted_words(chunk.text, f.raw) & asked_nouns for f in figures)
            whole_page = all(t in own or t in on_page or t in verbs for t in terms)
            if not figures or not readable(chunk.text):
                continue
            if coverage < SENTENCE_COVERAGE and not (counts_asked and whole_page):
                continue
            score = coverage + dense.get(chunk.chunk_id, 0.0)
            if best is None or score > best[0]:
                best = (score, chunk, figures)
    if best is None:
        return None
    _, chunk, figures = best
    # "How many days ...": "four days", not "48 interviewers", in a sentence saying as much.
    counts = [f for f in figures if counted_words(chunk.text, f.raw) & asked_nouns] if counting else []
    if counts and PARTITIVE_RE.search(question) and len(counts) < len(figures):
        # "How many of the laws does it highlight?" asks for a part: "8 Laws" is the whole.
        figures, counts = [f for f in figures if f not in counts], []
    figure = _closest_figure(chunk.text, figures, terms, counts)
    unit = figure.unit or ("year" if dating and _is_year(figure) else "count")
    # Asked for a list or for what drove a figure, the paragraph says more than its figure.
    said = chunk.text if wants_list(question) else _stating(chunk.text, figure)
    text = f"{said} [Slide {chunk.slide}]"
    return (
        text,
        Citation(slide=chunk.slide, title=chunk.title, text=chunk.text),
        Value(number=figure.value, unit=unit, raw=figure.raw),
    )


def _digits(text: str) -> str:
    """A number's digits, its separators and a trailing full stop aside ("4,500" -> "4500")."""
    return re.sub(r"\D", "", text.rstrip("."))


def _stating(text: str, figure: Any) -> str:
    """The sentence of `text` that states `figure`, the figure in bold: a long paragraph
    answers with the sentence, not the paragraph (the citation quotes the paragraph)."""
    start, sentence = _sentence_at(text, figure.end - 1)
    at = sentence.find(figure.raw, max(0, figure.start - start))
    if at < 0:
        return sentence
    return f"{sentence[:at]}**{figure.raw}**{sentence[at + len(figure.raw) :]}"


def _sentence_at(text: str, position: int) -> tuple[int, str]:
    """Where the sentence of `text` holding `position` starts, and the sentence ("approx."
    ends none: `ingest.text.sentences`); the whole text where it is not found."""
    start = 0
    for sentence in sentences(text):
        start = text.find(sentence, start)
        if start < 0:
            break  # (a sentence written otherwise than in the text)
        if start <= position < start + len(sentence):
            return start, sentence
        start += len(sentence)
    return 0, text


def passage_names_all(
    question: str,
    slides: list[SlideHit],
    slide_chunks: Mapping[int, Sequence[Chunk]],
    slide_periods: Mapping[int, Sequence[str]],
) -> bool:
    """Whether one passage of a retrieved page, read with its heading and the page's
    title, holds every key term of the question (at least two), on a page that names
    the periods the question names."""
    terms = [term for term in key_terms(strip_periods(question)) if not term.isdigit()]
    if len(terms) < 2:
        return False
    periods = find_periods(question)
    return any(
        all(_holds(set(tokenize(f"{slide.title} {chunk.heading} {chunk.text}")), term) for term in terms)
        for slide in slides
        if _names_periods(slide_periods.get(slide.slide, ()), periods)
        for chunk in slide_chunks.get(slide.slide, ())
    )


def _names_periods(named: Sequence[str], periods: Sequence[str]) -> bool:
    return all(any(same_period(period, printed) for printed in named) for period in periods)


def _is_year(figure: Any) -> bool:
    """A whole number of four digits, without a unit: a year ("founded in 1690")."""
    return figure.unit in ("", "year") and figure.value.is_integer() and 1000 <= figure.value <= 2100


def _holds(tokens: set[str], term: str) -> bool:
    return term in tokens or term.rstrip("s") in tokens or ocr_form(term) in tokens


def _read_forms(tokens: set[str]) -> set[str]:
    """`tokens` with the form each has as OCR may read it ("Wave Ill" holds "iii")."""
    return tokens | {ocr_form(token) for token in tokens}


def _closest_figure(text: str, figures: list[Any], terms: list[str], counts: Sequence[Any] = ()) -> Any:
    """The figure of the sentence that writes most of `terms`, then one of `counts` (those
    followed by the noun a count question asks for), then the nearest to the terms: in
    "This allowed 8 Laws of Grouping. Here we are highlighting the most relevant 5
    for data presentation.", the 5 is what "How many laws does the deck highlight for data
    presentation?" asks for."""
    lowered = text.lower()
    positions = [m.start() for t in terms for m in re.finditer(re.escape(t), lowered)]
    if not positions:
        return counts[0] if counts else figures[0]

    def said(figure: Any) -> int:
        return sum(term in _sentence_at(text, figure.end - 1)[1].lower() for term in set(terms))

    return min(figures, key=lambda f: (-said(f), f not in counts, min(abs(f.start - p) for p in positions)))


def _label_phrase(fact: Fact, index: DeckIndex | None = None) -> str:
    # "Large Shareholders** - Detail (Dalton)" reads "Large Shareholders (Dalton)": footnote
    # stars and the name of a column that only says "value" are dropped.
    label = re.sub(r"\*+", "", fact.label)
    label = re.sub(r"\s+-\s+(Detail|Results|Targets?|Major Breakdown)\b", "", label).strip()
    # A preposition left at the end where the period it named was taken out ("Revenue
    # $5.1B in ‘11" -> "Revenue $5.1B").
    label = re.sub(r"\s+(?:in|for|of|at|on|by|from|during|since|as of)$", "", label, flags=re.IGNORECASE)
    # A row named by an abbreviation ("WW", "Intl", "US") is read with the section it
    # sits in: "DARZALEX WW".
    if index is not None and fact.table_id and fact.row.strip().isdigit():
        # A ranked row ("1") is named by its cells of words ("1 (<the artist>)").
        table = index.table(fact.table_id)
        names = named_by_row(fact, table) if table is not None else []
        label = label.replace(fact.row, f"{fact.row} ({', '.join(names)})", 1) if names else label
    if fact.table_id and fact.heading and _terse(label):
        label = f"{fact.heading.split(' > ')[-1]} {label}"
    if index is not None and not fact.table_id and not words_besides_figures(label):
        # A number set large names nothing itself ("W 5 %"): the caption under it does
        # ("more productive").
        caption = _caption_below(fact, index)
        label = f"{fact.raw} {caption}" if caption else label
    if index is not None and not readable(label):
        # A label that does not say what the figure is ("Canada", "By 56.6%") is read
        # under what the figure's page calls it: its section, its table, its page.
        context = _context(fact, index)
        if context and context.lower() not in label.lower():
            label = f"{context}: {label}" if label.strip(" :") else context
    return label[:1].upper() + label[1:]


def _caption_below(fact: Fact, index: DeckIndex) -> str:
    """The caption right below the fact's passage on its page (`figures.lookup.caption`),
    or ""."""
    passage = fact.fact_id.rsplit("-f", 1)[0]
    chunks = index.chunks
    at = next((i for i, chunk in enumerate(chunks) if chunk.chunk_id == passage), None)
    return caption(chunks[at], chunks[at + 1]) if at is not None and at + 1 < len(chunks) else ""


def _context(fact: Fact, index: DeckIndex) -> str:
    """The first of the fact's section, its table's title and its page's title that reads
    as text ("" when none does)."""
    table = index.table(fact.table_id) if fact.table_id else None
    candidates = [
        fact.heading.split(" > ")[-1],
        table.title if table is not None else "",
        index.slide(fact.slide).title,
    ]
    return next(
        (text.strip(" :") for text in candidates if text and not GENERIC_TABLE_RE.match(text) and readable(text)), ""
    )


def _section(fact: Fact) -> str:
    """The section a table row sits in, as printed ("Operating income (loss)")."""
    return fact.heading.split(" > ")[-1] if fact.table_id else ""


def _terse(label: str) -> bool:
    words = tokenize(label)
    return len(words) == 1 and (len(words[0]) <= SHORT_LABEL or may_abbreviate(words[0]))


def _period_phrase(fact: Fact) -> str:
    return f"{fact.period}, target" if "target" in fact.tags else fact.period


def _period_kind(fact: Fact) -> str:
    """A period without its year: "FY", "4Q", "1Q-3Q"."""
    return re.sub(r"\d{2}(?:-end)?$", "", fact.period)


def _rounded(value: float) -> str:
    return number_text(round(value, 2))
