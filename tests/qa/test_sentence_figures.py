"""Figures stated in a slide's sentences: a count spelled out, a year shortened with an
apostrophe, what the figure beside the asked words counts, and a year asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from figures.lookup import counted_words
from figures.term_index import stem
from ingest.records import Chunk
from qa.deckqa import DeckQA
from qa.figure_answer import text_figure_answer
from qa.settings import Settings
from retriever.hits import Hit, SlideHit
from tests.small_deck import text_deck_pdf

SLIDES = [
    ("Field Survey", ["The training for field staff lasted four days, and 48 interviewers ran the survey."]),
    ("Delivery Framework", ["The framework supports four delivery lifecycles for project teams."]),
    ("Twitter at 400M Tweets Per Day in Jun '12", ["Source: company blog and news reports"]),
    ("About the Bank", ["Founded in 1690, the bank serves 48 million customers worldwide."]),
    (
        "A Music Story Growing From Television",
        [
            "As of February, Empire ranked as the No.1 show on network television.",
            "At 382,000 each airing, the show garners the highest average tweets per episode.",
        ],
    ),
    ("Course at a Glance", ["Minutes 70,000 watched online", "429 clicks on lecture videos"]),
    ("This has resulted in over $4.4 BN", ["in venture-backed exits in Germany during the last 24 months"]),
    ("Globex", ["Globex lends money to 48 million customers", "325 years of history, founded in 1690"]),
    ("Survey Method", ["For Wave II of the polls, 72 personnel did the fieldwork after a two-week training."]),
]


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> DeckQA:
    path: Path = tmp_path_factory.mktemp("survey") / "survey.pdf"
    path.write_bytes(text_deck_pdf(SLIDES))
    return DeckQA.load(settings.for_document(path))


@pytest.mark.parametrize(
    ("question", "number", "slide"),
    [
        ("How many days did the training for field staff last?", 4, 1),  # not the 48 interviewers
        ("How many delivery lifecycles does the framework support?", 4, 2),
        ("How many tweets per day were there in June 2012?", 400, 3),  # million
        ("When was the bank founded?", 1690, 4),  # a year, not the 48 million customers
        # The name on the slide of few words, the count "each airing" says per what.
        ("How many tweets does Empire get per airing?", 382_000, 5),
        ("How many minutes of the course were watched online?", 70_000, 6),  # "watched" counts nothing
        # The headline's sentence goes on under it; the 24 the question writes is not asked.
        ("How much in venture-backed exits did Germany see in the last 24 months?", 4.4, 7),
        # The page names what was founded; the passage says when.
        ("when was globex founded", 1690, 8),
        # The verb asked with ("did ... last") is said otherwise.
        ("How many weeks did the training for the Wave II field personnel last?", 2, 9),
    ],
)
def test_a_figure_stated_in_a_sentence(survey: DeckQA, question: str, number: float, slide: int) -> None:
    answer = survey.ask(question)
    assert not answer.refused, answer.debug
    # A figure, or the sentence that states it.
    assert answer.value.number == pytest.approx(number) if answer.value else f"{number:g}" in answer.answer
    assert [citation.slide for citation in answer.citations] == [slide]


def test_what_a_figure_counts() -> None:
    sentence = "The training lasted four days, and 48 interviewers ran the survey."
    assert counted_words(sentence, "48") == {stem("interviewers")}
    assert stem("customers") in counted_words("48 million customers", "48 million")  # and its synonyms
    assert counted_words("48% of the total", "48%") == set()
    assert counted_words("At 382,000 each airing", "382,000") == set()
    assert counted_words("70,000 watched online", "70,000") == set()
    # The noun a figure counts may come after words that qualify it, up to a stopword.
    endorsed = counted_words("This Report was further endorsed by 24 active venture capital firms in Europe", "24")
    assert stem("firms") in endorsed and stem("europe") not in endorsed
    # A noun joined to its count by a hyphen is what it counts.
    assert stem("day") in counted_words("Prior to their deployment, four-day training was conducted", "four")


@pytest.mark.parametrize(
    ("context", "debris"),
    [
        ("@1 Mp eveavaay", True),  # OCR's letters of a picture
        ("2 oe r aie", True),
        ("429", False),  # a figure alone: its heading says what it is
        ("$50 M", False),
        ("1250 MB/s", False),
        ("Minutes 70,000 watched online", False),
    ],
)
def test_a_figure_among_ocr_debris(context: str, debris: bool) -> None:
    from figures.lookup import _in_debris
    from ingest.records import Fact

    fact = Fact("s1-p1-f0", 1, context, 1.0, "count", "", "1", context)
    assert _in_debris(fact) is debris


def test_a_word_the_document_writes_again_is_no_debris() -> None:
    from figures.lookup import _in_debris
    from ingest.records import Fact

    context = "1Q-3Q16: up JPY550 million, up 7.0% YoY"  # "YoY" is in no dictionary
    fact = Fact("s35-p5-f0", 35, context, 550.0, "JPY million", "1Q-3Q16", "up JPY550 million", context)
    assert _in_debris(fact) and not _in_debris(fact, frozenset({"yoy"}))


def test_a_figure_read_in_a_paragraph_is_answered_with_its_sentence() -> None:
    from ingest.numbers import find_figures
    from qa.figure_answer import _stating

    paragraph = (
        "For Wave III of the national opinion polls, 72 experienced field personnel administered the survey. "
        "Prior to their deployment, four-day training was conducted. GIO P2 revenue almost doubled: approx. "
        "JPY0.19 billion in 3Q16."
    )
    figures = {figure.raw: figure for figure in find_figures(paragraph)}
    assert _stating(paragraph, figures["72"]) == (
        "For Wave III of the national opinion polls, **72** experienced field personnel administered the survey."
    )
    # "approx." ends no sentence.
    assert _stating(paragraph, figures["approx. JPY0.19 billion"]) == (
        "GIO P2 revenue almost doubled: **approx. JPY0.19 billion** in 3Q16."
    )


def test_a_figure_counting_what_is_asked_on_a_page_writing_the_rest() -> None:
    """A page of search results: the passage "About 15,000,000 results" holds one word of
    the question, the page all the others (the question's closing verb aside)."""
    texts = ["Google Search", "About 15,000,000 results (0.47 seconds)", "Financial adviser - Wikipedia"]
    chunks = [Chunk(f"s12-c{i}", 12, "Google", text) for i, text in enumerate(texts)]
    slides = [SlideHit(12, "Google", 1.0, tuple(Hit(chunk, 1.0, 0.5) for chunk in chunks))]
    question = "How many results does the Google search for 'financial adviser' return?"
    found = text_figure_answer(question, slides, {12: chunks}, {})
    assert found is not None and found[2].number == 15_000_000
    # Without the page's other words, the one word is not enough.
    assert text_figure_answer(question, slides[:1], {12: chunks[1:2]}, {}) is None


def test_a_word_is_held_as_ocr_may_read_it() -> None:
    from qa.figure_answer import _holds, _read_forms

    assert _holds(_read_forms({"wave", "ill"}), "iii")  # "Wave Ill" is "Wave III"
    assert not _holds(_read_forms({"wave", "ii"}), "iii")
