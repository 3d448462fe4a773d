"""Questions about the document itself (its title, presenter, date) are answered from its
cover; questions about the subject are not, though they say "this deck"."""

from __future__ import annotations

import pytest

from qa.cover import DATE_RE, PERSON_RE, TITLE_RE
from qa.deckqa import DeckQA


def test_the_cover_dates_the_deck(deck: DeckQA) -> None:
    answer = deck.ask("When was this deck presented?")
    assert not answer.refused
    assert answer.value is not None and answer.value.number == 2017 and answer.value.unit == "year"
    assert answer.value.raw == "February 2017"
    assert [citation.slide for citation in answer.citations] == [1]


def test_the_cover_names_the_deck(deck: DeckQA) -> None:
    answer = deck.ask("What is the title of this presentation?")
    assert "Corporate Overview" in answer.answer
    assert [citation.slide for citation in answer.citations] == [1]


@pytest.mark.parametrize(
    ("question", "pattern"),
    [
        ("What is the title of the slide?", TITLE_RE),
        ("who is the presenter of this slide?", PERSON_RE),
        ("Who wrote this report?", PERSON_RE),
        ("When was this report published?", DATE_RE),
        ("In what year was the presentation given?", DATE_RE),
    ],
)
def test_questions_about_the_document(question: str, pattern) -> None:
    assert pattern.search(question)


@pytest.mark.parametrize(
    "question",
    [
        "According to this deck, when was the company founded?",
        "Who does the company compete with in cloud?",
        "What is the title of slide 14?",
        "When did revenue in this report peak?",
    ],
)
def test_questions_about_the_subject_are_not_about_the_cover(question: str) -> None:
    assert not any(pattern.search(question) for pattern in (TITLE_RE, PERSON_RE, DATE_RE))


def test_a_question_about_the_subject_is_not_answered_from_the_cover(deck: DeckQA) -> None:
    answer = deck.ask("When did IIJ start its MVNO business, according to this deck?")
    assert not answer.answer.startswith("The cover reads") and "the cover is dated" not in answer.answer


def test_how_long_the_talk_is_its_first_pages_say(settings, tmp_path) -> None:
    from tests.small_deck import deck_of, text_deck_pdf

    slides = [
        ("Marketing to the modern client", ["Presented by Jane Roe"]),
        ("We Have 50 Minutes", ["1. Who are you talking to?", "2. What will you talk about?"]),
        ("Who are you talking to?", ["Clients in 2014 spent 3 hours a week reading about money."]),
    ]
    pdf = tmp_path / "talk.pdf"
    pdf.write_bytes(text_deck_pdf(slides))
    deck = deck_of(pdf, tmp_path, settings)
    answer = deck.ask("How long is the talk?")
    assert answer.value is not None and answer.value.number == 50 and answer.value.unit == "minutes", answer.answer
    assert [citation.slide for citation in answer.citations] == [2]
