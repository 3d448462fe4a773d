"""A filing's sections as its pages head them; a cause is looked for in its discussion."""

from __future__ import annotations

from ingest.records import Slide
from qa.deckqa import DeckQA
from retriever.sections import discussion_pages, risk_factor_pages, section_titles


def _page(number: int, text: str) -> Slide:
    return Slide(number=number, title="", text=text, periods=())


def test_an_item_heading_opens_a_section_a_contents_page_does_not() -> None:
    pages = [
        _page(1, "Table of Contents\nItem 1. Business 4\nItem 7. Management's Discussion 20\nItem 8. Financial 40"),
        _page(2, "Item 1.\nBusiness.\n" + "The Company makes things. " * 10),
        _page(3, "Item 7. Management’s\nDiscussion and Analysis of Financial Condition\n" + "Sales grew. " * 20),
        _page(4, "Operating income rose on higher volume."),
        _page(5, "Item 8. Financial Statements and Supplementary Data.\nConsolidated Statement of Income"),
    ]
    titles = section_titles(pages)
    assert titles[1] == "" and titles[2] == "Business."
    assert titles[4].startswith("Management’s Discussion and Analysis")
    assert discussion_pages(pages) == {3, 4}
    risks = [_page(1, "Item 1A. Risk Factors\n" + "Acquisitions may fail. " * 10), _page(2, "More risks."), pages[2]]
    assert risk_factor_pages(risks) == {1, 2}


def test_a_10k_discussion_is_found_and_a_cause_is_looked_for_there(corpus_deck) -> None:
    deck: DeckQA = corpus_deck("3M_2018_10K")
    discussion = discussion_pages(deck.index.slides)
    assert min(discussion) == 15 and max(discussion) == 50
    hits = deck.search.retrieve_slides("What drove 3M's sales growth in 2018?", k=3)
    assert hits[0].slide in discussion
    # What may happen is in the risk factors; what was done is reported elsewhere.
    assert risk_factor_pages(deck.index.slides) == {11, 12}
    assert not {hit.slide for hit in deck.search.retrieve_slides("What acquisitions did 3M make in 2018?", k=3)} & {
        11,
        12,
    }
