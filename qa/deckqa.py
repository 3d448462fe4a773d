"""`DeckQA`: the public object. `DeckQA.load()` opens the default deck and index;
`ask(question, history)` returns an `Answer`. Safe to call from many threads: the
index is read-only and the question embedder serialises its own calls.

One flow for every answer (`_prepare`): understand the question (validate, rewrite a
follow-up, route), then either the table route (figure lookup) or the text route (the
deck's LangChain retriever piped into the extractive composer). A figure or a refusal
is final; a text answer is `Evidence` that the optional LLM may improve on.
"""

from __future__ import annotations

import functools
import re
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from figures.formula import definitions
from figures.judgement import judge
from figures.lookup import LookupResult
from figures.metrics import defined as defined_metric
from figures.superlative import leader
from ingest.index_store import DeckIndex, Progress, open_index
from ingest.numbers import find_periods, period_year
from ingest.readable import answer_is_fragment, is_fragment
from ingest.records import Chunk, Fact
from ingest.text import stem, tokenize
from qa.answer import Answer, Citation, Trace, Value
from qa.contact import asked_contact, contact_answer
from qa.cover import cover_answer, short_cover
from qa.extractive import (
    Composition,
    compose,
    compose_contents,
    contents_page,
    drivers,
    named_items,
    numbered_series,
    page_furniture,
    stating,
    summary_page,
    with_line,
)
from qa.figure_answer import (
    in_asked_terms,
    judgement_answer,
    leader_answer,
    numeric_answer,
    passage_names_all,
    row_line,
    text_figure_answer,
)
from qa.occurrences import occurrence_answer
from qa.refusal import RefusalPolicy
from qa.settings import Settings
from retriever.hits import SlideHit
from retriever.hybrid import HybridRetriever
from understand.followup import rewrite_followup
from understand.instructions import read_instructions
from understand.kinds import EXPLANATIONS, asks_for_contents, asks_for_explanation, asks_for_summary, question_kind
from understand.periods import document_calendar, in_document_terms
from understand.question import named_pages, validate_question, wants_list, with_names, without_names
from understand.router import Route, asks_what_was_done, route
from understand.terms import FORWARD_RE, head_terms, unshouted

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

    from llm.answerer import AnswerStream, LLMAnswerer
    from retriever.deck_retriever import DeckRetriever

REFUSAL_TEXT = "The deck doesn't cover that."
SUGGESTIONS = 2
# A phone number or an address asked for is looked for on this many best pages first.
CONTACT_PAGES = 5
# What `warm_up` asks: one question for the text route, one for a figure.
WARM_UP_QUESTIONS = ("What does the document say about the business?", "What was total revenue?")


@dataclass(frozen=True)
class Understanding:
    """A question understood: as asked, as a standalone question, and where it goes."""

    asked: str
    standalone: str
    plain: str  # the standalone question with the document's own company as "the company"
    route: Route
    trace: Trace

    @property
    def searched(self) -> str:
        """What the text route retrieves with: the question, with an analyst's metric it
        names also in its definitions' words ("gross margin" finds "Cost of products sold
        increased as a percent to sales, driven by ...")."""
        catalogued = defined_metric(self.plain)
        if catalogued is None:
            return self.standalone
        return f"{self.standalone} ({'; '.join(catalogued[0].definitions)})"


@dataclass(frozen=True)
class Evidence:
    """The text route's result before an LLM sees it: the retrieved slides and the
    extractive answer composed from them (what is shown without an LLM)."""

    understanding: Understanding
    slides: list[SlideHit]
    extractive: Answer


def open_deck_index(settings: Settings, progress: Progress | None = None, password: str | None = None) -> DeckIndex:
    index = settings.index
    return open_index(
        index.deck,
        index.dir,
        index.embedding_model,
        model_cache=index.model_cache,
        rebuild=index.auto_rebuild,
        progress=progress,
        max_pages=index.max_pages,
        password=password,
    )


class DeckQA:
    def __init__(self, index: DeckIndex, llm_answerer: LLMAnswerer | None = None) -> None:
        self.index = index
        self.search = HybridRetriever(index)
        from figures.lookup import FactLookup

        self.lookup = FactLookup(index)
        # The calendar its dated figures are named in: "the six months ended June 30" is 1H.
        self._last_figure: tuple[tuple[str, str], LookupResult | None] | None = None
        self.calendar = document_calendar((fact.period, fact.period_end) for fact in index.facts)
        if self.calendar is not None:
            self.lookup.fiscal_year = (self.calendar.end_month, self.calendar.year_offset)
        self.llm_answerer = llm_answerer
        self.slide_chunks: dict[int, list[Chunk]] = defaultdict(list)
        # What answers are composed of: each page's passages without its frame (a running
        # footer, a source line printed on every page).
        self.content_chunks: dict[int, list[Chunk]] = defaultdict(list)
        furniture = page_furniture(index.chunks, len(index.slides))
        for chunk in index.chunks:
            self.slide_chunks[chunk.slide].append(chunk)
            if chunk.chunk_id not in furniture:
                self.content_chunks[chunk.slide].append(chunk)
        self.chunks_by_id = {chunk.chunk_id: chunk for chunk in index.chunks}
        self.slide_periods = {slide.number: slide.periods for slide in index.slides}
        # A cover that says only what the document is, who presents it and when.
        self.short_cover = short_cover(index)
        # Slides titled alike but for their number: a numbered list, one slide an item.
        self.series = numbered_series(self.content_chunks)
        self.named_items = named_items({slide.number: slide.text for slide in index.slides})
        # The page listing the document's contents, if it has one.
        titles = {slide.number: slide.title for slide in index.slides}
        self.contents = contents_page(self.slide_chunks, titles)
        # The page that sums the document up, if it has one.
        self.summary = summary_page(self.slide_chunks, titles, self.search.page_closeness())
        # A table-row passage is cited as the row's cells, as printed on the slide.
        self.row_texts = {
            f"{table.table_id}-r{number}": " ".join(cell for cell in row if cell)
            for table in index.tables
            for number, row in enumerate(table.rows, start=1)
        }
        # The document's own periods: as its pages word them, as its figures are named,
        # and the fiscal years whose closing balances it prints.
        self.refusal = RefusalPolicy(self.search.keyword.vocabulary, self.lookup.covers, ocr=bool(index.manifest.ocr))
        index.embedder.ready()  # loaded beside the work above

    @functools.cached_property
    def text_chain(self) -> Runnable:
        """The text route as LangChain runnables: our retriever, then the answer step
        (built, and LangChain imported, at the first text question: a figure needs neither)."""
        from langchain_core.runnables import RunnableLambda, RunnableParallel

        return RunnableParallel(
            understanding=RunnableLambda(lambda understanding: understanding),
            documents=RunnableLambda(attrgetter("searched")) | self.as_retriever(),
        ) | RunnableLambda(self._text_answer)

    @classmethod
    def load(
        cls, settings: Settings | None = None, progress: Progress | None = None, *, password: str | None = None
    ) -> DeckQA:
        """Open the configured deck (default: the bundled one), building its index on
        first use, and the LLM answerer when one is configured. `password` opens an
        encrypted PDF that asks for one (for that build only; it is never stored)."""
        settings = settings or Settings.from_env()
        index = open_deck_index(settings, progress, password)
        if not settings.llm.provider.strip():
            return cls(index)
        from llm.answerer import build_llm_answerer

        return cls(index, build_llm_answerer(settings, index=index))

    def warm_up(self) -> None:
        """Pay the first answer's one-time costs now, e.g. in a background thread while a
        page draws: LangChain's imports and the text chain, the question model's first run,
        the lemmatizer's dictionary (together about 0.7 s on a laptop). Asks one question
        of each route, without an LLM; answers are the same either way."""
        for question in WARM_UP_QUESTIONS:
            self.ask(question, use_llm=False)

    @property
    def title(self) -> str:
        return self.index.manifest.deck_title

    def as_retriever(self, k: int = 3) -> DeckRetriever:
        """The deck's hybrid search as a LangChain retriever (one `Document` per slide)."""
        from retriever.deck_retriever import DeckRetriever

        return DeckRetriever(search=self.search, k=k)

    def ask(self, question: str, history: Sequence[Any] | None = None, *, use_llm: bool = True) -> Answer:
        """Answer `question` from the deck. Raises `QuestionError` for an empty or
        over-long question."""
        started = time.perf_counter()
        prepared = self._prepare(question, history, use_llm)
        if isinstance(prepared, Answer):
            return self._finished(prepared, started)
        if use_llm and self.llm_answerer is not None:
            asked, standalone = prepared.understanding.asked, prepared.understanding.standalone
            return self._finished(
                self.llm_answerer.answer(asked, standalone, prepared.slides, prepared.extractive), started
            )
        return self._finished(prepared.extractive, started)

    def ask_stream(self, question: str, history: Sequence[Any] | None = None, *, use_llm: bool = True) -> AnswerStream:
        """Like `ask`, for a UI: `.tokens()` yields the LLM's text as it arrives, then
        `.result()` is the checked Answer (`ask`'s). Without an LLM, and for table
        lookups and refusals, `.tokens()` yields the final answer at once. Raises
        `QuestionError` like `ask`."""
        from llm.answerer import AnswerStream

        started = time.perf_counter()
        prepared = self._prepare(question, history, use_llm)
        if isinstance(prepared, Answer):
            return AnswerStream.of(self._finished(prepared, started))
        if not use_llm or self.llm_answerer is None:
            return AnswerStream.of(self._finished(prepared.extractive, started))
        asked, standalone = prepared.understanding.asked, prepared.understanding.standalone
        stream = self.llm_answerer.stream_answer(asked, standalone, prepared.slides, prepared.extractive)
        return stream.then(lambda answer: self._finished(answer, started))

    def _finished(self, answer: Answer, started: float) -> Answer:
        """The answer as returned: a figure also in the scale and rounding its question
        asked for, timed, with the citations of pages read by OCR marked."""
        instructions = read_instructions(answer.question)
        answer = in_asked_terms(answer, instructions.scale, instructions.decimals, instructions.percent)
        ocr = self.index.manifest.ocr_pages
        if ocr:

            def marked(citations: list[Citation]) -> list[Citation]:
                return [c.model_copy(update={"ocr": True}) if c.slide in ocr else c for c in citations]

            answer = answer.model_copy(
                update={"citations": marked(answer.citations), "suggestions": marked(answer.suggestions)}
            )
        return _timed(answer, started)

    def _prepare(self, question: str, history: Sequence[Any] | None, use_llm: bool) -> Answer | Evidence:
        """A final answer (a figure, a refusal), or the text route's evidence."""
        understanding = self._understand(question, history, use_llm)
        named = named_pages(understanding.plain)
        if named and not self._pages(understanding):
            # "How many images are there in pages 100-110?" of a document of 31 pages.
            reason = f"the question names {_listed_pages(named)}; the document has {len(self.index.slides)} pages"
            trace = understanding.trace.model_copy(update={"refusal_check": reason})
            text = f"{REFUSAL_TEXT} The document has {len(self.index.slides)} pages; the question names {_listed_pages(named)}."
            return Answer(question=understanding.asked, answer=text, route="none", refused=True, debug=trace)
        # The document's title, presenter or date: its cover says.
        about = cover_answer(understanding.plain, understanding.asked, self.index, understanding.trace)
        if about is not None:
            return about
        # How many times a word is written: counted on the pages.
        counted = occurrence_answer(
            understanding.plain, understanding.asked, self.index, self._pages(understanding), understanding.trace
        )
        if counted is not None:
            return counted
        # A phone number, an e-mail or a web address: found by its form.
        if asked_contact(understanding.plain):
            ranked = [slide.slide for slide in self.search.retrieve_slides(understanding.standalone, k=CONTACT_PAGES)]
            contact = contact_answer(
                understanding.plain,
                understanding.asked,
                self.index,
                self.slide_chunks,
                self._pages(understanding),
                ranked,
                understanding.trace,
            )
            if contact is not None:
                return contact
        # A judgement of the figures ("Is it capital-intensive?", "Did its margin improve?")
        # is answered with the figures that decide it; which row of a table leads ("Which
        # segment had the highest net income?") is read from the table of the things
        # compared. Neither answers a question that names what the document never mentions.
        judged = judge(understanding.plain, self.lookup)
        leading = leader(understanding.plain, self.lookup) if judged is None else None
        # An analyst's metric ("PPNE", "ROE") is known by its definition, not as a word.
        catalogued = defined_metric(understanding.plain)
        named_as = catalogued[2][0] if catalogued else understanding.plain
        if (judged or leading) and not self.refusal.unknown_names(named_as):
            if judged is not None:
                return judgement_answer(understanding.asked, judged, self.index, understanding.trace)
            return leader_answer(understanding.asked, leading, self.index, understanding.trace)
        if (
            understanding.route.kind == "table"
            or definitions(understanding.plain)  # a figure the question defines
            or self._asks_a_printed_figure(understanding)
        ):
            result = self._figure(understanding)
            lookup = result.explanation if result else "no figure matched"
            # A name the document never mentions ("Globex's net sales", "EBITDA") is about
            # something else, however well a row matches the rest of the question: the
            # text route's refusal policy decides.
            strangers = self.refusal.unknown_names(named_as)
            if result is not None and result.defined_by_question:
                strangers = []  # the question defines its terms ("DPO is defined as: ...")
            if strangers:
                lookup += f"; names what the document never mentions: {', '.join(strangers)}"
            if result is not None and result.confident and not strangers:
                trace = understanding.trace.model_copy(update={"lookup": lookup})
                answer = numeric_answer(understanding.asked, result, self.index, trace)
                if not answer_is_fragment(answer.answer, refused=False, figure=True):
                    return answer
                # Nothing around the figure says what it is (OCR's letters of a chart).
                lookup += "; what the figure measures does not read as text"
            understanding = _traced(understanding, lookup=lookup)
        return self.text_chain.invoke(understanding)

    def _unreported_periods(self, understanding: Understanding) -> list[str]:
        """The periods a figure is asked for that the document's tables report nothing for
        ("net sales for 2019" of a 2018 annual report, which mentions 2019 only in its
        text). A plan, a target or an outlook for a period is not asked as reported."""
        if understanding.route.kind != "table" or FORWARD_RE.search(understanding.plain):
            return []
        if not any(fact.table_id for fact in self.index.facts):
            return []  # a document without tables says its figures in words
        unreported = [period for period in find_periods(understanding.plain) if not self.lookup.reports(period)]
        # A period some table reports (a schedule of payments due in 2021) that the figure
        # asked is printed without (its statement's columns are 2020 and 2019).
        result = self._figure(understanding)
        printed_without = list(result.unprinted) if result is not None and not result.confident else []
        return list(dict.fromkeys([*unreported, *printed_without]))

    def _figure(self, understanding: Understanding) -> LookupResult | None:
        """The figure lookup's answer to the question, with its instructions (statements to
        rely on, places); one question asks it up to three times (is a figure printed, the
        figure, the periods it is printed for), so the last one is kept."""
        key = (understanding.asked, understanding.standalone)
        kept = self._last_figure
        if kept is not None and kept[0] == key:
            return kept[1]
        instructions = read_instructions(understanding.asked)
        result = self.lookup.answer(
            understanding.standalone, instructions.statements, instructions.decimals, self._pages(understanding)
        )
        self._last_figure = (key, result)
        return result

    def _pages(self, understanding: Understanding) -> list[int]:
        """The document's pages the question names by number ("on slide 11")."""
        return [number for number in named_pages(understanding.plain) if 1 <= number <= len(self.index.slides)]

    def _asks_a_printed_figure(self, understanding: Understanding) -> bool:
        """A question worded as for an explanation that names a period and one figure the
        document prints for it ("How did e-commerce comps come in for Q1 fiscal 2023?")."""
        plain = understanding.plain
        if wants_list(plain) or asks_for_explanation(plain) or asks_what_was_done(plain):
            return False
        if question_kind(plain) == "who":
            return False  # "Who was designated ... in May 2022?" asks for a name
        head = head_terms(plain)
        if not find_periods(plain) and not head:
            return False
        result = self._figure(understanding)
        if result is None or not result.confident or result.formula:
            return False
        # Or, with no period, one that names a table's column whole ("What was the total
        # volume of <an album>?" of a column "Total Volume (000)").
        column = {stem(word) for word in tokenize(result.facts[0].column)}
        return bool(find_periods(plain)) or (bool(result.facts[0].table_id) and {stem(t) for t in head} <= column)

    def _understand(self, question: str, history: Sequence[Any] | None, use_llm: bool) -> Understanding:
        asked = validate_question(question)
        # An analyst's instructions around the question say how to answer, not what.
        instructions = read_instructions(asked)
        # A shouted run of capitals ("WHICH YEAR") names nothing.
        core = in_document_terms(unshouted(instructions.question), self.calendar)
        core = self.lookup.names_quoted(core)  # an album "1989" is no period
        # "... as of August 30, 2023", the day the document is dated and no table reports: what
        # it says then, not a figure's period (a balance sheet's date stays).
        cover = set(self.index.slides[0].periods) if self.index.slides else set()
        core = AS_OF_RE.sub(lambda m: "" if self._dated_on(m.group("date"), cover) else m.group(0), core)
        rewrite = self.llm_answerer.rewrite if use_llm and self.llm_answerer is not None else rewrite_followup
        # The document's own company, however the user names it, is "the company".
        names = self.index.manifest.names
        turns = [
            {"role": role, "content": without_names(content, names) if role == "user" else content}
            for role, content in (_turn(turn) for turn in history or [])
            if isinstance(content, str)
        ]
        plain, rewrite_reason = rewrite(without_names(core, names), turns)
        plain = self.lookup.spelled_out(plain, letters_only=False)  # "SG&A" as the document writes it out
        # Retrieval and the figure lookup read the name as written: a row or passage
        # that names it ("Acme MVNO gross margin") is the closer for it.
        standalone = core
        if rewrite_reason:
            written = [
                core,
                *(content for role, content in map(_turn, reversed(list(history or []))) if role == "user"),
            ]
            standalone = with_names(plain, [text for text in written if isinstance(text, str)], names)
        chosen = route(plain)
        trace = Trace(route_reason=chosen.reason)
        if instructions.instructions or core != asked:
            said = instructions.summary
            trace = trace.model_copy(update={"instructions": f"asked: {core!r}" + (f"; {said}" if said else "")})
        if rewrite_reason:
            trace = trace.model_copy(update={"rewritten_question": standalone, "rewrite_reason": rewrite_reason})
        return Understanding(asked, standalone, plain, chosen, trace)

    def _dated_on(self, date: str, cover: set[str]) -> bool:
        """Whether `date` is the document's own date: on its cover, in none of its tables."""
        periods = set(find_periods(date))
        return bool(periods & cover) and not any(self.lookup.reports(period) for period in periods)

    def _text_answer(self, step: dict[str, Any]) -> Answer | Evidence:
        """The answer step of the text route: refuse, state a figure found in a sentence,
        or compose an extractive answer from the retrieved slides."""
        understanding: Understanding = step["understanding"]
        asked, plain = understanding.asked, understanding.plain
        from retriever.deck_retriever import PASSAGES_PER_SLIDE, slide_hits

        slides = slide_hits(step["documents"], self.chunks_by_id)
        # Whether the document holds what is asked is judged on every kind of passage;
        # an explanation is looked for only among those that can give one.
        scope = slides
        if question_kind(understanding.standalone) in EXPLANATIONS:
            scope = self.search.retrieve_slides(
                understanding.standalone, k=max(1, len(slides)), per_slide=PASSAGES_PER_SLIDE, explanation=False
            )
        # "What topics does the presentation cover?": the contents page says; "What are
        # the main conclusions?": the page that sums the document up.
        contents, listed = None, None
        if self.contents is not None and asks_for_contents(plain):
            listed = (self.contents, "asks for the document's contents")
        elif self.summary is not None and asks_for_summary(plain):
            listed = (self.summary, "asks for the document's summary")
        if listed is not None:
            page = self.index.slide(listed[0])
            contents = compose_contents(page.number, page.title, self.slide_chunks[page.number])
        if contents is not None and listed is not None and not is_fragment(contents.text):
            composition = contents
            trace = understanding.trace.model_copy(
                update={"retrieved_slides": [page.number], "refusal_check": listed[1]}
            )
            listing = Answer(
                question=asked, answer=composition.text, route="text", citations=composition.citations, debug=trace
            )
            return Evidence(understanding, [SlideHit(page.number, page.title, 1.0, ())], listing)
        verdict = self.refusal.judge(plain, scope)
        trace = understanding.trace.model_copy(
            update={"retrieved_slides": [slide.slide for slide in slides], "refusal_check": verdict.reason}
        )
        if verdict.refuse:
            return self._refused(asked, slides, trace)
        if understanding.route.kind == "table":
            # A figure for a period no table reports is read only in a sentence of a page
            # that names the period ("overall volume is up 14% so far in 2015"), never
            # one the document states as expected.
            figure = text_figure_answer(plain, slides, self.content_chunks, self.slide_periods)
            unreported = self._unreported_periods(understanding)
            if (
                figure is not None
                and unreported
                and (FORWARD_RE.search(figure[1].text) or not _names_a_year_of(figure[1].text, unreported))
            ):
                figure = None  # for a period no table reports, only a sentence that names it says
            if figure is None and unreported:
                reason = f"a figure was asked for {', '.join(unreported)}, which no table reports"
                return self._refused(asked, slides, trace.model_copy(update={"refusal_check": reason}))
            if figure is not None:
                text, citation, value = figure
                trace = trace.model_copy(update={"fallback": "figure found in a retrieved sentence"})
                return Answer(question=asked, answer=text, route="text", citations=[citation], value=value, debug=trace)
            if not passage_names_all(plain, slides, self.content_chunks, self.slide_periods):
                # Never a guessed figure: no table cell or sentence states it, so say so.
                reason = "a figure was asked for and no table cell or sentence states it"
                return self._refused(asked, slides, trace.model_copy(update={"refusal_check": reason}))
            # A passage names everything the question does, and no figure is stated as
            # asked: the passages answer in words (a chart's labels, a list), not a refusal.
            trace = trace.model_copy(update={"fallback": "no figure stated; the page naming the question's words"})
        # Asked what drove a figure a table prints ("What drove operating margin change in
        # 2022?"), the answer is its row and what the document says drove it.
        measured = self._measured(understanding)
        vector = self.search.question_vector(understanding.searched)
        on_pages = {slide.slide for slide in slides}
        sentence_dense = {
            chunk_id: (vectors @ vector).tolist()
            for chunk_id, vectors in self.index.sentence_vectors.items()
            if self.chunks_by_id[chunk_id].slide in on_pages
        }
        line = row_line(measured, self.index) if measured is not None else None
        composition = self._drivers(plain, measured, line) if measured is not None and line is not None else None
        if composition is None:
            idf = self.search.keyword.bm25.idf
            composition = compose(
                plain,
                slides,
                self.content_chunks,
                self.row_texts,
                idf,
                sentence_dense,
                cover=self.short_cover,
                series=self.series,
                named_items=self.named_items,
            )
            if line is not None and not is_fragment(composition.text):
                composition = with_line(composition, line)
        if is_fragment(composition.text):
            # What matches is no answer: a lone heading, or OCR's letters of a picture.
            reason = f"{verdict.reason}; the passages that match read as fragments"
            return self._refused(asked, slides, trace.model_copy(update={"refusal_check": reason}))
        extractive = Answer(
            question=asked, answer=composition.text, route="text", citations=composition.citations, debug=trace
        )
        return Evidence(understanding, slides, extractive)

    def _measured(self, understanding: Understanding) -> Fact | None:
        """The table figure a question about its causes names; None for another question."""
        if question_kind(understanding.standalone) != "cause":
            return None
        return self.lookup.explained(understanding.standalone)

    def _drivers(self, question: str, measured: Fact, line: tuple[str, Citation]) -> Composition | None:
        """What drove `measured` (its row: `line`): the headed sections beside its table,
        the passages that state it (`drivers`)."""
        table = self.index.table(measured.table_id)
        if table is None:
            return None
        nearby = [*self.content_chunks.get(measured.slide, []), *self.content_chunks.get(measured.slide + 1, [])]
        quoting = stating(measured, question, self.content_chunks)
        return drivers(line, measured, table, nearby, quoting)

    def _refused(self, asked: str, slides: list[SlideHit], trace: Trace) -> Answer:
        suggestions = [
            Citation(slide=slide.slide, title=slide.title, text=slide.hits[0].chunk.text if slide.hits else "")
            for slide in slides[:SUGGESTIONS]
        ]
        listing = ", ".join(f"Slide {s.slide} ({s.title})" for s in suggestions)
        text = REFUSAL_TEXT + (f" The closest slides are {listing}." if listing else "")
        return Answer(question=asked, answer=text, route="none", refused=True, suggestions=suggestions, debug=trace)


def _listed_pages(pages: list[int]) -> str:
    """ "page 42", "pages 21 and 62", "pages 100 to 110"."""
    if len(pages) == 1:
        return f"page {pages[0]}"
    if pages == list(range(pages[0], pages[-1] + 1)) and len(pages) > 2:
        return f"pages {pages[0]} to {pages[-1]}"
    return f"pages {', '.join(map(str, pages[:-1]))} and {pages[-1]}"


def _names_a_year_of(text: str, periods: list[str]) -> bool:
    """Whether `text` names the year of one of `periods`."""
    years = {period_year(period) for period in periods} - {""}
    return bool(years & {period_year(period) for period in find_periods(text)})


# ", as of August 30, 2023": a date the question's figure is known at.
AS_OF_RE = re.compile(
    r",?\s*\bas\s+of\s+(?P<date>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},\s+(?:19|20)\d\d)",
    re.IGNORECASE,
)


def _turn(turn: Any) -> tuple[Any, Any]:
    """(role, content) of a chat turn: a dict, or an object with those attributes."""
    if isinstance(turn, Mapping):
        return turn.get("role"), turn.get("content")
    return getattr(turn, "role", None), getattr(turn, "content", None)


def _traced(understanding: Understanding, **update: Any) -> Understanding:
    return Understanding(
        understanding.asked,
        understanding.standalone,
        understanding.plain,
        understanding.route,
        understanding.trace.model_copy(update=update),
    )


def _timed(answer: Answer, started: float) -> Answer:
    trace = answer.debug.model_copy(update={"seconds": round(time.perf_counter() - started, 4)})
    return answer.model_copy(update={"debug": trace})


__all__ = ["Answer", "Citation", "DeckQA", "Evidence", "Understanding", "Value", "open_deck_index"]
