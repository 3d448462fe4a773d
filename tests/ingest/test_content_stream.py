"""One parse of each page for both readers: pypdf's text and pdfplumber's layout come out
exactly as when each parses the page itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, FloatObject, NameObject, NullObject, NumberObject

from ingest.content_stream import Unconvertible, _pdfminer_object, read_once
from qa.settings import DEFAULT_DECK

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


def _objects(page: Any) -> dict[str, list[dict[str, Any]]]:
    """The page's objects, an image's stream by its object id (two opened files never share one)."""

    def comparable(item: dict[str, Any]) -> dict[str, Any]:
        return {key: (value.objid, repr(value.attrs)) if key == "stream" else value for key, value in item.items()}

    return {kind: [comparable(item) for item in items] for kind, items in page.objects.items()}


@pytest.mark.slow
@pytest.mark.parametrize(
    "pdf",
    [DEFAULT_DECK, *(CORPUS / name for name in ("INTEL_2022Q4_EARNINGS.pdf", "JOHNSON_JOHNSON_2022Q4_EARNINGS.pdf"))],
    ids=lambda path: path.stem,
)
def test_every_page_reads_as_with_two_parses(pdf: Path) -> None:
    own_reader, shared_reader = PdfReader(pdf, strict=False), PdfReader(pdf, strict=False)
    with pdfplumber.open(pdf) as own, pdfplumber.open(pdf) as shared:
        for number, (own_page, shared_page) in enumerate(zip(own.pages, shared.pages, strict=True), start=1):
            text = read_once(shared_reader.pages[number - 1], shared_page)
            assert hasattr(shared_page, "_layout"), f"page {number} was parsed twice"
            assert text == (own_reader.pages[number - 1].extract_text() or ""), f"page {number}: text"
            assert _objects(shared_page) == _objects(own_page), f"page {number}: layout"


def test_operands_convert_as_pdfminer_parses_them() -> None:
    converted = _pdfminer_object(ArrayObject([NameObject("/F1"), FloatObject("-.5"), NumberObject(3)]))
    assert converted[0].name == "F1" and converted[1:] == [-0.5, 3]


def test_an_operand_pdfminer_reads_otherwise_leaves_the_page_to_pdfminer() -> None:
    with pytest.raises(Unconvertible):
        _pdfminer_object(NullObject())  # pdfminer reads "null" as an operator, not an operand
