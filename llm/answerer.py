"""Optional LLM answerer, configured by `DECKQA_LLM` (see `llm.models`).

The model sees only the retrieved slides and must cite them; its answer is checked
(`llm.check`) before it is shown, and any failure — a rejected answer, an error, a
timeout — returns the extractive answer instead, flagged in the answer's trace (`Answer.debug`, a `qa.answer.Trace`):

- `debug.answerer`: "llm" or "extractive-fallback"
- `debug.llm_rejected`: why the model's answer was not shown (with `llm_rejected_text`)
- `debug.llm_error`: the exception's type name when the call failed or timed out

Streaming, for a UI::

    stream = answerer.stream_answer(asked, standalone, slides, extractive)   # an AnswerStream
    for token in stream.tokens():      # the model's text as it arrives
        show(token)
    final = stream.result()            # the checked Answer
    if final.debug.answerer != "llm":
        replace_shown_text(final.answer)   # the streamed text was rejected

`stream.tokens()` never raises; `stream.result()` may be called without iterating
tokens first (it drains them). `stream.generate()` is the same as one generator whose
return value is the checked Answer (`answer = yield from stream.generate()`).
`answerer.stream_tokens(question, slides)` is the bare token stream, which raises.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate

from ingest.index_store import DeckIndex
from ingest.text import tokenize
from llm.check import SlideEvidence, check_answer, cited_slides, clean_answer, evidence_figures
from llm.models import LLMConfigError, build_chat_model, load_prompt, model_label
from qa.answer import Answer, Citation
from qa.settings import Settings
from retriever.hits import Hit, SlideHit
from understand.followup import previous_question, rewrite_followup
from understand.question import validate_question

logger = logging.getLogger(__name__)

# The model's whole reply when the slides do not answer; never a phrase a real answer uses.
REFUSAL_TOKEN = "NOT_IN_DECK"
ANSWER_VARIABLES = {"refusal_token", "slides", "question"}
REWRITE_VARIABLES = {"history", "question"}
# The last three exchanges are enough to resolve "its", "that" or "and for FY15?".
MAX_HISTORY_TURNS = 6
# Earlier answers can be long bullet lists; their opening names the subject.
MAX_HISTORY_TURN_CHARS = 500
CITATION_GROUP_RE = re.compile(r"((?:\s*\[Slide \d+\])+)")


class AnswerStream:
    """The model's tokens as they arrive, then the checked `Answer` (`result()`)."""

    def __init__(self, tokens: Iterator[str], finish: Callable[[str, BaseException | None], Answer]) -> None:
        self._pending = tokens
        self._finish = finish
        self._text: list[str] = []
        self._error: BaseException | None = None
        self._answer: Answer | None = None

    @classmethod
    def of(cls, answer: Answer) -> AnswerStream:
        """A stream for an answer that is already final (table lookup, refusal, no LLM)."""
        return cls(iter([answer.answer]), lambda _text, _error: answer)

    def tokens(self) -> Iterator[str]:
        """Yield text as the model writes it; stops early, without raising, on an error."""
        try:
            for token in self._pending:
                self._text.append(token)
                yield token
        except Exception as error:  # reported by result() as a fallback, never to the UI loop
            self._error = error

    def result(self) -> Answer:
        """The checked answer; drains any tokens not yet read."""
        if self._answer is None:
            for _ in self.tokens():
                pass
            self._answer = self._finish("".join(self._text), self._error)
        return self._answer

    def generate(self) -> Generator[str, None, Answer]:
        """The tokens as a generator whose return value is `result()` (for `yield from`)."""
        yield from self.tokens()
        return self.result()

    def then(self, change: Callable[[Answer], Answer]) -> AnswerStream:
        """The same tokens, with `change(result)` as the result (e.g. to add timing)."""
        return AnswerStream(self.tokens(), lambda _text, _error: change(self.result()))


class LLMAnswerer:
    """Answers from retrieved slides with a chat model, and rewrites follow-ups.

    `name` labels the model for people ("openai gpt-4o-mini"); it never holds a key or URL.
    `index` (optional) lets the check see each cited slide's full text and its table
    figures with their units; without it, only the retrieved passages count.
    """

    def __init__(
        self,
        model: BaseChatModel,
        *,
        timeout: float,
        index: DeckIndex | None = None,
        answer_prompt: ChatPromptTemplate | None = None,
        rewrite_prompt: ChatPromptTemplate | None = None,
        name: str = "",
    ) -> None:
        self.model = model
        self.name = name or type(model).__name__
        self.timeout = timeout
        self.index = index
        self.answer_prompt = answer_prompt or load_prompt("answer", ANSWER_VARIABLES)
        self.rewrite_prompt = rewrite_prompt or load_prompt("rewrite", REWRITE_VARIABLES)
        self._chunk_order = {chunk.chunk_id: order for order, chunk in enumerate(index.chunks)} if index else {}
        self._facts_by_slide: dict[int, list[tuple[float, str]]] = {}
        for fact in index.facts if index else []:
            self._facts_by_slide.setdefault(fact.slide, []).append((fact.value, fact.unit))

    def answer(self, asked: str, standalone: str, slides: Sequence[SlideHit], extractive: Answer) -> Answer:
        """The model's answer if it passes the check, else `extractive` with the reason."""
        started = time.perf_counter()
        messages = self._answer_messages(standalone, slides)
        try:
            text = "".join(_within(self.timeout, lambda: [str(self.model.invoke(messages).text)]))
        except Exception as error:  # any provider failure falls back; the type is recorded
            return self._fallback(extractive, started, error=error)
        return self._checked(asked, standalone, slides, extractive, text, started)

    def stream_tokens(self, question: str, slides: Sequence[SlideHit]) -> Iterator[str]:
        """The model's raw tokens for `question`; raises on errors and timeouts."""
        messages = self._answer_messages(question, slides)
        return _within(self.timeout, lambda: (str(chunk.text) for chunk in self.model.stream(messages)))

    def stream_answer(
        self, asked: str, standalone: str, slides: Sequence[SlideHit], extractive: Answer
    ) -> AnswerStream:
        """Tokens as they arrive, then the answer `answer()` would give (see module doc)."""
        started = time.perf_counter()

        def finish(text: str, error: BaseException | None) -> Answer:
            if error is not None:
                return self._fallback(extractive, started, error=error)
            return self._checked(asked, standalone, slides, extractive, text, started)

        return AnswerStream(self.stream_tokens(standalone, slides), finish)

    def rewrite(self, question: str, history: Sequence[Any] | None) -> tuple[str, str]:
        """(standalone question, why it was rewritten or "") — the same contract as
        `understand.followup.rewrite_followup`, which it falls back to on any failure."""
        if not previous_question(history):
            return question, ""
        messages = self.rewrite_prompt.format_messages(history=_transcript(history or []), question=question)
        try:
            reply = "".join(_within(self.timeout, lambda: [str(self.model.invoke(messages).text)]))
            rewritten = validate_question(_first_line(clean_answer(reply)))
        except Exception as error:  # an unusable reply (QuestionError) or a provider failure
            logger.warning("LLM rewrite failed (%s); using the rule-based rewrite", type(error).__name__)
            standalone, reason = rewrite_followup(question, history)
            why = reason or "left as asked"
            return standalone, f"rule-based after the LLM rewrite failed ({type(error).__name__}): {why}"
        if " ".join(rewritten.split()).casefold() == " ".join(question.split()).casefold():
            return question, ""
        return rewritten, "rewritten by the LLM from the conversation"

    def _answer_messages(self, question: str, slides: Sequence[SlideHit]) -> list[BaseMessage]:
        return self.answer_prompt.format_messages(
            refusal_token=REFUSAL_TOKEN, slides=self._slides_text(slides), question=question
        )

    def _slides_text(self, slides: Sequence[SlideHit]) -> str:
        """Each slide's title, then its passages in reading order, every line tagged [Slide N]."""
        blocks = []
        for slide in slides:
            lines = [f"## [Slide {slide.slide}] {slide.title}"]
            for hit in self._reading_order(slide.hits):
                indent = "  " * hit.chunk.level
                lines.append(f"{indent}- [Slide {slide.slide}] {hit.chunk.text}")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)

    def _reading_order(self, hits: Iterable[Hit]) -> list[Hit]:
        hits = list(hits)
        if not self._chunk_order:
            return hits
        return sorted(hits, key=lambda hit: self._chunk_order.get(hit.chunk.chunk_id, len(self._chunk_order)))

    def _evidence(self, slides: Sequence[SlideHit]) -> dict[int, SlideEvidence]:
        evidence = {}
        for slide in slides:
            parts = [slide.title, *(hit.chunk.text for hit in slide.hits)]
            if self.index is not None and self.index.has_slide(slide.slide):
                parts.append(self.index.slide(slide.slide).text)
            text = "\n".join(parts)
            figures = evidence_figures(text, self._facts_by_slide.get(slide.slide, []))
            evidence[slide.slide] = SlideEvidence(slide=slide.slide, text=text, figures=figures)
        return evidence

    def _checked(
        self,
        asked: str,
        standalone: str,
        slides: Sequence[SlideHit],
        extractive: Answer,
        reply: str,
        started: float,
    ) -> Answer:
        text = clean_answer(reply)
        if REFUSAL_TOKEN in text:
            reason = "the model found no answer in the retrieved slides"
            return self._fallback(extractive, started, rejected=reason, rejected_text=text, refused=True)
        retrieved = [slide.slide for slide in slides]
        verdict = check_answer(text, retrieved, self._evidence(slides), f"{asked}\n{standalone}")
        if not verdict.ok:
            return self._fallback(extractive, started, rejected=verdict.reason, rejected_text=text)
        debug = extractive.debug.model_copy(
            update={
                "answerer": "llm",
                "llm_check": verdict.reason,
                "llm_seconds": round(time.perf_counter() - started, 4),
            }
        )
        return Answer(question=asked, answer=text, route="text", citations=_citations(text, slides), debug=debug)

    def _fallback(
        self,
        extractive: Answer,
        started: float,
        *,
        error: BaseException | None = None,
        rejected: str = "",
        rejected_text: str = "",
        refused: bool = False,
    ) -> Answer:
        update: dict[str, object] = {
            "answerer": "extractive-fallback",
            "llm_seconds": round(time.perf_counter() - started, 4),
        }
        if error is not None:
            # The type only: provider messages can echo request details, and keys must never reach logs.
            update["llm_error"] = type(error).__name__
            logger.warning("LLM answer failed (%s); showing the extractive answer", type(error).__name__)
        else:
            update.update(llm_rejected=rejected, llm_rejected_text=rejected_text, llm_refused=refused or None)
            logger.info("LLM answer rejected (%s); showing the extractive answer", rejected)
        return extractive.model_copy(update={"debug": extractive.debug.model_copy(update=update)})


def build_llm_answerer(settings: Settings, index: DeckIndex | None = None) -> LLMAnswerer | None:
    """The configured answerer, or None when `DECKQA_LLM` is empty. Raises
    `LLMConfigError` (a ValueError) for an unknown or incomplete configuration."""
    if not settings.llm.provider.strip():
        return None
    model = build_chat_model(settings)
    return LLMAnswerer(model, timeout=settings.llm.timeout, index=index, name=model_label(settings))


def _citations(text: str, slides: Sequence[SlideHit]) -> list[Citation]:
    """For each cited claim, the passage of its cited slide sharing most words with it."""
    by_slide = {slide.slide: slide for slide in slides}
    pieces = CITATION_GROUP_RE.split(text)
    citations: list[Citation] = []
    for claim, markers in zip(pieces[0::2], pieces[1::2], strict=False):
        words = set(tokenize(claim))
        for number in cited_slides(markers):
            slide = by_slide.get(number)
            if slide is None or not slide.hits:
                continue
            # max() keeps the first of equals: the passage retrieval ranked higher.
            best = max(slide.hits, key=lambda hit: len(words & set(tokenize(hit.chunk.text))))
            citation = Citation(slide=number, title=slide.title, text=best.chunk.text)
            if citation not in citations:
                citations.append(citation)
    return citations


def _transcript(history: Sequence[Any]) -> str:
    lines = []
    for turn in list(history)[-MAX_HISTORY_TURNS:]:
        role = turn.get("role") if isinstance(turn, dict) else getattr(turn, "role", None)
        content = turn.get("content") if isinstance(turn, dict) else getattr(turn, "content", None)
        if role in ("user", "assistant") and isinstance(content, str) and content.strip():
            speaker = "User" if role == "user" else "Assistant"
            lines.append(f"{speaker}: {' '.join(content.split())[:MAX_HISTORY_TURN_CHARS]}")
    return "\n".join(lines)


def _first_line(text: str) -> str:
    line = next((line for line in text.splitlines() if line.strip()), "")
    return line.strip().strip("\"'“”").strip()


def _within(timeout: float, produce: Callable[[], Iterable[str]]) -> Iterator[str]:
    """The items of `produce()`, run on a daemon thread, raising TimeoutError once
    `timeout` seconds have passed in all. Fake and local models ignore client timeouts;
    a call cannot be killed, so a late one runs on and its output is dropped."""
    items: queue.Queue[tuple[str, Any]] = queue.Queue()
    stop = threading.Event()

    def run() -> None:
        try:
            for item in produce():
                if stop.is_set():
                    return
                items.put(("item", item))
        except Exception as error:  # handed to the consumer, which decides
            items.put(("error", error))
        else:
            items.put(("done", None))

    def consume() -> Iterator[str]:
        threading.Thread(target=run, name="deckqa-llm", daemon=True).start()
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    kind, payload = items.get(timeout=max(deadline - time.monotonic(), 0.0))
                except queue.Empty:
                    raise TimeoutError(f"no answer from the LLM within {timeout:g} s") from None
                if kind == "done":
                    return
                if kind == "error":
                    raise payload
                if payload:
                    yield payload
        finally:
            stop.set()

    return consume()


__all__ = ["REFUSAL_TOKEN", "AnswerStream", "LLMAnswerer", "LLMConfigError", "build_chat_model", "build_llm_answerer"]
