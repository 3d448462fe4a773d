"""`python -m eval bench --out DIR`: how fast is it, and how much memory does it take?

Measures, in one run: ingest time (a forced rebuild into a temporary index folder),
cold start to first answer (a fresh `python -c` process that loads `DeckQA` and asks one
question, timed end to end from outside), warm latency p50/p95 per route over the gold
questions, throughput with 2 threads, peak RSS of this process and of the cold-start
process, and the LangChain baseline's query latency. Prints a table and writes
bench.json. A measurement, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.gold import GoldError, GoldItem, load_gold
from eval.scoring import percentile

# Two threads: the throughput a small server (or two Streamlit users) would see on the
# two-core machines this runs on; `DeckQA.ask` is documented thread-safe.
THREADS = 2
# The OCR measure: the deck's first pages as pictures at a slide-sharing site's resolution.
OCR_BENCH_PAGES = 8
PICTURE_DPI = 150
COLD_START_QUESTION = "What was operating income in 1Q-3Q16?"
# A process's own peak RSS in KiB: the kernel's high-water mark of this program's memory
# (`ru_maxrss` would not do: on Linux it carries over the parent's peak through exec).
PEAK_KIB = """
def peak_kib():
    import resource
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
# Runs in a fresh interpreter: imports, model load, index load and one answer, then
# reports its own peak RSS (KiB on Linux). The question arrives as argv[1].
COLD_START_CODE = (
    PEAK_KIB
    + """
import json, sys, time
started = time.perf_counter()
from qa import DeckQA
deck = DeckQA.load()
loaded = time.perf_counter()
deck.ask(sys.argv[1])
answered = time.perf_counter()
print(json.dumps({"load_seconds": loaded - started, "first_answer_seconds": answered - loaded,
                  "max_rss_kib": peak_kib()}))
"""
)
REPO_ROOT = Path(__file__).resolve().parent.parent
ROUTES = ("table", "text", "none")


def _mib(kib: float) -> float:
    return round(kib / 1024, 1)


def _latency_stats(seconds: Sequence[float]) -> dict[str, Any]:
    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 1)

    return {"questions": len(seconds), "p50_ms": ms(percentile(seconds, 50)), "p95_ms": ms(percentile(seconds, 95))}


def bring_index_up_to_date() -> None:
    """`python -m qa ingest` in another process, untimed: the cold start opens a built
    index, as a user meets it after an ingest, never a stale one it would rebuild."""
    done = subprocess.run([sys.executable, "-m", "qa", "ingest"], cwd=REPO_ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"ingest before the cold start failed (exit {done.returncode}): {last}")


def measure_cold_start(question: str = COLD_START_QUESTION) -> dict[str, Any]:
    """Start a new interpreter that loads DeckQA and answers `question`; time it whole.
    The index must be current (`bring_index_up_to_date`): it is never rebuilt here."""
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-c", COLD_START_CODE, question],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DECKQA_AUTO_REBUILD": "0"},
    )
    wall = time.perf_counter() - started
    if finished.returncode != 0:
        last = (finished.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"cold-start process failed (exit {finished.returncode}): {last}")
    inside = json.loads(finished.stdout.strip().splitlines()[-1])
    return {
        "seconds": round(wall, 2),
        "load_seconds": round(inside["load_seconds"], 2),
        "first_answer_seconds": round(inside["first_answer_seconds"], 3),
        "peak_rss_mib": _mib(inside["max_rss_kib"]),
        "peak_rss_children_mib": _mib(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss),
    }


def measure_ingest(deck_path: Path, embedder: Any) -> dict[str, Any]:
    """Force-rebuild the index for `deck_path` into a temporary folder (model already loaded)."""
    from ingest.index_store import build_index

    with tempfile.TemporaryDirectory(prefix="deckqa-bench-") as folder:
        started = time.perf_counter()
        result = build_index(deck_path, Path(folder) / "index", embedder, force=True)
        seconds = time.perf_counter() - started
    manifest = result.manifest
    return {
        "seconds": round(seconds, 2),
        "slides": manifest.slides,
        "chunks": manifest.chunks,
        "tables": manifest.tables,
        "facts": manifest.facts,
    }


def picture_pdf(pdf: Path, pages: Sequence[int], out: Path, dpi: int = PICTURE_DPI, keep_others: bool = True) -> Path:
    """`pdf` with `pages` (1-based) replaced by pictures of themselves at `dpi`, with no
    text layer (what a deck exported as images looks like); other pages kept or dropped."""
    import pypdfium2
    from pypdf import PdfReader, PdfWriter

    document = pypdfium2.PdfDocument(str(pdf))
    writer = PdfWriter()
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        if number in pages:
            picture = document[number - 1].render(scale=dpi / 72).to_pil().convert("RGB")
            buffer = io.BytesIO()
            picture.save(buffer, "PDF", resolution=dpi)
            writer.add_page(PdfReader(buffer).pages[0])
        elif keep_others:
            writer.add_page(page)
    document.close()
    with out.open("wb") as file:
        writer.write(file)
    return out


def measure_ocr_ingest(deck_path: Path, embedder: Any, pages: int = OCR_BENCH_PAGES) -> dict[str, Any] | None:
    """Ingest of the deck's first `pages` pages as pictures (read by OCR); None without Tesseract."""
    from ingest.index_store import build_index
    from ingest.ocr import tesseract_version

    if tesseract_version() is None:
        return None
    with tempfile.TemporaryDirectory(prefix="deckqa-bench-ocr-") as folder:
        pdf = picture_pdf(deck_path, range(1, pages + 1), Path(folder) / "pictures.pdf", keep_others=False)
        started = time.perf_counter()
        result = build_index(pdf, Path(folder) / "index", embedder, force=True)
        seconds = time.perf_counter() - started
    ocr = result.manifest.ocr or {}
    return {
        "pages": pages,
        "dpi": PICTURE_DPI,
        "seconds": round(seconds, 2),
        "ocr_seconds_per_page": ocr.get("seconds_per_page"),
        "engine": ocr.get("engine"),
    }


def measure_warm(items: Sequence[GoldItem], ask: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """Answer every item once, one at a time; latency per route the answer took."""
    by_route: dict[str, list[float]] = defaultdict(list)
    everything: list[float] = []
    started = time.perf_counter()
    for item in items:
        asked = time.perf_counter()
        answer = ask(item.data)
        seconds = time.perf_counter() - asked
        by_route[answer.route].append(seconds)
        everything.append(seconds)
    wall = time.perf_counter() - started
    routes = {route: _latency_stats(by_route.get(route, [])) for route in ROUTES}
    return {
        "routes": routes,
        "all": _latency_stats(everything),
        "questions_per_second_1_thread": round(len(items) / wall, 2),
    }


def measure_throughput(items: Sequence[GoldItem], ask: Callable[[dict[str, Any]], Any], threads: int) -> float:
    """Questions per second answering all `items` with `threads` threads."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(lambda item: ask(item.data), items))
    return round(len(items) / (time.perf_counter() - started), 2)


def run_bench(
    items: Sequence[GoldItem], progress: Callable[[str], None] = print, long_pdf: Path | None = None
) -> dict[str, Any]:
    """Every measurement, in an order where each starts from a known state: the cold
    start first (nothing loaded yet in this process), then model + ingest, then queries."""
    from eval.baseline import LangChainBaseline
    from ingest.embedding import ingest_embedder, shared_embedder
    from qa.deckqa import DeckQA
    from qa.settings import Settings

    settings = Settings.from_env()
    progress("bringing the index up to date (untimed)...")
    bring_index_up_to_date()
    progress("cold start (fresh process: load + first answer)...")
    cold = measure_cold_start()
    progress("loading the embedding model...")
    started = time.perf_counter()
    embedder = ingest_embedder(settings.index.embedding_model, settings.index.model_cache)
    model_seconds = time.perf_counter() - started
    progress("ingest (forced rebuild into a temporary folder)...")
    ingest = {**measure_ingest(settings.index.deck, embedder), "model_load_seconds": round(model_seconds, 2)}
    progress(f"ingest of {OCR_BENCH_PAGES} picture pages (OCR)...")
    ocr_ingest = measure_ocr_ingest(settings.index.deck, embedder)
    deck = DeckQA.load(settings)
    deck.ask(COLD_START_QUESTION)  # warm-up: first-call costs are the cold start's, not latency

    def ask_ours(item: dict[str, Any]) -> Any:
        return deck.ask(item["question"], history=item["history"])

    progress(f"warm latency over {len(items)} gold questions...")
    warm = measure_warm(items, ask_ours)
    progress(f"throughput with {THREADS} threads...")
    throughput = measure_throughput(items, ask_ours, THREADS)
    progress("baseline (build + query latency)...")
    baseline = LangChainBaseline(deck.index.pdf_path, shared_embedder(settings.index.embedding_model))
    baseline_warm = measure_warm(items, lambda item: baseline.ask(item["question"]))
    long_document = None
    if long_pdf is not None:
        from eval.bench_long import measure_long_document

        long_document = measure_long_document(long_pdf, progress)
    return {
        "long_document": long_document,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
        "questions": len(items),
        "ingest": ingest,
        "ocr_ingest": ocr_ingest,
        "cold_start": cold,
        "warm_latency": warm,
        "throughput": {"threads": THREADS, "questions_per_second": throughput},
        "peak_rss_mib": _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "baseline": {
            "build_seconds": round(baseline.build_seconds, 2),
            "chunks": len(baseline.chunks),
            "latency": baseline_warm["all"],
        },
    }


def format_bench(result: dict[str, Any]) -> str:
    """The bench result as a two-column table."""
    warm, cold, throughput = result["warm_latency"], result["cold_start"], result["throughput"]
    rows = [
        ("ingest (forced rebuild, model loaded)", f"{result['ingest']['seconds']} s"),
        ("embedding model load", f"{result['ingest']['model_load_seconds']} s"),
        _ocr_row(result.get("ocr_ingest")),
        ("cold start to first answer (subprocess)", f"{cold['seconds']} s"),
        ("  of which load / first answer", f"{cold['load_seconds']} s / {cold['first_answer_seconds']} s"),
    ]
    for route in ROUTES:
        stats = warm["routes"][route]
        rows.append((f"warm latency, route {route} (n={stats['questions']})", _p50_p95(stats)))
    rows += [
        (f"warm latency, all (n={warm['all']['questions']})", _p50_p95(warm["all"])),
        ("throughput, 1 thread", f"{warm['questions_per_second_1_thread']} q/s"),
        (f"throughput, {throughput['threads']} threads", f"{throughput['questions_per_second']} q/s"),
        ("peak RSS, this process", f"{result['peak_rss_mib']} MiB"),
        ("peak RSS, cold-start process", f"{cold['peak_rss_mib']} MiB"),
        ("baseline build (load, split, embed)", f"{result['baseline']['build_seconds']} s"),
        ("baseline query latency", _p50_p95(result["baseline"]["latency"])),
    ]
    if result.get("long_document"):
        from eval.bench_long import format_long

        rows += format_long(result["long_document"])
    width = max(len(name) for name, _ in rows)
    lines = [f"{'measure':<{width}}  value", "-" * (width + 24)]
    lines += [f"{name:<{width}}  {value}" for name, value in rows]
    machine = result["machine"]
    lines.append(f"({machine['cpus']} CPUs, load average {machine['load_average_1min']} at the end of the run)")
    return "\n".join(lines)


def _ocr_row(ocr: dict[str, Any] | None) -> tuple[str, str]:
    if not ocr:
        return ("ingest of picture pages (OCR)", "n/a: Tesseract is not installed")
    return (
        f"ingest of {ocr['pages']} picture pages (OCR, {ocr['dpi']} dpi)",
        f"{ocr['seconds']} s ({ocr['ocr_seconds_per_page']} s/page OCR, {ocr['engine']})",
    )


def _p50_p95(stats: dict[str, Any]) -> str:
    if stats["p50_ms"] is None:
        return "n/a (no questions)"
    return f"p50 {stats['p50_ms']} ms, p95 {stats['p95_ms']} ms"


def _library_bench(sizes_text: str, out: Path) -> int:
    from eval.bench_library import format_library, measure_library

    try:
        sizes = [int(size) for size in sizes_text.split(",")]
        if min(sizes) < 1:
            raise ValueError
    except ValueError:
        print(f"error: --library: sizes are whole numbers of 1 or more, comma separated, not {sizes_text!r}")
        return 2
    try:
        result = measure_library(sizes, progress=lambda message: print(message, file=sys.stderr))
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    (out / "library.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(format_library(result))
    print(f"written: {out / 'library.json'}")
    return 0


def bench_command(args: argparse.Namespace) -> int:
    """`python -m eval bench`: exit 0, or 2 for a bad gold file."""
    if args.library:
        return _library_bench(args.library, args.out)
    try:
        items = load_gold(args.gold)
    except GoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.limit is not None:
        if args.limit < 1:
            print("error: --limit must be at least 1", file=sys.stderr)
            return 2
        items = items[: args.limit]
    if args.long_pdf is not None and not args.long_pdf.is_file():
        print(f"error: --long-pdf: no such file: {args.long_pdf}", file=sys.stderr)
        return 2
    result = run_bench(items, progress=lambda message: print(message, file=sys.stderr), long_pdf=args.long_pdf)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(format_bench(result))
    print(f"written: {args.out / 'bench.json'}")
    return 0
