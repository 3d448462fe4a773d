"""The table lookup against the real deck and index: each derived shape and each way a
figure's label, period or part is read, asked in words of its own (not the gold file's)."""

from __future__ import annotations

import pytest

from qa import DeckQA

pytestmark = pytest.mark.slow


def figure(deck: DeckQA, question: str):
    result = deck.lookup.answer(question)
    assert result is not None and result.confident, result.explanation if result else "nothing matched"
    return result


@pytest.mark.parametrize(
    ("question", "value", "unit"),
    [
        # a period in brackets after each figure of a list: "By 16.9% (FY15), 23.5% (FY14), ..."
        ("How much did Docomo cut its MVNO infra cost in FY14?", 23.5, "%"),
        ("How much did Docomo cut its MVNO infra cost in FY12?", 41.2, "%"),
        # a bare quarter takes the passage's year: "(3Q +16.0%, 2Q +12.0%, 1Q +15.0%)"
        ("What was the YoY revenue growth in 1Q16?", 15.0, "%"),
        # the bracketed part of a table cell: "Cloud-related (of GIO P2-related) | 4.4 (2.2)"
        ("How much FY15 CAPEX was GIO P2-related?", 2.2, "JPY billion"),
        ("What was cloud-related CAPEX in FY15?", 4.4, "JPY billion"),
        # one item of a multi-item cell names its own figure
        ("What is the FY20 revenue target for the cloud business?", 45.0, "JPY billion"),
        # a segment's figure needs the segment named; unnamed, the total is meant
        ("What was the SI gross margin ratio in 1Q-3Q16?", 10.6, "%"),
        ("What was the gross margin ratio of network services in 1Q-3Q16?", 17.8, "%"),
        # "big" is a plain word here, although the deck writes "Big Data"
        ("How big is the stake Dalton holds?", 6.3, "%"),
        # "provided by" does not hide the metric
        ("What was net cash provided by operating activities in FY15?", 12052.0, "JPY million"),
        # the slide's footnote says to whom ("* Net income attributable to IIJ"): its row,
        # not the cash flow statement's net income before minority interests
        ("How much was net income attributable to IIJ in 1Q-3Q16?", 1.91, "JPY billion"),
    ],
)
def test_single_figures(deck: DeckQA, question: str, value: float, unit: str) -> None:
    result = figure(deck, question)
    assert (result.value, result.unit) == (value, unit), result.explanation


@pytest.mark.parametrize(
    ("question", "value", "unit", "formula"),
    [
        # share of a target achieved so far
        (
            "What share of the FY16 operating income target had been reached by the end of 3Q16?",
            63.2,
            "%",
            "3.16 / 5 * 100",
        ),
        # a level implied by a target and its stated increase
        (
            "What FY15 cloud business revenue do the FY20 target and its increase imply?",
            14.1,
            "JPY billion",
            "45 - 30.9",
        ),
        # the items of one cell added up
        ("What do the FY20 revenue targets add up to?", 250.0, "JPY billion", "45 + 65 + 140"),
        # a difference asked as a magnitude, in points
        (
            "What is the difference in the substantial network service gross margin ratio between 2Q15 and 2Q16?",
            1.6,
            "points",
            "19.5 - 17.9",
        ),
        # an explicit ratio in brackets
        ("What net margin does the FY16 target imply (net income / revenues)?", 1.9, "%", "3 / 158 * 100"),
        # cumulative figures over quarter ranges the deck prints per quarter
        (
            "How much lower was cumulative ATM-related SG&A in 1Q-2Q15 than in 1Q-2Q16?",
            4.6,
            "JPY million",
            "(43.5 + 51.1) - (44.9 + 45.1)",
        ),
        # a change in points between two dates, computed when none is printed
        (
            "By how many points did the equity ratio change between Mar. 31, 2016 and Dec. 31, 2016?",
            -5.2,
            "points",
            "49.8 - 55",
        ),
    ],
)
def test_derived_figures(deck: DeckQA, question: str, value: float, unit: str, formula: str) -> None:
    result = figure(deck, question)
    assert result.unit == unit, result.explanation
    assert result.value == pytest.approx(value, abs=0.05), result.formula
    assert result.formula == formula


def test_a_unit_in_the_question_picks_the_figure(deck: DeckQA) -> None:
    result = figure(deck, "By how many JPY billion did total revenues rise from 1Q-3Q15 to 1Q-3Q16?")
    assert result.unit == "JPY billion" and result.value == pytest.approx(14.22), result.formula


@pytest.mark.parametrize(
    "question",
    [
        "Who is IIJ's CEO?",
        "What is IIJ's market capitalization?",
        "How many employees does Seven Bank have?",
        # an amount per share: the deck prints none ("JPY15 billion" of a target is no such amount)
        "How much was IIJ's dividend per share in FY2016?",
    ],
)
def test_unknown_subjects_are_refused(deck: DeckQA, question: str) -> None:
    answer = deck.ask(question)
    assert answer.refused, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "What does IIJ do to stay at the leading edge of IP R&D?",  # "stay" is not in the deck
        "What does the expected full-MVNO investment consist of?",  # nor "consist"
        "What topics does the presentation cover?",  # the Contents slide
    ],
)
def test_everyday_words_do_not_refuse(deck: DeckQA, question: str) -> None:
    answer = deck.ask(question)
    assert not answer.refused, answer.debug.refusal_check


@pytest.mark.parametrize(
    ("period", "earlier"),
    [("FY22", "FY21"), ("4Q22", "4Q21"), ("1Q-3Q16", "1Q-3Q15"), ("2022", "2021"), ("Dec. 31, 2022", "Dec. 31, 2021"),
     ("3Q16-end", "3Q15-end"), ("FY00", "FY99"), ("Jan. 2023", "Jan. 2022"), ("Contents", "")],
)  # fmt: skip
def test_the_same_period_a_year_earlier(period: str, earlier: str) -> None:
    from figures.lookup import year_before

    assert year_before(period) == earlier


def test_abbreviations_from_the_labels_initials() -> None:
    from figures.lookup import _initial_phrases

    labels = ["Research and development", "Selling, general and administrative", "Property, plant and equipment, net",
              "Diluted earnings per share", "Research and development", "Restructuring and other charges"]  # fmt: skip
    phrases = _initial_phrases(labels)
    assert phrases["rd"] == "research and development"  # the more frequent of two "r... d..." runs
    assert phrases["sga"] == "selling general and administrative"
    assert phrases["ppe"] == "property plant and equipment"
    assert phrases["eps"] == "earnings per share"


def test_an_abbreviation_stands_for_a_phrase_the_document_writes(deck: DeckQA) -> None:
    # "aim to maintain" is no "ATM" (the deck's rows write "ATM"): the deck never writes the phrase.
    assert "ATM" not in deck.lookup.abbreviated("What annual revenue growth rate does the company aim to maintain?")


def test_a_share_needs_a_part_and_a_whole(deck: DeckQA) -> None:
    lookup = deck.lookup
    # Two stakes in percent are no part and whole: 21.6% "of" 4.4% would be 491%.
    stakes = lookup._combine_metrics("", "NTT stake", "NTT Communications stake", "share", [])
    assert stakes is not None and not stakes.confident, stakes.explanation
    # A part larger than its whole is not a share either (revenue "of" SG&A).
    larger = lookup._combine_metrics("", "total revenues", "SG&A expenses", "share", ["1Q-3Q16"])
    assert larger is not None and not larger.confident, larger.explanation
    # The other way round, it is.
    ratio = lookup._combine_metrics("", "SG&A expenses", "total revenues", "share", ["1Q-3Q16"])
    assert ratio is not None and ratio.confident and 0 < ratio.value < 100, ratio.explanation


def test_two_metrics_joined_by_an_operator_sign_or_word() -> None:
    from figures.lookup import _split_two_metrics

    # What ends a sum's second operand ("in FY21", "for the Country genre") is both's.
    assert _split_two_metrics("What was operating income plus depreciation in FY21?") == (
        "What was operating income in FY21",
        "depreciation in FY21",
        "+",
    )
    assert _split_two_metrics(
        "What is the combined percentage of album sales and song sales for the Country genre?"
    ) == (
        "percentage album sales for the Country genre",
        "percentage song sales for the Country genre",
        "+",
    )
    # "How many <things> in all for A and B": the things of each.
    assert _split_two_metrics("How many fieldwork personnel in all for Wave I and Wave II?") == (
        "fieldwork personnel Wave I",
        "fieldwork personnel Wave II",
        "+",
    )
    assert _split_two_metrics("What was net sales less cost of sales?") == ("What was net sales", "cost of sales", "-")
    assert _split_two_metrics("What was revenue in FY2015 - FY2017?") is None


def test_a_roman_numeral_abbreviates_nothing() -> None:
    from figures.lookup import _abbreviation

    assert _abbreviation("ROI") and _abbreviation("GAAP") and _abbreviation("AI")
    # "Tier II" would read "income in" as its initials.
    assert not _abbreviation("II") and not _abbreviation("III") and not _abbreviation("IV")


def test_of_one_sentences_figures_that_match_alike_the_one_its_own_words_name() -> None:
    from figures.lookup import Match, _nearest_in_its_sentence
    from ingest.records import Fact

    def prose(sentence: str, index: int, raw: str, value: float, unit: str) -> Fact:
        return Fact(f"s1-p1-f{index}", 1, sentence[: sentence.find(raw)], value, unit, "", raw, sentence)

    consideration = (
        "The total fair value of the consideration transferred was $11.2 billion, of which $10.9 billion in cash."
    )
    total = prose(consideration, 2, "$11.2 billion", 11.2, "USD billion")
    cash = prose(consideration, 3, "$10.9 billion", 10.9, "USD billion")
    matches = [Match(cash, 1.62, 0.8, True, True), Match(total, 1.61, 0.8, True, True)]
    question = "What was the total fair value of the consideration transferred?"
    assert _nearest_in_its_sentence(matches[0], matches, question).fact is total
    team = "Of 72 experienced personnel on the team, 24 were supervisors."
    people = prose(team, 0, "72", 72, "count")
    supervisors = prose(team, 1, "24", 24, "count")
    matches = [Match(people, 1.5, 0.8, True, True), Match(supervisors, 1.49, 0.8, True, True)]
    assert _nearest_in_its_sentence(matches[0], matches, "How many supervisors were there?").fact is supervisors
    # A list's subject names its items too: the ranker's item that its own words name stays.
    listed = "The company operates 847 warehouses, including 578 in the United States, 107 in Canada."
    operated, canada = prose(listed, 0, "847", 847, "count"), prose(listed, 2, "107", 107, "count")
    matches = [Match(canada, 1.5, 0.8, True, True), Match(operated, 1.49, 0.8, True, True)]
    assert (
        _nearest_in_its_sentence(matches[0], matches, "How many warehouses does it operate in Canada?").fact is canada
    )
    # A figure opening its clause is named by the words after it.
    split = "87.8% of cloud revenue is recognized in operation revenues, 12.2% in outsourcing."
    operation, outsourcing = prose(split, 0, "87.8%", 87.8, "%"), prose(split, 1, "12.2%", 12.2, "%")
    matches = [Match(outsourcing, 1.5, 0.8, True, True), Match(operation, 1.49, 0.8, True, True)]
    share = "What share of cloud revenue is recognized in operation revenues?"
    assert _nearest_in_its_sentence(matches[0], matches, share).fact is operation
    # A figure that matches clearly better stays the answer.
    apart = [Match(cash, 1.9, 0.8, True, True), Match(total, 1.61, 0.8, True, True)]
    assert _nearest_in_its_sentence(apart[0], apart, question).fact is cash


def test_a_figure_a_sentence_states_as_decided_for_a_later_year_is_not_an_outlook() -> None:
    from figures.lookup import _decided_for
    from ingest.records import Fact

    decided = (
        "The Board authorized a 10% increase in the quarterly cash dividend to $0.605 per share effective in 2023."
    )
    expected = "Management expects net interest income to be approximately $87 billion in 2023."
    dividend = Fact("s1-p1-f1", 1, decided[:60], 0.605, "USD", "2023", "$0.605", decided)
    outlook = Fact("s1-p2-f0", 1, expected[:50], 87, "USD billion", "2023", "$87 billion", expected)
    assert _decided_for(dividend, ["2023"]) and not _decided_for(outlook, ["2023"])
    assert not _decided_for(dividend, ["2024"])


def test_an_ampersand_abbreviation_is_spelled_out_only_by_a_phrase_with_and(deck: DeckQA) -> None:
    # "&" stands for "and": a phrase whose initials match without one is no spelling of it.
    lookup = deck.lookup
    lookup._phrases["zw"] = "zoned warehouses"
    lookup._phrases["xy"] = "xenon and yttrium"
    try:
        assert lookup.spelled_out("the impact of Z&W") == "the impact of Z&W"
        assert lookup.spelled_out("the X&Y line") == "the xenon and yttrium line"
    finally:
        del lookup._phrases["zw"], lookup._phrases["xy"]


def test_a_column_named_with_another_roman_numeral_is_not_the_one_asked() -> None:
    from figures.lookup import _other_numeral
    from ingest.records import Fact

    def cell(column: str) -> Fact:
        return Fact(
            "s9-t1-r4c1-0", 9, f"No of fieldwork personnel - {column}", 52.0, "count", "", "52", "", column=column
        )

    question = "How many fieldwork personnel were there in Wave I?"
    assert _other_numeral(cell("Wave II"), question) and _other_numeral(cell("Wave III"), question)
    assert not _other_numeral(cell("Wave I"), question)
    assert not _other_numeral(cell("Wave II"), "How many fieldwork personnel in all?")  # none asked


def _table_page(title: str, size: float, rows: list[tuple[str, ...]], widths: tuple[float, ...]):
    """A page titled `title` over a table of `rows` ruled round every cell."""
    from tests.small_deck import ruled_table, titled_page

    pdf = titled_page(title, size, 50, 12)
    ruled_table(pdf, rows, widths, left=60.0, top=90.0, height=24.0)
    return pdf


def _read(pdf, folder, settings) -> DeckQA:
    from tests.small_deck import deck_of

    path = folder / "deck.pdf"
    pdf.output(str(path))
    return deck_of(path, folder, settings)


def test_a_total_row_totals_what_every_other_row_names(settings, tmp_path) -> None:
    rows = [
        ("Program (in millions)", "Program Need", "Committed", "Gap"),
        ("Skyline Phase 1", "$1,762", "$1,456", "$306"),
        ("Skyline Phase 2", "$624", "$0", "$624"),
        ("Total", "$2,386", "$1,456", "$930"),
    ]
    pdf = _table_page("Cost for capacity improvements", 24, rows, (200.0, 110.0, 110.0, 110.0))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 24)
    pdf.text(30, 50, "Funding sources")
    pdf.set_font("Helvetica", "", 14)
    pdf.text(30, 90, "Skyline is funded by the state, the region and local partners.")
    deck = _read(pdf, tmp_path, settings)
    answer = deck.ask("What is the total funding gap for the Skyline program?")
    assert answer.value is not None and answer.value.number == 930, answer.answer
    # A phase is still its own row.
    phase = deck.ask("What is the gap for Skyline Phase 2?")
    assert phase.value is not None and phase.value.number == 624, phase.answer


def test_a_row_is_named_by_its_cells_of_words_and_a_year_among_names_is_a_name(settings, tmp_path) -> None:
    # A chart ranks its rows in the first column; the artist and the album (one titled
    # with a year) name the row in others.
    rows = [
        ("Rank", "Artist", "Title", "Total Volume"),
        ("1", "Aria Stone", "1989", "1,608"),
        ("2", "Ben Fold", "Pinkprint", "1,178"),
        ("3", "Cara Lee", "Blue Skies", "699"),
    ]
    pdf = _table_page("The top albums achieve success in different ways", 20, rows, (60.0, 160.0, 160.0, 120.0))
    deck = _read(pdf, tmp_path, settings)
    answer = deck.ask("What was the total volume of Aria Stone's 1989?")
    assert answer.value is not None and answer.value.number == 1608, answer.answer
    assert "1 (Aria Stone)" in answer.answer  # the ranked row read by its name
    other = deck.ask("What was the total volume of Cara Lee's album?")
    assert other.value is not None and other.value.number == 699, other.answer
