"""The kind of answer a question asks for, and the sentences that give it."""

from __future__ import annotations

import pytest

from understand.kinds import asks_for_explanation, asks_for_summary, cue, question_kind
from understand.router import route
from understand.terms import written_as_name


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
        ("What is required to become a full MVNO?", "steps"),
        ("What does the transition to the new system entail?", "steps"),
        ("what's the plan for opening new stores", "steps"),
        ("What capex does the company plan for FY24?", "other"),
        ("what's an MVNE", "definition"),
        ("Whats free cash flow?", "definition"),
        ("What is the adjusted free cash flow measure and what is it used for?", "definition"),
        ("How does this document define the law of good gestalt?", "definition"),  # not how it works
        ("What pushed the gross profit rate lower in the quarter?", "cause"),
        ("What happened with the subsidiary's listing?", "event"),
        ("Which products did the company launch in January?", "event"),
        ("How much did revenue grow in Q4?", "other"),
        ("What was operating income in 1Q-3Q16?", "other"),
        ("What did the company agree with its partner in July 2023?", "event"),
        ("What share of the votes cast approved the say-on-pay proposal?", "other"),
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


def test_a_question_about_what_a_measure_is_used_for_goes_to_the_text() -> None:
    assert route("What is the adjusted free cash flow measure and what is it used for?").kind == "text"
    assert route("What was adjusted free cash flow in 2022?").kind == "table"


def test_sentence_cues_follow_the_kind_asked() -> None:
    assert cue("cause", "The decrease was primarily driven by lower promotions.") == 1.0
    assert cue("cause", "Revenue was $1.2 billion.") == 0.0
    assert cue("how", "Comparable sales are calculated excluding gasoline prices.") == 1.0
    assert cue("who", "Competitors include AWS and Microsoft Azure.") == 1.0
    assert cue("said", "“We delivered a solid quarter,” said the chief executive.") == 1.0
    assert cue("other", "anything") == 0.0


@pytest.mark.parametrize(
    ("question", "term", "named"),
    [
        ("Besides the economy, which risks does the company list?", "besides", False),
        ("Tesla's revenue in 2022?", "tesla", True),
        ("Seven Bank employees?", "seven", True),
        ("IBM revenue?", "ibm", True),
        ("How many ATMs does Seven Bank run?", "bank", True),
    ],
)
def test_a_first_word_is_a_name_only_when_written_as_one(question: str, term: str, named: bool) -> None:
    assert written_as_name(term, question) is named


def test_a_step_opens_with_a_verb() -> None:
    assert cue("steps", "Construct HLR/HSS systems") == 1.0
    assert cue("steps", "Issue own data communications SIM cards") == 1.0
    assert cue("steps", "Net income (loss) ($B)") == 0.0  # "net" opens a noun phrase
    assert cue("steps", "Accumulation of monthly payments") == 0.0


@pytest.mark.parametrize(
    ("question", "summary"),
    [
        ("What are the main conclusions in the summary?", True),
        ("What are the key takeaways?", True),
        ("Summarize the presentation.", True),
        ("What is the summary of the risk factors?", False),  # one section's, not the document's
        ("What was the conclusion of the audit?", False),
    ],
)
def test_a_question_asking_what_the_document_concludes(question: str, summary: bool) -> None:
    assert asks_for_summary(question) is summary
