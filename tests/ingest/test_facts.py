"""How a figure's label, period and part are read from a passage or a table cell."""

from __future__ import annotations

from ingest.facts import all_facts, passage_facts, table_facts
from ingest.records import Chunk, Table


def bullet(text: str, parent: str = "", heading: str = "H", chunk_id: str = "s1-p1") -> Chunk:
    return Chunk(
        chunk_id=chunk_id, slide=1, title="T", text=text, heading=heading, kind="bullet", level=1, parent=parent
    )


def read(text: str) -> list[tuple[str, str, str]]:
    return [(fact.label, fact.raw, fact.period) for fact in passage_facts(bullet(text))]


def test_a_bracketed_period_after_a_figure_is_its_own() -> None:
    facts = read("By 16.9% (FY15), 23.5% (FY14), 56.6% (FY13), 41.2% (FY12) YoY")
    assert [(raw, period) for _, raw, period in facts] == [
        ("16.9%", "FY15"),
        ("23.5%", "FY14"),
        ("56.6%", "FY13"),
        ("41.2%", "FY12"),
    ]
    assert all(label.startswith("By") for label, _, _ in facts)


def test_a_bare_quarter_takes_the_passage_year() -> None:
    facts = read("1Q-3Q16 +14.3% YoY (3Q +16.0%, 2Q +12.0%, 1Q +15.0%)")
    assert [period for _, _, period in facts] == ["1Q-3Q16", "3Q16", "2Q16", "1Q16"]


def test_an_abbreviation_does_not_end_the_label() -> None:
    label, raw, _ = read("Subscription continued to increase: Total subs. 1,710 thousand (+637 thousand YoY)")[0]
    assert raw == "1,710 thousand" and "Total subs." in label


def test_a_linked_date_after_the_figure_wins_and_its_year_is_no_figure() -> None:
    facts = read("Equity to Total Assets: 55.0% as of Mar. 31, 2016, 49.8% as of Dec. 31, 2016")
    assert [(raw, period) for _, raw, period in facts] == [("55.0%", "Mar. 31, 2016"), ("49.8%", "Dec. 31, 2016")]


def test_a_year_after_in_is_the_figures_period() -> None:
    facts = read("These actions underpin our cost-reduction targets of $3 billion in 2023.")
    assert ("$3 billion", "2023") in [(raw, period) for _, raw, period in facts]
    facts = read("Established in July 2007")
    assert [(raw, period) for _, raw, period in facts] == [("2007", "Jul. 2007")]


def test_a_year_ending_a_quarters_name_is_that_quarter() -> None:
    facts = read("For the fourth quarter of 2018, net income was $1.4 billion, or $2.27 per diluted share.")
    assert [(raw, period) for _, raw, period in facts] == [("$1.4 billion", "4Q18"), ("$2.27", "4Q18")]
    facts = read("Sales rose 5% in the first quarter of 2019 compared to 2018, to $4 billion.")
    assert ("5%", "1Q19") in [(raw, period) for _, raw, period in facts]


def test_a_quarter_before_its_fiscal_year_and_the_full_year_after_it() -> None:
    facts = read(
        "In Q4 FY23, the company returned $743 million to shareholders. "
        "For the full year, the company returned a total of $1.8 billion to shareholders."
    )
    assert [(raw, period) for _, raw, period in facts] == [("$743 million", "4Q23"), ("$1.8 billion", "FY23")]


def test_a_date_in_a_later_sentence_is_not_the_figures_period() -> None:
    facts = read("The board approved a quarterly dividend of $0.92 per share. It is payable on April 13, 2023.")
    assert [(raw, period) for _, raw, period in facts if raw == "$0.92"] == [("$0.92", "")]


def test_a_period_past_another_bracket_is_not_this_figures() -> None:
    facts = read("1Q-3Q16: JPY94,366 million (up 14.3% YoY) (83.1% of 3Q16 revenues)")
    assert ("up 14.3%", "1Q-3Q16") in [(raw, period) for _, raw, period in facts]


def test_a_bullet_without_a_period_takes_its_siblings_labelled_period() -> None:
    chunks = [
        bullet("1Q-3Q16: JPY12,207 million (up 9.6% YoY)", parent="Network Services", chunk_id="s1-p2"),
        bullet("1Q-3Q15: JPY11,137 million (up 1.0% YoY)", parent="Network Services", chunk_id="s1-p3"),
        bullet("Gross margin ratio: 17.8% (down 1.3 points YoY)", parent="Network Services", chunk_id="s1-p4"),
        bullet("In 4Q16, the charge is expected to be fixed", parent="Network Services", chunk_id="s1-p5"),
    ]
    ratio = next(fact for fact in all_facts([], chunks) if fact.raw == "17.8%")
    assert ratio.period == "1Q-3Q16"


def test_the_bracketed_part_of_a_cell_is_its_own_fact() -> None:
    table = Table(
        "s1-t1",
        1,
        "Breakdown of CAPEX",
        "JPY billion",
        ("", "FY15"),
        (("Cloud-related (of GIO P2-related)", "4.4 (2.2)"),),
    )
    whole, part = table_facts(table)
    assert (whole.label, whole.value, "part" in whole.tags) == ("Cloud-related", 4.4, False)
    assert (part.label, part.value, "part" in part.tags) == ("GIO P2-related (of Cloud-related)", 2.2, True)


def test_each_item_of_a_cell_names_its_figures() -> None:
    cell = "FY20 Cloud business revenue: approx. JPY45 billion (up JPY30.9 billion from FY15); FY20 MVNO business revenue: approx. JPY65 billion"
    table = Table("s1-t1", 1, "Business Strategies", "", ("Item", "Target"), (("Target Revenues", cell),))
    facts = table_facts(table)
    assert [(f.raw, f.period, "MVNO" in f.label) for f in facts] == [
        ("approx. JPY45 billion", "FY20", False),
        ("up JPY30.9 billion", "FY20", False),
        ("approx. JPY65 billion", "FY20", True),
    ]


def test_a_table_read_as_one_column_names_each_figure_by_the_words_before_it() -> None:
    """Columns set without rules between them are read as one: "Database systems 97%"."""
    rows = (("Database systems 97%",), ("Overall corporate data 94% Data of average organization 50%",))
    facts = table_facts(Table("s17-t1", 17, "Table 1", "", ("Area Growth Rate",), rows))
    assert [(f.label, f.value, f.unit) for f in facts] == [
        ("Area Growth Rate (Database systems)", 97.0, "%"),
        ("Area Growth Rate (Overall corporate data)", 94.0, "%"),
        ("Area Growth Rate (Data of average organization)", 50.0, "%"),
    ]


def test_each_item_of_a_list_of_counts_is_labelled_by_its_own_words() -> None:
    from ingest.facts import _label_around
    from ingest.numbers import find_figures

    text = "The company operates 847 stores, including 107 in Canada, 40 in Mexico, 31 in Japan"
    labels = {figure.raw: _label_around(text, figure) for figure in find_figures(text)}
    assert labels["847"].endswith("847 stores")
    assert "Canada" not in labels["40"] and labels["40"].endswith("40 in Mexico")
    assert "Mexico" not in labels["31"] and labels["31"].endswith("31 in Japan")


def test_a_percent_row_is_named_by_the_row_above_it() -> None:
    table = Table(
        "s1-t1",
        1,
        "Income by segment",
        "USD million",
        ("", "FY22", "FY21"),
        (
            ("Gross profit", "4,000", "3,600"),
            ("% of net sales", "40.0%", "36.0%"),
            ("Operating income", "1,000", "900"),
            ("% of net sales", "10.0%", "9.0%"),
        ),
    )
    labels = {(fact.raw, fact.period): fact.label for fact in table_facts(table)}
    assert labels[("40.0%", "FY22")] == "Gross profit % of net sales"
    assert labels[("9.0%", "FY21")] == "Operating income % of net sales"


def test_dates_above_a_ruled_table_date_its_columns_in_order() -> None:
    # The dates printed over the ruling are in the title; a "$" in a cell of its own is no figure.
    table = Table(
        "s82-t1",
        82,
        "Consolidated Balance Sheets December 31, 2022 December 31, 2021",
        "USD million",
        ("CAPITALIZATION AND LIABILITIES", "", "", "", "", ""),
        (
            ("Short-term debt", "", "1,175", "", "", "584"),
            ("Paid-in-capital", "$", "6,824", "", "$", "6,781"),
            ("Total", "3,001", "", "", "", ""),
        ),
    )
    facts = {(fact.row, fact.raw): fact for fact in table_facts(table)}
    assert facts["Short-term debt", "1,175"].period == "Dec. 31, 2022"
    assert facts["Short-term debt", "584"].period == "Dec. 31, 2021"
    assert facts["Paid-in-capital", "6,781"].period == "Dec. 31, 2021"
    assert facts["Total", "3,001"].period == "Dec. 31, 2022"  # one figure: the title's first date
    years = Table("s5-t1", 5, "Net sales 2022 2021", "", ("", "", ""), (("Americas", "10", "9"),))
    assert [fact.period for fact in table_facts(years)] == ["2022", "2021"]


def test_a_scaled_tables_per_share_and_share_rows_keep_their_own_units() -> None:
    table = Table(
        "s60-t1",
        60,
        "Statements of Income 2022 2021",
        "USD million",
        ("", "", ""),
        (
            ("Net income", "$ 1,263", "$ 1,407"),
            ("Diluted earnings per share", "$ 6.95", "$ 7.66"),
            ("Weighted-average diluted shares", "182", "182"),
        ),
    )
    units = {fact.row: fact.unit for fact in table_facts(table)}
    assert units == {
        "Net income": "USD million",
        "Diluted earnings per share": "USD",
        "Weighted-average diluted shares": "million",
    }


def test_a_column_headed_000_counts_in_thousands() -> None:
    table = Table(
        "s14-t1",
        14,
        "Top albums",
        "",
        ("", "Title", "Total Volume (000)", "Album Share", "Sales ($000s)"),
        (("1", "1989", "1,608", "67%", "$2,100"), ("2", "Pinkprint", "699", "43%", "$950")),
    )
    units = {(fact.row, fact.column): fact.unit for fact in table_facts(table)}
    assert units[("1", "Total Volume (000)")] == "thousand"
    assert units[("1", "Album Share")] == "%"
    assert units[("2", "Sales ($000s)")] == "USD thousand"
