"""A 10-K read as an analyst asks of it (the corpus 3M 2018 annual report): instructions
around the question, the statement to rely on, an analyst's metric by its standard
definition, and a figure for a year the filing does not report."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from figures.filing import primary_statement
from qa import DeckQA

FILING = "3M_2018_10K"


@pytest.fixture(scope="module")
def filing(corpus_deck: Callable[[str], DeckQA]) -> DeckQA:
    return corpus_deck(FILING)


def test_instructions_around_the_question_and_the_statement_named(filing: DeckQA) -> None:
    answer = filing.ask(
        "Assume that you are a public equities analyst. Answer the following question by primarily using "
        "information that is shown in the balance sheet: what is the year end FY2018 net PPNE for 3M? "
        "Answer in USD billions."
    )
    assert not answer.refused and answer.value is not None
    assert (answer.value.number, answer.value.unit) == (pytest.approx(8.738), "USD billion")
    assert answer.value.formula == "8,738 / 1,000"
    assert [citation.slide for citation in answer.citations] == [58]  # the balance sheet
    assert answer.debug.instructions and "rely on the balance sheet" in answer.debug.instructions


def test_a_metric_is_computed_by_its_standard_definition(filing: DeckQA) -> None:
    answer = filing.ask("What was 3M's current ratio at the end of 2018?")
    assert answer.value is not None and answer.value.number == pytest.approx(1.89, abs=0.005)
    assert answer.value.formula == "13709 / 7244"
    assert "Current ratio is taken as ratio of total current assets to total current liabilities" in answer.answer
    capex = filing.ask("What was 3M's capital expenditure in 2018?")
    assert capex.value is not None and abs(capex.value.number) == 1577


def test_a_year_the_filing_reports_no_figures_for_is_refused(filing: DeckQA) -> None:
    answer = filing.ask("What were 3M's net sales for the full year 2019?")
    assert answer.refused
    assert "no table reports" in (answer.debug.refusal_check or "")
    assert not filing.ask("What were 3M's net sales in 2018?").refused


def test_the_primary_statements_are_the_pages_titled_so(filing: DeckQA) -> None:
    named = {slide.number: primary_statement(slide.text, slide.title) for slide in filing.index.slides}
    assert (named[56], named[58], named[60]) == ("income statement", "balance sheet", "cash flow statement")
    # Pages about a statement are not it: a note's "Supplemental Income Statement
    # Information", a sentence of the discussion, the auditor's report.
    assert sum(bool(statement) for statement in named.values()) <= 4
    assert primary_statement("Table of Contents\nNOTE 6.  Supplemental Income Statement Information\n") == ""
    assert primary_statement("We have audited the accompanying consolidated balance sheets of the Company") == ""
    assert primary_statement("Acme Inc.\nConsolidated Statement of Incom\ne\nYears ended December 31") == (
        "income statement"
    )
    contents = "Consolidated Statements of Income 58\nConsolidated Balance Sheets 60\n"
    assert primary_statement(contents) == ""


def test_a_metrics_line_items_are_read_from_its_statements(filing: DeckQA) -> None:
    # No gross profit line: the definition in the line items the statement prints.
    margin = filing.ask("What was 3M's gross margin in 2018?")
    assert margin.value is not None and margin.value.formula == "(32765 - 16682) / 32765 * 100"
    assert [citation.slide for citation in margin.citations] == [56, 56]
    # Operands the question spells out are read from the metric's statement too.
    tax = filing.ask("3M's effective tax rate in 2018 (provision for income taxes / income before income taxes), %")
    assert tax.value is not None and tax.value.formula == "1637 / 7000 * 100"
    turnover = filing.ask("What was 3M's inventory turnover in 2018?")
    assert turnover.value is not None and turnover.value.formula == "16682 / 4366"
    assert {citation.slide for citation in turnover.citations} == {56, 58}


def test_a_judgement_is_answered_with_the_figures_that_decide_it(filing: DeckQA) -> None:
    margin = filing.ask("Did 3M's operating margin improve in 2018?")
    assert not margin.refused and margin.route == "table"
    # Both years' margins, each with its operands and their page (the income statement).
    # (2017 as this filing restates it.)
    assert "Operating income: 7,207" in margin.answer and "Operating income: 7,692" in margin.answer
    assert "Net sales: 32,765" in margin.answer and "Net sales: 31,657" in margin.answer
    assert "Operating margin fell by 2.3 points from 2017 to 2018." in margin.answer
    assert {citation.slide for citation in margin.citations} == {56}
    capital = filing.ask("Does 3M have positive working capital based on FY2018 data?")
    assert "Total current assets: 13,709" in capital.answer and "Total current liabilities: 7,244" in capital.answer
    assert "Working capital was positive in FY18" in capital.answer
    intensive = filing.ask("Is 3M a capital-intensive business based on FY2018 data?")
    assert "Capital expenditure to revenue" in intensive.answer
    assert "the verdict is the reader's" in intensive.answer


def test_a_figure_the_question_defines_is_computed_as_defined(filing: DeckQA) -> None:
    dpo = filing.ask(
        "What is 3M's FY2018 days payable outstanding (DPO)? DPO is defined as: 365 * (average accounts payable "
        "between FY2017 and FY2018) / (FY2018 COGS + change in inventory between FY2017 and FY2018). Round your "
        "answer to two decimal places."
    )
    assert dpo.value is not None and dpo.value.formula == "365 * ((1945 + 2266) / 2) / (16682 + (4366 - 4034))"
    assert dpo.value.number == pytest.approx(45.17, abs=0.005)
    assert {citation.slide for citation in dpo.citations} == {56, 58}  # the income statement, the balance sheet
    fcf = filing.ask(
        "What is the FY2018 free cash flow (FCF) for 3M? FCF here is defined as: (cash from operations - capex)."
    )
    assert fcf.value is not None and fcf.value.formula == "(6439 - 1577)"
    assert "fcf, as defined" in fcf.answer


def test_an_average_over_years_is_the_metric_of_each_year_averaged(filing: DeckQA) -> None:
    answer = filing.ask("What is the FY2016 - FY2018 3 year average unadjusted operating income % margin for 3M?")
    assert answer.value is not None and answer.value.unit == "%"
    assert answer.value.formula == "(23.3385 + 24.2979 + 21.996) / 3"
    assert {citation.slide for citation in answer.citations} == {56}


def test_which_row_leads_is_read_from_the_table_of_the_things_compared(filing: DeckQA) -> None:
    answer = filing.ask("Which business segment had the highest operating income in 2018?")
    assert answer.value is not None and (answer.value.number, answer.value.unit) == (2737, "USD million")
    assert answer.answer.startswith("**Industrial**") and "Health Care: 1,799" in answer.answer
    assert [citation.slide for citation in answer.citations] == [126]


def test_the_leader_of_the_things_a_question_lists_is_each_looked_up(filing: DeckQA) -> None:
    # The three activities' totals of the cash flow statement: the one that brought in most.
    cash = filing.ask("Among operating, investing and financing activities, which brought in the most cash in 2018?")
    assert cash.value is not None and (cash.value.number, cash.value.unit) == (6439, "USD million")
    assert "operating activities" in cash.answer.split("\n")[0] and "(6,701)" in cash.answer
    # Segments named in the question, read from the segments' own pages: the answer names them.
    segments = filing.ask(
        "Among Industrial, Safety and Graphics, and Health Care, which had the lowest operating income in 2018?"
    )
    assert segments.value is not None and segments.value.number == 1720
    assert segments.answer.startswith("**Safety and Graphics**") and "Industrial" in segments.answer


def test_a_line_items_percent_margin_is_the_item_over_revenue(filing: DeckQA) -> None:
    # No catalogued metric: the item (cash flow statement) over net sales (income statement).
    answer = filing.ask("What is the FY2018 depreciation and amortization % margin for 3M?")
    assert answer.value is not None and answer.value.formula == "1488 / 32765 * 100", answer.answer


def test_arithmetic_named_in_brackets_is_computed_as_written(filing: DeckQA) -> None:
    # "EBITDA" is never printed; the question says what it means. "Unadjusted" is the plain
    # operating income, not an adjusted row.
    answer = filing.ask(
        "What is 3M's FY2018 unadjusted operating income + depreciation and amortization (unadjusted EBITDA)?"
    )
    assert answer.value is not None and answer.value.formula == "7207 + 1488", answer.answer


def test_a_judgement_of_a_catalogued_abbreviation_is_not_refused_as_an_unknown_name(filing: DeckQA) -> None:
    # The filing never writes "PPNE"; the catalogue knows it as net PP&E.
    answer = filing.ask("Did 3M grow its PPNE between FY2017 and FY2018?")
    assert not answer.refused, answer.answer
    assert "8,866" in answer.answer and "8,738" in answer.answer and "fell" in answer.answer


def test_a_headline_figure_is_read_from_its_primary_statement(filing: DeckQA) -> None:
    # Diluted EPS is printed on the income statement and in the quarterly note (and the
    # diluted share count beside it): the statement's amount per share is the answer.
    eps = filing.ask("What was 3M's diluted EPS in 2018?")
    assert eps.value is not None and (eps.value.number, eps.value.unit) == (8.89, "USD")
    assert [citation.slide for citation in eps.citations] == [56]
    terse = filing.ask("3M diluted EPS 2018?")
    assert terse.value is not None and (terse.value.number, terse.value.unit) == (8.89, "USD")
    dividend = filing.ask("What were 3M's dividends per share in 2018?")
    assert dividend.value is not None and (dividend.value.number, dividend.value.unit) == (5.44, "USD")
    shares = filing.ask("diluted share count used for EPS in 2018?")
    assert shares.value is not None and (shares.value.number, shares.value.unit) == (602.0, "million")
    # "pay" is the verb the row's "paid" is a form of.
    dividends = filing.ask("How much did 3M pay in dividends to shareholders in 2018?")
    assert dividends.value is not None and abs(dividends.value.number) == 3193
    assert [citation.slide for citation in dividends.citations] == [60]


def test_a_formula_written_after_the_question_defines_its_figure(filing: DeckQA) -> None:
    answer = filing.ask(
        "What was 3M's effective tax rate in 2018? Provision for income taxes divided by income before income "
        "taxes, in %."
    )
    assert answer.value is not None and answer.value.unit == "%"
    assert answer.value.number == pytest.approx(23.39, abs=0.005)
    assert answer.value.formula == "(1637 / 7000) × 100"
    assert "effective tax rate, as defined" in answer.answer


def test_a_currency_is_a_unit_not_an_abbreviation(filing: DeckQA) -> None:
    # The filing's words "U.S. dollar" have the initials of "USD": the currency stays one.
    assert filing.lookup.spelled_out("What was PPE in 2018, in USD millions?", letters_only=True) == (
        "What was property plant and equipment in 2018, in USD millions?"
    )


def test_an_operand_named_as_analysts_name_it_is_read_by_its_definition(filing: DeckQA) -> None:
    # "capex" is no row of the filing (and "capital" is in "Additional paid-in capital"):
    # it is the purchases of PP&E on the cash flow statement.
    for question in (
        "What was 3M's free cash flow in 2018 (cash from operations less capex)? USD millions.",
        "What is 3M's 2018 operating cash flow minus capex?",
    ):
        answer = filing.ask(question)
        assert answer.value is not None and answer.value.formula == "6439 - 1577", question
        assert [citation.slide for citation in answer.citations] == [60, 60]


def test_what_drove_a_figure_is_read_beside_its_table(filing: DeckQA) -> None:
    # The operating margin's row opens the answer; a passage stating the figure (page 21)
    # and its table's section say what drove it, and the sections of the rows it is made
    # of (cost of sales, SG&A) add theirs, for 2018 only.
    answer = filing.ask("What drove 3M's operating income margin change in 2018?")
    assert not answer.refused
    first = answer.answer.splitlines()[0]
    assert first == "Operating income margin: 22.0% (FY18); 24.3% (FY17); 23.3% (FY16) [Slide 27]"
    assert "driven primarily by the charge related to the Minnesota NRD resolution" in answer.answer
    assert "**Cost of Sales**: Cost of sales, measured as a percent of sales, increased during 2018" in answer.answer
    assert "**Selling, General and Administrative Expenses**" in answer.answer
    assert "increased during 2017" not in answer.answer  # the year before's reasons
    assert "Operating income margins were 22.0 percent, down 3.9 percentage points" in answer.answer
    assert [citation.slide for citation in answer.citations][:3] == [21, 27, 27]
