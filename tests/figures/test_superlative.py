"""Which row of a table leads, asked of a survey's chart: "What was the top staffing need
in 2006?" names the things compared and the superlative, but no measure (the chart's
column is a year)."""

from __future__ import annotations

from pathlib import Path

from qa.settings import Settings
from tests.small_deck import deck_of, ruled_table, titled_page


def _survey_deck(path: Path) -> Path:
    pdf = titled_page("2006 Health IT Staffing Needs", 24, 50, 12)
    rows = [
        ("", "2006"),
        ("Clinical Informaticists", "27%"),
        ("Application Support", "22%"),
        ("Programmers", "16%"),
        ("Systems Integration", "15%"),
    ]
    ruled_table(pdf, rows, (260.0, 120.0), left=60.0, top=90.0, height=24.0)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 24)
    pdf.text(30, 50, "About the survey")
    pdf.set_font("Helvetica", "", 14)
    pdf.text(30, 90, "Answered by 300 health IT leaders in 2006.")
    pdf.output(str(path))
    return path


def test_the_top_row_of_a_survey_chart_answers_what_leads(settings: Settings, tmp_path: Path) -> None:
    pdf = _survey_deck(tmp_path / "survey.pdf")
    deck = deck_of(pdf, tmp_path, settings)
    answer = deck.ask("What was the top health IT staffing need in 2006?")
    assert answer.value is not None and answer.value.number == 27, answer.answer
    assert "Clinical Informaticists" in answer.answer
    least = deck.ask("Which health IT staffing need was named least in 2006?")
    assert least.value is not None and least.value.number == 15, least.answer
