"""The extractive composer on the real deck and a real earnings release: units from the
pages that answer, the asked kind of answer first, page structure kept, short answers.
Questions in my own wording, not the gold files'."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.records import Chunk, Fact
from ingest.text import root, stem
from qa.deckqa import DeckQA
from qa.extractive import (
    MAX_WORDS,
    _annotated,
    _names,
    compose_contents,
    contents_page,
    sentences,
    stating,
    subject_terms,
    summary_page,
)
from qa.figure_answer import figure_text
from qa.settings import Settings
from understand.kinds import CAUSE_CUE_RE, is_quote

REPO_ROOT = Path(__file__).resolve().parents[2]
MARKER_RE = re.compile(r"\[(Slide|Page)s? [\d, ]+\]")


def words(answer: str) -> int:
    return len(MARKER_RE.sub("", answer).split())


def test_sentences_do_not_end_at_abbreviations() -> None:
    text = "Orders reached approx. 900 units. Revenue rose 5% at Acme Inc. in the U.S. market. Costs fell."
    assert sentences(text) == [
        "Orders reached approx. 900 units.",
        "Revenue rose 5% at Acme Inc. in the U.S. market.",
        "Costs fell.",
    ]


def test_a_definition_comes_from_the_page_that_says_what_it_is(deck: DeckQA) -> None:
    answer = deck.ask("What is the GIO P2 service?")
    assert not answer.refused
    assert {citation.slide for citation in answer.citations} == {10}, answer.answer
    assert "Hybrid (private & public)" in answer.answer


def test_a_line_spelling_out_an_abbreviation_defines_it_with_the_list_below_it(deck: DeckQA) -> None:
    """'Data Communication Charge ("DCC")' says what the charge is (a term in quotation
    marks is no quotation), and the bullets set under that line describe it."""
    assert not is_quote('MVNO infrastructure cost: Data Communication Charge ("DCC")')
    assert not is_quote("the “Company” reported")
    assert is_quote("“Throughout the year we remained committed to our plan,” said the CEO.")
    answer = deck.ask("What's the Data Communication Charge?")
    lines = answer.answer.splitlines()
    assert lines[0].startswith("MVNO infrastructure cost for Docomo: Data Communication Charge"), answer.answer
    assert "Fixed charge by bandwidth" in answer.answer and "Same flat-rate for all MVNOs" in answer.answer


def test_asked_what_something_requires_the_steps_answer(deck: DeckQA) -> None:
    answer = deck.ask("What is required to become a full MVNO?")
    assert {citation.slide for citation in answer.citations} == {16}, answer.answer
    assert "Construct HLR/HSS systems" in answer.answer and "Issue own data communications SIM cards" in answer.answer


def test_a_comparison_page_is_written_as_labelled_columns(deck: DeckQA) -> None:
    answer = deck.ask("How does IIJ's cloud compare with its competitors?")
    labels = re.findall(r"^- \*\*(.+?)\*\*:", answer.answer, flags=re.MULTILINE)
    assert len(labels) >= 2 and "Competitors" in labels, answer.answer
    assert "Strong scale merit" in answer.answer


def test_a_comparison_sets_the_subject_against_its_competitors(deck: DeckQA) -> None:
    """Asked how something compares, the heading that sets one side against another
    ("Competitors") answers with its whole group, after the subject's own heading."""
    answer = deck.ask("In the comparison with rivals, where is IIJ's cloud weaker or stronger?")
    labels = re.findall(r"^- \*\*(.+?)\*\*:", answer.answer, flags=re.MULTILINE)
    assert labels == ["IIJ's Cloud", "Competitors"], answer.answer
    assert "Tailored toward individual private cloud" in answer.answer and "Own-service developments" in answer.answer
    single = deck.ask("How is IIJ differentiated from telecom carriers and SIers?")
    assert {citation.slide for citation in single.citations} == {8}, single.answer
    assert "Flat organization structure" in single.answer and "Many highly skilled network engineers" in single.answer


def test_every_descriptive_answer_is_short(deck: DeckQA, gold: list[dict]) -> None:
    questions = [item["question"] for item in gold if "key_points" in item["expected"] and not item["history"]]
    assert len(questions) > 50
    lengths = {question: words(deck.ask(question).answer) for question in questions}
    assert max(lengths.values()) <= MAX_WORDS, max(lengths.items(), key=lambda pair: pair[1])


@pytest.mark.slow
def test_a_cause_question_is_answered_with_the_cause_not_a_quote(settings: Settings) -> None:
    pdf = REPO_ROOT / "data" / "corpus" / "JOHNSON_JOHNSON_2022Q4_EARNINGS.pdf"
    release = DeckQA.load(settings.for_document(pdf))
    answer = release.ask("Why did Pharmaceutical sales decline in the fourth quarter?")
    assert answer.route == "text" and not answer.refused
    lead = answer.answer.splitlines()[0]
    assert CAUSE_CUE_RE.search(lead) and not is_quote(lead), answer.answer
    assert "foreign exchange" in lead
    assert words(answer.answer) <= MAX_WORDS


def test_a_question_about_two_things_gets_both_headings(deck: DeckQA) -> None:
    # "G&A" is spelled out in the heading as "General & administrative"; each heading's
    # group is written as its own labelled line.
    answer = deck.ask("Why did sales & marketing and G&A expenses rise?")
    labels = re.findall(r"^- \*\*(.+?)\*\*:", answer.answer, flags=re.MULTILINE)
    assert labels == ["Sales & marketing expenses", "General & administrative expenses"], answer.answer
    assert "Office rent expenses" in answer.answer and "Sales commission expenses" in answer.answer


def test_acronyms_match_the_words_they_abbreviate() -> None:
    assert _names("General & administrative expenses", "g&a")
    assert _names("Research and Development", "r&d")
    assert not _names("Sales & marketing expenses", "g&a")
    assert not _names("SG&A related to ATM operation business", "g&a")
    assert subject_terms("Why did G&A expenses rise?") == {"g&a", "expenses", "rise"}


def test_a_word_matches_its_irregular_forms() -> None:
    """ "Which customers have chosen ..." matches "X chose ...", "grew" matches "grow";
    a regular form is left to the suffix rules ("buying" is not "Buy")."""
    assert _names("Nippon Express chose the cloud services", "chosen")
    assert _names("Revenue grew 8% year over year", "grow")
    assert _names("Units sold rose", "sell") and _names("Units sold rose", "risen")
    assert root("buying") == stem("buying") != root("buy")
    assert not _names("Best Buy reported results", "buying")


def test_the_period_asked_picks_the_heading_whose_passages_name_it(deck: DeckQA) -> None:
    # Two slides are titled "Cloud Business Developments"; the one about 3Q16 answers.
    answer = deck.ask("Which cloud business developments happened in 3Q16?")
    assert {citation.slide for citation in answer.citations} == {40}, answer.answer
    assert "Virtual desktop service" in answer.answer or "GIO P2 revenue almost doubled" in answer.answer


@pytest.mark.slow
def test_an_explanation_is_found_in_prose_not_in_a_results_table(corpus_deck) -> None:
    # Every results table of the release repeats "reported sales ... fourth quarter 2022"
    # in its column headers; the reasons are in the first page's bullet.
    release = corpus_deck("JOHNSON_JOHNSON_2022Q4_EARNINGS")
    question = "Why were fourth-quarter 2022 reported sales lower than a year before?"
    assert [slide.slide for slide in release.search.retrieve_slides(question, k=1)] == [1]
    answer = release.ask(question)
    assert not answer.refused and answer.citations[0].slide == 1, answer.answer
    assert "unfavorable foreign exchange" in answer.answer.splitlines()[0]


@pytest.mark.slow
def test_a_long_paragraph_answers_with_its_closest_sentence(corpus_deck) -> None:
    # The forward-looking paragraph is one passage; the sentence about updating the
    # statements answers, found by its own similarity to the question.
    release = corpus_deck("COSTCO_2023Q1_EARNINGS")
    assert release.index.sentence_vectors, "long paragraphs' sentences are embedded at ingest"
    answer = release.ask("Does the company promise to update its forward-looking statements later?")
    assert "does not undertake to update these statements" in answer.answer.splitlines()[0], answer.answer


@pytest.mark.parametrize(
    ("printed", "unit", "shown"),
    [
        ("$14,953", "USD million", "$14,953 million"),
        ("14,953", "USD million", "14,953 USD million"),
        ("$7.08", "USD", "$7.08"),
        ("approximately $850 million", "USD million", "approximately $850 million"),
        ("JPY158.0 billion", "JPY billion", "JPY158.0 billion"),
        ("44.5", "%", "44.5%"),
        ("8.1 percent", "%", "8.1 percent"),
    ],
)
def test_a_figure_is_shown_with_its_unit_once(printed: str, unit: str, shown: str) -> None:
    assert figure_text(printed, unit) == shown


def test_a_footnote_is_read_with_the_words_its_marker_is_set_on() -> None:
    """ "*Excluding the impacts of gasoline prices" explains "Adjusted*": asked about what
    is adjusted, the footnote holds the word."""
    row = Chunk("s1-r1", 1, "T", "U.S. - 12 Weeks: 9.3%; 12 Weeks Adjusted*: 6.5%", kind="table_row")
    note = "*Excluding the impacts from changes in gasoline prices and foreign exchange."
    assert _annotated(note, [row]) == "Adjusted"
    assert _annotated("Net sales rose 8.1 percent.", [row]) == ""


def test_a_figure_is_stated_as_printed_or_rounded_to_the_next_scale() -> None:
    figure = Fact("f1", 96, "Provision for credit losses", 2899.0, "USD million", "2Q23", "2,899", "")
    said = {
        6: [
            Chunk("s6-p1", 6, "Results", "Net income was $2.9 billion, compared with a loss.", heading="Results"),
            Chunk(
                "s6-p2",
                6,
                "Results",
                "Revenue rose. The provision for credit losses was $2.9 Billion, reflecting net charge-offs and the",
                heading="Results",
            ),
            Chunk("s6-p3", 6, "Results", "allowance for new loans.", heading="Results"),
            Chunk("s6-p4", 6, "Results", "Credit costs were 2,899 in all.", heading="Results"),
        ]
    }
    found = stating(figure, "What drove the provision for credit losses?", said)
    # Not the other $2.9 billion; from the sentence stating it on, with the passage the page
    # broke off; the figure as printed in a passage naming the question's words.
    assert [chunk.text for chunk in found] == [
        "The provision for credit losses was $2.9 Billion, reflecting net charge-offs and the",
        "allowance for new loans.",
        "Credit costs were 2,899 in all.",
    ]


def test_an_agenda_names_the_sections_after_it_in_words_of_its_own() -> None:
    """A talk's agenda (slide 2) lists its parts as bullets worded otherwise than the
    titles of the pages that open them; a title page naming its speakers, or a slide deep
    in the deck whose bullets share words with earlier titles, is no contents page."""
    titles = {1: "Digital Marketing for Advisers", 2: "We Have 50 Minutes", 3: "Times Are Changing"}
    titles |= {n: f"Slide {n}" for n in range(4, 20)}
    titles |= {5: "Three Martini Lunches Are Out", 9: "Inbound Marketing", 14: "The Digital Brand"}
    agenda = ["Three martini lunch is over", "Inbound marketing is key", "Building your digital brand"]
    chunks = {2: [Chunk(f"2-{i}", 2, titles[2], text, kind="bullet", level=i % 2) for i, text in enumerate(agenda)]}
    chunks[1] = [
        Chunk(f"1-{i}", 1, titles[1], t) for i, t in enumerate(["Inbound Marketing", "The Digital Brand", "Jon"])
    ]
    chunks[16] = [Chunk(f"16-{i}", 16, titles[16], text, kind="bullet") for i, text in enumerate(agenda)]
    assert contents_page(chunks, titles) == 2
    listed = compose_contents(2, titles[2], chunks[2]).text
    assert all(entry in listed for entry in agenda), listed  # an indent OCR misread hides none
    assert contents_page({1: chunks[1], 16: chunks[16]}, titles) is None


def test_a_deck_is_summed_up_by_its_closing_page_of_points() -> None:
    """A page titled as a summary sums the deck up; without one, the last page near the end
    making three points or more in bullets of sentences, if it is close to the deck as a
    whole (a closing legal notice of bulleted sentences is not)."""
    titles = {n: f"Page {n}" for n in range(1, 21)} | {19: "The Sky is the Limit", 20: "Presented By:"}
    points = [
        "The structure of the industry illustrates the potential of a matured market.",
        "A number of funds have achieved top quartile performance in this era.",
        "The imbalance between supply and demand is driving a competitive landscape.",
    ]
    chunks = {n: [Chunk(f"{n}-0", n, titles[n], "Some words of the page")] for n in titles}
    chunks[19] = [Chunk(f"19-{i}", 19, titles[19], text, kind="bullet") for i, text in enumerate(points)]
    close = {n: 0.6 for n in titles} | {19: 0.7}
    assert summary_page(chunks, titles, close) == 19
    assert summary_page(chunks, titles, close | {19: 0.4}) is None  # a notice, far from the rest
    assert summary_page(chunks, titles | {12: "Key Takeaways"}, close | {19: 0.4}) == 12
    assert summary_page(chunks, titles | {12: "Balance Sheets (Summary)"}, close | {19: 0.4}) is None


def test_a_list_whose_title_the_question_names_word_for_word_answers(tmp_path: Path, settings: Settings) -> None:
    """ "What example actions does the talk suggest for building a data-driven culture?":
    the list titled "Example actions" is asked for, though the question has many more
    words, which a slide of prose about a data-driven culture matches better."""
    from tests.small_deck import text_deck_pdf

    actions = [
        "Analyst competency matrix",
        "Raise bar for new analyst hires",
        "Stats for managers class",
        "Democratizing data access through BI tools",
    ]
    slides = [
        ("Data-driven culture", ["Building a data-driven culture takes leadership that talks about data every day."]),
        ("Example actions", [f"- {action}" for action in actions]),
        ("Data leadership", ["A head of data who evangelizes data as a strategic asset."]),
    ]
    path = tmp_path / "culture.pdf"
    path.write_bytes(text_deck_pdf(slides))
    deck = DeckQA.load(settings.for_document(path))
    answer = deck.ask("What example actions does the talk suggest for building a data-driven culture?")
    assert answer.answer.splitlines()[0] == "**Example actions**: [Slide 2]", answer.answer
    assert all(action in answer.answer for action in actions), answer.answer


def test_a_named_section_answers_with_the_items_its_slides_number(settings: Settings, tmp_path) -> None:
    # Divider slides open two sections; the slides of the first number their tips and name
    # each after its number, over questions of their own.
    from tests.small_deck import deck_of, text_deck_pdf

    slides = [
        ("Growing an advisory practice", ["Notes for financial advisors, 2015"]),
        ("INBOUND MARKETING", ["Who are you talking to?"]),
        ("Tip no. 1: Line them up.", ["What are their hobbies?", "How old are they?"]),
        ("Tip no. 2: Observe your clients.", ["How do they make complex decisions?"]),
        ("Tip no. 3: Build a buyer persona.", ["What is this person trying to accomplish?"]),
        ("INBOUND MARKETING", ["What will you talk about?"]),
        (
            "Content that clients read",
            ["Clients read day to day lifestyle content more than hard-core financial planning content."],
        ),
        ("Where to publish", ["Post on the channels your clients already use, from podcasts to video and blogs."]),
    ]
    pdf = tmp_path / "talk.pdf"
    pdf.write_bytes(text_deck_pdf(slides))
    deck = deck_of(pdf, tmp_path, settings)
    from retriever.sections import section_slides

    assert section_slides(deck.index.slides, "Who are you talking to") == [2, 3, 4, 5]
    assert section_slides(deck.index.slides, "What will you talk about") == [6, 7, 8]
    assert section_slides(deck.index.slides, "Who is listening") == []
    answer = deck.ask('In the "Who are you talking to" section, what tips does the author give?')
    for tip in ("Line them up", "Observe your clients", "Build a buyer persona"):
        assert tip in answer.answer, answer.answer
    assert [c.slide for c in answer.citations] == [3, 4, 5]
