"""Slides titled alike but for their number: a deck's numbered list, one slide an item."""

from __future__ import annotations

from pathlib import Path

from ingest.index_store import open_index
from qa.deckqa import DeckQA
from qa.settings import Settings
from tests.small_deck import text_deck_pdf

SLIDES = [
    ("Rules of good charts", ["A short guide for analysts", "May 2016"]),
    ("Chart rule #1", ["Start every axis at zero.", "Bars cut short exaggerate small differences."]),
    ("Chart rule #2", ["Label the data, not the legend.", "Readers should not match colours by eye."]),
    ("Chart rule #3", ["Use one colour per series.", "A rainbow says nothing about the data."]),
    ("Contact", ["Questions are welcome"]),
]


def test_a_numbered_series_of_slides_answers_as_a_list(settings: Settings, tmp_path: Path) -> None:
    pdf = tmp_path / "series.pdf"
    pdf.write_bytes(text_deck_pdf(SLIDES))
    deck = DeckQA(open_index(pdf, tmp_path / "index", model_cache=settings.index.model_cache))
    answer = deck.ask("What are the rules of charts?")
    assert not answer.refused
    assert [citation.slide for citation in answer.citations] == [2, 3, 4]
    for rule in ("Start every axis at zero.", "Label the data, not the legend.", "Use one colour per series."):
        assert rule in answer.answer
