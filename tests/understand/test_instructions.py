"""Instructions around a question (a role, a frame, a statement to rely on, a scale, a
rounding) are read as such, and the question is what is left."""

from __future__ import annotations

import pytest

from qa.answer import Answer, Value
from qa.figure_answer import in_asked_terms
from understand.instructions import read_instructions


@pytest.mark.parametrize(
    ("text", "question", "scale", "decimals", "statements"),
    [
        (
            "Assume that you are a credit analyst. Answer the following question by primarily using information "
            "that is shown in the balance sheet: what is the year end FY2020 net PP&E for Acme? Answer in USD billions.",
            "what is the year end FY2020 net PP&E for Acme?",
            "billion",
            None,
            ("balance sheet",),
        ),
        (
            "What is the FY2021 capital expenditure amount (in USD millions) for Acme? Give a response to the "
            "question by relying on the details shown in the cash flow statement.",
            "What is the FY2021 capital expenditure amount for Acme?",
            "million",
            None,
            ("cash flow statement",),
        ),
        (
            "What is Acme's FY2019 quick ratio? Quick ratio is defined as: (cash + receivables) / current "
            "liabilities. Round your answer to two decimal places. Calculate what was asked by utilizing the line "
            "items clearly shown in the statement of financial position.",
            "What is Acme's FY2019 quick ratio? Quick ratio is defined as: (cash + receivables) / current liabilities.",
            None,
            2,
            ("balance sheet",),
        ),
        (
            "According to the details outlined in the statement of income, what is the FY2018 - FY2020 average "
            "gross margin for Acme? Answer in units of percents and round to one decimal place.",
            "What is the FY2018 - FY2020 average gross margin for Acme in percent?",
            None,
            1,
            ("income statement",),
        ),
    ],
)
def test_the_question_is_what_the_instructions_leave(
    text: str, question: str, scale: str | None, decimals: int | None, statements: tuple[str, ...]
) -> None:
    read = read_instructions(text)
    assert read.question == question
    assert (read.scale, read.decimals, read.statements) == (scale, decimals, statements)
    assert read.instructions


@pytest.mark.parametrize(
    "text",
    [
        "What was operating income in 1Q-3Q16?",
        "Risk factors: what are they?",
        "Explain the ATM business model",
        "In the third quarter, what was revenue?",  # a lead-in that names no source: kept
    ],
)
def test_a_plain_question_keeps_its_words(text: str) -> None:
    read = read_instructions(text)
    assert read.question == text


@pytest.mark.parametrize(
    ("text", "question", "statements"),
    [
        ("Using the balance sheet, what were total assets?", "What were total assets?", ("balance sheet",)),
        (
            "By drawing conclusions from the information stated only in the income statement, what is Acme's "
            "FY2019 net income attributable to shareholders (in USD millions)?",
            "What is Acme's FY2019 net income attributable to shareholders?",
            ("income statement",),
        ),
        ("Per the cash flow statement, how much was capex?", "How much was capex?", ("cash flow statement",)),
        (
            "By what percentage did operating income grow from 2018 to 2019? One decimal.",
            "By what percentage did operating income grow from 2018 to 2019?",
            (),
        ),
    ],
)
def test_a_lead_in_naming_the_source_is_an_instruction(text: str, question: str, statements: tuple[str, ...]) -> None:
    read = read_instructions(text)
    assert (read.question, read.statements) == (question, statements)


@pytest.mark.parametrize(
    ("text", "question", "decimals", "scale"),
    [
        ("Acme 2022 effective tax rate, %, one decimal", "Acme 2022 effective tax rate, %", 1, None),
        (
            "How much did revenues grow in 2021 vs 2020, in % (1 dp)?",
            "How much did revenues grow in 2021 vs 2020, in %?",
            1,
            None,
        ),
        (
            "Acme's current ratio at December 31, 2021, two decimals",
            "Acme's current ratio at December 31, 2021",
            2,
            None,
        ),
        # a unit or a scale says what kind of figure is asked: it stays in the question
        (
            "What was free cash flow in 2022? USD millions.",
            "What was free cash flow in 2022? USD millions.",
            None,
            "million",
        ),
    ],
)
def test_a_rounding_written_as_an_element_of_the_question_is_an_instruction(
    text: str, question: str, decimals: int | None, scale: str | None
) -> None:
    read = read_instructions(text)
    assert (read.question, read.decimals, read.scale) == (question, decimals, scale)


def test_a_figure_is_also_given_in_the_scale_and_rounding_asked() -> None:
    answer = Answer(
        question="q",
        answer="Net PP&E: **8,738 USD million**",
        route="table",
        value=Value(number=8738, unit="USD million"),
    )
    scaled = in_asked_terms(answer, "billion", None)
    assert scaled.value == Value(number=8.738, unit="USD billion", formula="8,738 / 1,000")
    assert scaled.answer.endswith("As asked: **8.738 USD billion** (8,738 USD million / 1,000).")
    ratio = Answer(question="q", answer="x", route="table", value=Value(number=1.23456, unit="ratio", formula="a / b"))
    assert in_asked_terms(ratio, None, 2).answer.endswith("As asked: **1.23**.")
    assert in_asked_terms(answer, "million", None) is answer and in_asked_terms(answer, None, 2) is answer
    # A share computed as a ratio, asked in percent.
    share = in_asked_terms(ratio, None, 1, percent=True)
    assert share.value is not None and share.value.number == pytest.approx(123.456)
    assert (share.value.unit, share.value.formula) == ("%", "(a / b) × 100")
    assert share.answer.endswith("As asked: **123.5 %** (1.2346 × 100).")
    assert in_asked_terms(answer, None, None, percent=True) is answer  # an amount stays one
    assert read_instructions("What was the tax rate? Provision divided by pretax income, in % to one decimal.").percent
    # A bare "%" or "Percent" set apart asks for one; a "%" inside a phrase does not.
    terse = read_instructions("Acme tax rate 2022 — provision over pretax income, % (1 dp)?")
    assert (terse.percent, terse.decimals) == (True, 1)
    assert read_instructions("What was the growth? Percent, one decimal.").percent
    spelled = read_instructions("What share of the votes approved it? Percent to one decimal.")
    assert (spelled.question, spelled.percent, spelled.decimals) == (
        "What share of the votes approved it in percent?",
        True,
        1,
    )
    assert not read_instructions("How many % of revenue is cloud?").percent
    assert not read_instructions("Revenue, % change?").percent


def test_what_to_say_when_the_question_does_not_apply_is_an_instruction() -> None:
    margin = read_instructions(
        "What drove operating margin change as of FY2022 for Acme? If operating margin is not a useful metric "
        "for a company like this, then please state that and explain why."
    )
    assert margin.question == "What drove operating margin change as of FY2022 for Acme?"
    turnover = read_instructions(
        "Calculate inventory turnover for FY2022; if conventional inventory management is not meaningful for "
        "the company then state that and explain why."
    )
    assert turnover.question == "Calculate inventory turnover for FY2022;"
