"""Figure and period parsing: examples from the deck plus property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.numbers import convert, find_figures, find_periods, parse_figure, spelled_counts


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("JPY158.0 billion", 158.0, "JPY billion"),
        ("(982)", -982.0, ""),
        ("+1,697", 1697.0, ""),
        ("approx. 70%", 70.0, "%"),
        ("JPY1,600", 1600.0, "JPY"),
        ("7 million", 7.0, "million"),
        ("1,710 thousand", 1710.0, "thousand"),
        ("down 22.5%", -22.5, "%"),
        ("down 2.2 points", -2.2, "points"),
        ("slightly less than JPY0.2 billion", 0.2, "JPY billion"),
    ],
)
def test_parse_figure_examples(text: str, value: float, unit: str) -> None:
    figure = parse_figure(text)
    assert figure is not None
    assert figure.value == pytest.approx(value)
    assert figure.unit == unit


def test_period_label_is_not_a_figure() -> None:
    figures = find_figures("3Q16-end: 912 (up 227 YoY, up 38 QoQ)")
    assert [f.value for f in figures] == [912.0, 227.0, 38.0]


def test_footnote_markers_and_phone_numbers_are_not_figures() -> None:
    # A date's year is kept (as a "year"), the footnote marker is not a figure.
    assert [(f.value, f.unit) for f in find_figures("(1) MIC (Apr. 2015, Dec. 2016)")] == [
        (2015.0, "year"),
        (2016.0, "year"),
    ]
    assert find_figures("TEL: 81-3-5205-6500") == []


def test_prose_parentheses_are_asides_but_cells_are_negative() -> None:
    assert find_figures("(124 clients as of 3Q16-end)")[0].value == 124.0
    assert parse_figure("(1,126)").value == -1126.0


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("1Q-3Q16 results", ["1Q-3Q16"]),
        ("first three quarters of FY2016", ["1Q-3Q16"]),
        ("3Q16-end", ["3Q16-end"]),
        ("as of December 31, 2016", ["Dec. 31, 2016"]),
        ("Mar. 31, 2016 vs Dec. 31, 2016", ["Mar. 31, 2016", "Dec. 31, 2016"]),
        ("FY2016 target", ["FY16"]),
        ("Q4 FY16", ["4Q16"]),
        ("employees in 2020", ["2020"]),
        ("the 9 months to Dec 2016", ["1Q-3Q16"]),
        ("six months ended September 30, 2016", ["1Q-2Q16"]),
        ("from march to december 2016", ["Mar. 2016", "Dec. 2016"]),
        ("market share for 2015/Q2 declined", ["2Q15"]),  # the quarter after its year
        ("2014-Q4 and 2015 Q1", ["4Q14", "1Q15"]),
        ("the 2015/16 season", []),
    ],
)
def test_periods(text: str, periods: list[str]) -> None:
    assert find_periods(text) == periods


def _grouped(number: int) -> str:
    return f"{number:,}"


@given(st.integers(min_value=0, max_value=999_999_999))
def test_thousands_separators_round_trip(number: int) -> None:
    figure = parse_figure(_grouped(number))
    assert figure is not None and figure.value == number


@given(st.integers(min_value=1, max_value=999_999))
def test_parentheses_are_negative_in_cells(number: int) -> None:
    assert parse_figure(f"({_grouped(number)})").value == -number


@given(st.integers(min_value=0, max_value=99_999), st.sampled_from(["+", "-", "up ", "down "]))
def test_signs_and_directions(number: int, sign: str) -> None:
    figure = parse_figure(f"{sign}{_grouped(number)}")
    expected = -number if sign.strip() in ("-", "down") else number
    assert figure.value == expected and figure.is_change


@given(st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False))
def test_percentages_with_approx(number) -> None:
    figure = parse_figure(f"approx. {number}%")
    assert figure.unit == "%" and figure.qualifier == "approx."
    assert figure.value == pytest.approx(float(number))


@given(st.integers(min_value=1, max_value=9_999), st.sampled_from(["thousand", "million", "billion", "trillion"]))
def test_scales(number: int, scale: str) -> None:
    figure = parse_figure(f"JPY{_grouped(number)} {scale}")
    assert figure.value == number and figure.unit == f"JPY {scale}"
    plain = parse_figure(f"{number} {scale}")
    assert plain.unit == scale


@given(st.floats(min_value=0.01, max_value=1e6, allow_nan=False))
def test_convert_round_trip(value: float) -> None:
    assert convert(convert(value, "JPY million", "JPY billion"), "JPY billion", "JPY million") == pytest.approx(value)


def test_convert_refuses_mixed_kinds() -> None:
    with pytest.raises(ValueError):
        convert(1.0, "JPY million", "%")


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("declared a quarterly dividend of $ 0.365 per share", 0.365, "USD"),  # the sign printed apart
        ("expected to add approximately $ 700 million of revenue", 700.0, "USD million"),
        ("net sales increased 18.3% to $10.2 billion", 10.2, "USD billion"),
        ("revenue of €5.2bn", 5.2, "EUR billion"),
        ("an impairment of £30 mn", 30.0, "GBP million"),
        ("US$ 3 billion of buybacks", 3.0, "USD billion"),
        ("revenue JPY119.9 billion", 119.9, "JPY billion"),
    ],
)
def test_currencies_and_scales_in_sentences(text: str, value: float, unit: str) -> None:
    figures = [figure for figure in find_figures(text) if figure.unit != "%"]
    assert [(figure.value, figure.unit) for figure in figures] == [(value, unit)]


def test_a_number_joined_to_a_word_by_a_hyphen_is_a_name_not_a_figure() -> None:
    text = "sales excluding COVID-19 Vaccine of 4.0% and a 3-for-1 split"
    assert [figure.raw for figure in find_figures(text)] == ["4.0%", "3"]


def test_a_range_sharing_its_thousands_is_no_figure_and_neither_is_its_tail() -> None:
    # "6-7,000" is 6,000 to 7,000: not a "000" of its own
    assert [figure.raw for figure in find_figures("JPY6-7,000 per month full package service")] == []
    assert [figure.raw for figure in find_figures("items 3, 4 and 5 cost 1,600")] == ["3", "4", "5", "1,600"]


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("guidance for the first quarter of 2023 includes both GAAP", []),  # a period's year
        ("fiscal 2023 sales rose 5%", ["5%"]),
        ("founded in 1992", ["1992"]),  # a year on its own is still a figure
        ("1 The impact of the change is 5%", ["5%"]),  # a footnote's number
        ("12 clients joined", ["12"]),
    ],
)
def test_numbers_that_belong_to_a_period_or_a_footnote_are_not_figures(text: str, figures: list[str]) -> None:
    assert [figure.raw for figure in find_figures(text)] == figures


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("in the year-ago first quarter (fiscal 2022)", ["1Q22"]),
        ("the first quarter, fiscal 2022", ["1Q22"]),
    ],
)
def test_a_quarter_with_its_fiscal_year_set_apart(text: str, periods: list[str]) -> None:
    assert find_periods(text) == periods


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("the company's 2022 international sales", ["2022"]),
        ("its 2023 guidance", ["2023"]),
        ("the 2022-2023 period", []),
        ("a $2022 charge", []),
    ],
)
def test_a_year_before_what_it_qualifies_is_a_period(text: str, periods: list[str]) -> None:
    assert find_periods(text) == periods


def test_a_figure_written_in_percent_is_a_percentage() -> None:
    figures = find_figures("Net sales increased 8.1 percent, to $53.44 billion, or 12 per cent; 5 percentage points")
    assert [(figure.raw, figure.unit) for figure in figures] == [
        ("8.1 percent", "%"), ("$53.44 billion", "USD billion"), ("12 per cent", "%"), ("5", ""),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("How much did total assets change over 2022?", ["2022"]),
        ("over 2022, sales rose", ["2022"]),
        ("throughout 2021", ["2021"]),
        ("grew to over 2000 stores", []),
    ],
)
def test_a_year_a_change_runs_over_is_a_period(text: str, periods: list[str]) -> None:
    assert find_periods(text) == periods


@pytest.mark.parametrize(
    ("text", "periods", "figures"),
    [
        ("Twitter at 400M Tweets Per Day in Jun ‘12", ["Jun. 2012"], ["400M"]),
        ("Twitter at 400M Tweets Per Day in Jun °12", ["Jun. 2012"], ["400M"]),  # OCR's degree sign
        ("FY '09 sales of 40", ["FY09"], ["40"]),
        ("Q3 ’15 installs", ["3Q15"], []),
        ("Dec '98", ["Dec. 1998"], []),
        ("music of the '90s", [], []),  # a decade, no year
        ("‘12 months’ of data", [], ["12"]),  # a quoted number, no month or quarter before it
        ("Big Data Overall Revenue $5.1B in ‘11", ["2011"], ["$5.1B"]),  # after a preposition, as a bare year
        ("from '08 to '12", ["2008", "2012"], []),
        ("it's 15 in all", [], ["15"]),
    ],
)
def test_a_year_shortened_with_an_apostrophe(text: str, periods: list[str], figures: list[str]) -> None:
    assert find_periods(text) == periods
    assert [figure.raw for figure in find_figures(text)] == figures


def test_counts_spelled_out() -> None:
    counts = spelled_counts("The framework supports four delivery lifecycles; one team of Twenty-two")
    assert [(count.raw, count.value, count.unit) for count in counts] == [
        ("four", 4.0, "count"),
        ("Twenty-two", 22.0, "count"),
    ]
    # A count joined to its noun counts it; a rank or a share spelled out is no count.
    counts = spelled_counts("a four-day training in the twenty-first year for one-third of two-thirds")
    assert [(count.raw, count.value) for count in counts] == [("four", 4.0)]


def test_a_margin_either_way_is_its_size() -> None:
    """ "+/-1.5": plus or minus 1.5, a margin of 1.5, not a fall of 1.5."""
    (margin,) = find_figures("Error margin: Wave III +/-1.5")
    assert (margin.raw, margin.value, margin.is_change) == ("+/-1.5", 1.5, False)
    (fall,) = find_figures("a change of -1.5")
    assert fall.value == -1.5
