"""Slides that each state one thing: a deck's way of listing, one slide an item."""

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


def test_slides_stating_one_thing_each_answer_as_a_list(settings: Settings, tmp_path: Path) -> None:
    pdf = tmp_path / "statements.pdf"
    pdf.write_bytes(text_deck_pdf(SLIDES))
    deck = DeckQA(open_index(pdf, tmp_path / "index", model_cache=settings.index.model_cache))
    answer = deck.ask("What does not make you data-driven?")
    assert not answer.refused
    assert [citation.slide for citation in answer.citations] == [2, 3, 4]
    for thing in ("reports", "dashboards", "alerts"):
        assert f"Having lots of {thing} does not make you data-driven" in answer.answer
    assert not answer.answer.startswith("**")  # a statement, not a heading over the others
