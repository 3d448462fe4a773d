"""Reading a PDF: a long document read by several processes reads exactly as in one;
ligature glyphs the font maps to no character read as letters; a title that is no text
is no title."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

import ingest.pdf_reader as pdf_reader
from ingest.errors import DeckError
from tests.small_deck import ruled_table, titled_page

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


def test_parallel_reading_equals_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = CORPUS / "INTEL_2022Q4_EARNINGS.pdf"
    alone = pdf_reader.read_deck(pdf)
    # Every document counts as long, two pages per task: several tasks on several readers.
    monkeypatch.setattr(pdf_reader, "PARALLEL_PAGES", 2)
    monkeypatch.setattr(pdf_reader, "PAGES_PER_TASK", 2)
    seen: list[tuple[int, int]] = []
    shared = pdf_reader.read_deck(pdf, progress=lambda done, total: seen.append((done, total)))
    assert len(alone.slides) > 4
    assert shared == alone
    assert seen[-1] == (len(alone.slides), len(alone.slides))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_broken_page_in_a_reader_process_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pdf = CORPUS / "INTEL_2022Q4_EARNINGS.pdf"
    monkeypatch.setattr(pdf_reader, "PARALLEL_PAGES", 2)

    def broken(page, number, ocr=False):  # a content stream pdfminer cannot parse, as seen from the reader
        raise ValueError("bad content stream")

    monkeypatch.setattr(pdf_reader, "_read_page", broken)
    with pytest.raises(DeckError, match=r"^damaged PDF \(ValueError: bad content stream\)"):
        pdf_reader.read_deck(pdf)


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        ("\x00rst", "first"),
        ("e\x00ective", "effective"),
        ("con\x00ict", "conflict"),
        ("Reclassi\x00cation", "Reclassification"),
    ],
)
def test_a_ligature_mapped_to_no_character_is_read_back(printed: str, read: str) -> None:
    # "ﬁ", "ﬀ", "ﬂ" come out as NUL when the font maps the glyph to nothing; the word is
    # read with the ligature the embedding model's vocabulary knows, else with "fi"
    assert pdf_reader._ligature_word(printed) == read


def test_a_release_with_unmapped_ligatures_reads_as_words() -> None:
    # The Costco release prints "ﬁrst", "ﬁscal", "eﬀective" with glyphs mapped to NUL.
    deck = pdf_reader.read_deck(CORPUS / "COSTCO_2023Q1_EARNINGS.pdf")
    texts = [slide.text for slide in deck.slides] + [chunk.text for chunk in deck.chunks]
    assert not any("\x00" in text for text in texts)
    assert any("Net sales for the first quarter increased 8.1 percent" in text for text in texts)


def test_a_page_set_in_one_type_keeps_its_text_out_of_its_title() -> None:
    # The release's third page opens with a heading set in the text's size and a face of
    # its own (fonts named "F2", "F3"), then running text: the heading is the title and
    # the paragraph a passage; the page's other headings head their paragraphs.
    deck = pdf_reader.read_deck(CORPUS / "BESTBUY_2023Q4_EARNINGS.pdf")
    page = deck.slides[2]
    assert page.title == "Domestic Selling, General and Administrative Expenses (“SG&A”)"
    passages = [chunk for chunk in deck.chunks if chunk.slide == 3]
    assert any(chunk.text.startswith("Domestic GAAP SG&A was $2.07 billion") for chunk in passages)
    headed = [chunk for chunk in passages if chunk.text.startswith("International revenue of $1.20 billion")]
    assert [chunk.heading for chunk in headed] == ["International Revenue"]
    assert "Restructuring Charges" in {chunk.text for chunk in passages if chunk.kind == "heading"}
    # A statement page keeps its multi-line heading; its caption stays with it.
    assert deck.slides[5].title.startswith("BEST BUY CO., INC. CONDENSED CONSOLIDATED STATEMENTS OF EARNINGS")


def test_running_text_is_no_heading() -> None:
    assert pdf_reader._running_text("revenue, versus $2.30 billion, or 15.3% of revenue, last year. Both GAAP")
    assert not pdf_reader._running_text("Condensed Consolidated Statements of Earnings")
    assert not pdf_reader._running_text("($ and shares in millions, except per share amounts)")


def test_a_list_of_headlines_has_no_header_row_and_takes_the_heading_above_as_its_title() -> None:
    # Page 4 of the healthcare release lists the quarter's announcements in a ruled table
    # under a bold "NOTABLE NEW ANNOUNCEMENTS IN THE QUARTER:", after a paragraph. Its
    # first headline is a row like the others, not the columns' heading, and the
    # paragraph's last line is not its caption.
    deck = pdf_reader.read_deck(CORPUS / "JOHNSON_JOHNSON_2022Q4_EARNINGS.pdf")
    rows = [chunk for chunk in deck.chunks if chunk.slide == 4 and chunk.kind == "table_row"]
    assert rows[0].text.startswith("Regulatory - DePuy Synthes Receives FDA Clearance for TELIGEN System")
    assert not any("TELIGEN" in chunk.text for chunk in rows[1:])
    assert any(chunk.text.startswith("Johnson & Johnson Completes Acquisition of Abiomed") for chunk in rows)
    assert {chunk.heading for chunk in rows} == {"NOTABLE NEW ANNOUNCEMENTS IN THE QUARTER:"}
    # The page opens with the last line of a paragraph from page 3: its first heading
    # names it.
    assert deck.slides[3].title == "MedTech"


def test_a_first_row_written_as_the_rows_below_is_content() -> None:
    headlines = [["Regulatory", "Company Receives Clearance for Its New System", "Release"],
                 ["", "Agency Approves the First Treatment of Its Kind Today", "Release"]]  # fmt: skip
    assert pdf_reader._is_content_row(headlines[0], headlines[1:])
    figures = [["", "Three Months Ended December 31, 2022", "2021"], ["Net sales", "53,437", "49,417"]]
    assert not pdf_reader._is_content_row(figures[0], figures[1:])


def test_bullets_above_a_heading_in_the_largest_type_are_read() -> None:
    # Page 3 of the chipmaker's release opens with bullets carried over from page 2; its
    # largest type is "Business Outlook", further down. Everything above that heading
    # was once dropped as the header band's furniture.
    deck = pdf_reader.read_deck(CORPUS / "INTEL_2022Q4_EARNINGS.pdf")
    passages = [chunk.text for chunk in deck.chunks if chunk.slide == 3]
    assert any("the consumer graphics teams will join CCG" in text for text in passages)
    assert any("seven of the 10 largest foundry customers" in text for text in passages)
    assert deck.slides[2].title == "Business Outlook"


def test_a_line_of_its_own_ending_in_a_colon_heads_what_follows() -> None:
    # "CONTACTS:" in the text's own type labels the names below it.
    deck = pdf_reader.read_deck(CORPUS / "COSTCO_2023Q1_EARNINGS.pdf")
    chunks = [chunk for chunk in deck.chunks if chunk.slide == 2]
    assert any(chunk.kind == "heading" and chunk.text == "CONTACTS:" for chunk in chunks)
    names = [chunk for chunk in chunks if "Richard Galanti" in chunk.text]
    assert [chunk.heading for chunk in names] == ["CONTACTS:"]
    # A sentence ending in a colon is still text.
    lead_ins = [chunk for chunk in deck.chunks if chunk.text.startswith("Comparable sales for the first quarter")]
    assert lead_ins and all(chunk.kind == "text" for chunk in lead_ins)


def test_a_symbol_font_bullet_starts_a_bullet_under_the_sentence_that_introduces_its_list() -> None:
    # The electronics retailer's guidance is a list marked with a Symbol-font glyph
    # (U+F0B7) after "... the following financial guidance for FY24, which includes 53
    # weeks.": one bullet per line, each hanging under that sentence.
    deck = pdf_reader.read_deck(CORPUS / "BESTBUY_2023Q4_EARNINGS.pdf")
    bullets = [chunk for chunk in deck.chunks if chunk.slide == 2 and chunk.kind == "bullet"]
    texts = [chunk.text for chunk in bullets]
    assert "Revenue of $43.8 billion to $45.2 billion" in texts
    assert "Capital expenditures of approximately $850 million" in texts
    assert all(
        chunk.parent.endswith("the following financial guidance for FY24, which includes 53 weeks.")
        for chunk in bullets
    )


def test_a_statements_column_headings_and_a_drawn_rule_are_no_passages() -> None:
    # The retailer's comparable sales table is headed "12 Weeks | 12 Weeks Adjusted*"; the
    # headings are the columns' names, not passages of the page.
    deck = pdf_reader.read_deck(CORPUS / "COSTCO_2023Q1_EARNINGS.pdf")
    assert not [chunk for chunk in deck.chunks if chunk.text in ("12 Weeks", "12 Weeks Adjusted*", "12 Weeks Ended")]
    # The healthcare release draws rules with underscores.
    release = pdf_reader.read_deck(CORPUS / "JOHNSON_JOHNSON_2022Q4_EARNINGS.pdf")
    assert not [chunk for chunk in release.chunks if "_____" in chunk.text or "_____" in chunk.heading]


@pytest.mark.parametrize("title", [pikepdf.Array([1]), pikepdf.Dictionary(A=1)])
def test_a_document_title_that_is_no_text_is_no_title(title: object, tmp_path: Path) -> None:
    path = tmp_path / "titled.pdf"
    with pikepdf.open(CORPUS / "COSTCO_2023Q1_EARNINGS.pdf") as pdf:
        pdf.docinfo["/Title"] = title  # pypdf hands such a title back as it is, not as text
        pdf.save(path)
    assert pdf_reader._metadata_title(path) == ""


@pytest.mark.parametrize(
    ("line", "dates"),
    [
        ("December 31, 2022 December 31, 2021", True),
        ("2022 2021 2020", True),
        ("As of January 28, 2023", True),
        ("Consolidated Balance Sheets", False),
        ("Net sales increased 5% in 2022", False),
    ],
)
def test_a_line_of_dates_over_a_ruled_table_is_told_apart(line: str, dates: bool) -> None:
    assert pdf_reader._dates_only(line) is dates


@pytest.mark.parametrize(
    ("caption", "scale"),
    [
        ("(In millions, except share and per share data)", "million"),
        ("Restructuring charges were as follows ($ in thousands):", "thousand"),
        ("Consolidated Statements of Cash Flows $ in millions", "million"),
        ("(Unaudited)", ""),
        ("Revenue grew in millions of homes", ""),
    ],
)
def test_a_caption_gives_a_ruled_tables_scale(caption: str, scale: str) -> None:
    assert pdf_reader._scale_caption(caption) == scale


def _line(text: str, x0: float, x1: float, top: float, size: float = 11.0, bold: bool = False) -> pdf_reader._Line:
    return pdf_reader._Line(text, x0, x1, top, top + size, size, bold, False)


def test_a_sentence_wrapped_into_a_centred_line_is_one_passage() -> None:
    # A centred paragraph as OCR measures it: its lines start where their width puts them,
    # the first taller than the second, and a picture's letters read level with it.
    lines = [
        _line("Overall, THE most tweeted about show since its", 99.8, 343.0, 445.0, size=13.8),
        _line("premiere (Cable or Broadcast)", 144.0, 295.9, 459.9),
        _line("At 382,000 each airing, the show garners the", 106.6, 333.8, 490.9),
        _line("highest average tweets per episode during live", 102.7, 339.3, 506.5),
        _line("alate Wh", 25.4, 36.6, 509.9),
        _line("airings of any Broadcast drama this season", 113.3, 327.3, 521.6),
    ]
    texts = [chunk.text for chunk in pdf_reader._passages(lines, 28, "Television")]
    assert "Overall, THE most tweeted about show since its premiere (Cable or Broadcast)" in texts
    assert (
        "At 382,000 each airing, the show garners the highest average tweets per episode during live"
        " airings of any Broadcast drama this season"
    ) in texts


def test_a_finished_line_or_a_capital_starts_its_own_passage() -> None:
    # Centred lines that are no one sentence: a heading's words, a finished sentence.
    lines = [
        _line("Revenue growth", 140.0, 300.0, 100.0, size=16.0, bold=True),
        _line("sold in 42 markets", 120.0, 320.0, 118.0, size=11.0),
        _line("Streaming is up 92%.", 150.0, 290.0, 140.0),
        _line("albums are down 4%", 110.0, 330.0, 154.0),
    ]
    texts = [chunk.text for chunk in pdf_reader._passages(lines, 5, "Volume")]
    assert texts == ["Revenue growth", "sold in 42 markets", "Streaming is up 92%.", "albums are down 4%"]


def test_a_frame_round_the_page_and_a_box_round_text_are_no_tables(tmp_path: Path) -> None:
    # A slide ruled round its edges, its two columns of text each in a ruled box: no word
    # of it was read as a passage (the frame and the one-row box took them as tables).
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="pt", format=(405, 720))
    pdf.add_page()
    pdf.rect(0, 0, 720, 405)
    pdf.set_font("Helvetica", "B", 28)
    pdf.text(30, 70, "Principles of Visual Perception")
    pdf.rect(25, 90, 335, 200)
    pdf.rect(360, 90, 335, 200)
    pdf.set_font("Helvetica", "", 16)
    pdf.text(40, 120, "Proximity.")
    pdf.text(40, 145, "Close objects form a group.")
    pdf.text(375, 120, "Similarity.")
    pdf.text(375, 145, "Alike objects form a group.")
    path = tmp_path / "framed.pdf"
    pdf.output(str(path))
    deck = pdf_reader.read_deck(path)
    passages = [chunk.text for chunk in deck.chunks if chunk.kind != "table_row"]
    assert any(text.endswith("Close objects form a group.") for text in passages), passages
    assert any(text.endswith("Alike objects form a group.") for text in passages), passages
    assert not deck.tables


def test_a_sentence_broken_after_a_word_no_sentence_ends_on_goes_on_whatever_starts_the_next_line() -> None:
    # OCR's sizes of one type differ line to line (with and without descending letters),
    # and a descender of one line reaches below the top of the next.
    lines = [
        _line("This Report was further endorsed by", 412.0, 713.0, 203.0, size=17.0),
        _line("24 active venture capital firms in", 412.0, 680.0, 218.0, size=17.0),
        _line("These VCs include Sofinnova, Northzone,", 25.0, 359.0, 351.0, size=23.0),
        _line("DFJ Esprit, Amadeus Capital, Gimv,", 25.0, 316.0, 371.0, size=17.0),
        _line("and three ecological zones", 25.0, 300.0, 391.0, size=17.0, bold=True),
    ]
    texts = [chunk.text for chunk in pdf_reader._passages(lines, 2, "Background")]
    assert texts == [
        "This Report was further endorsed by 24 active venture capital firms in",
        "These VCs include Sofinnova, Northzone, DFJ Esprit, Amadeus Capital, Gimv, and three ecological zones",
    ]


def test_a_diagrams_labels_of_two_lines_are_one_label_each() -> None:
    # A row of roles under their pictures: "Product" over "Owner" (left-aligned), "Team"
    # over "Member" (centred), read line by line across the row.
    lines = [
        _line("Product", 385.0, 440.0, 395.0, size=17.5),
        _line("Team", 790.0, 830.0, 395.0, size=17.5),
        _line("Architecture", 560.0, 660.0, 405.0, size=17.5),
        _line("Team Lead", 170.0, 260.0, 410.0, size=17.5),
        _line("Stakeholder", 950.0, 1050.0, 410.0, size=17.5),
        _line("Owner", 390.0, 440.0, 415.0, size=17.5),
        _line("Member", 780.0, 840.0, 415.0, size=17.5),
        _line("Owner", 585.0, 635.0, 425.0, size=17.5),
    ]
    texts = [chunk.text for chunk in pdf_reader._passages(lines, 31, "Roles")]
    assert sorted(texts) == ["Architecture Owner", "Product Owner", "Stakeholder", "Team Lead", "Team Member"]


def test_two_columns_of_running_text_of_any_widths_are_read_one_after_the_other() -> None:
    # A narrow left column and a wide right one: each line of the right column starts
    # left of the page's middle.
    left = [_line(f"the left column says thing number {n} here", 33.0, 235.0, 120.0 + 13 * n) for n in range(5)]
    right = [
        _line(f"while the right column says another thing {n} at length", 263.0, 720.0, 121.0 + 13 * n)
        for n in range(5)
    ]
    ordered = pdf_reader.reading_order(left + right, 733.0)
    assert ordered == left + right
    # One column of text with a short label beside it is read line by line.
    page = [_line(f"a paragraph of running text line {n} goes on", 33.0, 500.0, 120.0 + 13 * n) for n in range(6)]
    label = _line("2015", 600.0, 640.0, 133.0)
    assert pdf_reader.reading_order([*page, label], 733.0) == sorted(
        [*page, label], key=lambda line: (round(line.top), line.x0)
    )


def test_a_header_row_above_a_tables_ruling_is_its_header(tmp_path: Path) -> None:
    # "Wave I | Wave II | Wave III" printed above the ruled grid (on a page read by OCR, a
    # band of colour is no ruling): the table's header, not a passage nor its title.
    pdf = titled_page("Research methodology", 24, 50, 11)
    left, widths, top, height = 100.0, (180.0, 120.0, 120.0, 120.0), 120.0, 20.0
    for i, name in enumerate(("Wave I", "Wave II", "Wave III")):
        pdf.text(left + sum(widths[: i + 1]) + 5, top - 6, name)
    rows = [
        ("Sample size", "3,004", "3,000", "4,021"),
        ("Districts sampled", "31", "31", "44"),
        ("Fieldwork personnel", "52", "50", "72"),
    ]
    ruled_table(pdf, rows, widths, left, top, height)
    path = tmp_path / "banded.pdf"
    pdf.output(str(path))
    deck = pdf_reader.read_deck(path)
    assert len(deck.tables) == 1, deck.tables
    table = deck.tables[0]
    assert list(table.header) == ["", "Wave I", "Wave II", "Wave III"]
    assert table.rows[0][:4] == ("Sample size", "3,004", "3,000", "4,021")
    assert not any("Wave" in chunk.text for chunk in deck.chunks if chunk.kind != "table_row")


def test_bullets_ocr_read_as_an_e_glued_to_the_first_word_are_bullets() -> None:
    lines = [
        _line("Throttle Position", 40.0, 200.0, 80.0),
        _line("eVariable resister connected to the throttle plate.", 40.0, 400.0, 100.0),
        _line("eChange in throttle angle = change in resistance.", 40.0, 400.0, 120.0),
    ]
    texts = [line.text for line in pdf_reader._glued_bullets(lines)]
    assert texts == [
        "Throttle Position",
        "\u2022 Variable resister connected to the throttle plate.",
        "\u2022 Change in throttle angle = change in resistance.",
    ]
    # One such word is a name, not a list.
    alone = [_line("eBay sellers", 40.0, 200.0, 80.0), _line("rose 10%", 40.0, 200.0, 100.0)]
    assert pdf_reader._glued_bullets(alone) == alone


def test_a_line_of_dates_above_a_tables_ruling_stays_its_title(tmp_path: Path) -> None:
    # A balance sheet's dates printed over its ruled grid name its columns' periods through
    # the title (`_dates_only`), not as a header row set over other columns.
    pdf = titled_page("Consolidated Balance Sheets", 16, 40, 11)
    pdf.text(330, 104, "December 31, 2022")
    pdf.text(500, 104, "December 31, 2021")
    rows = [("Short-term debt", "1,175", "584"), ("Long-term debt", "10,926", "10,341")]
    ruled_table(pdf, rows, (220.0, 170.0, 170.0), left=100.0, top=110.0, height=20.0)
    path = tmp_path / "dated.pdf"
    pdf.output(str(path))
    import dataclasses

    import pdfplumber

    with pdfplumber.open(path) as document:
        page = document.pages[0]
        [table] = page.find_tables(pdf_reader.TABLE_SETTINGS)
        lines = pdf_reader._segments(page.extract_words(extra_attrs=["size"]))
        assert pdf_reader._rows_above(table, lines) == ([], [])
        # A row of names in its columns is its header.
        named = [dataclasses.replace(line, text=line.text.replace("December 31, ", "Year ")) for line in lines]
        _, rows = pdf_reader._rows_above(table, named)
        assert rows == [["", "Year 2022", "Year 2021"]]


def test_an_underlined_line_of_a_picture_heads_what_is_under_it(tmp_path: Path) -> None:
    # An underline OCR's page drew back as a rule sets a heading apart as a bold face does;
    # a rule across the page under a line is a divider, and an underlined date is no heading.
    pdf = titled_page("Engine Sensors", 28, 50, 16)
    pdf.text(60, 110, "Crankshaft Position Sensor")
    width = pdf.get_string_width("Crankshaft Position Sensor")
    pdf.line(60, 113, 60 + width, 113)
    pdf.text(80, 140, "Detects engine speed.")
    pdf.text(60, 220, "Oxygen sensors measure the exhaust")
    pdf.line(30, 223, 690, 223)
    pdf.text(400, 300, "January 28, 2023")
    pdf.line(400, 303, 400 + pdf.get_string_width("January 28, 2023"), 303)
    path = tmp_path / "underlined.pdf"
    pdf.output(str(path))
    import pdfplumber

    with pdfplumber.open(path) as document:
        page = document.pages[0]
        lines = pdf_reader._segments(page.extract_words(extra_attrs=["size", "fontname"]))
        bold = {line.text: line.bold for line in pdf_reader._underlined(lines, page.horizontal_edges)}
    assert bold["Crankshaft Position Sensor"]
    assert not bold["Detects engine speed."]
    assert not bold["Oxygen sensors measure the exhaust"]
    assert not bold["January 28, 2023"]
