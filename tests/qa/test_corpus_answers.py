"""Answers on a real earnings release the code was not written for (its statements read
from word positions): figures with their period, and questions about what it never
mentions refused. Questions in my own wording, not the gold file's."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.deckqa import DeckQA
from qa.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
RELEASE = REPO_ROOT / "data" / "corpus" / "INTEL_2022Q4_EARNINGS.pdf"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> DeckQA:
    return DeckQA.load(settings.with_index(deck=RELEASE, dir=tmp_path_factory.mktemp("release") / "index"))


@pytest.mark.parametrize(
    ("question", "value", "period"),
    [
        ("How much adjusted free cash flow did Intel generate in full-year 2022?", -4075.0, "FY22"),
        ("And in the fourth quarter of 2022, what was adjusted free cash flow?", 3064.0, "4Q22"),
        ("What was net revenue in Q4 2022?", 14042.0, "4Q22"),
    ],
)
def test_statement_figures_with_their_period(release: DeckQA, question: str, value: float, period: str) -> None:
    answer = release.ask(question)
    assert answer.value is not None, answer.debug
    assert (answer.value.number, answer.value.period) == (value, period), answer.answer
    assert answer.citations and all(citation.slide <= 17 for citation in answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "What was AMD's data center revenue in the fourth quarter of 2022?",
        "How much EBITDA did the company report for 2022?",
    ],
)
def test_what_the_release_never_mentions_is_refused(release: DeckQA, question: str) -> None:
    answer = release.ask(question)
    assert answer.refused, answer.answer
