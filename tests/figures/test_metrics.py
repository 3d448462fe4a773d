"""Which analyst's metric a question names, and when its own words say how the figure is made."""

from __future__ import annotations

import pytest

from figures.metrics import defined


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("What was the capex as a percentage of revenue in FY2019?", "capital expenditure to revenue"),
        ("What was the gross margin in fiscal 2016?", "gross margin"),
        ("What was net PP&E at the end of 2022?", "net PP&E"),
        ("What was the fixed assets to total assets ratio at the end of 2020?", "fixed assets to total assets"),
    ],
)
def test_a_metrics_name_is_not_a_formula(question: str, metric: str) -> None:
    # "capex as a percentage of revenue" is the metric's name, though it says "as a percentage of".
    found = defined(question)
    assert found is not None and found[0].name == metric


@pytest.mark.parametrize(
    "question",
    [
        "What was the gross margin, defined as gross profit divided by net sales, in 2022?",
        "What was free cash flow (operating cash flow minus capital expenditures) in 2021?",
    ],
)
def test_a_question_that_says_how_its_figure_is_made_is_asked_as_written(question: str) -> None:
    assert defined(question) is None
