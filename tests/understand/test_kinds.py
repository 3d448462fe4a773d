"""The kind of answer a question asks for, and the sentences that give it."""

from __future__ import annotations

import pytest

from understand.kinds import asks_for_explanation, cue, question_kind
from understand.router import route


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Why did gross margin fall in Q4?", "cause"),
        ("What drove the decline in comparable sales?", "cause"),
        ("What one-time items affected first-quarter results?", "cause"),
        ("Which categories drove the decline, and what offset it?", "cause"),
        ("Who does the company compete with?", "who"),
        ("Which customers chose the cloud service?", "who"),
        ("How did the chief executive characterize the quarter?", "said"),
        ("How does the company price its service?", "how"),
        ("What is the Data Communication Charge?", "definition"),
        ("How much did revenue grow in Q4?", "other"),
        ("What was operating income in 1Q-3Q16?", "other"),
    ],
)
def test_question_kinds(question: str, kind: str) -> None:
    assert question_kind(question) == kind


def test_a_cause_question_naming_a_figure_and_period_goes_to_the_text() -> None:
    question = "What caused International revenue to fall in Q4 FY23?"
    assert asks_for_explanation(question)
    assert route(question).kind == "text"
    assert asks_for_explanation("What changed in how the company calculates its non-GAAP results in 2022?")
    # A figure asked for is still a figure.
    assert route("How much did International revenue fall in Q4 FY23?").kind == "table"
    assert not asks_for_explanation("What was the reason code count in 2022, how much?")


def test_sentence_cues_follow_the_kind_asked() -> None:
    assert cue("cause", "The decrease was primarily driven by lower promotions.") == 1.0
    assert cue("cause", "Revenue was $1.2 billion.") == 0.0
    assert cue("how", "Comparable sales are calculated excluding gasoline prices.") == 1.0
    assert cue("who", "Competitors include AWS and Microsoft Azure.") == 1.0
    assert cue("said", "“We delivered a solid quarter,” said the chief executive.") == 1.0
    assert cue("other", "anything") == 0.0
