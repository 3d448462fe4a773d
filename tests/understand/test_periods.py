"""The question's periods written as the document names them: in its fiscal calendar,
read from its dated figures."""

from __future__ import annotations

import pytest

from ingest.numbers import find_periods
from qa.deckqa import DeckQA
from understand.periods import Calendar, document_calendar, in_document_terms

# A retailer whose fiscal year ends late January and is named by the year it ends in.
RETAILER = document_calendar([("2Q24", "2023-07-29"), ("FY23", "2023-01-28"), ("Jul. 29, 2023", "2023-07-29")])
# A bank on calendar years.
BANK = document_calendar([("2Q22", "2022-06-30"), ("1H22", "2022-06-30"), ("FY21", "2021-12-31")])
# A company whose April-to-March year is named by the year it starts in.
APRIL = document_calendar([("FY16", "2017-03-31"), ("3Q16", "2016-12-31")])


def test_the_calendar_is_read_from_named_and_dated_figures() -> None:
    assert Calendar(1, 0) == RETAILER
    assert Calendar(12, 0) == BANK
    assert Calendar(3, -1) == APRIL
    assert document_calendar([("FY16", ""), ("Dec. 31, 2016", "2016-12-31")]) is None


@pytest.mark.parametrize(
    ("question", "calendar", "periods"),
    [
        ("Was there any drop in cash between FY 2023 and Q2 of FY2024?", RETAILER, ["FY23", "2Q24"]),
        ("Which segment had the lowest net revenue in 2021 Q1?", BANK, ["1Q21"]),
        ("Did the risk decrease in the second fiscal quarter of 2023?", BANK, ["2Q23"]),
        ("What was net income for the six months ended June 30, 2022?", BANK, ["1H22"]),
        ("Revenue in the three months ended July 29, 2023", RETAILER, ["2Q24"]),
        ("Revenue for the nine months ended December 31, 2016", APRIL, ["1Q-3Q16"]),
        ("Sales in FY2023 Q4", None, ["4Q23"]),
    ],
)
def test_periods_in_the_documents_names(question: str, calendar: Calendar | None, periods: list[str]) -> None:
    assert find_periods(in_document_terms(question, calendar)) == periods


def test_a_10k_on_calendar_years_names_its_quarters_so(corpus_deck) -> None:
    deck: DeckQA = corpus_deck("3M_2018_10K")
    assert deck.calendar == Calendar(12, 0)


@pytest.mark.parametrize(
    ("question", "periods", "kind"),
    [
        ("Corning diluted EPS 2020?", ["2020"], "table"),  # a noun phrase names its year bare
        ("Acme 2017 diluted EPS", ["2017"], "table"),
        ("Square diluted net income per share, 2020", ["2020"], "table"),
        ("What happened in 1999 to the brand?", ["1999"], "text"),
        ("How many stores opened since 2019 closed?", ["2019"], "table"),
        ("What is the 2019-2021 trend?", [], "text"),  # a range, not a bare year
        ("Looking at VaR, did the risk in 2023 decrease?", ["2023"], "text"),  # asks, after a lead-in
    ],
)
def test_a_year_written_bare_in_a_noun_phrase_is_the_period(question: str, periods: list[str], kind: str) -> None:
    from understand.router import route

    asked = in_document_terms(question, None)
    assert find_periods(asked) == periods
    assert route(asked).kind == kind
