"""Which of a statement's rows is asked: the whole over its parts, the same figure printed
more precisely, a fiscal year's end dated a few days apart, a rate printed less precisely
than asked."""

from __future__ import annotations

from figures.lookup import (
    _DECIMALS,
    LookupResult,
    Match,
    _most_precise,
    _period_fit,
    _precise_enough,
    _same_week,
    _whole_over_parts,
)
from ingest.records import Fact


def _match(row: int, label: str, value: float, score: float, unit: str = "USD million", raw: str = "") -> Match:
    fact = Fact(
        f"p38-u18-r{row}-c4", 38, label, value, unit, "FY17", raw or f"{value:,.0f}", label,
        table_id="p38-u18", row=label, column="Year Ended December 31, 2017",
    )  # fmt: skip
    return Match(fact, score, 1.0, True, True)


def test_asked_without_a_parts_name_the_whole_is_meant() -> None:
    product = _match(1, "Net product sales", 118_573, 2.33)
    cost = _match(4, "Cost of sales", 111_934, 2.30)
    total = _match(3, "Total net sales", 177_866, 2.29)
    service = _match(2, "Net service sales", 59_293, 2.29)
    assert _whole_over_parts([product, cost, total, service])[0] is total
    # A part that scores clearly better (its name asked) stays first.
    named = _match(1, "Net product sales", 118_573, 2.9)
    assert _whole_over_parts([named, cost, total, service])[0] is named


def test_a_segment_tables_consolidated_column_is_the_whole() -> None:
    def column(number: int, heading: str, value: float) -> Match:
        fact = Fact(
            f"p133-u54-r10-c{number}", 133, "Total assets", value, "USD million", "FY22", f"{value:,.0f}",
            "Total assets", table_id="p133-u54", row="Total assets", column=heading,
        )  # fmt: skip
        return Match(fact, 2.59, 1.0, True, True)

    regulated, other, consolidated = (
        column(1, "2022 Regulated", 25_038),
        column(2, "2022 Other", 2_749),
        column(3, "2022 Consolidated", 27_787),
    )
    assert _whole_over_parts([regulated, other, consolidated])[0] is consolidated


def test_the_same_figure_printed_more_precisely_is_taken() -> None:
    rounded = _match(1, "Cash and cash equivalents", 2_306.1, 2.66, raw="2,306.1")
    exact = _match(2, "Cash and cash equivalents", 2_306_072, 2.61, unit="USD thousand", raw="2,306,072")
    other = _match(3, "Short-term investments", 3_513.7, 2.60, raw="3,513.7")
    assert _most_precise([rounded, other, exact]) is exact
    assert _most_precise([rounded, other]) is rounded


def test_a_fiscal_years_end_within_a_week_is_the_same_end() -> None:
    assert _same_week("2015-11-29", "2015-11-27")
    assert not _same_week("2015-11-29", "2014-11-28")
    assert not _same_week("", "2015-11-27")


def test_the_same_amount_with_its_pages_scale_is_taken() -> None:
    # A discussion's table read without its "in millions" against the income statement's row.
    unscaled = _match(1, "Membership fees", 3_877, 2.79, unit="USD")
    scaled = _match(2, "Membership fees", 3_877, 2.69)
    assert _most_precise([unscaled, scaled]) is scaled


def test_a_column_dated_by_its_day_alone_is_the_fiscal_year_ending_then() -> None:
    # A cash flow statement's column headed "January 28, 2023" (its "Fiscal Years Ended"
    # read apart): the fiscal year ending that day, however the fact was dated.
    dividends = Fact("s42-t1-r27c2-0", 42, "Dividends paid", -789, "", "Jan. 28, 2023", "(789)", "Dividends paid")
    year_ends = {"FY23": "2023-01-28", "FY22": "2022-01-29"}
    assert _period_fit(["FY23"], dividends, set(), [], year_ends)[0]
    assert not _period_fit(["FY22"], dividends, set(), [], year_ends)[0]


def test_a_rate_printed_with_fewer_places_than_asked_is_not_precise_enough() -> None:
    def rate(raw: str) -> LookupResult:
        fact = Fact("p21-u4-r1-c4", 21, "Net sales", float(raw.rstrip("%")), "%", "FY19", raw, "Net sales")
        return LookupResult(value=fact.value, unit="%", period="FY19", facts=[fact], confident=True, explanation="")

    places = _DECIMALS.set(1)
    try:
        assert not _precise_enough(rate("9%"))
        assert _precise_enough(rate("7.1%"))
    finally:
        _DECIMALS.reset(places)
    assert _precise_enough(rate("9%"))  # no places asked
