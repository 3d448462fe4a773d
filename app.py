"""Deck Q&A: the Streamlit chat. Ask about the deck in plain words; every answer cites
its slides. This file only draws; the logic lives in `qa/ui_support.py`.

Run: `streamlit run app.py` (embed in a portal with `?embed=true`).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from ingest.errors import DeckError, DeckQAError
from ingest.index_store import Manifest
from interfaces.chat import (
    MAX_UPLOAD_MB,
    ChatTurn,
    SlideCitations,
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
    progress_step,
    refusal_headline,
    render_slide_png,
    shelf_for,
)
from qa import Answer, DeckQA, QuestionError
from qa.settings import Settings
from understand.question import MAX_QUESTION_CHARS

PAGE_ICON = ":material/slideshow:"
ASSISTANT_AVATAR = ":material/slideshow:"
INPUT_PLACEHOLDER = "Ask about the deck, e.g. “What was operating income in 1Q-3Q16?”"
# Slide images kept in memory: at most 150 KB each, so under 40 MB.
SLIDE_IMAGE_CACHE_ENTRIES = 256
# st.dataframe's row height; tables up to 20 rows (all of this deck's) show unscrolled,
# so the highlighted row is always in view.
DATAFRAME_ROW_PX = 35
TABLE_ROWS_SHOWN = 20
EXTRACTIVE = "extractive"
LLM = "llm"


@st.cache_resource(show_spinner=False)
def warm_up(_deck: DeckQA, cache_key: str) -> threading.Thread:
    """`_deck.warm_up()` in the background, once per process (per `cache_key`): started
    once the first page is drawn, so the first answer is as fast as the next without
    holding up the page."""
    thread = threading.Thread(target=_deck.warm_up, name="warm-up", daemon=True)
    thread.start()
    return thread


@st.cache_data(max_entries=SLIDE_IMAGE_CACHE_ENTRIES, show_spinner=False)
def slide_image(deck_sha256: str, slide: int, _pdf_path: str) -> bytes:
    """PNG of one slide, cached by (deck sha256, slide number)."""
    return render_slide_png(Path(_pdf_path), slide)


def table_height(rows: int) -> int:
    """Pixels for a dataframe that shows every row (up to TABLE_ROWS_SHOWN) unscrolled."""
    return (min(rows, TABLE_ROWS_SHOWN) + 1) * DATAFRAME_ROW_PX + 3


def init_state() -> None:
    st.session_state.setdefault("turns", [])
    st.session_state.setdefault("uploaded_deck", None)
    st.session_state.setdefault("handled_upload", None)
    st.session_state.setdefault("upload_error", None)
    st.session_state.setdefault("upload_notice", None)
    st.session_state.setdefault("library_selection", [])


def ask_later(question: str) -> None:
    st.session_state["pending_question"] = question


def show_slide(slide: int, title: str) -> None:
    st.session_state["turns"].append(ChatTurn(question=f"Show slide {slide} · {title}", slide_view=slide))


def clear_chat() -> None:
    st.session_state["turns"] = []


def use_deck(deck: DeckQA | None) -> None:
    """Swap the session to `deck` (None: the configured one); the chat starts over."""
    st.session_state["uploaded_deck"] = deck
    st.session_state["turns"] = []


def record_feedback(turn: ChatTurn, manifest: Manifest, feedback_file: Path) -> None:
    rating = st.session_state.get(f"feedback-{turn.turn_id}")
    if rating is None:
        return
    append_feedback(feedback_file, feedback_record(turn, rating, manifest))
    st.toast("Thanks, your rating was saved.", icon=":material/check:")


def library_deck(document_id: str | None) -> DeckQA | None:
    """The library document a citation names, opened (None: the chat's own deck)."""
    if document_id is None:
        return None
    shelf = shelf_for(Settings.from_env())
    document = shelf.library.get(document_id)
    return shelf.deck(document) if document is not None else None


def draw_slide(deck: DeckQA, slide: int) -> None:
    try:
        image = slide_image(deck.index.manifest.deck_sha256, slide, str(deck.index.pdf_path))
    except DeckError as error:
        st.warning(str(error))
        return
    st.image(image, width="stretch", alt=f"Slide {slide}: {deck.index.slide(slide).title}")


def draw_citations(deck: DeckQA, groups: list[SlideCitations], heading: str) -> None:
    st.markdown(f"**{heading}**")
    for group in groups:
        icon = ":material/document_scanner:" if group.ocr else ":material/slideshow:"
        with st.expander(group.label, icon=icon):
            picture, passages = st.columns([3, 2], gap="medium")
            with picture:
                draw_slide(library_deck(group.document) or deck, group.slide)
            with passages:
                st.caption("Cited passages")
                st.markdown("\n".join(f"- {passage}" for passage in group.passages))


def draw_figure(answer: Answer) -> None:
    assert answer.value is not None
    value = answer.value
    st.metric(
        figure_label(answer),
        format_figure(value),
        help=f"Period: {value.period}" if value.period else None,
        border=True,
        width="content",
    )
    if value.formula:
        st.markdown(f"Computed as `{value.formula}`")


def draw_source_tables(answer: Answer) -> None:
    for table_row in answer.debug.table_rows:
        label = f"Source table · Slide {table_row.slide} · {table_row.title}"
        unit = table_row.unit
        with st.expander(label + (f" ({unit})" if unit else ""), expanded=True, icon=":material/table:"):
            rows = len(table_row.rows)
            st.dataframe(highlighted_table(table_row), hide_index=True, width="stretch", height=table_height(rows))
            st.caption("The highlighted cell is the figure in the answer.")


def draw_refusal(deck: DeckQA, turn: ChatTurn, answer: Answer) -> None:
    st.info(badge_markers(refusal_headline(answer)), icon=":material/search_off:")
    if answer.suggestions:
        st.caption("The closest slides, in case they help:")
        with st.container(horizontal=True):
            for suggestion in answer.suggestions:
                st.button(
                    f"Show slide {suggestion.slide} · {suggestion.title}",
                    key=f"suggest-{turn.turn_id}-{suggestion.slide}",
                    icon=":material/slideshow:",
                    on_click=show_slide,
                    args=(suggestion.slide, suggestion.title),
                )


def draw_answer(deck: DeckQA, turn: ChatTurn, feedback_file: Path) -> None:
    answer = turn.answer
    assert answer is not None
    if answer.refused:
        draw_refusal(deck, turn, answer)
    else:
        if answer.value is not None:
            draw_figure(answer)
        st.markdown(badge_markers(answer.answer))
        draw_source_tables(answer)
        draw_citations(deck, group_citations(answer.citations), "Sources")
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(answer_caption(answer))
        st.feedback(
            "thumbs",
            key=f"feedback-{turn.turn_id}",
            on_change=record_feedback,
            args=(turn, deck.index.manifest, feedback_file),
        )


def draw_slide_view(deck: DeckQA, slide: int) -> None:
    record = deck.index.slide(slide)
    st.markdown(f"**Slide {slide} · {record.title}**")
    draw_slide(deck, slide)
    with st.expander("Slide text", icon=":material/notes:"):
        st.text(record.text)


def draw_turn(deck: DeckQA, turn: ChatTurn, feedback_file: Path) -> None:
    with st.chat_message("user"):
        st.markdown(turn.question)
    with st.chat_message("assistant", avatar=ASSISTANT_AVATAR):
        if turn.slide_view is not None:
            draw_slide_view(deck, turn.slide_view)
        else:
            draw_answer(deck, turn, feedback_file)


def ask_and_draw(deck: DeckQA, question: str, use_llm: bool, feedback_file: Path) -> None:
    """Answer `question` (the earlier turns as history), drawing it as it arrives."""
    turns: list[ChatTurn] = st.session_state["turns"]
    history = history_for(turns)
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant", avatar=ASSISTANT_AVATAR):
        try:
            across = bool(st.session_state["library_selection"])
            streamed = llm_stream_hook(deck, question, history) if use_llm and not across else None
            if streamed is not None:
                # The raw stream is replaced by the checked answer once it is complete.
                slot = st.empty()
                with slot.container():
                    st.write_stream(streamed)
                slot.empty()
                answer = streamed.answer
            elif st.session_state["library_selection"]:
                shelf = shelf_for(Settings.from_env())
                chosen = set(st.session_state["library_selection"])
                documents = [document for document in shelf.library.documents() if document.id in chosen]
                with st.spinner(f"Searching {len(documents)} documents…"):
                    answer = shelf.ask(question, documents, history)
            else:
                with st.spinner("Searching the deck…"):
                    answer = deck.ask(question, history, use_llm=use_llm)
        except QuestionError as error:
            st.warning(str(error), icon=":material/edit_note:")
            return
        assert answer is not None
        turn = ChatTurn(question=question, answer=answer)
        turns.append(turn)
        draw_answer(deck, turn, feedback_file)


def handle_upload(settings: Settings) -> None:
    """Add a newly uploaded PDF to the library (with a progress bar) and swap the session
    to it; a bad file leaves the current deck in place and says why."""
    uploaded = st.file_uploader(
        "Upload a deck (PDF)",
        type=["pdf"],
        max_upload_size=MAX_UPLOAD_MB,
        key="deck_upload",
        help="The deck is indexed on this server; the chat then answers from it.",
    )
    password = st.text_input(
        "PDF password",
        type="password",
        key="deck_password",
        help="Only for a PDF that asks for a password to open; it is used once and not kept.",
    )
    # A new password retries the same file (one that asked for it).
    attempt = f"{uploaded.file_id}:{hashlib.sha256(password.encode()).hexdigest()}" if uploaded else None
    if uploaded is None or attempt == st.session_state["handled_upload"]:
        if st.session_state["upload_error"] and uploaded is not None:
            st.error(st.session_state["upload_error"], icon=":material/error:")
        return
    st.session_state["handled_upload"] = attempt
    st.session_state["upload_error"] = None
    bar = st.progress(0.0, text="Reading the deck…")

    def progress(stage: str, done: int, total: int) -> None:
        fraction, text = progress_step(stage, done, total)
        bar.progress(fraction, text=text)

    shelf = shelf_for(settings)
    try:
        document = add_uploaded_document(
            uploaded.getvalue(),
            uploaded.name,
            shelf,
            settings.library.collection,
            progress,
            password=password or None,
        )
        deck = shelf.deck(document)
    except DeckError as error:
        bar.empty()
        st.session_state["upload_error"] = f"Could not use {uploaded.name}: {error}. The current deck stays."
        st.error(st.session_state["upload_error"], icon=":material/error:")
        return
    bar.empty()
    use_deck(deck)
    st.session_state["library_selection"] = []
    st.session_state["upload_notice"] = (
        f"Now answering from “{deck.title}” ({len(deck.index.slides)} slides); "
        f"it is kept in the library ({settings.library.collection})."
    )
    st.rerun()


def draw_library(settings: Settings) -> None:
    """The collection's documents: choose several to ask across them."""
    documents = shelf_for(settings).library.documents({settings.library.collection})
    if not documents:
        return
    labels = {document.id: f"{document.label} ({document.pages} p.)" for document in documents}
    st.session_state["library_selection"] = [
        chosen for chosen in st.session_state["library_selection"] if chosen in labels
    ]
    st.multiselect(
        f"Ask across documents · {settings.library.collection}",
        options=list(labels),
        format_func=labels.__getitem__,
        key="library_selection",
        placeholder="Choose documents",
        help="Answers come from every chosen document, each citation naming its document. "
        "None chosen: the deck above answers.",
    )


def draw_sidebar(deck: DeckQA, configured: DeckQA, settings: Settings) -> bool:
    """The deck facts, examples, answer mode and upload. Returns use_llm."""
    manifest = deck.index.manifest
    with st.sidebar:
        st.markdown(f"**{deck.title}**")
        st.caption(index_summary(manifest))
        if st.session_state["uploaded_deck"] is not None:
            st.button("Back to the original deck", icon=":material/undo:", on_click=use_deck, args=(None,))
        st.markdown("**Try asking**")
        for number, question in enumerate(example_questions(deck)):
            st.button(question, key=f"example-side-{number}", on_click=ask_later, args=(question,), width="stretch")
        name = llm_name(deck)
        mode = st.radio(
            "Answer mode",
            [EXTRACTIVE, LLM] if name else [EXTRACTIVE],
            format_func=lambda choice: "Extractive (quotes the slides)" if choice == EXTRACTIVE else f"LLM: {name}",
            captions=None if name else ["No LLM configured (DECKQA_LLM)."],
            key="answer_mode",
        )
        st.divider()
        handle_upload(settings)
        if st.session_state["upload_notice"]:
            st.success(st.session_state.pop("upload_notice"), icon=":material/check_circle:")
        draw_library(settings)
    return mode == LLM


def draw_chat_tools(deck: DeckQA) -> None:
    """Clear and download, drawn after the conversation so they include this run's answer."""
    turns: list[ChatTurn] = st.session_state["turns"]
    with st.sidebar:
        st.divider()
        with st.container(horizontal=True):
            st.button("Clear chat", icon=":material/delete_sweep:", on_click=clear_chat, disabled=not turns)
            st.download_button(
                "Download chat",
                data=conversation_markdown(turns, deck.title),
                file_name="deck-qa-conversation.md",
                mime="text/markdown",
                icon=":material/download:",
                on_click="ignore",
                disabled=not turns,
            )


def draw_welcome(deck: DeckQA) -> None:
    with st.container(border=True):
        st.markdown("#### Ask anything about the deck")
        st.caption(
            "Answers quote the slides they come from, figures come straight from the deck's tables, "
            "and when the deck doesn't say, you'll be told so."
        )
        with st.container(horizontal=True):
            for number, question in enumerate(example_questions(deck)):
                st.button(question, key=f"example-main-{number}", on_click=ask_later, args=(question,))


def main(load_deck: Callable[[Settings], DeckQA] = configured_deck) -> None:
    """Draw the page. `load_deck` opens the configured deck (tests pass one with a
    stand-in LLM answerer)."""
    # Framed in a portal (?embed=true) the chat gets the whole width; the sidebar stays a click away.
    sidebar = "collapsed" if st.context.is_embedded else "auto"
    st.set_page_config(page_title="Deck Q&A", page_icon=PAGE_ICON, layout="wide", initial_sidebar_state=sidebar)
    init_state()
    try:
        settings = Settings.from_env()
        with st.spinner("Loading the deck…", show_time=True):
            configured = load_deck(settings)
    except DeckQAError as error:
        st.error(f"The deck could not be loaded: {error}", icon=":material/error:")
        st.stop()
    use_llm = draw_sidebar(st.session_state["uploaded_deck"] or configured, configured, settings)
    deck: DeckQA = st.session_state["uploaded_deck"] or configured
    st.markdown(f"## {PAGE_ICON} Deck Q&A")
    across = len(st.session_state["library_selection"])
    documents = f"{across} document" + ("s" if across > 1 else "")
    st.caption(f"Across {documents} of the library" if across else f"{deck.title} · {len(deck.index.slides)} slides")
    # The chat input is pinned to the bottom of the page wherever it is called.
    prompt: Any = st.chat_input(INPUT_PLACEHOLDER, max_chars=MAX_QUESTION_CHARS)
    question = prompt or st.session_state.pop("pending_question", None)
    turns: list[ChatTurn] = st.session_state["turns"]
    if not turns and not question:
        draw_welcome(deck)
    for turn in turns:
        draw_turn(deck, turn, settings.ui.feedback_file)
    if question:
        ask_and_draw(deck, question, use_llm, settings.ui.feedback_file)
    draw_chat_tools(deck)
    warm_up(configured, deck_cache_key(settings))


if __name__ == "__main__":  # `streamlit run app.py` runs this file as __main__
    main()
