"""The Streamlit chat, driven headless through `streamlit.testing.v1.AppTest` with the
real deck, index and model: what a user sees after asking, rating and uploading."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from qa.deckqa import DeckQA
from tests.small_deck import small_deck_pdf

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = str(REPO_ROOT / "app.py")
# The first run loads the index and the model (and may build the index): generous.
FIRST_RUN_SECONDS = 120


@pytest.fixture
def feedback_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "feedback.jsonl"
    monkeypatch.setenv("DECKQA_FEEDBACK_FILE", str(path))
    return path


@pytest.fixture
def app(feedback_file: Path, deck: DeckQA) -> AppTest:
    """The app after its first run, on the bundled deck (index built by `deck`)."""
    app = AppTest.from_file(APP, default_timeout=FIRST_RUN_SECONDS)
    app.run(timeout=FIRST_RUN_SECONDS)
    assert not app.exception, [error.value for error in app.exception]
    return app


@pytest.fixture
def app_with_private_index(
    tmp_path: Path, feedback_file: Path, deck: DeckQA, monkeypatch: pytest.MonkeyPatch
) -> AppTest:
    """The app on a copy of the bundled index in tmp_path, with its library there too, so
    uploads land in tmp_path/library and nothing is left in the repository."""
    index_dir = tmp_path / "index"
    shutil.copytree(deck.index.folder, index_dir)
    monkeypatch.setenv("DECKQA_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("DECKQA_LIBRARY_DIR", str(tmp_path / "library"))
    app = AppTest.from_file(APP, default_timeout=FIRST_RUN_SECONDS)
    app.run(timeout=FIRST_RUN_SECONDS)
    assert not app.exception, [error.value for error in app.exception]
    return app


def app_with_stand_in_llm() -> None:
    """The app on the real deck with the real LLM answerer over langchain's fake chat
    model, standing in for a hosted LLM (none can run here). Runs as an AppTest script."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    import app
    from llm.answerer import LLMAnswerer
    from qa.deckqa import DeckQA

    def with_llm(settings):
        deck = app.configured_deck(settings)
        model = FakeListChatModel(responses=["IIJ launched its cloud services in FY10 [Slide 9]."])
        return DeckQA(deck.index, LLMAnswerer(model, timeout=10.0, index=deck.index, name="stand-in"))

    app.main(with_llm)


def ask(app: AppTest, question: str) -> Block:
    """Type `question` into the chat input; the assistant's message that answers it."""
    app.chat_input[0].set_value(question).run(timeout=FIRST_RUN_SECONDS)
    assert not app.exception, [error.value for error in app.exception]
    assert app.chat_message[-2].markdown[0].value == question
    return app.chat_message[-1]


def texts(block: Block) -> str:
    return "\n".join(element.value for element in block.markdown)


def test_first_load_shows_the_deck_and_examples(app: AppTest) -> None:
    assert "Internet Initiative Japan" in app.sidebar.markdown[0].value
    assert "43 slides" in app.sidebar.caption[0].value
    assert app.chat_input[0].placeholder.startswith("Ask about the deck")
    examples = [button.label for button in app.button if (button.key or "").startswith("example-main-")]
    assert "What are IIJ's cloud competitive advantages?" in examples
    assert app.radio(key="answer_mode").options == ["Extractive (quotes the slides)"]
    assert app.download_button[0].disabled


def test_descriptive_answer_cites_slide_11_with_its_image(app: AppTest) -> None:
    message = ask(app, "What are IIJ's cloud competitive advantages?")
    answer = message.markdown[0].value
    assert ":blue-badge[Slide" in answer and len(answer) > 40
    sources = {expander.label: expander for expander in message.expander}
    slide_11 = next((block for label, block in sources.items() if label.startswith("Slide 11 · ")), None)
    assert slide_11 is not None, f"no citation of slide 11 in {list(sources)}; answer: {answer}"
    assert slide_11.image[0].value, "the slide image is rendered"
    assert "- Combination with network, security services and SI" in texts(slide_11), "the cited passage is shown"
    assert "Route: text passages" in message.caption[-1].value


def test_numeric_answer_shows_the_figure_and_its_table(app: AppTest) -> None:
    message = ask(app, "What was cash and cash equivalents at Dec. 31, 2016?")
    metric = message.metric[0]
    assert metric.value == "21,266 JPY million"
    assert "Dec. 31, 2016" in metric.label
    table = message.dataframe[0].value
    assert "21,266" in table.to_numpy().tolist()[0]
    assert any(label.startswith("Source table · Slide 37") for label in (e.label for e in message.expander))
    assert "Route: table lookup" in message.caption[-1].value


def test_out_of_scope_question_is_refused_and_offers_slides(app: AppTest) -> None:
    message = ask(app, "What were revenues in FY2019?")
    assert message.info[0].value == "The deck doesn't cover that."
    assert not message.metric and not message.expander
    suggestions = [button for button in message.button if (button.key or "").startswith("suggest-")]
    assert suggestions, "the closest slides are offered"
    suggestions[0].click().run()
    view = app.chat_message[-1]
    assert view.markdown[0].value.startswith(f"**Slide {suggestions[0].label.split()[2]} · ")
    assert view.image[0].value, "clicking a suggestion shows that slide"


def test_follow_up_is_answered_in_context(app: AppTest) -> None:
    ask(app, "What was total revenue in 1Q-3Q16?")
    message = ask(app, "and for 1Q-3Q15?")
    assert message.metric[0].value == "99.38 JPY billion"
    assert "read as “What was total revenue in 1Q-3Q15?”" in message.caption[-1].value


def test_example_button_asks_its_question(app: AppTest) -> None:
    app.button(key="example-main-2").click().run()
    assert app.chat_message[0].markdown[0].value == "What was operating income in 1Q-3Q16?"
    assert app.chat_message[1].metric, "the example's figure is shown"
    assert not app.download_button[0].disabled


def test_feedback_is_appended_to_the_jsonl(app: AppTest, feedback_file: Path) -> None:
    message = ask(app, "What was cash and cash equivalents at Dec. 31, 2016?")
    message.feedback[0].set_value(0).run()
    lines = feedback_file.read_text().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["rating"] == "down"
    assert record["question"] == "What was cash and cash equivalents at Dec. 31, 2016?"
    assert "21,266" in record["answer"]
    assert record["citations"][0]["slide"] == 37
    assert record["timestamp"]


def test_clear_chat_empties_the_conversation(app: AppTest) -> None:
    ask(app, "What was operating income in 1Q-3Q16?")
    next(button for button in app.sidebar.button if button.label == "Clear chat").click().run()
    assert not app.chat_message
    assert app.download_button[0].disabled


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.pdf", b"Quarterly notes, plain text, not a PDF.\n"),
        ("half.pdf", (REPO_ROOT / "data" / "deck.pdf").read_bytes()[:20000]),
    ],
    ids=["text-named-pdf", "truncated-pdf"],
)
def test_bad_upload_is_refused_and_the_deck_stays(app_with_private_index: AppTest, name: str, content: bytes) -> None:
    app = app_with_private_index
    app.file_uploader[0].upload(name, content, "application/pdf").run()
    assert not app.exception
    errors = [error.value for error in app.sidebar.error]
    assert len(errors) == 1 and errors[0].startswith(f"Could not use {name}: ") and "current deck stays" in errors[0]
    assert "Internet Initiative Japan" in app.sidebar.markdown[0].value
    message = ask(app, "What was cash and cash equivalents at Dec. 31, 2016?")
    assert message.metric[0].value == "21,266 JPY million"


def test_good_upload_swaps_the_deck(app_with_private_index: AppTest, tmp_path: Path) -> None:
    app = app_with_private_index
    ask(app, "What was operating income in 1Q-3Q16?")
    app.file_uploader[0].upload("acme.pdf", small_deck_pdf(), "application/pdf").run()
    assert not app.exception
    assert app.sidebar.markdown[0].value == "**Acme Robotics Investor Update**"
    assert "Now answering from “Acme Robotics Investor Update”" in app.sidebar.success[0].value
    assert not app.chat_message, "the chat starts over on the new deck"
    folders = [path.name for path in (tmp_path / "library" / "documents").iterdir()]
    assert len(folders) == 1 and len(folders[0]) == 16, f"indexed in the library, by content: {folders}"
    message = ask(app, "What does Acme build?")
    assert "autonomous warehouse robots" in message.markdown[0].value
    assert message.expander[0].label == "Slide 2 · Warehouse Robots"
    next(button for button in app.sidebar.button if button.label == "Back to the original deck").click().run()
    assert "Internet Initiative Japan" in app.sidebar.markdown[0].value


def test_llm_mode_streams_and_shows_the_checked_answer(feedback_file: Path, deck: DeckQA) -> None:
    app = AppTest.from_function(app_with_stand_in_llm, default_timeout=FIRST_RUN_SECONDS)
    app.run()
    assert not app.exception, [error.value for error in app.exception]
    mode = app.radio(key="answer_mode")
    assert mode.options == ["Extractive (quotes the slides)", "LLM: stand-in"]
    mode.set_value("llm").run()
    message = ask(app, "When did IIJ launch cloud services?")
    shown = [element.value for element in message.markdown if element.value.startswith("IIJ launched")]
    assert shown == ["IIJ launched its cloud services in FY10 :blue-badge[Slide 9]."], "the checked answer, once"
    assert message.expander[0].label.startswith("Slide 9 · ")
    mode.set_value("extractive").run()
    extractive = ask(app, "When did IIJ launch cloud services?")
    assert extractive.markdown[0].value != message.markdown[0].value, "extractive mode does not use the LLM"
