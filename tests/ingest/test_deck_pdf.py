"""The bundled demo deck: data/deck.pdf is exactly what data/deck.json renders to.

Checks that the committed PDF is byte-identical to a fresh render, that it has one
16:9 landscape page per slide with the slide title as each page's first text line, and
that pdfplumber recovers every table of deck.json from its page, cell for cell.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pdfplumber
import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
DECK_JSON = ROOT / "data" / "deck.json"
DECK_PDF = ROOT / "data" / "deck.pdf"
RENDERER = ROOT / "data" / "render_deck.py"

EXPECTED_PAGES = 43

# pdfplumber table-finding settings used to recover the ruled tables. These are
# pdfplumber's defaults, spelled out: the renderer rules every cell, so the "lines"
# strategies find the grid without any tuning.
TABLE_SETTINGS: dict[str, object] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "edge_min_length": 3,
    "intersection_tolerance": 3,
    "text_x_tolerance": 3,
    "text_y_tolerance": 3,
}

DECK = json.loads(DECK_JSON.read_text(encoding="utf-8"))


def _load_renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_deck", RENDERER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _norm(cell: str | None) -> str:
    """Collapse whitespace and line breaks inside a cell to single spaces."""
    return " ".join((cell or "").split())


def _deck_tables() -> list[tuple[int, dict]]:
    found = []
    for number, slide in enumerate(DECK["slides"], start=1):
        for block in slide["blocks"]:
            if block["kind"] == "table":
                found.append((number, block))
    return found


TABLES = _deck_tables()


def _table_id(number: int, table: dict) -> str:
    title = table["title"] or DECK["slides"][number - 1]["title"]
    return f"slide{number}-{title}"


@pytest.fixture(scope="module")
def reader() -> PdfReader:
    return PdfReader(DECK_PDF)


@pytest.fixture(scope="module")
def plumber():
    with pdfplumber.open(DECK_PDF) as pdf:
        yield pdf


def test_committed_pdf_is_a_fresh_render() -> None:
    renderer = _load_renderer()
    assert renderer.render(DECK_JSON) == DECK_PDF.read_bytes(), "data/deck.pdf is stale: run python data/render_deck.py"


def test_one_page_per_slide(reader: PdfReader) -> None:
    assert len(DECK["slides"]) == EXPECTED_PAGES
    assert len(reader.pages) == EXPECTED_PAGES


def test_pages_are_16_9_landscape(reader: PdfReader) -> None:
    for index, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width > height, f"page {index} is not landscape"
        assert width / height == pytest.approx(16 / 9, rel=1e-3), f"page {index} is not 16:9"


def test_page_19_is_business_strategies(reader: PdfReader) -> None:
    first_line = reader.pages[18].extract_text().splitlines()[0]
    assert first_line == "Business Strategies"


def test_every_page_starts_with_its_slide_title(reader: PdfReader) -> None:
    for index, slide in enumerate(DECK["slides"]):
        first_line = reader.pages[index].extract_text().splitlines()[0]
        assert first_line == slide["title"], f"page {index + 1}"


def test_pdf_metadata_is_fixed(reader: PdfReader) -> None:
    meta = reader.metadata
    assert meta is not None
    assert meta.title == DECK["title"]
    assert meta.get("/CreationDate", "").startswith("D:20170208")


def test_tables_are_listed() -> None:
    assert len(TABLES) >= 15
    assert {number for number, _ in TABLES} >= {
        3,
        7,
        12,
        19,
        22,
        23,
        24,
        25,
        29,
        35,
        37,
        38,
        39,
    }


@pytest.mark.parametrize(
    ("number", "table"),
    TABLES,
    ids=[_table_id(number, table) for number, table in TABLES],
)
def test_table_recovered_cell_for_cell(plumber, number: int, table: dict) -> None:
    page = plumber.pages[number - 1]
    extracted = [[[_norm(cell) for cell in row] for row in found] for found in page.extract_tables(TABLE_SETTINGS)]
    on_page = sum(1 for n, _ in TABLES if n == number)
    assert len(extracted) == on_page, f"page {number}: {len(extracted)} tables found"

    expected = [[_norm(cell) for cell in row] for row in [table["header"], *table["rows"]]]
    matches = [found for found in extracted if found and found[0] == expected[0]]
    assert len(matches) == 1, f"no single table on page {number} with header {expected[0]}"
    got = matches[0]
    assert len(got) == len(expected), "row count"
    for r, (got_row, want_row) in enumerate(zip(got, expected, strict=False)):
        assert len(got_row) == len(want_row), f"row {r}: column count"
        for c, (got_cell, want_cell) in enumerate(zip(got_row, want_row, strict=False)):
            assert got_cell == want_cell, f"row {r} col {c}"
