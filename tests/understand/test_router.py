"""Which route a question takes: the figure lookup or the text."""

from __future__ import annotations

import pytest

from understand.question import wants_list
from understand.router import route


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # what the company expects or did in a period, no figure named: the text
        ("What does the company expect for the first quarter of 2023?", "text"),
        ("What did the company announce in Q4 2022?", "text"),
        ("What is the company's outlook for 2023?", "text"),
        ("What guidance did the company give for fiscal 2024?", "text"),
        # a figure named, however the question is worded: the lookup
        ("What did the company owe on unredeemed gift cards at the end of fiscal 2022?", "table"),
        ("What revenue does the company expect for the first quarter of 2023?", "table"),
        ("What was operating income in 1Q-3Q16?", "table"),
    ],
)
def test_a_period_alone_does_not_ask_for_a_figure(question: str, kind: str) -> None:
    assert route(question).kind == kind, route(question).reason


@pytest.mark.parametrize(
    ("question", "listed"),
    [
        ("What services does the company offer?", True),
        ("What are the main risks?", True),
        # a capitalised word names a row or a segment, not a list
        ("How did domestic Services comparable sales do in Q4 FY23?", False),
    ],
)
def test_a_list_is_asked_in_plain_words(question: str, listed: bool) -> None:
    assert wants_list(question) == listed


def test_a_question_asking_whether_goes_to_the_text() -> None:
    assert route("Has the company paid dividends to common shareholders in Q2 of FY2022?").kind == "text"
    assert route("What dividends did the company pay in Q2 of FY2022?").kind == "table"


def test_the_share_of_those_who_said_something_is_a_figure() -> None:
    # "said" asks what was said, unless the question asks what share of people said it.
    assert route("What share of execs said top-down mandates helped promote a data culture?").kind == "table"
    assert route("What percentage of respondents said they own a phone?").kind == "table"
    assert route("What % said a lack of funding was the biggest barrier in 2006?").kind == "table"
    assert route("What percent said they listen daily?").kind == "table"
    assert route("What did the CEO say about margins?").kind == "text"
