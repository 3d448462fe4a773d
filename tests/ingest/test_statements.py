"""Unruled tables read from word positions: periods, split digits, section parents, and
the table-reading check on the corpus PDFs' hand-checked cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.table_check import check_all
from ingest.facts import statement_facts
from ingest.statements import (
    Period,
    StatementCell,
    StatementRow,
    StatementTable,
    complete_periods,
    inherit_headings,
    parse_period,
    period_name,
    read_statements,
    stated_year_end_month,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("heading", "kind", "end", "months"),
    [
        ("Three Months Ended January 28, 2023", "duration", "2023-01-28", 3),
        ("Twelve Months Ended Dec 31, 2022", "duration", "2022-12-31", 12),
        ("12 Weeks Ended November 20, 2022", "duration", "2022-11-20", 3),
        ("36 Weeks Ended May 7, 2023", "duration", "2023-05-07", 9),
        ("52 Weeks Ended January 28, 2023", "duration", "2023-01-28", 12),
        ("Dec 25, 2021", "instant", "2021-12-25", 0),
        ("August 28, 2022", "instant", "2022-08-28", 0),
        ("FY22", "duration", "2022", 12),
        ("Q4 FY23", "duration", "2023", 3),
        ("Q4 YTD 2021", "duration", "2021", 12),
        ("January 28, 20231", "instant", "2023-01-28", 0),  # a footnote mark glued to the year
    ],
)
def test_period_from_a_column_heading(heading: str, kind: str, end: str, months: int) -> None:
    period = parse_period(heading)
    assert period is not None and (period.kind, period.end, period.months) == (kind, end, months)


@pytest.mark.parametrize(
    ("end", "months", "fiscal_end_month", "name"),
    [
        ("2023-01-28", 3, 1, "4Q23"),  # a fiscal year ending in late January is named by that year
        ("2022-12-31", 12, 12, "FY22"),
        ("2023-01-01", 12, 12, "FY22"),  # 52/53-week years ending in the first days of January
        ("2022-11-20", 3, 8, "1Q23"),  # a fiscal year ending in August
        ("2023-06-30", 6, 12, "1H23"),
        ("2023-09-30", 9, 12, "1Q-3Q23"),
    ],
)
def test_fiscal_names_of_periods(end: str, months: int, fiscal_end_month: int, name: str) -> None:
    assert period_name(Period("duration", end, months), fiscal_end_month) == name


def test_periods_no_heading_dates_are_named_from_their_headings() -> None:
    """A document whose headings give years only ("Fourth Quarter 2022", "Twelve Months
    2022"; a dated one was misread) still names its quarters and years."""
    columns = ("FOURTH QUARTER 2022", "FOURTH QUARTER 2021", "Q1 2023", "TWELVE MONTHS 2022", "% Change")
    periods = tuple(parse_period(column) for column in columns)
    table = StatementTable(1, "", "", columns, periods, (), 0.0, 10.0)
    (completed,) = complete_periods([table])
    assert [period.label() if period else "" for period in completed.periods] == ["4Q22", "4Q21", "1Q23", "FY22", ""]


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("our Annual Report on Form 10-K for the year ended December 31, 2020", 12),
        ("for the fiscal years ended January 28, 2023 and January 29, 2022", 1),
        ("the fiscal year ended December 2, 2016", 11),  # a 52/53-week year closing in November
        ("for the three months ended March 31, 2021", None),  # a quarter says nothing of the year
        ("Fiscal year 2023 revenue grew", None),
    ],
)
def test_the_fiscal_year_end_as_the_text_states_it(text: str, month: int | None) -> None:
    assert stated_year_end_month(text) == month


def _headed(page: int, columns: dict[str, Period | None]) -> StatementTable:
    """A table of no rows with these column headings and their periods."""
    return StatementTable(page, "", "", tuple(columns), tuple(columns.values()), (), 0.0, 10.0)


def test_an_interim_reports_bare_years_are_the_year_to_date_and_quarters_its_calendars() -> None:
    """A quarterly report of a company whose year ends in December: its quarter ends
    March 31, its balance sheet compares March 31 with December 31. Columns headed "2021"
    and "2020" (their "Three Months Ended March 31," lost) are the first quarters, and the
    quarter is named in the calendar the text states, not by its own month."""
    quarter = _headed(
        5,
        {
            "Three Months Ended March 31, 2021": Period("duration", "2021-03-31", 3),
            "Three Months Ended March 31, 2020": Period("duration", "2020-03-31", 3),
        },
    )
    balances = _headed(
        6,
        {"March 31, 2021": Period("instant", "2021-03-31", 0), "December 31, 2020": Period("instant", "2020-12-31", 0)},
    )
    bare = _headed(7, {"2021": parse_period("2021"), "2020": parse_period("2020")})
    tables = complete_periods([quarter, balances, bare], year_end_month=12)
    assert [period.label() for period in tables[0].periods] == ["1Q21", "1Q20"]
    assert [(period.label(), period.months) for period in tables[2].periods] == [("1Q21", 3), ("1Q20", 3)]
    # An annual report's bare years stay its fiscal years.
    annual = _headed(3, {"Year Ended December 31, 2022": Period("duration", "2022-12-31", 12)})
    years = _headed(4, {"2022": parse_period("2022")})
    assert [period.label() for period in complete_periods([annual, years], 12)[1].periods] == ["FY22"]
    # 52/53-week years ending on January 1, 2023 and January 2, 2022: "2022" is the first.
    weeks = _headed(
        3,
        {
            "Fiscal Year Ended January 1, 2023": Period("duration", "2023-01-01", 12),
            "January 2, 2022": Period("duration", "2022-01-02", 12),
            "Year Ended January 2, 2022": Period("duration", "2022-01-02", 12),
        },
    )
    (_, completed) = complete_periods([weeks, years], 12)
    assert [(period.end, period.label()) for period in completed.periods] == [("2023-01-01", "FY22")]


def test_a_bold_total_set_on_its_figures_baseline_is_their_label() -> None:
    """A balance sheet's "TOTAL ASSETS" in smaller bold type sits lower on its line than
    its figures' tops (Arial 8.1 beside 9.0): by its baseline it is their row's label,
    not a row without a name under the section above."""
    words = [
        _word("August", 440, 0), _word("29,", 475, 0), _word("2021", 445, 11),
        _word("OTHER", 50, 30), _word("ASSETS", 80, 30),
        _word("Property", 60, 44), _word("and", 100, 44), _word("equipment", 120, 44), _word("23,492", 445, 44),
        _word("Other", 60, 58), _word("long-term", 90, 58), _word("assets", 140, 58), _word("3,381", 450, 58),
        {"text": "TOTAL", "x0": 50, "x1": 75, "top": 74.7, "bottom": 82.8},
        {"text": "ASSETS", "x0": 80, "x1": 110, "top": 74.7, "bottom": 82.8},
        {"text": "59,268", "x0": 445, "x1": 475, "top": 72.0, "bottom": 81.0},
    ]  # fmt: skip
    (table,) = read_statements(words, page=38, width=600)
    assert [(row.label, row.cells[0].value) for row in table.rows][-1] == ("TOTAL ASSETS", 59268.0)


def test_an_amount_per_diluted_common_share_has_no_scale() -> None:
    """ "(In millions, except per share data)": a row "per diluted common share" is in
    dollars, not millions."""
    words = [
        _word("(In", 50, 0), _word("millions,", 66, 0), _word("except", 110, 0), _word("per", 145, 0),
        _word("share", 165, 0), _word("data)", 195, 0),
        _word("2021", 445, 14),
        _word("Net", 50, 30), _word("income", 70, 30), _word("$", 430, 30), _word("1,263", 445, 30),
        _word("Net", 50, 44), _word("income", 70, 44), _word("per", 110, 44), _word("diluted", 130, 44),
        _word("common", 170, 44), _word("share", 210, 44), _word("$", 430, 44), _word("6.95", 450, 44),
    ]  # fmt: skip
    (table,) = read_statements(words, page=50, width=600)
    assert [cell.unit for row in table.rows for cell in row.cells] == ["USD million", "USD"]


def test_a_per_share_heading_wrapped_over_two_lines_is_one_section() -> None:
    """ "Earnings per common share attributable to" / "Acme Incorporated:" over "Diluted":
    one heading, so the row is an amount per share, not millions."""
    words = [
        _word("(In", 50, 0), _word("millions,", 66, 0), _word("except", 110, 0), _word("per", 145, 0),
        _word("share", 165, 0), _word("amounts)", 195, 0),
        _word("2020", 445, 14),
        _word("Net", 50, 30), _word("income", 70, 30), _word("$", 430, 30), _word("512", 450, 30),
        _word("Earnings", 50, 50), _word("per", 95, 50), _word("common", 115, 50), _word("share", 150, 50),
        _word("attributable", 180, 50), _word("to", 240, 50),
        _word("Acme", 50, 69), _word("Incorporated:", 75, 69),
        _word("Diluted", 60, 80), _word("$", 430, 80), _word("0.54", 450, 80),
    ]  # fmt: skip
    (table,) = read_statements(words, page=70, width=600)
    diluted = table.rows[-1]
    assert diluted.path == ("Earnings per common share attributable to Acme Incorporated", "Diluted")
    assert [cell.unit for cell in diluted.cells] == ["USD"]


def test_a_note_on_the_columns_under_their_dates_leaves_the_dates_their_headings() -> None:
    """ "July 2," / "2023  December 31, 2022" / "(Unaudited)" over a balance sheet: the
    columns are the two days; "(Unaudited)" is a note, not where the headings stop."""
    words = [
        _word("July", 440, 0), _word("2,", 465, 0),
        _word("(MILLIONS)", 20, 9), _word("2023", 445, 9), _word("December", 490, 9), _word("31,", 535, 9),
        _word("2022", 555, 9),
        _word("(Unaudited)", 400, 20),
        _word("Assets", 20, 31),
        _word("Cash", 30, 42), _word("2,632", 450, 42), _word("416", 560, 42),
        _word("Total", 20, 53), _word("assets", 45, 53), _word("220,168", 440, 53), _word("197,205", 550, 53),
    ]  # fmt: skip
    (table,) = read_statements(words, page=10, width=600)
    assert [(period.kind, period.end) for period in table.periods if period] == [
        ("instant", "2023-07-02"),
        ("instant", "2022-12-31"),
    ]


def test_a_caption_beside_the_year_heads_the_columns_and_a_quarter_keeps_its_ordinal() -> None:
    """ "(Unaudited; in Millions) 2023" over "Q1 Q2 SIX MONTHS": the year is a heading,
    not a row, and Q1 is the first quarter, not dated by the six months' end."""
    words = [
        _word("(Unaudited;", 20, 0), _word("in", 80, 0), _word("Millions)", 95, 0), _word("2023", 420, 0),
        _word("Q1", 350, 14), _word("Q2", 430, 14), _word("SIX", 500, 14), _word("MONTHS", 520, 14),
        _word("Sales", 20, 30), _word("20,894", 345, 30), _word("21,519", 425, 30), _word("42,413", 505, 30),
        _word("Net", 20, 44), _word("earnings", 40, 44), _word("1,000", 350, 44), _word("2,000", 430, 44),
        _word("3,000", 510, 44),
    ]  # fmt: skip
    tables = read_statements(words, page=12, width=600)
    assert len(tables) == 1 and [row.label for row in tables[0].rows] == ["Sales", "Net earnings"]
    dated = _headed(3, {"Six Months Ended July 2, 2023": Period("duration", "2023-07-02", 6)})
    (_, completed) = complete_periods([dated, tables[0]], year_end_month=12)
    assert [period.label() if period else "" for period in completed.periods] == ["1Q23", "2Q23", "1H23"]


def test_a_note_under_a_table_is_not_the_label_of_its_last_row() -> None:
    words = [
        _word("2021", 445, 0),
        _word("Basic", 60, 14), _word("5.98", 450, 14),
        _word("Diluted", 60, 28), _word("5.97", 450, 28),
        _word("(a)", 50, 44), _word("Amounts", 66, 44), _word("may", 110, 44), _word("not", 130, 44),
        _word("calculate", 150, 44), _word("due", 200, 44), _word("to", 220, 44), _word("rounding.", 235, 44),
    ]  # fmt: skip
    (table,) = read_statements(words, page=86, width=600)
    assert [row.label for row in table.rows] == ["Basic", "Diluted"]


def test_a_charts_scale_is_not_a_table() -> None:
    """The ticks up a bar chart's side (700,000 ... 100,000) beside its caption's lines
    step evenly: not a table; the sentence beside them stays a passage. A table whose
    figures step evenly in one column but not in another is a table."""

    def lines(values: list[tuple[str, str]]) -> list[dict]:
        words = [_word("2015", 400, 0)]
        for row, (label, value) in enumerate(values, start=1):
            words += [_word(label, 50, 14 * row), _word(value, 400, 14 * row)]
        return words

    ticks = lines([("Total", "700,000"), ("At", "600,000"), ("each", "500,000"), ("airing", "400,000")])
    assert read_statements(ticks, page=28, width=600) == []
    lost_tick = lines([("VIEWERS", "14"), ("", "12"), ("on air", "11"), ("", "10")])  # OCR lost the 13
    assert read_statements([word for word in lost_tick if word["text"]], page=28, width=600) == []
    measured = lines([("Products", "1,696"), ("Services", "1,529"), ("Other", "340"), ("Total", "3,565")])
    assert len(read_statements(measured, page=3, width=600)) == 1
    # Three ticks of a round step (100%, 80%, 60%) make a scale too; three measured
    # figures that happen to step evenly but not roundly (1,696 1,596 1,496) a table.
    round_ticks = lines([("Android led the market", "100%"), ("with a share", "80%"), ("of 82.8%.", "60%")])
    assert read_statements(round_ticks, page=6, width=600) == []
    stepping = lines([("Products", "1,696"), ("Services", "1,596"), ("Other", "1,496")])
    assert len(read_statements(stepping, page=3, width=600)) == 1


def test_two_figures_under_one_column_are_not_stated() -> None:
    """OCR split "-37.4%" into "-37" and "4%": both fall under one column, and which one
    it holds is unknown."""
    cells = (
        StatementCell(29.0, "29", "USD million", 0),
        StatementCell(-37.0, "-37", "%", 1),
        StatementCell(4.0, "4%", "%", 1),
    )
    row = StatementRow(("US",), cells, "US 29 -37 4%")
    table = StatementTable(1, "", "", ("2022", "% Change"), (None, None), (row,), 0.0, 10.0)
    assert [(fact.raw, fact.column) for fact in statement_facts("p1-u1", table)] == [("29", "2022")]


def _word(text: str, x0: float, top: float, width: float | None = None) -> dict:
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + (width if width is not None else 5.0 * len(text)),
        "top": top,
        "bottom": top + 9,
    }


def test_a_small_statement_with_split_digits_sections_and_a_spanning_heading() -> None:
    words = [
        _word("(in", 50, 10), _word("millions)", 66, 10),
        _word("Three", 300, 30), _word("Months", 330, 30), _word("Ended", 365, 30),
        _word("Dec", 290, 42), _word("31,", 310, 42), _word("2022", 328, 42),
        _word("Dec", 370, 42), _word("25,", 390, 42), _word("2021", 408, 42),
        _word("Revenue:", 50, 60),
        _word("Products", 60, 74), _word("$", 300, 74), _word("1", 320, 74, 5), _word(",696", 325, 74, 20),
        _word("1,529", 400, 74, 25),
        _word("Services", 60, 88), _word("(34)", 325, 88, 20), _word("\u2014", 415, 88, 10),
        _word("Total", 50, 102), _word("1,662", 320, 102, 25), _word("1,529", 400, 102, 25),
    ]  # fmt: skip
    (table,) = read_statements(words, page=3, width=600)
    assert [period.months for period in table.periods if period] == [3, 3]
    assert [period.end for period in table.periods if period] == ["2022-12-31", "2021-12-25"]
    rows = {row.path: row for row in table.rows}
    products = rows[("Revenue", "Products")]
    assert [(cell.value, cell.column, cell.unit) for cell in products.cells] == [
        (1696.0, 0, "USD million"),
        (1529.0, 1, "USD million"),
    ]
    assert [(cell.value, cell.column) for cell in rows[("Revenue", "Services")].cells] == [(-34.0, 0)]
    assert ("Total",) in rows, "a row back at the section's indentation leaves the section"


def test_a_unit_in_the_column_headings_and_on_the_page_it_continues_on() -> None:
    # "SALES ($MM)" spans the columns; the table goes on over the next page, whose
    # headings are not printed again.
    first = [
        _word("SALES", 300, 20), _word("($MM)", 330, 20),
        _word("2022", 300, 32), _word("2021", 400, 32),
        _word("PRODUCT", 50, 46),
        _word("US", 60, 60), _word("912", 305, 60, 15), _word("899", 405, 60, 15),
        _word("WW", 60, 74), _word("1,737", 300, 74, 25), _word("1,789", 400, 74, 25),
    ]  # fmt: skip
    continued = [
        _word("OTHER", 50, 46),
        _word("US", 60, 60), _word("37", 310, 60, 10), _word("55", 410, 60, 10),
        _word("WW", 60, 74), _word("168", 305, 74, 15), _word("178", 405, 74, 15),
    ]  # fmt: skip
    tables = inherit_headings([*read_statements(first, page=16, width=600), *read_statements(continued, 17, 600)])
    assert [table.page for table in tables] == [16, 17]
    for table in tables:
        units = {cell.unit for row in table.rows for cell in row.cells}
        assert units == {"USD million"}, (table.page, units)
    assert tables[1].rows[0].path == ("OTHER", "US")


def test_a_section_whose_first_child_is_a_section_keeps_its_rows_after_the_subtotal() -> None:
    words = [
        _word("2022", 300, 20), _word("2021", 400, 20),
        _word("Revenue:", 50, 34),
        _word("Client", 56, 48), _word("Computing", 86, 48),
        _word("Desktop", 62, 62), _word("10", 310, 62, 10), _word("12", 410, 62, 10),
        _word("Notebook", 62, 76), _word("18", 310, 76, 10), _word("25", 410, 76, 10),
        _word("28", 310, 90, 10), _word("37", 410, 90, 10),
        _word("Mobileye", 56, 104), _word("2", 310, 104, 5), _word("1", 410, 104, 5),
        _word("Total", 50, 118), _word("30", 310, 118, 10), _word("38", 410, 118, 10),
    ]  # fmt: skip
    (table,) = read_statements(words, page=1, width=600)
    paths = [row.path for row in table.rows]
    assert paths == [
        ("Revenue", "Client Computing", "Desktop"),
        ("Revenue", "Client Computing", "Notebook"),
        ("Revenue", "Client Computing"),
        ("Revenue", "Mobileye"),
        ("Total",),
    ]


def test_a_title_cased_label_heads_the_block_below_and_close_set_column_names_each_head_one() -> None:
    words = [
        _word("to", 50, 6), _word("similarly", 60, 6), _word("titled", 100, 6), _word("measures", 130, 6),
        _word("used.", 175, 6),
        _word("Domestic", 290, 20, 40), _word("International", 335, 20, 55), _word("Total", 395, 20, 25),
        _word("SG&A", 50, 34), _word("2,068", 300, 34, 25), _word("189", 360, 34, 15), _word("2,257", 395, 34, 25),
        _word("Segment", 50, 48), _word("Non-GAAP", 90, 48), _word("Results", 140, 48),
        _word("SG&A", 50, 62), _word("2,047", 300, 62, 25), _word("189", 360, 62, 15), _word("2,236", 395, 62, 25),
    ]  # fmt: skip
    (table,) = read_statements(words, page=1, width=600)
    assert table.columns == ("Domestic", "International", "Total")  # not the paragraph's last line
    assert [row.path for row in table.rows] == [("SG&A",), ("Segment Non-GAAP Results", "SG&A")]


@pytest.mark.slow
def test_hand_checked_cells_are_read_right() -> None:
    results = {result.document: result for result in check_all(REPO_ROOT / "eval" / "cells")}
    assert len(results) == 4
    for result in results.values():
        # Measured 0.93-1.00 per document (60/62 in all); each miss is listed.
        assert result.share >= 0.9, (result.document, result.misses)
    assert sum(r.right for r in results.values()) / sum(r.checked for r in results.values()) >= 0.95


def test_a_statement_title_set_in_capitals_beats_a_remark_and_a_wrapped_row_names_nothing() -> None:
    # The retailer's balance sheet is printed under "CONSOLIDATED BALANCE SHEETS", its
    # caption, then "Subject to Reclassification"; its equity part on the next page
    # follows a wrapped row ending "... issued and / outstanding — —".
    from ingest.pdf_reader import read_deck

    deck = read_deck(REPO_ROOT / "data" / "corpus" / "COSTCO_2023Q1_EARNINGS.pdf")
    titles = {statement.title for _, statement in deck.statements}
    assert "CONSOLIDATED BALANCE SHEETS" in titles and "CONSOLIDATED STATEMENTS OF INCOME" in titles
    assert not any(title.startswith(("Subject to", "outstanding")) for title in titles), titles


def test_a_heading_set_flush_under_one_columns_heading_continues_it_alone() -> None:
    # "12 Weeks   12 Weeks" over two columns, "Adjusted*" flush under the second only.
    words = [
        _word("12", 365, 20, 9), _word("Weeks", 376, 20, 22), _word("12", 457, 20, 9), _word("Weeks", 468, 20, 23),
        _word("Adjusted*", 457, 28, 35),
        _word("U.S.", 96, 44), _word("9.3%", 373, 44, 17), _word("6.5%", 466, 44, 16),
        _word("Canada", 96, 52), _word("2.4%", 373, 52, 17), _word("8.3%", 466, 52, 16),
    ]  # fmt: skip
    [table] = read_statements(words, page=1, width=600)
    assert table.columns == ("12 Weeks", "12 Weeks Adjusted*")


def test_a_continued_table_with_an_empty_column_takes_the_headings_column_by_column() -> None:
    # The statement's second part on the same page prints no headings, and a "$" column
    # (or a label's overflow) makes one more column than the first part has.
    first = [
        _word("Statements", 250, 10), _word("of", 300, 10), _word("Cash", 320, 10), _word("Flows", 350, 10),
        _word("December", 300, 24), _word("31,", 340, 24), _word("2020", 355, 24),
        _word("December", 420, 24), _word("31,", 460, 24), _word("2019", 475, 24),
        _word("Net", 50, 40), _word("income", 70, 40), _word("709", 360, 40, 15), _word("621", 480, 40, 15),
        _word("Depreciation", 50, 54), _word("604", 360, 54, 15), _word("582", 480, 54, 15),
    ]  # fmt: skip
    second = [
        _word("Dividends", 50, 300), _word("paid", 95, 300), _word("(389)", 355, 300, 20), _word("(353)", 475, 300, 20),
        _word("Stock", 50, 314), _word("issued", 80, 314), _word("5", 250, 314, 5),
        _word("28", 365, 314, 10), _word("26", 485, 314, 10),
        _word("Debt", 50, 328), _word("repaid", 80, 328), _word("(15)", 360, 328, 15), _word("(22)", 480, 328, 15),
        _word("Other", 50, 342), _word("3", 370, 342, 5), _word("4", 490, 342, 5),
    ]  # fmt: skip
    tables = inherit_headings([*read_statements(first, page=86, width=600), *read_statements(second, 86, 600)])
    dividends = next(row for row in tables[1].rows if row.label == "Dividends paid")
    periods = tables[1].periods
    assert [(cell.value, periods[cell.column].end) for cell in dividends.cells] == [
        (-389.0, "2020-12-31"),
        (-353.0, "2019-12-31"),
    ]


def test_headings_above_a_scale_caption_under_the_title() -> None:
    # Title, "Year Ended", the dates, the years, then "(In millions)" right above the rows.
    words = [
        _word("Consolidated", 250, 10), _word("Statements", 310, 10), _word("of", 360, 10), _word("Cash", 375, 10),
        _word("Flows", 400, 10),
        _word("Year", 380, 24), _word("Ended", 405, 24),
        _word("December", 300, 38), _word("26,", 345, 38), _word("December", 420, 38), _word("27,", 465, 38),
        _word("2015", 320, 52), _word("2014", 440, 52),
        _word("(In", 250, 66), _word("millions)", 265, 66),
        _word("Depreciation", 50, 80), _word("167", 330, 80, 15), _word("203", 450, 80, 15),
        _word("Interest", 50, 94), _word("11", 335, 94, 10), _word("17", 455, 94, 10),
    ]  # fmt: skip
    (table,) = read_statements(words, page=60, width=600)
    assert table.title == "Consolidated Statements of Cash Flows"
    assert [period.end for period in table.periods if period] == ["2015-12-26", "2014-12-27"]


def test_a_footnote_mark_among_a_rows_figures_is_not_its_label() -> None:
    # "Net income/(loss) 3,100 5,645 (a) (45)": the mark after the second year's figure.
    words = [
        _word("2022", 300, 0), _word("2021", 360, 0), _word("Change", 420, 0),
        _word("Revenue", 50, 20), _word("12,614", 300, 20), _word("12,760", 360, 20), _word("(1)%", 420, 20),
        _word("Net", 50, 34), _word("income", 70, 34), _word("3,100", 300, 34), _word("5,645", 360, 34),
        _word("(a)", 392, 34), _word("(45)", 420, 34),
    ]  # fmt: skip
    (table,) = read_statements(words, page=21, width=600)
    row = table.rows[-1]
    assert row.label == "Net income" and [cell.value for cell in row.cells] == [3100.0, 5645.0, -45.0]
