"""A figure the question defines is read as arithmetic over operands: numbers, terms the
question defines, averages and changes between two periods, line items for a period."""

from __future__ import annotations

from figures.formula import _tokens, definitions

DPO = (
    "What is the FY2017 days payable outstanding (DPO)? DPO is defined as: 365 * (average accounts payable "
    "between FY2016 and FY2017) / (FY2017 COGS + change in inventory between FY2016 and FY2017). Round your "
    "answer to two decimal places."
)


def test_each_definition_of_the_question_is_read() -> None:
    assert definitions(DPO) == {
        "dpo": "365 * (average accounts payable between FY2016 and FY2017) / (FY2017 COGS + change in inventory "
        "between FY2016 and FY2017)"
    }
    chained = "What is the CCC? CCC is defined as: DIO + DSO - DPO. DIO is defined as: 365 * inventory / COGS."
    assert definitions(chained) == {"ccc": "DIO + DSO - DPO", "dio": "365 * inventory / COGS"}
    worded = "What is the FY2016 working capital ratio? Define working capital ratio as total current assets divided by total current liabilities."
    assert definitions(worded) == {"working capital ratio": "total current assets divided by total current liabilities"}
    assert definitions("What was the gross margin in 2022?") == {}
    # A formula written bare after the question defines what it asks for.
    bare = (
        "What was Acme Works' effective tax rate in 2021? Provision for income taxes divided by income before "
        "income taxes, in % to one decimal place."
    )
    assert definitions(bare) == {
        "effective tax rate": "Provision for income taxes divided by income before income taxes"
    }
    # "over" divides, "year over year" does not; a question of a few words names its figure
    # first; "Compute it ... as" leads in to the formula.
    terse = "Acme effective tax rate 2022 — provision for taxes on income over earnings before provision, % (1 dp)?"
    assert definitions(terse) == {
        "acme effective tax rate": "provision for taxes on income over earnings before provision"
    }
    led_in = (
        "What was Acme's effective tax rate for 2018? Compute it from the income statement as provision for "
        "income taxes over income before income taxes, in percent to one decimal."
    )
    assert definitions(led_in) == {"effective tax rate": "provision for income taxes over income before income taxes"}
    assert definitions("How fast did revenue grow year over year in 2022? Percent, one decimal.") == {}
    assert _tokens("provision for taxes over pretax income") == ["provision for taxes", "/", "pretax income"]
    named = "What is Acme's FY2021 operating income + depreciation (unadjusted EBITDA) in USD millions?"
    assert definitions(named) == {"unadjusted ebitda": "Acme's FY2021 operating income + depreciation"}
    assert definitions("What were the sales (cloud + MVNO) in FY16?") == {}  # a sum in brackets names no term
    averaged = "What is the FY2015 - FY2017 3 year average net profit margin (as a %) for Acme?"
    assert definitions(averaged) == {}  # a range of years, and a unit in brackets


def test_a_definition_is_operands_between_operators() -> None:
    assert _tokens("365 * (average accounts payable between FY2016 and FY2017) / (FY2017 COGS)") == [
        "365", "*", "(", "average accounts payable between FY2016 and FY2017", ")", "/", "(", "FY2017 COGS", ")",
    ]  # fmt: skip
    # Words as operators; a hyphen inside a name is no minus.
    assert _tokens("total current assets minus long-term debt divided by equity") == [
        "total current assets", "-", "long-term debt", "/", "equity",
    ]  # fmt: skip
