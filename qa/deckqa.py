"""`DeckQA`: the public object. `DeckQA.load()` opens the default deck and index;
`ask(question, history)` returns an `Answer`. Safe to call from many threads: the
index is read-only and the embedder serialises its own calls."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.embedding import Embedder
from ingest.index_store import DeckIndex, Progress, open_index
from ingest.numbers import find_periods
from ingest.records import Chunk
from qa.answer import Answer, Citation, Value
from qa.extractive import compose
from qa.followup import rewrite_followup
from qa.numeric import numeric_answer, text_figure_answer
from qa.question import validate_question
from qa.refusal import RefusalPolicy
from qa.settings import Settings
from retriever.hits import SlideHit
from retriever.hybrid import HybridRetriever
from retriever.lookup import FactLookup
from retriever.router import route

if TYPE_CHECKING:
    from qa.llm import AnswerStream, LLMAnswerer

REFUSAL_TEXT = "The deck doesn't cover that."
SUGGESTIONS = 2


@lru_cache(maxsize=4)
def shared_embedder(model_path: Path | None) -> Embedder:
    """One embedder per model per process: loading it costs seconds."""
    return Embedder(model_path)


def open_deck_index(settings: Settings, progress: Progress | None = None) -> DeckIndex:
    embedder = shared_embedder(settings.embedding_model)
    return open_index(settings.deck, settings.index_dir, embedder, rebuild=settings.auto_rebuild, progress=progress)


class DeckQA:
    def __init__(self, index: DeckIndex, llm_answerer: LLMAnswerer | None = None) -> None:
        self.index = index
        self.retriever = HybridRetriever(index)
        self.lookup = FactLookup(index)
        self.llm_answerer = llm_answerer
        self.slide_chunks: dict[int, list[Chunk]] = defaultdict(list)
        for chunk in index.chunks:
            self.slide_chunks[chunk.slide].append(chunk)
        # A table-row passage is cited as the row's cells, as printed on the slide.
        self.row_texts = {
            f"{table.table_id}-r{number}": " ".join(cell for cell in row if cell)
            for table in index.tables
            for number, row in enumerate(table.rows, start=1)
        }
        deck_periods = {period for slide in index.slides for period in find_periods(slide.text)}
        self.refusal = RefusalPolicy(self.retriever.keyword.vocabulary, deck_periods)

    @classmethod
    def load(cls, settings: Settings | None = None, progress: Progress | None = None) -> DeckQA:
        """Open the configured deck (default: the bundled one), building its index on
        first use, and the LLM answerer when one is configured."""
        settings = settings or Settings()
        index = open_deck_index(settings, progress)
        from qa.llm import build_llm_answerer

        return cls(index, build_llm_answerer(settings, index=index))

    @property
    def title(self) -> str:
        return self.index.manifest.deck_title

    def ask(self, question: str, history: Sequence[Any] | None = None, *, use_llm: bool = True) -> Answer:
        """Answer `question` from the deck. Raises `QuestionError` for an empty or
        over-long question."""
        started = time.perf_counter()
        asked, standalone, kind, debug = self._understand(question, history, use_llm)
        outcome = self._evidence_answer(asked, standalone, kind, debug)
        if isinstance(outcome, Answer):
            answer = outcome
        elif use_llm and self.llm_answerer is not None:
            answer = self.llm_answerer.answer(asked, standalone, *outcome)
        else:
            answer = outcome[1]
        return _timed(answer, started)

    def ask_stream(self, question: str, history: Sequence[Any] | None = None, *, use_llm: bool = True) -> AnswerStream:
        """Like `ask`, for a UI: `.tokens()` yields the LLM's text as it arrives, then
        `.result()` is the checked Answer (`ask`'s). Without an LLM, and for table
        lookups and refusals, `.tokens()` yields the final answer at once. Raises
        `QuestionError` like `ask`."""
        from qa.llm import AnswerStream

        started = time.perf_counter()
        asked, standalone, kind, debug = self._understand(question, history, use_llm)
        outcome = self._evidence_answer(asked, standalone, kind, debug)
        if isinstance(outcome, Answer):
            return AnswerStream.of(_timed(outcome, started))
        if not use_llm or self.llm_answerer is None:
            return AnswerStream.of(_timed(outcome[1], started))
        stream = self.llm_answerer.stream_answer(asked, standalone, *outcome)
        return stream.then(lambda answer: _timed(answer, started))

    def _understand(
        self, question: str, history: Sequence[Any] | None, use_llm: bool
    ) -> tuple[str, str, str, dict[str, Any]]:
        """(question as asked, standalone question, route kind, debug)."""
        asked = validate_question(question)
        rewrite = self.llm_answerer.rewrite if use_llm and self.llm_answerer is not None else rewrite_followup
        standalone, rewrite_reason = rewrite(asked, history)
        chosen = route(standalone)
        debug: dict[str, Any] = {"route_reason": chosen.reason}
        if rewrite_reason:
            debug["rewritten_question"] = standalone
            debug["rewrite_reason"] = rewrite_reason
        return asked, standalone, chosen.kind, debug

    def _evidence_answer(
        self, asked: str, standalone: str, kind: str, debug: dict[str, Any]
    ) -> Answer | tuple[list[SlideHit], Answer]:
        """A final answer (table figure, refusal), or the retrieved slides with the
        extractive answer, which an LLM may improve on."""
        if kind == "table":
            result = self.lookup.answer(standalone)
            debug["lookup"] = result.explanation if result else "no figure matched"
            if result is not None and result.confident:
                return numeric_answer(asked, result, self.index, debug)
        slides = self.retriever.retrieve_slides(standalone, k=3, per_slide=50)
        debug["retrieved_slides"] = [slide.slide for slide in slides]
        verdict = self.refusal.judge(standalone, slides)
        debug["refusal_check"] = verdict.reason
        if verdict.refuse:
            return self._refused(asked, slides, debug)
        if kind == "table":
            figure = text_figure_answer(standalone, slides)
            if figure is not None:
                text, citation, value = figure
                debug["fallback"] = "figure found in a retrieved sentence"
                return Answer(question=asked, answer=text, route="text", citations=[citation], value=value, debug=debug)
            # Never a guessed figure: no table cell or sentence states it, so say so.
            debug["refusal_check"] = "a figure was asked for and no table cell or sentence states it"
            return self._refused(asked, slides, debug)
        composition = compose(standalone, slides, self.slide_chunks, self.row_texts)
        extractive = Answer(
            question=asked, answer=composition.text, route="text", citations=composition.citations, debug=debug
        )
        return slides, extractive

    def _refused(self, asked: str, slides: list[Any], debug: dict[str, Any]) -> Answer:
        suggestions = [
            Citation(slide=slide.slide, title=slide.title, text=slide.hits[0].chunk.text if slide.hits else "")
            for slide in slides[:SUGGESTIONS]
        ]
        listing = ", ".join(f"Slide {s.slide} ({s.title})" for s in suggestions)
        text = REFUSAL_TEXT + (f" The closest slides are {listing}." if listing else "")
        return Answer(question=asked, answer=text, route="none", refused=True, suggestions=suggestions, debug=debug)


def _timed(answer: Answer, started: float) -> Answer:
    answer.debug["seconds"] = round(time.perf_counter() - started, 4)
    return answer


__all__ = ["Answer", "Citation", "DeckQA", "Value", "open_deck_index"]
