"""What the Streamlit chat (`app.py`) needs besides drawing: the conversation record,
slide images, citation grouping, figure and table presentation, the Markdown export,
the feedback log and the deck-upload swap. Nothing here imports Streamlit, so all of
it is testable without a page.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.errors import DeckError, DeckQAError
from ingest.index_store import Manifest, Progress, estimated_ingest_seconds
from ingest.ocr import estimated_ocr_seconds
from interfaces.slide_images import render_page_png
from library.ask import LibraryQA
from library.store import Document, open_library
from qa.answer import Answer, Citation, TableTrace, Value
from qa.deckqa import REFUSAL_TEXT, DeckQA
from qa.figure_answer import figure_text
from qa.settings import Settings

if TYPE_CHECKING:  # pandas is imported by the first table drawn: it costs the page's first load 0.4 s
    import pandas as pd
    from pandas.io.formats.style import Styler

# 1.5 x the PDF's 960x540 pt page gives 1440x810 px: sharp on HiDPI screens at the
# chat column's width, 30-150 KB of PNG per slide.
SLIDE_RENDER_SCALE = 1.5
# Uploaded decks are indexed under <index dir's parent>/uploads/<sha256[:12]>/.
# An investor deck is a few MB; the cap keeps one upload from tying up the index build.
MAX_UPLOAD_MB = 50
# Curated example questions per document (by its PDF's SHA-256): for the bundled deck,
# one per route (from DESIGN.md and eval/gold.jsonl).
EXAMPLES_FILE = Path(__file__).resolve().parent.parent / "data" / "examples.json"
GENERIC_TITLES = frozenset({"contents", "agenda", "disclaimer", "table of contents"})
EXAMPLES_FROM_TITLES = 3
SLIDE_MARKER_RE = re.compile(r"\[Slide (\d+)\]")
DOCUMENT_MARKER_RE = re.compile(r"\[([^\[\]]{1,160}), p\. (\d+)\]")
# Invisible suffixes keep repeated table headers ("% of Revenues" twice) apart, since
# pandas' Styler needs unique column labels.
INVISIBLE = "\u200b"
MATCHED_ROW_CSS = "background-color: rgba(255, 196, 0, 0.18)"
MATCHED_CELL_CSS = "background-color: rgba(255, 196, 0, 0.55); font-weight: 700"

_feedback_lock = threading.Lock()


@dataclass(frozen=True)
class ChatTurn:
    """One exchange: a question and its answer, or a request to see a slide
    (`slide_view`), which is shown but never sent to the answerer as history."""

    question: str
    answer: Answer | None = None
    slide_view: int | None = None
    turn_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])


@dataclass(frozen=True)
class SlideCitations:
    """The passages an answer cites from one slide, in the order it cites them."""

    slide: int
    title: str
    passages: tuple[str, ...]
    ocr: bool = False  # the slide was read by OCR
    document: str | None = None  # the library document's id (answers across documents)
    document_title: str | None = None

    @property
    def label(self) -> str:
        page = f"{self.document_title} · p. {self.slide}" if self.document_title else f"Slide {self.slide}"
        return f"{page} · {self.title}" + (" · read by OCR" if self.ocr else "")


def history_for(turns: Sequence[ChatTurn]) -> list[dict[str, str]]:
    """The earlier answered turns as `deck.ask` history: user / assistant dicts."""
    history: list[dict[str, str]] = []
    for turn in turns:
        if turn.answer is not None:
            history.append({"role": "user", "content": turn.question})
            history.append({"role": "assistant", "content": turn.answer.answer})
    return history


def group_citations(citations: Sequence[Citation]) -> list[SlideCitations]:
    """Citations grouped by document and slide (first cited first), passages de-duplicated."""
    first: dict[tuple[str | None, int], Citation] = {}
    passages: dict[tuple[str | None, int], list[str]] = {}
    ocr: set[tuple[str | None, int]] = set()
    for citation in citations:
        key = (citation.document, citation.slide)
        first.setdefault(key, citation)
        kept = passages.setdefault(key, [])
        if citation.text and citation.text not in kept:
            kept.append(citation.text)
        if citation.ocr:
            ocr.add(key)
    return [
        SlideCitations(key[1], cited.title, tuple(passages[key]), key in ocr, cited.document, cited.document_title)
        for key, cited in first.items()
    ]


def badge_markers(markdown: str) -> str:
    """`[Slide N]` markers, and a library answer's `[Document, p. N]`, as Streamlit badges."""
    markdown = SLIDE_MARKER_RE.sub(r":blue-badge[Slide \1]", markdown)
    return DOCUMENT_MARKER_RE.sub(r":blue-badge[\1, p. \2]", markdown)


def render_slide_png(pdf_path: Path, slide: int, scale: float = SLIDE_RENDER_SCALE) -> bytes:
    """Slide `slide` (1-based page) of `pdf_path` as PNG bytes. Raises `DeckError`
    for a page the PDF does not have."""
    return render_page_png(pdf_path, slide, scale=scale)


def format_figure(value: Value) -> str:
    """A figure as the deck prints it, with its unit: "21,266 JPY million", "44.5%"."""
    return figure_text(value.raw or f"{value.number:,.2f}".rstrip("0").rstrip("."), value.unit)


def figure_label(answer: Answer) -> str:
    """What the figure measures, for the metric's label: the matched fact's label
    and period when the lookup reports them, else the period, else "Figure"."""
    facts = answer.debug.facts
    label = facts[0].label if facts else ""
    period = answer.value.period if answer.value else None
    parts = [part for part in (label, period) if part]
    return " · ".join(parts) or "Figure"


def answer_caption(answer: Answer) -> str:
    """The line under an answer: route, time taken, and the rewritten follow-up."""
    route = {"table": "table lookup", "text": "text passages", "none": "no answer in the deck"}[answer.route]
    parts = [f"Route: {route}"]
    seconds = answer.debug.seconds
    if seconds is not None:
        parts.append(f"{seconds:.2f} s")
    rewritten = answer.debug.rewritten_question
    if rewritten:
        parts.append(f"read as “{rewritten}”")
    return " · ".join(parts)


def index_summary(manifest: Manifest) -> str:
    """Two lines on the deck's index: its counts, and when and how fast it was built."""
    built = datetime.fromisoformat(manifest.built_at).astimezone(UTC).strftime("%d %b %Y %H:%M UTC")
    ocr = f" · {len(manifest.ocr_pages)} read by OCR" if manifest.ocr else ""
    return (
        f"{manifest.slides} slides{ocr} · {manifest.tables} tables · {manifest.facts} figures  \n"
        f"Indexed {built} in {manifest.build_seconds:.1f} s"
    )


def refusal_headline(answer: Answer) -> str:
    """A refusal without its list of closest slides (the page offers them as buttons)."""
    return REFUSAL_TEXT if answer.answer.startswith(REFUSAL_TEXT) else answer.answer


def deck_cache_key(settings: Settings) -> str:
    """What makes one configured deck differ from another, for a per-process cache."""
    parts = (
        settings.index.deck,
        settings.index.dir,
        settings.index.embedding_model,
        settings.llm.provider,
        settings.llm.model,
    )
    return "|".join(str(part) for part in (*parts, settings.llm.base_url))


# The configured deck of each `deck_cache_key`, opened once per process.
_configured: dict[str, DeckQA] = {}
_configured_lock = threading.Lock()


def configured_deck(settings: Settings) -> DeckQA:
    """The deck `settings` configure, opened once per process: a second caller waits for
    the first (the chat server's start-up and the first page)."""
    key = deck_cache_key(settings)
    with _configured_lock:
        if key not in _configured:
            _configured[key] = DeckQA.load(settings)
        return _configured[key]


def preload_configured_deck() -> None:
    """Open and warm up the configured deck before the first visitor (`chat_server.py`),
    with pandas for its first table. A deck that cannot be opened is reported in one line
    and left to the page, which says why."""
    try:
        deck = configured_deck(Settings.from_env())
    except DeckQAError as error:
        print(f"The deck could not be opened: {error}", file=sys.stderr)
        return
    deck.warm_up()
    import pandas  # noqa: F401 - the first table's import, paid now


def table_frame(table_row: TableTrace) -> pd.DataFrame:
    """A source table from `answer.debug.table_rows` as a DataFrame of strings with
    unique column labels (repeated or blank headers get invisible suffixes)."""
    import pandas as pd

    header = list(table_row.header)
    rows = [list(row) for row in table_row.rows]
    width = max([len(header), *(len(row) for row in rows)], default=0)
    header += [""] * (width - len(header))
    columns: list[str] = []
    for name in header:
        label = name or INVISIBLE
        while label in columns:
            label += INVISIBLE
        columns.append(label)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in rows], columns=columns)


def table_styles(table_row: TableTrace) -> pd.DataFrame:
    """CSS for each cell of `table_frame(table_row)`: the matched row shaded, the
    matched cell (row_index, column) marked; every other cell unstyled."""
    import pandas as pd

    frame = table_frame(table_row)
    row_index, column = table_row.row_index, table_row.column
    styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
    if 0 <= row_index < len(frame):
        styles.iloc[row_index, :] = MATCHED_ROW_CSS
        if column in frame.columns:
            styles.loc[row_index, column] = MATCHED_CELL_CSS
    return styles


def highlighted_table(table_row: TableTrace) -> Styler:
    """The source table styled by `table_styles`, for `st.dataframe`."""
    styles = table_styles(table_row)
    return table_frame(table_row).style.apply(lambda _: styles, axis=None)


@functools.cache
def curated_examples() -> dict[str, tuple[str, ...]]:
    try:
        data = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {key: tuple(value) for key, value in data.items() if isinstance(value, list)}


def example_questions(deck: DeckQA) -> list[str]:
    """Questions to offer: curated ones for a document that has them (`EXAMPLES_FILE`),
    else one per content slide title (first few), phrased so the answer cites that slide."""
    curated = curated_examples().get(deck.index.manifest.deck_sha256)
    if curated:
        return list(curated)
    titles: list[str] = []
    for slide in deck.index.slides[1:]:
        title = slide.title.strip()
        if title and title.lower() not in GENERIC_TITLES and title != deck.title and title not in titles:
            titles.append(title)
    return [f"What does the deck say about {title}?" for title in titles[:EXAMPLES_FROM_TITLES]]


def conversation_markdown(turns: Sequence[ChatTurn], deck_title: str, exported_at: datetime | None = None) -> str:
    """The conversation as a Markdown document: each question, its answer, the figure
    and formula for numeric answers, and the cited slides with their passages."""
    when = (exported_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# Deck Q&A — {deck_title}", "", f"_Exported {when}_", ""]
    for number, turn in enumerate(turns, start=1):
        lines += [f"## {number}. {turn.question}", ""]
        if turn.answer is None:
            lines += [f"(viewed slide {turn.slide_view})", ""]
            continue
        answer = turn.answer
        lines += [answer.answer, ""]
        if answer.value is not None:
            period = f" ({answer.value.period})" if answer.value.period else ""
            lines.append(f"**Figure:** {format_figure(answer.value)}{period}")
            if answer.value.formula:
                lines.append(f"**Formula:** `{answer.value.formula}`")
            lines.append("")
        sources = answer.suggestions if answer.refused else answer.citations
        if sources:
            lines.append("**Closest slides:**" if answer.refused else "**Sources:**")
            for group in group_citations(sources):
                lines.append(f"- Slide {group.slide} — {group.title}" + (" (read by OCR)" if group.ocr else ""))
                lines += [f"  > {passage}" for passage in group.passages]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def feedback_record(turn: ChatTurn, rating: int, manifest: Manifest, at: datetime | None = None) -> dict[str, Any]:
    """One feedback line: when, which deck, the question, the answer, its citations,
    and the rating (`st.feedback("thumbs")` gives 1 for up, 0 for down)."""
    if turn.answer is None:
        raise ValueError("feedback is recorded for answers only")
    answer = turn.answer
    return {
        "timestamp": (at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "rating": "up" if rating == 1 else "down",
        "score": rating,
        "question": answer.question,
        "answer": answer.answer,
        "route": answer.route,
        "refused": answer.refused,
        "citations": [citation.model_dump() for citation in answer.citations],
        "value": answer.value.model_dump() if answer.value else None,
        "rewritten_question": answer.debug.rewritten_question,
        "deck_title": manifest.deck_title,
        "deck_sha256": manifest.deck_sha256,
        "turn_id": turn.turn_id,
    }


def append_feedback(path: Path, record: dict[str, Any]) -> None:
    """Append `record` as one JSON line to `path` (folders created as needed)."""
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _feedback_lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)


_shelves: dict[Path, LibraryQA] = {}
_shelves_lock = threading.Lock()


def shelf_for(settings: Settings) -> LibraryQA:
    """The document library the chat adds uploads to and asks across, one per process."""
    with _shelves_lock:
        folder = settings.library.dir
        if folder not in _shelves:
            _shelves[folder] = LibraryQA(open_library(settings.library), settings)
        return _shelves[folder]


def progress_step(stage: str, done: int, total: int) -> tuple[float, str]:
    """An index build's progress callback as (fraction 0..1, message): reading the
    slides is the first half, embedding the passages the second."""
    share = done / total if total else 1.0
    if stage == "pages":
        return 0.0, f"Reading {total} pages (about {estimated_ingest_seconds(total)} s)…"
    if stage == "read":
        return 0.5 * share, f"Reading slide {done} of {total}…"
    if stage == "ocr":
        if done == 0:
            return (
                0.1,
                f"{total} pages have no text layer: reading them with OCR (about {estimated_ocr_seconds(total)} s)…",
            )
        return 0.1 + 0.4 * share, f"Reading page {done} of {total} with OCR…"
    if stage == "embed":
        return 0.5 + 0.5 * share, f"Indexing passages ({done}/{total})…"
    return share, f"{stage} {done}/{total}…"


def add_uploaded_document(
    data: bytes,
    file_name: str,
    shelf: LibraryQA,
    collection: str,
    progress: Progress | None = None,
    password: str | None = None,
) -> Document:
    """Add an uploaded PDF to the library's `collection` (indexed once per content: the
    same file again is the same document) and return it. Raises `DeckError` with a
    one-line message naming the file when it is not a usable PDF; the library is then as
    it was. `password` opens an encrypted PDF that asks for one; it is not kept."""
    if not data:
        raise DeckError(f"{file_name} is empty")
    # The upload waits in the system temp folder until the library has read it.
    with tempfile.TemporaryDirectory(prefix="deckqa-upload-") as temp:
        deck_path = Path(temp) / _safe_pdf_name(file_name)
        deck_path.write_bytes(data)
        try:
            document, _ = shelf.add(
                deck_path, collection, password=password, progress=progress, file_name=Path(file_name).name
            )
        except DeckError as error:
            raise DeckError(str(error).replace(str(deck_path), file_name)) from error
    return document


def _safe_pdf_name(file_name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(file_name).name).strip("._") or "deck"
    return stem if stem.lower().endswith(".pdf") else f"{stem}.pdf"


class StreamedAnswer:
    """Wraps an LLM answerer's stream for `st.write_stream`: iterating yields the text
    pieces; afterwards `answer` holds the checked `Answer` the generator returned."""

    def __init__(self, pieces: Generator[str, None, Answer]) -> None:
        self._pieces = pieces
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        self.answer = yield from self._pieces
        if self.answer is None:
            raise RuntimeError("the LLM answerer's stream ended without returning its checked Answer")


def llm_stream_hook(deck: DeckQA, question: str, history: list[dict[str, str]]) -> StreamedAnswer | None:
    """The streaming hook: a `StreamedAnswer` when an LLM is configured and the deck can
    stream, else None (the caller then uses `deck.ask`). Expected deck method:
    `ask_stream(question, history, use_llm=True)`, the streaming twin of `ask`, returning
    a `llm.answerer.AnswerStream`, whose `generate()` yields the model's text and returns the
    checked `Answer`."""
    ask_stream: Callable[..., Any] | None = getattr(deck, "ask_stream", None)
    if deck.llm_answerer is None or not callable(ask_stream):
        return None
    return StreamedAnswer(ask_stream(question, history, use_llm=True).generate())


def llm_name(deck: DeckQA) -> str | None:
    """A label for the configured LLM answerer (None when there is none)."""
    if deck.llm_answerer is None:
        return None
    return str(getattr(deck.llm_answerer, "name", "") or "LLM")
