"""Answers over the whole gold file: retrieval, refusal, citations that hold up, follow-ups,
thread safety. Thresholds are regression gates at the level measured on eval/gold.jsonl
(see the eval report for the current figures); the failures are always listed."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from qa import Answer, QuestionError

pytestmark = pytest.mark.slow

# Measured on eval/gold.jsonl on 2026-11-25: retrieval alone puts a gold slide in the top 3
# for 0.938 of the items below (the issue asks 0.95; answers, whose cited slides come
# first, reach 0.976 in the eval report); 20 of the 22 items whose gold answer is a refusal
# are refused and none of the 329 others is, but der-015 (2026-12-01): its share is
# refused rather than computed as 1100%, since a share over the whole is not shown. A
# drop below these fails the build.
MIN_HIT_AT_3 = 0.93
MIN_OUT_OF_SCOPE_REFUSED = 0.90
MAX_IN_SCOPE_REFUSED = 1


@pytest.fixture(scope="module")
def answered(deck, gold) -> list[tuple[dict, Answer]]:
    return [(item, deck.ask(item["question"], history=item.get("history") or None)) for item in gold]


def _normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9%.]+", "", text.lower())


def test_gold_slide_in_top_3(deck, gold) -> None:
    items = [g for g in gold if g["gold_slides"] and g["kind"] in ("numeric", "descriptive", "paraphrase")]
    misses = []
    for item in items:
        top = [s.slide for s in deck.search.retrieve_slides(item["question"], k=3)]
        if not set(item["gold_slides"]) & set(top):
            misses.append(f"{item['id']}: gold {item['gold_slides']} got {top} - {item['question']}")
    rate = 1 - len(misses) / len(items)
    print(f"hit@3 = {rate:.3f} over {len(items)} items; misses:\n" + "\n".join(misses))
    assert rate >= MIN_HIT_AT_3, "\n".join(misses)


def test_out_of_scope_refused_and_in_scope_answered(answered) -> None:
    # A follow-up can be out of scope too ("and back in FY2012?"): the gold answer says.
    out = [(item, answer) for item, answer in answered if item["expected"].get("refused")]
    inside = [(item, answer) for item, answer in answered if not item["expected"].get("refused")]
    assert len(out) >= 10
    not_refused = [f"{i['id']}: {i['question']} -> {a.answer[:80]}" for i, a in out if not a.refused]
    refused = [f"{i['id']}: {i['question']}" for i, a in inside if a.refused]
    print("answered although out of scope:\n" + "\n".join(not_refused))
    print("refused although in scope:\n" + "\n".join(refused))
    assert 1 - len(not_refused) / len(out) >= MIN_OUT_OF_SCOPE_REFUSED, "\n".join(not_refused)
    assert len(refused) <= MAX_IN_SCOPE_REFUSED, "\n".join(refused)


def test_required_refusals(deck) -> None:
    for question in ("What were revenues in FY2019?", "How many employees does Seven Bank have?"):
        answer = deck.ask(question)
        assert answer.refused and answer.route == "none", answer.answer
        assert answer.suggestions, "a refusal offers the closest slides"
        assert "doesn't cover" in answer.answer


def test_every_citation_is_on_its_slide(deck, answered) -> None:
    """Each cited passage stands on the cited slide: in its text, or as a row of one of its tables."""
    problems = []
    for item, answer in answered:
        for citation in answer.citations:
            slide = deck.index.slide(citation.slide)
            in_text = _normalized(citation.text) in _normalized(slide.text)
            rows = [
                " ".join(c for c in row if c) for t in deck.index.tables if t.slide == citation.slide for row in t.rows
            ]
            in_table = citation.text in rows
            if not (in_text or in_table):
                problems.append(f"{item['id']}: slide {citation.slide}: {citation.text[:100]!r}")
            assert citation.title == slide.title
    assert not problems, "\n".join(problems[:30])


def test_every_slide_marker_is_a_citation(answered) -> None:
    for item, answer in answered:
        cited = {c.slide for c in answer.citations}
        marked = {int(n) for n in re.findall(r"\[Slide (\d+)\]", answer.answer)}
        assert marked <= cited, f"{item['id']}: markers {marked} vs citations {cited}"
        if not answer.refused:
            assert marked, f"{item['id']}: an answer without a [Slide N] marker"


def test_numbers_in_text_answers_are_on_cited_slides(deck, answered) -> None:
    from ingest.numbers import find_figures

    problems = []
    for item, answer in answered:
        if answer.refused or answer.route != "text":
            continue
        slides = {c.slide for c in answer.citations}
        cells = [cell for t in deck.index.tables if t.slide in slides for row in (t.header, *t.rows) for cell in row]
        cited_text = " ".join([*(deck.index.slide(n).text for n in slides), *cells])
        cited_values = {abs(f.value) for f in find_figures(cited_text)}
        body = re.sub(r"\[Slide \d+\]", "", answer.answer)
        for figure in find_figures(body):
            if abs(figure.value) not in cited_values:
                problems.append(f"{item['id']}: {figure.raw} not on slides {[c.slide for c in answer.citations]}")
    assert not problems, "\n".join(problems[:30])


def test_followup_is_rewritten(deck) -> None:
    history = [
        {"role": "user", "content": "What was total revenue in 1Q-3Q16?"},
        {"role": "assistant", "content": "JPY113.60 billion [Slide 23]"},
    ]
    answer = deck.ask("and for 1Q-3Q15?", history=history)
    assert answer.debug.rewritten_question
    assert "1Q-3Q15" in answer.debug.rewritten_question
    assert answer.value is not None and answer.value.number == pytest.approx(99.38)


def test_cloud_followup_keeps_the_subject(deck) -> None:
    history = [{"role": "user", "content": "What are IIJ's cloud competitive advantages?"}]
    answer = deck.ask("what about its competitors?", history=history)
    assert "cloud" in answer.debug.rewritten_question.lower()
    assert not answer.refused
    assert 10 in {c.slide for c in answer.citations}, answer.answer


@pytest.mark.parametrize("question", ["", "   ", "x" * 1001])
def test_bad_questions_raise(deck, question: str) -> None:
    with pytest.raises(QuestionError):
        deck.ask(question)


def test_concurrent_asks_match_sequential(deck, gold) -> None:
    questions = [g["question"] for g in gold if not g.get("history")][:40]

    def key(answer: Answer) -> tuple:
        return (answer.answer, answer.refused, answer.route, tuple(answer.citations), answer.value)

    sequential = [key(deck.ask(q)) for q in questions]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(lambda q: key(deck.ask(q)), questions))
    assert concurrent == sequential


def test_a_table_row_naming_more_of_the_question_beats_a_heading(deck) -> None:
    # Slide 7's line-up table has a "WAN" row under a "Business status" column; slide 30
    # has a "WAN Services" heading over the quarter's figures.
    answer = deck.ask("Tell me the business status of the WAN services")
    assert answer.citations[0].slide == 7, answer.answer
    assert "Stable market for long term" in answer.answer, answer.answer


def test_a_question_about_the_whole_document_is_answered_from_its_contents_page(deck) -> None:
    # Slide 2 lists sections whose entries are other slides' titles.
    assert deck.contents == 2
    answer = deck.ask("What's on the agenda of this deck?")
    assert [c.slide for c in answer.citations] and {c.slide for c in answer.citations} == {2}, answer.answer
    for section in ("About IIJ", "Competitive Advantages", "Growth Strategy", "Financial Results"):
        assert section in answer.answer, answer.answer


def test_a_figure_asked_on_its_own_is_not_a_combined_row(deck) -> None:
    """The deck prints SG&A and R&D together ("SG&A/R&D"): asked for R&D on its own, it
    has no figure; asked for both, the combined row answers."""
    assert deck.ask("How much did IIJ spend on R&D on its own in 1Q-3Q16?").refused
    both = deck.ask("What were SG&A and R&D expenses in 1Q-3Q16?")
    assert both.value is not None and both.value.number == 14.67, both.answer


def test_a_plan_answers_only_a_question_about_one(deck) -> None:
    """Slide 40 states prospective orders for the end of 3Q16, an expectation; asked what
    revenue was, the sentence that states the quarter's revenue answers."""
    answer = deck.ask("What was GIO P2 revenue in 3Q16?")
    assert not answer.refused and "0.19 billion" in answer.answer, answer.answer
    assert answer.value is None or "900" not in answer.value.raw, answer.answer
    planned = deck.ask("How many new graduates does IIJ plan to hire in April 2017?")
    assert planned.value is not None and planned.value.number == 142, planned.answer


def test_an_abbreviation_the_document_writes_in_the_plural_is_no_unknown_name() -> None:
    from qa.refusal import RefusalPolicy

    policy = RefusalPolicy({"shareholders", "approved", "compensation", "neos", "net", "sales"}, lambda _: True)
    assert policy.unknown_names("What share of votes approved Acme's NEO compensation?") == ["acme"]
    assert policy.unknown_names("What was Acme's EBITDA?") == ["acme", "ebitda"]


def test_a_figure_for_a_period_no_table_reports_is_read_only_where_the_sentence_names_it() -> None:
    from qa.deckqa import _names_a_year_of

    assert _names_a_year_of("Net sales in 2022 are expected to grow 5%.", ["2022"])
    assert not _names_a_year_of("Higher net income of $505 million for reportable segments;", ["2022"])
    assert not _names_a_year_of("In fiscal 2020, net sales increased 5 percent.", ["FY21"])


def test_a_question_naming_a_page_is_answered_from_it(deck) -> None:
    # Operating income for 1Q-3Q16 is printed on slide 22; slide 20 charts revenue and
    # the operating margin, not the income: asked on slide 20, it is not there.
    assert deck.ask("What was operating income in 1Q-3Q16?").citations[0].slide == 22
    on_22 = deck.ask("What was operating income in 1Q-3Q16 on slide 22?")
    assert not on_22.refused and {citation.slide for citation in on_22.citations} == {22}
    assert deck.ask("What was operating income in 1Q-3Q16 on slide 20?").refused
    described = deck.ask("What does slide 10 say about cloud?")
    assert not described.refused and {citation.slide for citation in described.citations} == {10}


def test_a_page_the_document_does_not_have_is_refused_saying_how_many_it_has(deck) -> None:
    answer = deck.ask("How many images are there in pages 100-110?")
    assert answer.refused and not answer.citations
    assert f"The document has {len(deck.index.slides)} pages" in answer.answer


def test_how_many_more_one_thing_has_than_another_is_their_difference(deck) -> None:
    # Slide 25's table of overseas offices: employees 52 (Europe), 32 (America), 18 (China).
    more = deck.ask("How many more employees does IIJ Europe Limited have than IIJ America Inc.?")
    assert not more.refused and "52 - 32 = 20" in more.answer
    fewer = deck.ask(
        "How many fewer employees does IIJ Global Solutions China Inc. have compared with IIJ Europe Limited?"
    )
    assert not fewer.refused and "52 - 18 = 34" in fewer.answer


def test_a_price_of_something_the_document_never_names_is_refused(deck) -> None:
    # "how much does X cost": X is what the question is about, and no slide names a tour.
    answer = deck.ask("How much does a data center tour cost?")
    assert answer.refused and "tour" in answer.debug.refusal_check


def test_a_question_naming_a_short_title_whole_is_about_that_slide() -> None:
    from ingest.records import Chunk
    from qa.refusal import RefusalPolicy
    from retriever.hits import Hit, SlideHit

    policy = RefusalPolicy({"summary", "european", "venture", "capital", "funds", "main"}, lambda _: True)
    question = "What are the main conclusions in the summary?"  # "conclusions" is written nowhere

    def slide(title: str) -> SlideHit:
        chunk = Chunk("s9-p1", 9, title, "European venture capital has matured.")
        return SlideHit(9, title, 1.0, (Hit(chunk, 1.0, dense=0.4),))

    assert not policy.judge(question, [slide("Summary")]).refuse
    refused = policy.judge(question, [slide("Venture capital funds in Europe")])
    assert refused.refuse and "conclusions" in refused.reason


def test_a_thing_named_before_the_questions_verb_that_the_document_never_writes_is_refused() -> None:
    from ingest.records import Chunk
    from qa.refusal import RefusalPolicy
    from retriever.hits import Hit, SlideHit

    chunk = Chunk("s13-p1", 13, "Supply of capital", "Droves of VC funds slid out of the market after the bubble.")
    slides = [SlideHit(13, "Supply of capital", 1.0, (Hit(chunk, 1.0, dense=0.55),))]
    policy = RefusalPolicy(
        {"supply", "capital", "vc", "funds", "european", "market", "bubble", "partners"}, lambda _: True
    )
    # "management fee" is what is asked, and written nowhere: however close the passage
    refused = policy.judge("What management fee do European VC funds charge their partners?", slides)
    assert refused.refuse and "fee" in refused.reason
    assert not policy.judge("What supply of capital do European VC funds have?", slides).refuse
    # Of "other partners", the document writes "partners": the words name a kind of answer.
    assert policy.decisive_unknown_terms("What other partners do European VC funds have?") == []
    assert policy.decisive_unknown_terms("What unusual items do European VC funds report?") == []


def test_a_figure_asked_in_a_unit_the_document_never_writes_is_refused() -> None:
    from ingest.records import Chunk
    from qa.refusal import RefusalPolicy
    from retriever.hits import Hit, SlideHit

    chunk = Chunk("s4-p1", 4, "Fuel system", "The fuel pump keeps the injectors at a constant fuel pressure.")
    slides = [SlideHit(4, "Fuel system", 1.0, (Hit(chunk, 1.0, dense=0.8),))]
    words = {"fuel", "pressure", "pump", "injectors", "system", "bar"}
    policy = RefusalPolicy(words, lambda _: True)
    refused = policy.judge("At what fuel pressure in psi does the system operate?", slides)
    assert refused.refuse and "psi" in refused.reason  # however close the passage
    assert not policy.judge("At what fuel pressure in bar does the system operate?", slides).refuse


def test_a_year_a_citation_prints_is_no_amount(settings, tmp_path) -> None:
    from tests.small_deck import deck_of, text_deck_pdf

    slides = [
        ("Why data-driven?", ["Creating a data-driven organization"]),
        (
            "Data-driven firms are more productive",
            ["Controlling for other factors", "Source: Brynjolfsson et al. 2011"],
        ),
    ]
    pdf = tmp_path / "deck.pdf"
    pdf.write_bytes(text_deck_pdf(slides))
    deck = deck_of(pdf, tmp_path, settings)
    answer = deck.ask("How much more productive are data-driven firms?")
    assert "**2011**" not in answer.answer, answer.answer


def test_how_many_times_a_term_is_written_is_counted_on_the_pages(deck) -> None:
    # Slide 26 of the bundled deck writes "ATM" or "ATMs" five times (its title, two
    # bullets, a plan and a footnote); slides 35 and 39 write it too.
    on_page = deck.ask('How many times does "ATM" appear on slide 26?')
    assert on_page.value is not None and on_page.value.number == 5
    assert [citation.slide for citation in on_page.citations] == [26]
    everywhere = deck.ask("How many times is ATM mentioned in the deck?")
    assert everywhere.value is not None and everywhere.value.number == 8
    assert [citation.slide for citation in everywhere.citations] == [26, 35, 39]
    # An acronym is counted as written; nothing on the page is no guess.
    assert deck.ask('How many times does "ATM" appear on slide 21?').value.number == 0


def test_how_many_of_the_things_counted_is_a_part_not_the_whole(settings, tmp_path) -> None:
    from tests.small_deck import deck_of, text_deck_pdf

    slides = [
        ("Gestalt and data", ["Principles of perception for charts"]),
        (
            "Gestalt psychology",
            [
                "This allowed the development of 8 Gestalt Laws of Grouping. Here we are highlighting"
                " only the most relevant 5 for data presentation. You can read more details about them on"
                " Wikipedia: https://en.wikipedia.org/wiki/Gestalt_psychology"
            ],
        ),
    ]
    pdf = tmp_path / "deck.pdf"
    pdf.write_bytes(text_deck_pdf(slides))
    deck = deck_of(pdf, tmp_path, settings)
    part = deck.ask("How many of the Gestalt laws does the deck highlight for data presentation?")
    assert part.value is not None and part.value.number == 5, part.answer
    whole = deck.ask("How many Gestalt laws of grouping were developed?")
    assert whole.value is not None and whole.value.number == 8, whole.answer


def test_a_number_set_large_is_named_by_its_caption_below(settings, tmp_path) -> None:
    from tests.small_deck import deck_of, titled_page

    pdf = titled_page("Controlling for other factors, data-driven firms are", 24, 50, 60)
    pdf.text(300, 170, "5%")
    pdf.set_font("Helvetica", "", 20)
    pdf.text(260, 215, "more productive")
    pdf.set_font("Helvetica", "", 10)
    pdf.text(30, 330, "Smith, et al 2011. Strength in numbers: how do decisions affect firm performance?")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 24)
    pdf.text(30, 50, "What executives say")
    pdf.set_font("Helvetica", "", 14)
    pdf.text(30, 90, "Communication of the benefits of data-driven decision-making: 40")
    path = tmp_path / "deck.pdf"
    pdf.output(str(path))
    deck = deck_of(path, tmp_path, settings)
    answer = deck.ask("How much more productive are data-driven firms?")
    assert answer.value is not None and answer.value.number == 5 and answer.value.unit == "%", answer.answer
    assert "5% more productive" in answer.answer  # the figure read with its caption


def test_a_cell_read_unsure_that_a_sentence_of_its_page_states_too_is_read(settings, tmp_path) -> None:
    import dataclasses

    from tests.small_deck import deck_of, ruled_table, titled_page

    pdf = titled_page("Research methodology", 24, 50, 12)
    rows = [("", "Wave II", "Wave III"), ("Sample size", "3,000", "4,021"), ("Error margin", "+/- 1.8", "+/-1.5")]
    ruled_table(pdf, rows, (200.0, 120.0, 120.0), left=60.0, top=90.0, height=24.0)
    pdf.text(60, 200, "The margin of error was +/- 1.5 percent at a 95 percent confidence level for wave III.")
    path = tmp_path / "survey.pdf"
    pdf.output(str(path))
    deck = deck_of(path, tmp_path, settings)
    cell = next(fact for fact in deck.index.facts if fact.table_id and fact.raw == "+/-1.5")
    sample = next(fact for fact in deck.index.facts if fact.table_id and fact.raw == "4,021")
    # As if the page were a picture OCR read both cells unsure.
    unsure = {"pages": [1], "unsure_facts": [cell.fact_id, sample.fact_id]}
    deck.index.manifest = dataclasses.replace(deck.index.manifest, ocr=unsure)
    margin = deck.ask("What was the margin of error for Wave III?")
    assert margin.value is not None and margin.value.number == 1.5 and margin.value.unit == "%", margin.answer
    # No sentence says the sample size: the page is shown, the figure not stated.
    size = deck.ask("What was the sample size of Wave III?")
    assert size.value is None and "could not read the figure reliably" in size.answer, size.answer
