"""Long documents in `python -m eval bench --long-pdf FILE`: ingest cost at 1×, 2× and 4×
the pages (the file's first quarter, half and whole), each in a fresh process (wall time
and peak RSS), then cold start to first answer and warm latency on the whole document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.bench import PEAK_KIB
from eval.scoring import percentile

REPO_ROOT = Path(__file__).resolve().parent.parent
# Builds one index in a fresh interpreter and reports its own time and peak RSS (KiB).
INGEST_CODE = (
    PEAK_KIB
    + """
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
from ingest.embedding import ingest_embedder
from ingest.index_store import build_index
from qa.settings import Settings
embedder = ingest_embedder(None, Settings.from_env().index.model_cache)
result = build_index(Path(sys.argv[1]), Path(sys.argv[2]), embedder, force=True)
print(json.dumps({"seconds": time.perf_counter() - started, "pages": result.manifest.slides,
                  "facts": result.manifest.facts, "stages": result.stages, "tokens": result.tokens,
                  "max_rss_kib": peak_kib(),
                  "readers_max_rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""
)
# Opens a built index in a fresh interpreter, answers argv[1:] and reports timings.
ASK_CODE = (
    PEAK_KIB
    + """
import json, sys, time
started = time.perf_counter()
from qa import DeckQA
deck = DeckQA.load()
first = time.perf_counter()
deck.ask(sys.argv[1])
answered = time.perf_counter()
warm = []
for question in sys.argv[1:] * 3:
    asked = time.perf_counter(); deck.ask(question); warm.append(time.perf_counter() - asked)
print(json.dumps({"cold_seconds": answered - started, "load_seconds": first - started, "warm": warm,
                  "after_first_seconds": time.perf_counter() - answered, "max_rss_kib": peak_kib()}))
"""
)
QUESTIONS = (
    "What was net income in 2018?",
    "What were total assets at the end of 2018?",
    "How much was spent on capital expenditures in 2018?",
    "What are the main risk factors?",
    "How many employees does the company have?",
)


def _first_pages(pdf: Path, pages: int, folder: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(pdf)
    writer = PdfWriter()
    for page in reader.pages[:pages]:
        writer.add_page(page)
    path = folder / f"first-{pages}.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _run(code: str, args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"bench process failed (exit {done.returncode}): {last}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    return result


def measure_long_document(pdf: Path, progress: Any = print) -> dict[str, Any]:
    from pypdf import PdfReader

    total = len(PdfReader(pdf).pages)
    rows = []
    with tempfile.TemporaryDirectory(prefix="deckqa-bench-long-") as temp:
        folder = Path(temp)
        for share in (4, 2, 1):
            pages = max(1, total // share)
            source = pdf if pages == total else _first_pages(pdf, pages, folder)
            progress(f"ingest of the first {pages} of {total} pages (fresh process)...")
            built = _run(INGEST_CODE, [str(source), str(folder / f"index-{pages}")])
            rows.append(
                {
                    "pages": pages,
                    "facts": built["facts"],
                    "seconds": round(built["wall_seconds"], 1),
                    "seconds_per_page": round(built["wall_seconds"] / pages, 3),
                    "read_seconds": round(built["stages"]["read"], 1),
                    "embed_seconds": round(built["stages"]["embed"], 1),
                    "tokens": built["tokens"],
                    "peak_rss_mib": round(built["max_rss_kib"] / 1024, 1),
                    # Page readers are forked from it: their peak counts pages shared with it.
                    "readers_peak_rss_mib": round(built["readers_max_rss_kib"] / 1024, 1),
                }
            )
        progress(f"cold start and warm latency on all {total} pages...")
        asked = _run(
            ASK_CODE,
            list(QUESTIONS),
            env={
                "DECKQA_DECK": str(pdf),
                "DECKQA_INDEX_DIR": str(folder / f"index-{total}"),
                "DECKQA_AUTO_REBUILD": "0",
            },
        )
    warm = asked["warm"]
    return {
        "pdf": pdf.name,
        "pages": total,
        "ingest": rows,
        # The process's wall time up to its first answer (the warm answers after it aside).
        "cold_start_seconds": round(asked["wall_seconds"] - asked["after_first_seconds"], 2),
        "cold_start_peak_rss_mib": round(asked["max_rss_kib"] / 1024, 1),
        "warm_p50_ms": round(percentile(warm, 50) * 1000, 1),
        "warm_p95_ms": round(percentile(warm, 95) * 1000, 1),
    }


def format_long(result: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [
        (
            f"ingest {row['pages']} pages ({result['pdf']})",
            f"{row['seconds']} s ({row['seconds_per_page']} s/page), {row['peak_rss_mib']} MiB peak"
            + (f" (page readers {row['readers_peak_rss_mib']} MiB)" if row.get("readers_peak_rss_mib") else "")
            + (
                f"; reading {row['read_seconds']} s, embedding {row['tokens']:,} tokens {row['embed_seconds']} s "
                f"({row['tokens'] / max(row['embed_seconds'], 1e-9):,.0f} tokens/s)"
                if "tokens" in row
                else ""
            ),
        )
        for row in result["ingest"]
    ]
    rows += [
        (f"cold start to first answer, {result['pages']} pages", f"{result['cold_start_seconds']} s, "
         f"{result['cold_start_peak_rss_mib']} MiB peak (the whole process)"),
        (f"warm latency, {result['pages']} pages", f"p50 {result['warm_p50_ms']} ms, p95 {result['warm_p95_ms']} ms"),
    ]  # fmt: skip
    return rows
