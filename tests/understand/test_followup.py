"""Rule-based follow-up rewriting: each kind of follow-up, with the previous question,
read as the answering reads it (the document's company as "the company", then named
again as the user wrote it)."""

from __future__ import annotations

import pytest

from understand.followup import rewrite_followup
from understand.question import with_names, without_names

NAMES = ("Internet Initiative Japan", "IIJ")  # the bundled deck's, as ingest reads them


def history(question: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": "..."}]


@pytest.mark.parametrize(
    ("previous", "followup", "standalone"),
    [
        # a period swapped in
        ("What was operating income in FY16?", "and for FY15?", "What was operating income in FY15?"),
        ("What was total revenue in 1Q-3Q16?", "and in 1Q-3Q15?", "What was total revenue in 1Q-3Q15?"),
        # a period added
        ("What was operating income?", "and in FY15?", "What was operating income in FY15?"),
        # another metric of the same period
        ("What was operating income in 1Q-3Q16?", "what about net income?", "What about net income in 1Q-3Q16?"),
        # another subject for the same metric
        (
            "What is IIJ's FY20 cloud business revenue target?",
            "and for MVNO?",
            "What is IIJ's FY20 MVNO business revenue target?",
        ),
        (
            "How many employees does IIJ America have?",
            "and for IIJ Europe?",
            "How many employees does IIJ Europe have?",
        ),
        (
            "What was the network services gross margin ratio in 1Q-3Q16?",
            "what about SI?",
            "What was the SI gross margin ratio in 1Q-3Q16?",
        ),
        # the year to date of the previous question's fiscal year, as a result
        (
            "What is the FY16 operating income target?",
            "and how much had they achieved after three quarters?",
            "What is the 1Q-3Q16 operating income?",
        ),
        # a pronoun for the previous subject
        (
            "What are IIJ's cloud competitive advantages?",
            "what about its competitors?",
            "What about IIJ's cloud competitors?",
        ),
    ],
)
def test_followups_become_standalone(previous: str, followup: str, standalone: str) -> None:
    rewritten, reason = rewrite_followup(without_names(followup, NAMES), history(without_names(previous, NAMES)))
    assert with_names(rewritten, [followup, previous], NAMES) == standalone
    assert reason


def test_a_standalone_question_is_kept() -> None:
    question = "How many employees does IIJ have?"
    assert rewrite_followup(question, history("What was operating income in FY16?")) == (question, "")


def test_without_history_nothing_changes() -> None:
    assert rewrite_followup("and for FY15?", []) == ("and for FY15?", "")


@pytest.mark.parametrize("written", ["J&J's", "JnJ's", "Johnson & Johnson's"])
def test_a_name_with_an_ampersand_may_be_written_with_an_n(written: str) -> None:
    names = ("Johnson & Johnson", "J&J", "JJ")  # as ingest reads them from a 10-K
    question = f"What drove {written} gross margin change in 2022?"
    assert without_names(question, names) == "What drove the company's gross margin change in 2022?"
