"""An answer is never empty, a bare heading or a fragment: every gold item of the bundled
deck, of a release and of a slide deck read partly by OCR is answered and its answer
read (`python -m eval run` counts the same for every gold file: "Answers that are a
fragment")."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.gold import load_gold
from eval.runner import run_evaluation
from ingest.readable import answer_is_fragment, is_fragment, readable, rejoined
from qa.deckqa import DeckQA
from qa.settings import REPO_ROOT, Settings

# (gold file, the PDF its items are about; None: the bundled deck)
GOLD = (
    ("eval/gold.jsonl", None),
    ("eval/gold/COSTCO_2023Q1_EARNINGS.jsonl", "data/corpus/COSTCO_2023Q1_EARNINGS.pdf"),
    # A slide deck of photographs and charts; its picture pages are read by OCR.
    ("eval/decks/0e94b4197b10096b1f4c699701570fbf.jsonl", "data/decks/0e94b4197b10096b1f4c699701570fbf.pdf"),
)


@pytest.mark.parametrize(("gold_file", "document"), GOLD, ids=[Path(name).stem[:20] for name, _ in GOLD])
def test_no_gold_answer_is_a_fragment(settings: Settings, gold_file: str, document: str | None) -> None:
    items = load_gold(REPO_ROOT / gold_file)
    deck = DeckQA.load(settings.for_document(REPO_ROOT / document) if document else settings)
    results = run_evaluation(items, deck, progress=False).ours.results
    fragments = [(result.id, result.answer) for result in results if result.fragment]
    assert not fragments
    assert any(not result.refused for result in results)  # answered, not refused wholesale


# Lines as OCR read them off real slides: what reads as text, and what does not.
READ_WELL = (
    "132,000 employees",
    "Patient registration/ demographics",
    "EMR/EHR/CPR",
    "8-car trains",
    "Not necessarily data-driven |!",
    "Tiếng Việt",
    "UC Browser",
)
NOT_TEXT = (
    "e fa st er s e r v",
    "Wh em Wé#H",
    "cus",
    "iHL»>",
    "AG% wever",
    "a | O00 100 she pphtn OO TT",
    "ne; aa the Us-",
)


@pytest.mark.parametrize("text", READ_WELL)
def test_a_line_of_words_reads_as_text(text: str) -> None:
    assert readable(text)


@pytest.mark.parametrize("text", NOT_TEXT)
def test_ocr_debris_does_not(text: str) -> None:
    assert not readable(text)


def test_an_answer_needs_a_phrase_unless_it_states_a_figure() -> None:
    assert is_fragment("Sensor [Slide 29]")
    assert is_fragment("")
    assert not is_fragment("Lean fuel mixture can be used without rough idle [Slide 4]")
    assert answer_is_fragment("Sensor [Slide 29]", refused=False, figure=False)
    assert not answer_is_fragment("132,000 employees [Slide 4]", refused=False, figure=True)
    assert answer_is_fragment("| 02 [Slide 2]", refused=False, figure=True)
    assert not answer_is_fragment("The deck doesn't cover that.", refused=True, figure=False)


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("fa st er s e r v i c e", "faster service"),  # letter-spaced type, as OCR reads it
        ("R E C O M M E N D E D  R E A D I N G", "RECOMMENDED READING"),
        ("it is in a box", "it is in a box"),  # short words are words
        ("A B C D", "A B C D"),  # letters that spell nothing stay as read
        ("Q & A", "Q & A"),
        ("$9.6B loss for 2 0 1 4 fiscal year", "$9.6B loss for 2014 fiscal year"),  # a year, digit by digit
        ("scores 1 2 0 1 4", "scores 1 2 0 1 4"),  # five digits are no year
        ("2 0 1 4%", "2 0 1 4%"),
        ("losses of $1.8 billion, c onsisting of:", "losses of $1.8 billion, consisting of:"),  # a first letter apart
        ("options b and c", "options b and c"),  # a label, then a word
        ("en el Plan y en el Acuerdo", "en el Plan y en el Acuerdo"),
        ("Pure-Play Revenue $468M in \u2019| |", "Pure-Play Revenue $468M in \u201911"),  # a short year read as bars
    ],
)
def test_letters_read_apart_are_rejoined_into_the_words_they_spell(read: str, meant: str) -> None:
    assert rejoined(read) == meant
