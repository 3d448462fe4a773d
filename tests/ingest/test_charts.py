"""Bar charts in pictures, read as tables: values by their bars' categories and series."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from figures.superlative import leader
from ingest.charts import bar_charts
from ingest.facts import table_facts
from ingest.index_store import open_index
from ingest.ocr import FIGURE_CONFIDENT, OcrWord, _line_reader
from ingest.pdf_reader import read_deck
from qa.deckqa import DeckQA
from qa.settings import Settings
from tests.small_deck import picture_slide_pdf

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")

SERIES = (("2021 Results", (60, 150, 100)), ("2022 Results", (100, 100, 170)))
CATEGORIES = (("Firewalls", (40, 52)), ("Encryption", (25, 31)), ("Audit logs", (18, 14)), ("Training", (9, 22)))


def _picture_pdf(path: Path, image: Image.Image) -> Path:
    picture = path.with_suffix(".png")
    image.save(picture)
    return picture_slide_pdf(path, picture)


def _grouped_bars(path: Path, note: str = "") -> Path:
    """A slide that is one picture: a horizontal bar chart of two series, each value at
    its bar's end, the categories left of the axis, a legend of swatches below (and a
    `note` under the title)."""
    image, _ = _grouped_bars_image(note)
    return _picture_pdf(path, image)


def _grouped_bars_image(note: str = "") -> tuple[Image.Image, list[OcrWord]]:
    """The chart of `_grouped_bars`, and its words where they are drawn (as OCR reads them
    when it reads them all)."""
    image = Image.new("RGB", (2400, 1800), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    words: list[OcrWord] = []

    def write(x: float, y: float, text: str) -> None:
        draw.text((x, y), text, fill="black", font=font)
        for word in text.split(" "):
            left, top, right, bottom = draw.textbbox((x, y), word, font=font)
            words.append(OcrWord(word, 95.0, (float(left), float(top), float(right), float(bottom))))
            x += draw.textlength(f"{word} ", font=font)

    draw.text((300, 80), "Security tools in use", fill="black", font=font)
    draw.text((300, 170), note, fill="black", font=font)
    axis = 900
    for row, (label, values) in enumerate(CATEGORIES):
        top = 300 + row * 300
        width = draw.textlength(label, font=font)
        write(axis - 40 - width, top + 60, label)
        for series, ((_, colour), value) in enumerate(zip(SERIES, values, strict=True)):
            bar_top = top + series * 90
            end = axis + value * 25
            draw.rectangle((axis, bar_top, end, bar_top + 80), fill=colour)
            write(end + 25, bar_top + 10, f"{value}%")
    for index, (name, colour) in enumerate(SERIES):
        x = 700 + index * 700
        draw.rectangle((x, 1600, x + 50, 1650), fill=colour)
        write(x + 80, 1595, name)
    return image, words


@needs_tesseract
def test_values_the_pages_reading_lost_are_read_again_beside_their_bars() -> None:
    """OCR lost two values (set close to the next bar's): each is read again on its own
    right of its bar's end; a reading its bar's length does not bear out (a neighbour's
    value) is left out, not taken."""
    image, words = _grouped_bars_image()
    lost = [word for word in words if word.text not in ("31%", "14%")]

    def table(read: Any) -> dict[str, tuple[str, ...]]:
        [chart] = bar_charts(image, lost, 300, FIGURE_CONFIDENT, read)
        return {row[0]: row[1:] for row in chart.cells[1:]}

    assert table(None)["Encryption"] == ("25%", "")
    rows = table(_line_reader(image))
    assert rows["Encryption"] == ("25%", "31%") and rows["Audit logs"] == ("18%", "14%")
    neighbours = table(lambda boxes, margin: [("52%", 96.0)] * len(boxes))
    assert neighbours["Encryption"] == ("25%", "") and neighbours["Audit logs"] == ("18%", "")


@needs_tesseract
def test_a_bar_chart_in_a_picture_is_a_table_of_its_categories_and_series(tmp_path: Path) -> None:
    deck = read_deck(_grouped_bars(tmp_path / "bars.pdf"))
    assert deck.ocr is not None and deck.ocr.pages[0].charts
    [table] = [table for table in deck.tables if table.header[1:] == ("2021 Results", "2022 Results")]
    rows = {row[0]: row[1:] for row in table.rows}
    expected = {label: tuple(f"{value}%" for value in values) for label, values in CATEGORIES}
    assert rows == expected
    # Each figure is its category's, in its series' year.
    facts = {(fact.row, fact.period): fact.value for fact in table_facts(table)}
    assert facts[("Encryption", "2022")] == 31.0 and facts[("Audit logs", "2021")] == 18.0


def _bars_over_years(path: Path) -> Path:
    """A slide that is one picture: a column chart of one series over four years, each
    value above its column, the years below the axis, no legend."""
    image = Image.new("RGB", (2400, 1800), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    draw.text((300, 80), "Members by year", fill="black", font=font)
    axis = 1500
    for index, (year, value) in enumerate((("2011", 120), ("2012", 185), ("2013", 240), ("2014", 310))):
        left = 400 + index * 450
        top = axis - value * 3
        draw.rectangle((left, top, left + 200, axis), fill=(40, 90, 160))
        width = draw.textlength(str(value), font=font)
        draw.text((left + 100 - width / 2, top - 80), str(value), fill="black", font=font)
        width = draw.textlength(year, font=font)
        draw.text((left + 100 - width / 2, axis + 30), year, fill="black", font=font)
    return _picture_pdf(path, image)


@needs_tesseract
def test_a_chart_over_years_is_a_table_whose_columns_are_the_years(tmp_path: Path) -> None:
    deck = read_deck(_bars_over_years(tmp_path / "years.pdf"))
    [table] = [table for table in deck.tables if table.header[1:] == ("2011", "2012", "2013", "2014")]
    facts = {fact.period: fact.value for fact in table_facts(table)}
    assert facts == {"2011": 120.0, "2012": 185.0, "2013": 240.0, "2014": 310.0}


@needs_tesseract
def test_a_chart_whose_page_writes_a_larger_figure_than_its_bars_names_no_leader(
    settings: Settings, tmp_path: Path
) -> None:
    # The chart as read leads with Firewalls (52% in 2022). A page that also writes 64%
    # in the chart's unit has a row the chart's reading lacks (OCR lost a bar's label, or
    # a value is written apart): what leads is not said from the rows read.
    question = "Which security tool had the highest share in 2022?"
    plain = _grouped_bars(tmp_path / "plain.pdf")
    deck = DeckQA(open_index(plain, tmp_path / "plain-index", model_cache=settings.index.model_cache))
    assert leader(question, deck.lookup) is not None and leader(question, deck.lookup).best.value == 52
    noted = _grouped_bars(tmp_path / "noted.pdf", note="Cloud backup is used by 64% of firms")
    deck = DeckQA(open_index(noted, tmp_path / "noted-index", model_cache=settings.index.model_cache))
    assert leader(question, deck.lookup) is None
