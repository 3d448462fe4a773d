"""The chat's non-drawing logic (`qa/ui_support.py`) on the real deck, index and model:
slide images, citations, figures, source tables, the Markdown export, the feedback
log and the upload swap with real bad files and the real index build."""

from __future__ import annotations

import io
import json
from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fpdf import FPDF
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from PIL import Image

from ingest.errors import DeckError
from ingest.index_store import Manifest
from interfaces.chat import (
    EXAMPLES_FILE,
    MATCHED_CELL_CSS,
    MATCHED_ROW_CSS,
    ChatTurn,
    StreamedAnswer,
    add_uploaded_document,
    answer_caption,
    append_feedback,
    badge_markers,
    configured_deck,
    conversation_markdown,
    deck_cache_key,
    example_questions,
    feedback_record,
    figure_label,
    format_figure,
    group_citations,
    highlighted_table,
    history_for,
    index_summary,
    llm_name,
    llm_stream_hook,
    preload_configured_deck,
    progress_step,
    refusal_headline,
    render_slide_png,
    shelf_for,
    table_frame,
    table_styles,
)
from llm.answerer import LLMAnswerer
from qa import Answer, Citation, DeckQA, Value
from qa.answer import TableTrace
from qa.settings import IndexSettings, LLMSettings, Settings
from tests.small_deck import small_deck_pdf

CASH_QUESTION = "What was cash and cash equivalents at Dec. 31, 2016?"
REVENUE_QUESTION = "What was total revenue in 1Q-3Q16?"
# Far above a fake model's reply time.
LLM_TIMEOUT_SECONDS = 10.0


def picture_only_pdf() -> bytes:
    """A PDF with a drawing and no text at all (what a scanned deck looks like)."""
    pdf = FPDF(orientation="L", unit="pt", format=(540, 960))
    pdf.add_page()
    pdf.rect(100, 100, 400, 200, style="F")
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def cash_answer(deck: DeckQA) -> Answer:
    return deck.ask(CASH_QUESTION)


@pytest.fixture(scope="module")
def revenue_answer(deck: DeckQA) -> Answer:
    return deck.ask(REVENUE_QUESTION)


def test_history_has_answered_turns_only(cash_answer: Answer) -> None:
    turns = [ChatTurn(CASH_QUESTION, cash_answer), ChatTurn("Show slide 28 · Revenues", slide_view=28)]
    assert history_for(turns) == [
        {"role": "user", "content": CASH_QUESTION},
        {"role": "assistant", "content": cash_answer.answer},
    ]


def test_citations_are_grouped_by_slide_in_citation_order() -> None:
    citations = [
        Citation(slide=11, title="Cloud", text="Combination with network"),
        Citation(slide=10, title="Cloud vs Competitors", text="Target large enterprises"),
        Citation(slide=11, title="Cloud", text="Reliability"),
        Citation(slide=11, title="Cloud", text="Combination with network"),
    ]
    groups = group_citations(citations)
    assert [(group.slide, group.title, group.passages) for group in groups] == [
        (11, "Cloud", ("Combination with network", "Reliability")),
        (10, "Cloud vs Competitors", ("Target large enterprises",)),
    ]


def test_slide_markers_become_badges() -> None:
    assert badge_markers("Up 16.3% [Slide 28]; see [Slide 3].") == (
        "Up 16.3% :blue-badge[Slide 28]; see :blue-badge[Slide 3]."
    )
    assert badge_markers("no markers [Slides]") == "no markers [Slides]"


def test_slide_renders_as_png(deck: DeckQA) -> None:
    png = render_slide_png(deck.index.pdf_path, 11)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (1440, 810), "960x540 pt page at 1.5x"
    assert len(set(image.convert("L").getdata())) > 2, "the slide has content, not a blank page"


@pytest.mark.parametrize("slide", [0, 44])
def test_slide_outside_the_deck_is_a_deck_error(deck: DeckQA, slide: int) -> None:
    with pytest.raises(DeckError, match=f"slide {slide} is not in"):
        render_slide_png(deck.index.pdf_path, slide)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Value(number=21266, unit="JPY million", raw="21,266"), "21,266 JPY million"),
        (Value(number=44.5, unit="%", raw="44.5%"), "44.5%"),
        (Value(number=8.6722, unit="%", formula="(21266 - 19569) / 19569 * 100"), "8.67%"),
        (Value(number=600, unit="count", raw="600"), "600"),
        (Value(number=158.0, unit="JPY billion"), "158 JPY billion"),
    ],
)
def test_figures_are_shown_as_printed_with_their_unit(value: Value, shown: str) -> None:
    assert format_figure(value) == shown


def test_numeric_answer_label_and_caption(cash_answer: Answer, deck: DeckQA) -> None:
    assert figure_label(cash_answer) == "Cash and Cash Equivalents · Dec. 31, 2016"
    assert answer_caption(cash_answer).startswith("Route: table lookup · ")
    followup = deck.ask("and for 1Q-3Q15?", [{"role": "user", "content": REVENUE_QUESTION}])
    assert answer_caption(followup).endswith("read as “What was total revenue in 1Q-3Q15?”")


def test_source_table_has_unique_columns_and_the_matched_cell_marked(revenue_answer: Answer) -> None:
    table_row = revenue_answer.debug.table_rows[0]
    frame = table_frame(table_row)
    assert frame.columns.is_unique
    assert [name.strip("\u200b") for name in frame.columns] == table_row.header, "repeated headers look the same"
    assert frame.iloc[0, 0] == "Total Revenues"
    styles = table_styles(table_row)
    matched_column = list(frame.columns).index(table_row.column)
    assert styles.iat[0, matched_column] == MATCHED_CELL_CSS
    assert [css for index, css in enumerate(styles.iloc[0]) if index != matched_column] == [MATCHED_ROW_CSS] * (
        len(frame.columns) - 1
    )
    assert (styles.iloc[1:] == "").all().all(), "other rows unstyled"
    assert MATCHED_CELL_CSS.split(";")[0] in highlighted_table(table_row).to_html()


def test_refusal_headline_drops_the_slide_listing(deck: DeckQA, cash_answer: Answer) -> None:
    refused = deck.ask("What were revenues in FY2019?")
    assert refused.refused and "closest slides" in refused.answer
    assert refusal_headline(refused) == "The deck doesn't cover that."
    assert refusal_headline(cash_answer) == cash_answer.answer


def test_cache_key_changes_with_the_deck_and_index(tmp_path: Path) -> None:
    first = Settings(index=IndexSettings(dir=tmp_path / "a"))
    assert deck_cache_key(first) == deck_cache_key(Settings(index=IndexSettings(dir=tmp_path / "a")))
    assert deck_cache_key(first) != deck_cache_key(Settings(index=IndexSettings(dir=tmp_path / "b")))
    assert deck_cache_key(first) != deck_cache_key(
        Settings(index=IndexSettings(dir=tmp_path / "a"), llm=LLMSettings(provider="ollama"))
    )


def test_table_with_ragged_rows_is_padded() -> None:
    ragged = TableTrace(
        table_id="t", slide=1, title="t", unit="", header=["Item", "FY15"],
        rows=[["Revenue", "99.38", "extra"], ["Cost"]], row_index=0, column="FY15",
    )  # fmt: skip
    frame = table_frame(ragged)
    assert frame.shape == (2, 3)
    assert frame.iloc[1].tolist() == ["Cost", "", ""]


def test_conversation_exports_as_markdown(deck: DeckQA, cash_answer: Answer) -> None:
    refused = deck.ask("What were revenues in FY2019?")
    turns = [ChatTurn(CASH_QUESTION, cash_answer), ChatTurn("What were revenues in FY2019?", refused)]
    turns.append(ChatTurn("Show slide 28 · Revenues", slide_view=28))
    text = conversation_markdown(turns, deck.title, exported_at=datetime(2017, 2, 1, 9, 30, tzinfo=UTC))
    assert text.startswith(f"# Deck Q&A — {deck.title}\n\n_Exported 2017-02-01 09:30 UTC_\n")
    assert f"## 1. {CASH_QUESTION}\n\n{cash_answer.answer}\n" in text
    assert "**Figure:** 21,266 JPY million (Dec. 31, 2016)" in text
    assert "**Sources:**\n- Slide 37 — Consolidated Balance Sheets (Summary)\n  > Cash and Cash Equivalents" in text
    assert "## 2. What were revenues in FY2019?\n\nThe deck doesn't cover that." in text
    assert "**Closest slides:**\n- Slide " in text
    assert "## 3. Show slide 28 · Revenues\n\n(viewed slide 28)" in text


def test_feedback_lines_are_appended(tmp_path: Path, cash_answer: Answer, deck: DeckQA) -> None:
    path = tmp_path / "nested" / "feedback.jsonl"
    turn = ChatTurn(CASH_QUESTION, cash_answer)
    append_feedback(path, feedback_record(turn, 1, deck.index.manifest))
    append_feedback(path, feedback_record(turn, 0, deck.index.manifest))
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [record["rating"] for record in records] == ["up", "down"]
    first = records[0]
    assert first["question"] == CASH_QUESTION and first["answer"] == cash_answer.answer
    assert first["citations"] == [citation.model_dump() for citation in cash_answer.citations]
    assert first["deck_sha256"] == deck.index.manifest.deck_sha256
    assert datetime.fromisoformat(first["timestamp"]).tzinfo is not None
    with pytest.raises(ValueError, match="answers only"):
        feedback_record(ChatTurn("Show slide 2", slide_view=2), 1, deck.index.manifest)


def test_examples_for_the_bundled_deck_are_answered(deck: DeckQA) -> None:
    curated = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))[deck.index.manifest.deck_sha256]
    assert example_questions(deck) == curated and len(curated) == 4
    for question in curated:
        answer = deck.ask(question)
        assert not answer.refused and answer.citations, question


def test_index_summary_gives_counts_and_build_time(deck: DeckQA) -> None:
    manifest = deck.index.manifest
    counts, built = index_summary(manifest).split("  \n")
    assert counts == f"{manifest.slides} slides · {manifest.tables} tables · {manifest.facts} figures"
    assert built.startswith("Indexed ") and built.endswith(f" UTC in {manifest.build_seconds:.1f} s")


def test_progress_covers_reading_then_embedding() -> None:
    assert progress_step("read", 0, 43)[0] == 0.0
    assert progress_step("read", 43, 43) == (0.5, "Reading slide 43 of 43…")
    assert progress_step("embed", 18, 18)[0] == 1.0
    assert 0.5 < progress_step("embed", 9, 18)[0] < 1.0


BAD_FILES = {
    "text-named-pdf": b"Quarterly notes, plain text.\n",
    "empty": b"",
    "truncated": None,  # the bundled deck cut in half
    "no-text": None,  # a drawing, no text
}


def _library_settings(settings: Settings, folder: Path) -> Settings:
    return settings.model_copy(update={"library": settings.library.model_copy(update={"dir": folder})})


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_upload_raises_and_leaves_the_library_as_it_was(
    kind: str, tmp_path: Path, deck: DeckQA, deck_pdf: Path, settings: Settings
) -> None:
    data = {"truncated": deck_pdf.read_bytes()[:20000], "no-text": picture_only_pdf()}.get(kind, BAD_FILES[kind])
    assert data is not None
    shelf = shelf_for(_library_settings(settings, tmp_path / "library"))
    with pytest.raises(DeckError) as raised:
        add_uploaded_document(data, f"{kind}.pdf", shelf, "default")
    message = str(raised.value)
    assert f"{kind}.pdf" in message and "deckqa-upload-" not in message, "names the upload, not a temp path"
    assert "\n" not in message
    assert not shelf.library.documents() and not any((tmp_path / "library" / "documents").iterdir())
    assert deck.ask(CASH_QUESTION).value is not None, "the current deck still answers"


def test_good_upload_lands_in_the_library_and_answers(tmp_path: Path, settings: Settings) -> None:
    shelf = shelf_for(_library_settings(settings, tmp_path / "library"))
    stages: list[str] = []
    document = add_uploaded_document(
        small_deck_pdf(), "acme deck (final).pdf", shelf, "team", progress=lambda stage, *_: stages.append(stage)
    )
    assert document.title == "Acme Robotics Investor Update" and document.file_name == "acme deck (final).pdf"
    assert document.collections == ("team",)
    assert [path.name for path in (tmp_path / "library" / "documents").iterdir()] == [document.id]
    assert {"read", "embed"} <= set(stages)
    uploaded = shelf.deck(document)
    answer = uploaded.ask("What does Acme build?")
    assert [citation.slide for citation in answer.citations] == [2]
    assert example_questions(uploaded) == ["What does the deck say about Warehouse Robots?"]
    built_at = uploaded.index.manifest.built_at
    again = add_uploaded_document(small_deck_pdf(), "acme.pdf", shelf, "team")
    assert again.id == document.id
    assert Manifest.read(shelf.deck(again).index.folder).built_at == built_at, "not indexed twice"  # type: ignore[union-attr]


# Slide 9 says IIJ launched its cloud services in FY10; the stand-in model says so too.
CLOUD_QUESTION = "When did IIJ launch cloud services?"
MODEL_REPLY = "IIJ launched its cloud services in FY10 [Slide 9]."


def with_fake_llm(deck: DeckQA, reply: str) -> DeckQA:
    """The real deck with the real LLM answerer over langchain's fake chat model, which
    stands in for a hosted LLM (none can run here)."""
    model = FakeListChatModel(responses=[reply])
    return DeckQA(deck.index, LLMAnswerer(model, timeout=LLM_TIMEOUT_SECONDS, index=deck.index, name="stand-in"))


def test_stream_hook_streams_the_model_then_gives_the_checked_answer(deck: DeckQA) -> None:
    with_llm = with_fake_llm(deck, MODEL_REPLY)
    assert llm_name(with_llm) == "stand-in"
    streamed = llm_stream_hook(with_llm, CLOUD_QUESTION, [])
    assert isinstance(streamed, StreamedAnswer)
    pieces = list(streamed)
    assert len(pieces) > 1, "the reply arrives in pieces"
    assert "".join(pieces) == MODEL_REPLY
    assert streamed.answer is not None
    assert streamed.answer.debug.answerer == "llm", streamed.answer.debug
    assert [citation.slide for citation in streamed.answer.citations] == [9]


def test_rejected_stream_ends_with_the_extractive_answer(deck: DeckQA) -> None:
    streamed = llm_stream_hook(
        with_fake_llm(deck, "IIJ launched cloud services in FY99 [Slide 9]."), CLOUD_QUESTION, []
    )
    assert streamed is not None
    list(streamed)
    assert streamed.answer is not None
    assert streamed.answer.debug.answerer == "extractive-fallback"
    assert streamed.answer.answer == deck.ask(CLOUD_QUESTION, use_llm=False).answer, "the page shows this instead"


def test_no_stream_and_no_llm_name_without_an_llm(deck: DeckQA) -> None:
    assert deck.llm_answerer is None and llm_name(deck) is None
    assert llm_stream_hook(deck, CASH_QUESTION, []) is None


def test_stream_without_a_final_answer_is_an_error() -> None:
    def pieces() -> Generator[str, None, Answer]:
        yield "half an answer"
        return None  # type: ignore[return-value]

    with pytest.raises(RuntimeError, match="without returning its checked Answer"):
        list(StreamedAnswer(pieces()))


def test_the_chat_server_opens_the_configured_deck_once_before_the_first_page() -> None:
    preload_configured_deck()
    settings = Settings.from_env()
    assert configured_deck(settings) is configured_deck(settings)  # the page gets the one opened
    assert configured_deck(settings).title == "Internet Initiative Japan Inc. Corporate Overview, February 2017"


def test_a_deck_that_cannot_open_at_start_up_is_reported_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DECKQA_DECK", str(tmp_path / "missing.pdf"))
    monkeypatch.setenv("DECKQA_INDEX_DIR", str(tmp_path / "index"))
    preload_configured_deck()  # the page then says why, in its error box
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("The deck could not be opened:") and "missing.pdf" in line
