"""What a judgement question asks to see: the figures that decide it, the periods, and
whether a direction or a sign is asked."""

from __future__ import annotations

import pytest

from figures.judgement import Metric, asked


def names(question: str) -> list[str]:
    wanted = asked(question)
    assert wanted is not None
    return [figure.name if isinstance(figure, Metric) else figure for figure in wanted.figures]


def test_a_catalogued_judgement_is_asked_as_its_deciding_metrics() -> None:
    wanted = asked("Is the company a capital-intensive business based on FY2022 data?")
    assert wanted is not None and wanted.judgement == "capital intensity"
    assert names("Is the company a capital-intensive business based on FY2022 data?") == [
        "capital expenditure to revenue",
        "fixed assets to total assets",
        "return on assets",
    ]
    assert wanted.periods == ("FY22",)


def test_a_metric_with_a_direction_or_a_sign() -> None:
    improving = asked("Does the company have an improving operating margin profile as of FY2022?")
    assert improving is not None and improving.change and not improving.sign
    assert names("Does the company have an improving operating margin profile as of FY2022?") == ["operating margin"]
    positive = asked("Does the company have positive working capital based on FY2022 data?")
    assert positive is not None and positive.sign and not positive.change
    history = asked("Are the company's gross margins historically consistent?")
    assert history is not None and history.history


def test_a_line_item_with_a_change_in_the_questions_words() -> None:
    wanted = asked("Was there any drop in Cash & Cash equivalents between FY 2023 and Q2 of FY2024?")
    assert wanted is not None and wanted.change and len(wanted.periods) == 2
    (item,) = names("Was there any drop in Cash & Cash equivalents between FY 2023 and Q2 of FY2024?")
    assert "Cash & Cash equivalents" in item and "drop" not in item and "2023" not in item


@pytest.mark.parametrize(
    "question",
    [
        "What was operating margin in FY2022?",  # asks a figure, not a judgement
        "Is the company exposed to currency risk?",  # a judgement no figure decides
        "Does the company have any debt covenants?",
        "Did the CEO change in 2022?",
    ],
)
def test_not_a_judgement_of_figures(question: str) -> None:
    assert asked(question) is None


def test_a_leading_fall_is_named_as_the_question_names_it() -> None:
    from figures.superlative import _fall_asked

    assert _fall_asked(" had the biggest drop in year over year revenues?") == "biggest drop"
    assert _fall_asked(" had the smallest decline in sales?") == "smallest decline"
    assert _fall_asked(" had the highest net income?") == ""
