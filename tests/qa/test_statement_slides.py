"""Slides that each state one thing, or are numbered in a series: a deck's ways of
listing, one slide an item."""

from __future__ import annotations

from pathlib import Path

from ingest.index_store import open_index
from qa.deckqa import DeckQA
from qa.settings import Settings
from tests.small_deck import text_deck_pdf

SLIDES = [
    ("Data at a retailer", ["Creating a data-driven organization", "March 2015"]),
    ("Having lots of reports does not make you data-driven", []),
    ("Having lots of dashboards does not make you data-driven", []),
    ("Having lots of alerts does not make you data-driven", []),
    ("Questions?", ["Thank you"]),
]


SERIES = [
    ("Rules of good charts", ["A short guide for analysts", "May 2016"]),
    ("Chart rule #1", ["Start every axis at zero.", "Bars cut short exaggerate small differences."]),
    ("Chart rule #2", ["Label the data, not the legend.", "Readers should not match colours by eye."]),
    ("Chart rule #3", ["Use one colour per series.", "A rainbow says nothing about the data."]),
    ("Contact", ["Questions are welcome"]),
]


def _deck(slides: list[tuple[str, list[str]]], settings: Settings, folder: Path) -> DeckQA:
    pdf = folder / "deck.pdf"
    pdf.write_bytes(text_deck_pdf(slides))
    return DeckQA(open_index(pdf, folder / "index", model_cache=settings.index.model_cache))


def test_slides_stating_one_thing_each_answer_as_a_list(settings: Settings, tmp_path: Path) -> None:
    answer = _deck(SLIDES, settings, tmp_path).ask("What does not make you data-driven?")
    assert not answer.refused
    assert [citation.slide for citation in answer.citations] == [2, 3, 4]
    for thing in ("reports", "dashboards", "alerts"):
        assert f"Having lots of {thing} does not make you data-driven" in answer.answer
    assert not answer.answer.startswith("**")  # a statement, not a heading over the others


def test_a_numbered_series_of_slides_answers_as_a_list(settings: Settings, tmp_path: Path) -> None:
    answer = _deck(SERIES, settings, tmp_path).ask("What are the rules of charts?")
    assert not answer.refused
    assert [citation.slide for citation in answer.citations] == [2, 3, 4]
    for rule in ("Start every axis at zero.", "Label the data, not the legend.", "Use one colour per series."):
        assert rule in answer.answer
