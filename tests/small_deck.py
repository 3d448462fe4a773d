"""A tiny, fixed two-slide deck PDF for upload tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fpdf import FPDF

if TYPE_CHECKING:
    from qa.deckqa import DeckQA
    from qa.settings import Settings


def small_deck_pdf() -> bytes:
    """A two-slide text deck (cover + one content slide), built with fpdf2; the same
    bytes on every call (fixed creation date)."""
    slides = [
        ("Acme Robotics Investor Update", ["March 2024"]),
        ("Warehouse Robots", ["- Acme builds autonomous warehouse robots", "- 1,200 robots deployed in 2023"]),
    ]
    return text_deck_pdf(slides, "Acme Robotics Investor Update")


def deck_of(pdf: Path, folder: Path, settings: Settings) -> DeckQA:
    """The deck `pdf` read into an index under `folder/index`, ready to ask."""
    from ingest.index_store import open_index
    from qa.deckqa import DeckQA

    return DeckQA(open_index(pdf, folder / "index", model_cache=settings.index.model_cache))


def text_deck_pdf(slides: list[tuple[str, list[str]]], title: str = "") -> bytes:
    """A text deck of `slides` (a bold title, then its lines, each slide a page), built with
    fpdf2; the same bytes on every call (fixed creation date)."""
    pdf = FPDF(orientation="L", unit="pt", format=(540, 960))
    pdf.set_creation_date(datetime(2024, 3, 1, tzinfo=UTC))
    if title:
        pdf.set_title(title)
    for heading, lines in slides:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 28)
        pdf.cell(0, 40, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 18)
        for line in lines:
            pdf.multi_cell(0, 28, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def picture_slide_pdf(path: Path, picture: Path, height: float = 540) -> Path:
    """A one-page slide (720 pt wide) that is the image `picture`, scaled to its width and
    `height`, with no text layer: what a deck exported as images looks like."""
    pdf = FPDF(orientation="L", unit="pt", format=(540, 720))
    pdf.add_page()
    pdf.image(str(picture), x=0, y=0, w=720, h=height)
    pdf.output(str(path))
    return path


def titled_page(title: str, title_size: float, top: float, body_size: float) -> FPDF:
    """A 16:9 page (720 x 405 pt) with `title` in bold at (30, `top`), the font left at
    `body_size` for what is drawn next."""
    pdf = FPDF(orientation="L", unit="pt", format=(405, 720))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", title_size)
    pdf.text(30, top, title)
    pdf.set_font("Helvetica", "", body_size)
    return pdf


def ruled_table(
    pdf: FPDF, rows: list[tuple[str, ...]], widths: tuple[float, ...], left: float, top: float, height: float
) -> None:
    """Draw `rows` on `pdf`'s page as a table ruled round every cell, its columns
    `widths` wide, from (`left`, `top`), each row `height` tall."""
    for r, row in enumerate(rows):
        x = left
        for width, cell in zip(widths, row, strict=True):
            pdf.rect(x, top + r * height, width, height)
            pdf.text(x + 5, top + r * height + height * 0.68, cell)
            x += width


def protected_small_deck(folder: Path) -> Path:
    """The small deck with an owner password only (permission flags, an empty user
    password), as most real 10-Ks come: `folder/locked.pdf`."""
    import pikepdf

    plain = folder / "plain.pdf"
    plain.write_bytes(small_deck_pdf())
    locked = folder / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="", owner="owner-only", allow=pikepdf.Permissions()))
    return locked
