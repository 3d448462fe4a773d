"""The company's own names, read from each real document, and questions that use them."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from ingest.names import document_names
from understand.question import with_names, without_names

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize(
    ("pdf", "names"),
    [
        ("deck.pdf", ("Internet Initiative Japan", "IIJ")),  # the legal name and its initials as printed
        ("corpus/COSTCO_2023Q1_EARNINGS.pdf", ("Costco Wholesale", "Costco")),  # the short name it defines
        ("corpus/INTEL_2022Q4_EARNINGS.pdf", ("Intel", "INTC")),  # not "Tower Semiconductor", named twice too
        ("corpus/BESTBUY_2023Q4_EARNINGS.pdf", ("Best Buy", "BBY")),  # the ticker
        ("corpus/JOHNSON_JOHNSON_2022Q4_EARNINGS.pdf", ("Johnson & Johnson", "J&J", "JNJ")),  # "... and Subsidiaries"
        ("corpus/3M_2018_10K.pdf", ("3M",)),
    ],
)
def test_names_from_the_document(pdf: str, names: tuple[str, ...]) -> None:
    count = len(PdfReader(DATA / pdf).pages)
    halves = [(DATA / pdf, 0, count // 2), (DATA / pdf, count // 2, count)]
    # The 160-page 10-K's text takes 40 s in one process; its two halves are read side by side.
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        pages = [text for half in pool.map(_page_texts, *zip(*halves, strict=True)) for text in half]
    assert document_names(pages) == names


def _page_texts(path: Path, first: int, last: int) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages[first:last]]


def test_no_legal_entity_no_names() -> None:
    assert document_names(["Quarterly results", "Revenue grew 5% to 1,200"]) == ()


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        ("How much did Costco collect in membership fees?", "How much did the company collect in membership fees?"),
        ("What was Costco's net income?", "What was the company's net income?"),
        ("What were Costco Wholesale's sales?", "What were the company's sales?"),
        ("How many warehouses does COSTCO run in Japan?", "How many warehouses does the company run in Japan?"),
        ("Was Costcos net income up?", "Was Costcos net income up?"),  # another word, not the name
    ],
)
def test_questions_read_the_company_as_the_company(question: str, plain: str) -> None:
    assert without_names(question, ("Costco Wholesale", "Costco")) == plain


def test_a_rewritten_follow_up_names_the_company_as_the_user_did() -> None:
    names = ("Internet Initiative Japan", "IIJ")
    rewritten = "When was the company Europe established?"
    assert with_names(rewritten, ["and IIJ Europe?", "When was IIJ America established?"], names) == (
        "When was IIJ Europe established?"
    )
    assert with_names("What about the company's net income?", ["what about net income?"], names) == (
        "What about the company's net income?"
    )
