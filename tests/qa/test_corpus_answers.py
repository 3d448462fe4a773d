"""Answers on a real earnings release the code was not written for (its statements read
from word positions): figures with their period, and questions about what it never
mentions refused. Questions in my own wording, not the gold file's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qa.deckqa import DeckQA
from qa.figure_answer import figure_text

REPO_ROOT = Path(__file__).resolve().parents[2]
RELEASE = REPO_ROOT / "data" / "corpus" / "INTEL_2022Q4_EARNINGS.pdf"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def release(corpus_deck: Callable[[str], DeckQA]) -> DeckQA:
    return corpus_deck(RELEASE.stem)


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


def test_a_margin_computed_by_its_definition_keeps_a_loss_sign(release: DeckQA) -> None:
    # The quarter's net loss, (664), over revenue: a margin of -4.73 %, not +4.73 %.
    answer = release.ask("What was Intel's net profit margin in Q4 2022?")
    assert answer.value is not None and answer.value.formula == "-664 / 14042 * 100", answer.answer
    assert answer.value.number == pytest.approx(-4.73, abs=0.005)


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


@pytest.fixture(scope="module")
def costco(corpus_deck: Callable[[str], DeckQA]) -> DeckQA:
    return corpus_deck("COSTCO_2023Q1_EARNINGS")


@pytest.mark.parametrize(
    ("question", "value", "unit"),
    [
        # the company's own name asks for nothing: "Costco" is the document, not a row
        ("How much did Costco take in from membership fees in Q1 fiscal 2023?", 1000.0, "USD million"),
        # "inventory" for the printed "inventories"; a balance on the quarter's last day
        ("How much merchandise inventory did Costco hold on November 20, 2022?", 18571.0, "USD million"),
        # the balance sheet continued on the next page keeps its "in millions"
        ("What was long-term debt, excluding the current portion, on November 20, 2022?", 6472.0, "USD million"),
        # an abbreviation the release never writes, as its row spells it out
        ("What was SG&A in Q1 fiscal 2023?", 4917.0, "USD million"),
        # prose printed in grey is text, not chart residue; a list item names its own figure
        ("How many warehouses does Costco operate in Canada?", 107.0, "count"),
    ],
)
def test_figures_named_as_an_analyst_would(costco: DeckQA, question: str, value: float, unit: str) -> None:
    answer = costco.ask(question)
    assert answer.value is not None and not answer.refused, answer.debug
    assert (answer.value.number, answer.value.unit) == (value, unit), answer.answer


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("What were Costco's cash and cash equivalents at the end of Q1 fiscal 2023?", 10856),
        ("What was Costco's total assets at the end of the first quarter of fiscal 2023?", 66027),
    ],
)
def test_a_balance_at_a_quarters_end_is_on_the_day_its_flows_end(costco: DeckQA, question: str, value: float) -> None:
    # The balance sheet is dated November 20, 2022; the statements name the twelve weeks
    # ended that day "1Q23" in the company's fiscal calendar.
    answer = costco.ask(question)
    assert answer.value is not None and answer.value.number == value, answer.answer


def test_a_coverage_ratio_is_of_the_amounts_an_income_statement_deducts(costco: DeckQA) -> None:
    # The statement prints interest expense as a deduction, "(34)": covered 51.5 times, not -51.5.
    answer = costco.ask("What was Costco's interest coverage in the first quarter of fiscal 2023?")
    assert answer.value is not None and answer.value.formula == "1751 / 34", answer.answer
    assert answer.value.number == pytest.approx(51.5, abs=0.01)


def test_year_over_year_growth_against_the_same_quarter_a_year_earlier(costco: DeckQA) -> None:
    answer = costco.ask("What was the year-over-year growth in Costco's net income in Q1 fiscal 2023?")
    assert answer.value is not None and answer.value.unit == "%", answer.answer
    assert answer.value.formula == "(1364 - 1324) / 1324 * 100"
    assert round(answer.value.number, 2) == 3.02
    assert {citation.slide for citation in answer.citations} == {3}


@pytest.mark.parametrize(
    "question",
    [
        "How much were GAAP diluted earnings per share in full-year 2022?",
        "What were GAAP diluted earnings per share for 2022?",  # a bare year: the year's figure, not Q4's
    ],
)
def test_a_plain_measure_is_not_its_non_gaap_row(release: DeckQA, question: str) -> None:
    answer = release.ask(question)
    assert answer.value is not None and (answer.value.number, answer.value.period) == (1.94, "FY22"), answer.answer


@pytest.mark.parametrize(
    ("question", "formula"),
    [
        # a share of a total is one of the items the total adds up: the segment's revenue,
        # not its operating income printed further down the same column
        (
            "What percentage of total operating segment revenue did Data Center and AI contribute in 2022?",
            "19196 / 63574 * 100",
        ),
        (
            "What share of total operating segment revenue came from Network and Edge in the fourth quarter of 2022?",
            "2061 / 14151 * 100",
        ),
        # a segment with items of its own ("Desktop", "Notebook", "Other" under "Client
        # Computing"): the segment's subtotal, not an item whose heading names it
        (
            "What share of total operating segment revenue came from Client Computing in the fourth quarter of 2022?",
            "6625 / 14151 * 100",
        ),
    ],
)
def test_a_share_of_a_total_takes_one_of_its_items(release: DeckQA, question: str, formula: str) -> None:
    answer = release.ask(question)
    assert answer.value is not None and answer.value.unit == "%", answer.answer
    assert answer.value.formula == formula
    assert len(answer.citations) == 2


@pytest.mark.parametrize(
    ("question", "formula"),
    [
        # the fiscal year ended on Aug. 28, 2022: before November 20, 2022
        ("By how much did cash and cash equivalents change from the end of fiscal 2022 to November 20, 2022?", "10856 - 10203"),
        # a percentage change is computed from the two amounts, not from printed percentages
        ("By what percentage did net sales change from Q1 fiscal 2022 to Q1 fiscal 2023?", "(53437 - 49417) / 49417 * 100"),
    ],
)  # fmt: skip
def test_changes_between_periods_run_forward_in_time(costco: DeckQA, question: str, formula: str) -> None:
    answer = costco.ask(question)
    assert answer.value is not None, answer.answer
    assert answer.value.formula == formula


def test_year_over_year_without_a_period_is_for_the_latest_one(costco: DeckQA) -> None:
    answer = costco.ask("How much did net sales grow year over year in the latest quarter?")
    assert answer.value is not None, answer.answer
    assert answer.value.formula == "53437 - 49417"
    assert answer.value.period == "1Q22 / 1Q23"


def test_a_change_asked_in_dollars_is_of_an_amount_in_dollars(costco: DeckQA) -> None:
    """ "By how many dollars ... compared with a year ago": the latest period printed for
    the figure (a sentence's per-share amount has none), and an amount in dollars, not
    the count of shares in the row of the same name."""
    answer = costco.ask("By how many dollars did net income per diluted share rise compared with a year ago?")
    assert answer.value is not None, answer.answer
    assert answer.value.formula == "3.07 - 2.98" and answer.value.period == "1Q22 / 1Q23", answer.answer


def test_how_much_a_balance_changed_over_a_year_is_a_change(release: DeckQA) -> None:
    """ "How much did total assets change over 2022?": the change between the year's two
    balance sheets, never the closing balance ("total" names the row; it asks no sum)."""
    answer = release.ask("How much did total assets change over 2022?")
    assert answer.value is not None, answer.answer
    assert answer.value.formula == "182103 - 168406", answer.answer


@pytest.fixture(scope="module")
def retailer(corpus_deck: Callable[[str], DeckQA]) -> DeckQA:
    return corpus_deck("BESTBUY_2023Q4_EARNINGS")


def test_an_item_of_a_guidance_list_is_a_target(retailer: DeckQA) -> None:
    """The bullets under "... providing the following financial guidance for FY24" are
    what the company plans, with the list's period."""
    answer = retailer.ask("What capital expenditures are planned for FY24?")
    assert answer.value is not None and answer.value.number == 850.0, answer.answer
    assert "(FY24, target)" in answer.answer, answer.answer


def test_a_return_on_something_is_a_ratio(retailer: DeckQA) -> None:
    """Asked for the return on assets, the ROA row's percentage, not the total assets the
    ratio is computed from."""
    answer = retailer.ask("What return on assets did the company earn in the fiscal year ended January 28, 2023?")
    assert answer.value is not None and (answer.value.number, answer.value.unit) == (8.6, "%"), answer.answer


def test_words_in_brackets_say_what_is_asked_in_the_documents_words(retailer: DeckQA) -> None:
    # the release never writes "capital expenditures"; the bracket names its row
    asked = "How much did Best Buy spend on capital expenditures (additions to property and equipment) in fiscal 2023?"
    answer = retailer.ask(asked)
    assert answer.value is not None and (answer.value.number, answer.value.period) == (-930.0, "FY23"), answer.answer
    # without the bracket, the analysts' catalogue says what capital expenditures are
    bare = retailer.ask("How much did Best Buy spend on capital expenditures in fiscal 2023?")
    assert bare.value is not None and (bare.value.number, bare.value.period) == (-930.0, "FY23"), bare.answer
    assert "Capital expenditure is taken as purchases of property, plant and equipment" in bare.answer


def test_a_page_caption_scales_its_tables_but_not_amounts_per_share(retailer: DeckQA) -> None:
    # The reconciliation page says "($ in millions, except per share amounts)" under its
    # title, far above the table; the table's own lines give no scale.
    income = retailer.ask("What was Domestic segment non-GAAP operating income in the fourth quarter of fiscal 2023?")
    assert income.value is not None and (income.value.number, income.value.unit) == (632.0, "USD million"), (
        income.answer
    )
    eps = retailer.ask("What was non-GAAP diluted EPS for the fourth quarter of fiscal 2023?")
    assert eps.value is not None and (eps.value.number, eps.value.unit) == (2.61, "USD"), eps.answer


def test_an_opening_balance_is_not_the_balance_on_the_periods_last_day(release: DeckQA) -> None:
    closing = release.ask("What were Intel's cash and cash equivalents on December 31, 2022?")
    assert closing.value is not None and closing.value.number == 11144.0, closing.answer
    opening = release.ask("What cash and cash equivalents did Intel have at the beginning of 2022?")
    assert opening.value is not None and opening.value.number == 4827.0, opening.answer


@pytest.mark.parametrize(
    ("question", "formula"),
    [
        # "compared with 2021": a bare year after a word of comparison is a period
        (
            "By what percentage did Data Center and AI revenue change in full year 2022 compared with 2021?",
            "(19196 - 22691) / 22691 * 100",
        ),
        # "by how many dollars": the words of comparison and currency name no row
        ("By how many dollars did net revenue change from full year 2021 to full year 2022?", "63054 - 79024"),
    ],
)
def test_changes_between_years_named_as_an_analyst_would(release: DeckQA, question: str, formula: str) -> None:
    answer = release.ask(question)
    assert answer.value is not None and answer.value.formula == formula, answer.answer


def test_what_a_question_excludes_is_not_the_answer(retailer: DeckQA) -> None:
    excluded = retailer.ask(
        "How much long-term debt, excluding the current portion, did Best Buy have on January 28, 2023?"
    )
    assert excluded.value is not None and excluded.value.number == 1160.0, excluded.answer
    current = retailer.ask("What was the current portion of long-term debt on January 28, 2023?")
    assert current.value is not None and current.value.number == 16.0, current.answer


def test_a_section_heading_need_not_be_named(costco: DeckQA) -> None:
    # "Merchandise inventories" sits under "CURRENT ASSETS", the only row so named
    answer = costco.ask("How much merchandise inventory did Costco report on its balance sheet at November 20, 2022?")
    assert answer.value is not None and answer.value.number == 18571.0, answer.answer


@pytest.fixture(scope="module")
def healthcare(corpus_deck: Callable[[str], DeckQA]) -> DeckQA:
    return corpus_deck("JOHNSON_JOHNSON_2022Q4_EARNINGS")


def test_year_columns_under_a_spanning_percent_change_heading_are_amounts(healthcare: DeckQA) -> None:
    # The sales table spans "Percent Change" over its columns: "2022" and "2021" are the
    # years' sales, "Total", "Operations", "Currency" the changes in percent.
    answer = healthcare.ask("By how many dollars did worldwide sales change from full year 2021 to full year 2022?")
    assert answer.value is not None and answer.value.formula == "94943 - 93775", answer.answer
    assert answer.value.unit == "USD million"


@pytest.mark.parametrize(
    ("question", "value", "label"),
    [
        # rows "US", "Intl", "WW" under each product, on a page continuing the sales table
        # whose headings state "($MM)" once, on the page before
        ("What were SIMPONI's international sales in full year 2022?", 1017.0, "SIMPONI / SIMPONI ARIA Intl"),
        ("How much did SIMPONI sell worldwide in the fourth quarter of 2022?", 501.0, "SIMPONI / SIMPONI ARIA WW"),
        ("What were worldwide RISPERDAL CONSTA sales in 2022?", 485.0, "RISPERDAL CONSTA WW"),
    ],
)
def test_abbreviated_rows_under_a_product_answer_in_the_headings_unit(
    healthcare: DeckQA, question: str, value: float, label: str
) -> None:
    answer = healthcare.ask(question)
    assert answer.value is not None and answer.value.number == value, answer.answer
    assert answer.value.unit == "USD million", answer.answer
    assert answer.answer.startswith(f"{label}:"), answer.answer


def test_a_column_printed_in_dollars_holds_amounts_under_a_percent_heading(healthcare: DeckQA) -> None:
    # Page 3: "Full Year" sits over the labels, "% Change" over the last columns only; the
    # year columns print "$14,953" and hold the segments' sales.
    on_page = {(fact.row, fact.period): fact for fact in healthcare.index.facts if fact.slide == 3 and fact.table_id}
    for row in ("Consumer Health", "Pharmaceutical", "Worldwide"):
        fact = on_page[(row, "FY22")]
        assert fact.unit == "USD million" and "change" not in fact.tags, fact
    assert figure_text(on_page[("Consumer Health", "FY22")].raw, "USD million") == "$14,953 million"


def test_a_row_excluding_what_is_asked_is_not_its_figure(healthcare: DeckQA) -> None:
    # "Worldwide excluding COVID-19 Vaccine" matches every word of the question but
    # leaves out what it asks for; the vaccine's own row does not.
    answer = healthcare.ask("What were worldwide sales of the COVID-19 vaccine in full year 2022?")
    assert answer.value is not None and answer.value.number == 2179.0, answer.answer
    assert "excluding" not in answer.answer.split(":")[0].lower(), answer.answer


@pytest.mark.parametrize(
    ("question", "formula"),
    [
        ("What was the Data Center and AI operating margin in the fourth quarter of 2022?", "371 / 4304 * 100"),
        # a segment with items of its own: its subtotal, not one of its items
        ("What was the Client Computing operating margin in full year 2022?", "6266 / 31708 * 100"),
    ],
)
def test_a_margin_not_printed_is_income_over_revenue(release: DeckQA, question: str, formula: str) -> None:
    # The segment table prints each segment's revenue and operating income, no margin.
    answer = release.ask(question)
    assert answer.value is not None and answer.value.unit == "%", answer.answer
    assert answer.value.formula == formula, answer.answer
    # the two rows of one name are told apart by their sections
    assert "Operating income (loss) Client Computing" in answer.answer or "Client" not in question


def test_a_row_after_a_subtotal_stays_in_its_section(release: DeckQA) -> None:
    # "Operating segment revenue:" > "Client Computing" > its items, their subtotal, then
    # "Mobileye": still a segment's revenue, so its margin can be computed.
    answer = release.ask("What was the Mobileye operating margin in Q4 2022?")
    assert answer.value is not None and answer.value.formula == "210 / 565 * 100", answer.answer


def test_what_the_company_expects_for_a_period_is_its_outlook(release: DeckQA) -> None:
    answer = release.ask("What does Intel expect for the first quarter of 2023?")
    assert answer.value is None and not answer.refused, answer.answer
    assert "first-quarter 2023 revenue of $10.5 billion to $11.5 billion" in answer.answer, answer.answer


def test_a_figure_printed_for_other_periods_only_is_refused_for_the_period_asked(release: DeckQA) -> None:
    # The release's outlook table names the first quarter of 2023; its revenue rows print
    # 2022's quarters and years, and no sentence states revenue for that quarter as done.
    answer = release.ask("What was Intel's revenue in Q1 2023?")
    assert answer.refused and "1Q23" in (answer.debug.refusal_check or ""), answer.answer
    # The outlook itself is still answered (above), and so is a period it prints.
    assert release.ask("What was Intel's revenue in Q4 2022?").value is not None


def test_as_of_the_day_the_document_is_dated_is_no_figures_period(release: DeckQA) -> None:
    # The release is dated January 26, 2023 and no table reports that day; its balance
    # sheet's December 31, 2022 is a period the question asks.
    asked = release._understand("What was the gain on the Mobileye IPO, as of January 26, 2023?", None, False)
    assert asked.plain == "What was the gain on the Mobileye IPO?"
    balance = release._understand("What was cash and cash equivalents as of December 31, 2022?", None, False)
    assert balance.plain.endswith("as of December 31, 2022?")


def test_a_period_not_yet_ended_when_the_document_was_written_has_no_figure(release: DeckQA, costco: DeckQA) -> None:
    # A release on the fourth quarter of 2022: full-year 2023 had not ended (its statements
    # report to December 31, 2022); a fiscal quarter is placed by the company's calendar.
    assert release.ask("What was Intel's revenue for full-year 2023?").refused
    assert costco.ask("What were Costco's net sales in Q2 fiscal 2023?").refused
    answered = costco.ask("What were Costco's net sales in Q1 fiscal 2023?")
    assert answered.value is not None and answered.value.number == 53437, answered.answer


def test_a_gaap_figure_is_not_the_one_in_a_non_gaap_section(retailer: DeckQA) -> None:
    # The segment page prints "Operating income" twice per segment: under the segment's
    # results and under "International Segment Non-GAAP Results".
    answer = retailer.ask("What was the International segment's GAAP operating income in Q4 FY23?")
    assert answer.value is not None and answer.value.number == 67.0, answer.answer


def test_an_explanation_is_found_on_the_page_that_names_its_subject(healthcare: DeckQA) -> None:
    # Pages 1 and 3 explain the company's and two other segments' growth in the same
    # words; page 4 names the segment asked about.
    answer = healthcare.ask("Which products drove MedTech's sales growth in full year 2022?")
    assert answer.citations and answer.citations[0].slide == 4, answer.answer
    assert "electrophysiology products" in answer.answer, answer.answer


def test_what_drove_a_row_is_its_own_section_on_the_next_page(healthcare: DeckQA) -> None:
    # The segment's row is on page 3; the section headed by its name, on page 4, says what
    # drove it. The other segments' sections (page 3) are not about it.
    answer = healthcare.ask("What drove MedTech's sales growth for the full year?")
    assert answer.answer.splitlines()[0].endswith("[Slide 3]"), answer.answer
    assert "- **MedTech**: MedTech worldwide adjusted operational sales grew 6.1%*, driven primarily" in answer.answer
    assert "Consumer Health" not in answer.answer and "Pharmaceutical" not in answer.answer
    assert [citation.slide for citation in answer.citations] == [4, 3]


def test_a_verb_the_document_never_uses_does_not_refuse(release: DeckQA) -> None:
    # "happening" is in the phrase after "what is", but it says what is done, not what
    # the question is about.
    answer = release.ask("What is happening to the graphics teams?")
    assert not answer.refused, answer.answer
    assert "consumer graphics teams will join CCG" in answer.answer, answer.answer


def test_who_is_answered_from_the_passage_under_its_label(costco: DeckQA) -> None:
    answer = costco.ask("Who are the contacts for this release?")
    assert "Richard Galanti" in answer.answer and "Josh Dahmen" in answer.answer, answer.answer


def test_periods_and_verbs_are_not_unknown_subjects(costco: DeckQA) -> None:
    # The release writes "first quarter", never "Q1"; nor does it use "listed".
    assert "q1" not in costco.refusal.unknown_terms("What one-off items were in last year's Q1 results?")
    assert costco.refusal.decisive_unknown_terms("Who are the contacts listed on the release?") == []
    assert costco.refusal.decisive_unknown_terms("What is Costco's membership renewal rate?") == ["renewal"]
    # a measure word says what kind of figure is asked, not of what
    assert costco.refusal.decisive_unknown_terms("What was U.S. comparable sales growth in the quarter?") == []


@pytest.mark.parametrize(
    ("question", "value", "unit"),
    [
        # The release never writes "EPS": "NET INCOME PER COMMON SHARE ... Diluted".
        ("What was Costco's diluted EPS in the first quarter of fiscal 2023?", 3.07, "USD"),
        # "share count" asks for a number of shares, not an amount per share.
        (
            "What diluted share count did the company use for EPS in the first quarter of fiscal 2023?",
            444531.0,
            "thousand",
        ),
    ],
)
def test_earnings_per_share_spelled_out_and_a_share_count(
    costco: DeckQA, question: str, value: float, unit: str
) -> None:
    answer = costco.ask(question)
    assert answer.value is not None, answer.answer
    assert (answer.value.number, answer.value.unit, answer.value.period) == (value, unit, "1Q23"), answer.answer


def test_a_guidance_list_takes_the_period_of_the_sentence_introducing_it(retailer: DeckQA) -> None:
    answer = retailer.ask("How much capital expenditure does the company expect in FY24?")
    assert answer.value is not None and (answer.value.number, answer.value.period) == (850.0, "FY24"), answer.answer
    assert "million million" not in answer.answer


def test_an_abbreviation_is_spelled_out_from_row_labels_not_sentences(deck: DeckQA) -> None:
    # "Plan to hire 142 new graduates in Apr" spells "G&A" with its initials.
    assert deck.lookup.spelled_out("Why did G&A expenses increase?") == "Why did G&A expenses increase?"


def test_a_release_without_a_contents_page_has_none(release: DeckQA) -> None:
    assert release.contents is None


@pytest.mark.parametrize(
    ("question", "number", "formula"),
    [
        ("What is the high end of the company's FY24 revenue guidance?", 45.2, None),
        ("What is the bottom end of the FY24 comparable sales decline guidance?", 3.0, None),
        ("What is the midpoint of the FY24 non-GAAP diluted EPS guidance?", 6.1, "(5.7 + 6.5) / 2"),
    ],
)
def test_an_end_or_the_midpoint_of_a_printed_range(
    retailer: DeckQA, question: str, number: float, formula: str | None
) -> None:
    # "Revenue of $43.8 billion to $45.2 billion", "Non-GAAP diluted EPS of $5.70 to $6.50".
    answer = retailer.ask(question)
    assert answer.value is not None and answer.value.number == pytest.approx(number), answer.answer
    assert answer.value.formula == formula and answer.value.period == "FY24", answer.answer


def test_words_spelled_out_find_the_row_that_abbreviates_them(retailer: DeckQA) -> None:
    # The row says "Non-GAAP ROI"; the question spells it out.
    assert retailer.lookup.abbreviated("What was the return on investment?") == "What was the return on investment? ROI"
    assert retailer.lookup.abbreviated("What was worldwide revenue?") == "What was worldwide revenue?"
    answer = retailer.ask("What was the non-GAAP return on investment for the twelve months ended January 29, 2022?")
    assert answer.value is not None and answer.value.number == 30.8, answer.answer


def test_a_difference_as_a_share_of_one_of_its_parts(release: DeckQA) -> None:
    answer = release.ask(
        "What was the 2022 gross margin rate (net revenue minus cost of sales, as a % of net revenue)?"
    )
    assert answer.value is not None and answer.value.formula == "(63054 - 36188) / 63054 * 100", answer.answer
    assert [citation.slide for citation in answer.citations].count(8) == 2, answer.citations  # each figure once


def test_a_column_marked_for_a_footnote_says_what_the_footnote_says(costco: DeckQA) -> None:
    # "12 Weeks Adjusted*" and, below the table, "*Excluding the impacts from changes in
    # gasoline prices and foreign exchange."
    answer = costco.ask(
        "Total company comparable sales in Q1 FY23, without the impacts of gasoline prices and foreign exchange?"
    )
    assert answer.value is not None and answer.value.number == 7.1, answer.answer


@pytest.mark.parametrize(
    ("document", "question", "formula"),
    [
        # "International" is printed for a segment (page 8) and for the company (page 9,
        # whose regions add up to it); "2022" before what it qualifies is the full year.
        (
            "healthcare",
            "What percentage of the company's 2022 international sales came from Europe?",
            "23449 / 46363 * 100",
        ),
        # Two "ONCOLOGY WW" rows for 2022 (one a product's, its name lost): the whole is the
        # one a part can be a share of, its section's total printed above its items.
        ("healthcare", "What fraction of 2022 worldwide oncology sales did ERLEADA account for?", "1881 / 15983 * 100"),
        # How much a figure fell is its change, not its level.
        ("release", "How much did net revenue decline in the fourth quarter of 2022?", "14042 - 20528"),
        # A figure the question defines is computed as defined.
        (
            "release",
            "What was the company's working capital (total current assets minus total current liabilities) at December 31, 2022?",
            "50407 - 32155",
        ),
        # A tax rate the release does not print: income taxes over the income before them.
        ("costco", "What was the effective tax rate for the first quarter of fiscal 2022?", "351 / 1696 * 100"),
        # Minus an outflow (printed "(930)") takes away the amount spent.
        (
            "retailer",
            "What was operating cash flow minus additions to property and equipment in fiscal 2023?",
            "1824 - 930",
        ),
    ],
)
def test_a_derived_figure_is_made_as_the_question_says(
    request: pytest.FixtureRequest, document: str, question: str, formula: str
) -> None:
    answer = request.getfixturevalue(document).ask(question)
    assert answer.value is not None and answer.value.formula == formula, answer.answer


@pytest.mark.parametrize(
    ("document", "question", "number"),
    [
        # "847 warehouses, including 583 in the United States and Puerto Rico, ..., 29 in the
        # United Kingdom": each figure's label runs to the end of its item.
        ("costco", "How many of its warehouses are in the United Kingdom?", 29.0),
        # "current" names a balance sheet line, not a time.
        ("costco", "On the balance sheet, how much were current assets in total at November 20, 2022?", 34150.0),
        # Two rows "% to Sales", one under reported and one under adjusted income before
        # tax: each is the ratio of the row above it.
        ("healthcare", "What was MedTech's reported income before tax as a percent of sales in 2022?", 16.8),
        ("healthcare", "What was MedTech's adjusted income before tax as a percent of sales in 2021?", 25.7),
    ],
)
def test_figures_named_by_their_whole_label(
    request: pytest.FixtureRequest, document: str, question: str, number: float
) -> None:
    answer = request.getfixturevalue(document).ask(question)
    assert answer.value is not None and answer.value.number == number, answer.answer


def test_a_table_is_named_by_the_sentence_introducing_it(costco: DeckQA) -> None:
    """ "Comparable sales for the first quarter fiscal 2023 were as follows:" set above an
    untitled table names it: its rows are comparable sales."""
    titles = [table.title for table in costco.index.tables if table.slide == 1]
    assert "Comparable sales for the first quarter fiscal 2023" in titles, titles
    answer = costco.ask(
        "What were comparable sales in Canada in the first quarter of fiscal 2023, "
        "excluding gasoline and foreign exchange effects?"
    )
    assert answer.value is not None and answer.value.number == 8.3, answer.answer


def test_before_adjusting_for_something_is_the_figure_that_keeps_it_in(costco: DeckQA) -> None:
    answer = costco.ask("What were Canada's comparable sales in Q1 FY23 prior to adjusting for gasoline prices and FX?")
    assert answer.value is not None and answer.value.number == 2.4, answer.answer


def test_a_row_spelled_out_answers_to_the_initials_the_document_writes(retailer: DeckQA) -> None:
    """The release prints "SG&A" as a percent-of-revenue row and "Selling, general and
    administrative expenses" as the amount: asked for "SG&A expenses", the amount row is
    named too (it lost to "Interest expense", which holds "expenses" as well)."""
    answer = retailer.ask("What were consolidated SG&A expenses in fiscal 2023?")
    assert answer.value is not None and (answer.value.number, answer.value.unit) == (7970.0, "USD million"), (
        answer.answer
    )
