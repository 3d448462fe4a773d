"""The words of a question: initials with full stops, and the metric a question names."""

from __future__ import annotations

import pytest

from ingest.text import tokenize, undotted
from understand.terms import TARGET_RE, asked_thing, head_terms, qualifier_terms, verb_forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sales in the U.S. grew", "sales in the US grew"),
        ("came from the U.S", "came from the US"),  # cut before its last full stop
        ("U.K. and e.g. Japan", "UK and eg Japan"),
        ("up 1.5% at 10 a.m.", "up 1.5% at 10 am"),
        ("Acme Inc. grew", "Acme Inc. grew"),  # one letter-word is no initials
    ],
)
def test_initials_with_full_stops_are_one_word(text: str, expected: str) -> None:
    assert undotted(text) == expected


def test_a_country_written_with_and_without_full_stops_is_the_same_token() -> None:
    assert tokenize("U.S. sales") == tokenize("US sales") == ["us", "sales"]


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("What were STELARA's U.S. sales for the full year 2022?", ["stelara", "us", "sales"]),
        ("How many employees did it have?", ["employees"]),
        # the subject and its verb name no metric: the head is left to the other words
        ("How much did the company receive in proceeds from the IPO in 2022?", []),
        # "year-over-year" is one measure word, which takes what follows it as well
        ("What is the year-over-year change in operating income?", ["yoy", "change", "operating", "income"]),
        # an adjective after the noun qualifies it; a noun there is the name's own
        ("What is the net income attributable to shareholders?", ["net", "income"]),
        ("What were accounts payable at year end?", ["accounts", "payable"]),
        # a price: the thing priced, wherever it goes from and to
        ("How much does a monthly pass from Oldtown to Newport cost?", ["monthly", "pass"]),
        ("How much does it cost?", []),
    ],
)
def test_the_metric_a_question_names(question: str, head: list[str]) -> None:
    assert head_terms(question) == head


@pytest.mark.parametrize(
    ("question", "target"),
    [
        ("What is the FY2023 revenue target?", True),
        ("How many new graduates does it plan to hire?", True),
        ("What capex is planned for 2024?", True),
        ("What does the company expect for the first quarter?", True),
        ("What is the guidance for diluted EPS?", True),
        ("What were purchases of property, plant and equipment?", False),  # "plant" is no plan
        ("What was the net income in 2022?", False),
    ],
)
def test_a_question_about_a_target(question: str, target: bool) -> None:
    assert bool(TARGET_RE.search(question)) is target


@pytest.mark.parametrize(
    ("question", "qualifier"),
    [
        ("What is the FY2019 net income attributable to shareholders?", ["attributable", "shareholders"]),
        (
            "What was net income attributable to common stockholders in 2021?",
            ["attributable", "common", "stockholders"],
        ),
        ("What was net income in 2019?", []),
        ("How many shares were outstanding at year end?", []),
    ],
)
def test_what_qualifies_the_metric_after_it(question: str, qualifier: list[str]) -> None:
    assert qualifier_terms(question) == qualifier


@pytest.mark.parametrize(
    ("question", "verbs"),
    [
        ("How many results does the search for 'financial adviser' return?", {"return"}),
        ("Why did revenue decline?", {"decline"}),
        ("What is happening to sales?", {"happening"}),
        ("What contacts are listed on the release?", {"listed"}),
        # a question asked with "do" may close on a noun or a preposition, no verb
        ("What does the deck say about cloud revenue?", set()),
        ("What does EBITDA stand for?", set()),
        # a question asked with "was" closing on a participle
        ("when was the bank founded", {"founded"}),
        ("How many stores were opened?", {"opened"}),
        ("What was the revenue of the golden?", set()),  # "-en", no verb
    ],
)
def test_the_words_a_question_uses_as_verbs(question: str, verbs: set[str]) -> None:
    assert verb_forms(question) == verbs


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("What management fee do funds charge their partners?", ["management", "fee"]),
        ("Which newspaper's opinions are selected to illustrate the market?", ["newspaper", "opinions"]),
        ("What share of total music activity does rock have?", ["music", "activity"]),  # measure words aside
        ("What other names does the engine control unit go by?", ["other", "names"]),
        ("What unusual items were in last year's Q1 numbers?", ["items"]),  # "unusual" is only an adjective
        ("What does the company do?", []),
        ("What was revenue in 2016?", []),  # a metric: head_terms reads it
    ],
)
def test_the_thing_a_question_asks_for(question: str, asked: list[str]) -> None:
    assert asked_thing(question) == asked


def test_a_shouted_run_of_capitals_names_nothing() -> None:
    from understand.terms import unshouted, written_as_name

    shouted = "TOP security concerns of the DIAGRAM DISCUSSED ABOUT WHICH YEAR? List all of them"
    assert unshouted(shouted) == "TOP security concerns of the diagram discussed about which year? List all of them"
    # An acronym, a title in capitals without a stopword, stay as written.
    assert unshouted("What was EBITDA of the TOP ALBUMS CHART in 2015?") == (
        "What was EBITDA of the TOP ALBUMS CHART in 2015?"
    )
    # A sentence's first word is capitalised as a sentence's, not as a name.
    assert not written_as_name("list", "Which years does the chart compare? List all of them")
    assert written_as_name("globex", "What did Globex earn? List it")


def test_the_thing_asked_after_a_clause_that_sets_the_scene() -> None:
    from understand.question import named_section

    question = 'In the "Who are you talking to" section, what tips does the author give us?'
    assert asked_thing(question) == ["tips"]
    assert named_section(question) == "Who are you talking to"
    assert named_section("What does the part called 'Outlook' say?") == "Outlook"
    assert named_section("What tips does the author give?") == ""
