"""Figures of slides: a slide of few words names its figures, and a threshold the question
states is not the answer."""

from __future__ import annotations

import numpy as np

from figures.lookup import _label_says_otherwise, asks_money
from ingest.records import Fact
from qa.deckqa import DeckQA
from qa.settings import REPO_ROOT, Settings

# A deck of photographs and charts, read partly by OCR.
GESTALT = REPO_ROOT / "data/decks/0e94b4197b10096b1f4c699701570fbf.pdf"


def test_a_slides_legend_names_its_figure(settings: Settings) -> None:
    # The map's legend says what its prisms count; the figure's own line says "Tallest prism = 664".
    deck = DeckQA.load(settings.for_document(GESTALT))
    answer = deck.ask("How many confirmed human cases does the tallest prism on the West Nile Virus map stand for?")
    assert not answer.refused
    assert answer.value is not None and answer.value.number == 664


def test_a_threshold_the_question_states_is_not_a_candidate(deck: DeckQA) -> None:
    lookup = deck.lookup
    question = "Which revenue target goes with an annual revenue growth rate of more than 10%?"
    excluded = lookup.features(question).excluded
    assert excluded is not None
    values = np.array([fact.value for fact in lookup.facts])
    assert excluded[values == 10].all() and excluded.any()
    assert not excluded[values == 45].any()
    # Stated plainly, a figure may be an operand ("to hit the 158bn target"): it stays.
    plain = lookup.features("How much more revenue is needed to hit the 158 billion target?").excluded
    assert plain is None or not plain[values == 158].any()


def test_a_row_whose_label_states_another_figure_is_not_its_cell() -> None:
    def fact(label: str, value: float, unit: str = "%") -> Fact:
        return Fact("p8-u3-r2-c1", 8, label, value, unit, "", f"{value}", label, table_id="p8-u3")

    assert _label_says_otherwise(fact("30% Share of Total Activity", 21.0))
    assert not _label_says_otherwise(fact("30% Share of Total Activity", 30.0))
    assert not _label_says_otherwise(fact("Operating margin", 21.0))
    assert not _label_says_otherwise(fact("Stores opened in 2015", 21.0, "count"))


def test_a_cost_asked_is_money() -> None:
    assert asks_money("How much does it cost a hospital to implement an EMR system?")
    assert asks_money("How much did the company spend on research?")
    assert not asks_money("By how much did the infrastructure cost decrease in FY13?")
    assert not asks_money("What share of respondents named cost?")
    # A flow or a balance named plainly is an amount; its change or rate is not.
    assert asks_money("What were the company's revenues in the third quarter of 2023?")
    assert asks_money("What was net income in 2022?")
    assert not asks_money("How much did revenue grow in FY16?")
    assert not asks_money("What were U.S. comparable sales for the quarter?")
    assert not asks_money("What was the operating income margin?")
