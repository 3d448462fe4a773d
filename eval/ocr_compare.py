"""`python -m eval ocr`: Tesseract (as ingest runs it) against PP-OCR (`rapidocr-onnxruntime`,
its models in its wheel) on the pages gold items cite, per page and in total.

Two measures of what each engine reads, on the page images ingest renders (300 dpi):
- **evidence recall**: of the words of each gold item's `evidence` (as a person read them
  off the slide), the share found on its page; figures (a word with a digit) are counted
  apart. Found as a word, and found anywhere in the page's text with spaces removed (PP-OCR
  often drops the spaces between English words, which a word index cannot undo).
- **text-layer recall** (`--text-pages`): pages that have a text layer, rendered and read
  as if they had none; the share of the layer's words and figures each engine finds.
Time is wall seconds a page, one page at a time on one core.

PP-OCR is not a dependency of the product; this command asks for it to be installed
(`pip install rapidocr-onnxruntime==1.4.4`) and says so when it is not.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.gold import load_gold
from eval.ranker_fit import gold_files

WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[.,:][0-9]+)*")


def words(text: str) -> list[str]:
    return [word.lower() for word in WORD_RE.findall(text)]


@dataclass
class Tally:
    found: int = 0
    found_unspaced: int = 0
    total: int = 0
    figures_found: int = 0
    figures_total: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, wanted: Iterable[str], read: str) -> None:
        have = Counter(words(read))
        unspaced = re.sub(r"\s+", "", read).lower()
        for word in wanted:
            figure = any(char.isdigit() for char in word)
            hit = have[word] > 0
            self.total += 1
            self.found += hit
            self.found_unspaced += hit or word in unspaced
            if figure:
                self.figures_total += 1
                self.figures_found += hit

    def row(self) -> dict[str, Any]:
        share = lambda a, b: round(a / b, 3) if b else None  # noqa: E731
        pages = len(self.seconds)
        return {
            "words": self.total,
            "word_recall": share(self.found, self.total),
            "word_recall_unspaced": share(self.found_unspaced, self.total),
            "figures": self.figures_total,
            "figure_recall": share(self.figures_found, self.figures_total),
            "pages": pages,
            "seconds_per_page": round(sum(self.seconds) / pages, 2) if pages else None,
        }


def tesseract_text(image: Any, folder: Path, number: int) -> str:
    from ingest.ocr import _read_page_image

    page, _ = _read_page_image(image, number, folder)
    return " ".join(word.text for word in page.words)


def rapid_engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as error:
        raise SystemExit("error: PP-OCR is not installed: pip install rapidocr-onnxruntime==1.4.4") from error
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


def rapid_text(engine: Any, image: Any) -> str:
    import numpy as np

    result, _ = engine(np.asarray(image))
    return "\n".join(line[1] for line in result or [])


def render(path: Path, number: int) -> Any:
    import pypdfium2

    from ingest.ocr import DPI

    document = pypdfium2.PdfDocument(str(path))
    try:
        return document[number - 1].render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        document.close()


def evidence_pages(gold: list[Path]) -> dict[tuple[Path, int], list[str]]:
    """(PDF, page) -> the evidence words gold items cite on it (items with one page, not
    chart-only, not out of scope)."""
    pages: dict[tuple[Path, int], list[str]] = {}
    for path in gold_files(gold):
        for item in load_gold(path):
            data = item.data
            slides, evidence = data.get("gold_slides") or [], data.get("evidence") or ""
            if data["kind"] == "out_of_scope" or data.get("chart_only") or len(slides) != 1 or not evidence:
                continue
            pages.setdefault((Path(data["document"]), slides[0]), []).extend(words(evidence))
    return pages


def text_layer_pages(pdfs: list[Path], per_document: int) -> dict[tuple[Path, int], list[str]]:
    import pypdfium2

    pages: dict[tuple[Path, int], list[str]] = {}
    for pdf in pdfs:
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            count = len(document)
            step = max(1, count // per_document)
            for number in range(1, count + 1, step)[:per_document]:
                text = document[number - 1].get_textpage().get_text_range()
                if len(text.strip()) > 40:
                    pages[(pdf, number)] = words(text)
        finally:
            document.close()
    return pages


def compare(pages: dict[tuple[Path, int], list[str]], folder: Path, pp_ocr: bool = True) -> dict[str, Any]:
    engine = rapid_engine() if pp_ocr else None
    tallies = {"tesseract": Tally(), "pp-ocr": Tally()} if pp_ocr else {"tesseract": Tally()}
    per_page = []
    for (pdf, number), wanted in sorted(pages.items()):
        image = render(pdf, number)
        row: dict[str, Any] = {"document": pdf.name, "page": number, "words": len(wanted)}
        readers = [("tesseract", lambda image=image, number=number: tesseract_text(image, folder, number))]
        if engine is not None:
            readers.append(("pp-ocr", lambda image=image: rapid_text(engine, image)))
        for name, read in readers:
            started = time.perf_counter()
            text = read()
            seconds = time.perf_counter() - started
            one = Tally()
            one.add(wanted, text)
            tallies[name].add(wanted, text)
            tallies[name].seconds.append(seconds)
            row[name] = {
                "recall": one.row()["word_recall"],
                "figures": one.row()["figure_recall"],
                "s": round(seconds, 2),
            }
        per_page.append(row)
        print(json.dumps(row), flush=True)
    return {"total": {name: tally.row() for name, tally in tallies.items()}, "pages": per_page}


def ocr_command(args: argparse.Namespace) -> int:
    import tempfile

    args.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="deckqa-ocr-compare-") as scratch:
        if args.gold:
            pages = evidence_pages(args.gold)
            if args.limit:
                pages = dict(sorted(pages.items())[: args.limit])
            report["evidence"] = compare(pages, Path(scratch), not args.tesseract_only)
        if args.text_pages:
            report["text_layer"] = compare(
                text_layer_pages(args.text_pages, args.per_document), Path(scratch), not args.tesseract_only
            )
    (args.out / "ocr.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    for part, result in report.items():
        for name, row in result["total"].items():
            print(f"{part:10} {name:10} {json.dumps(row)}")
    return 0


def add_ocr_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="folder for ocr.json")
    parser.add_argument(
        "--gold", type=Path, nargs="*", default=[Path("eval/decks")], help="gold whose evidence is read"
    )
    parser.add_argument("--limit", type=int, help="only the first N evidence pages")
    parser.add_argument("--text-pages", type=Path, nargs="*", default=[], help="PDFs with a text layer, read as images")
    parser.add_argument("--per-document", type=int, default=8, help="pages of each --text-pages PDF")
    parser.add_argument(
        "--tesseract-only", action="store_true", help="read with Tesseract, as ingest does, and not PP-OCR"
    )
