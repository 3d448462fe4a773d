"""`python -m eval bench --library 1,10,40`: a library of N documents (the corpus releases,
then the FinanceBench filings) on each backend: add time, disk, the peak memory of a
server answering from it, and question latency on one document and across all of them.

Each size gets a fresh library (and, for PostgreSQL, a fresh database on a server that
`pgserver` starts here). An add copies a document's index from the index cache when this
machine has read the file before, else reads and embeds it: the table says how many were
built. The server is `python -m qa serve` on loopback, asked over HTTP.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from eval.scoring import percentile

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted((REPO_ROOT / "data" / "corpus").glob("*.pdf")) + sorted(
    (REPO_ROOT.parent / "shared" / "financebench" / "pdfs").glob("*.pdf")
)
QUESTIONS = (
    "What was net income?",
    "What were total assets?",
    "What was revenue?",
    "What drove the change in operating income?",
    "What was cash from operating activities?",
)
ROUNDS = 3
COLLECTION = "bench"
STARTUP_SECONDS = 300


def measure_library(sizes: list[int], progress: Callable[[str], None]) -> dict[str, Any]:
    """For each backend and size: the measurements, keyed "files"/"postgres" -> str(N)."""
    from library.ask import LibraryQA
    from library.pg import PgLibrary
    from library.store import Library
    from qa.settings import Settings

    settings = Settings.from_env()
    if max(sizes) > len(DOCUMENTS):
        raise ValueError(f"--library: at most {len(DOCUMENTS)} documents are available here")
    results: dict[str, Any] = {"files": {}, "postgres": {}}
    with tempfile.TemporaryDirectory(prefix="deckqa-bench-library-") as temp, _postgres(Path(temp)) as database:
        for size in sizes:
            for backend in ("files", "postgres"):
                root = Path(temp) / f"{backend}-{size}"
                url = None
                if backend == "postgres":
                    url = _fresh_database(database, f"bench_{size}")
                    library: Any = PgLibrary(url, root)
                else:
                    library = Library(root)
                shelf = LibraryQA(library, settings)
                started, built = time.perf_counter(), 0
                for number, pdf in enumerate(DOCUMENTS[:size], start=1):
                    built += not _was_cached(settings, pdf)
                    shelf.add(pdf, COLLECTION)
                    progress(f"{backend} N={size}: added {number}/{size} ({pdf.name})")
                add_seconds = time.perf_counter() - started
                disk = _folder_bytes(root) + (_database_bytes(url) if url else 0)
                ids = [document.id for document in library.documents()]
                progress(f"{backend} N={size}: serving")
                with _server(root, url) as (base_url, pid):
                    one = _latencies(base_url, {"documents": [ids[0]]})
                    across = _latencies(base_url, {"collection": COLLECTION})
                    peak = _peak_mib(pid)
                results[backend][str(size)] = {
                    "documents": size,
                    "add_seconds": round(add_seconds, 2),
                    "add_seconds_per_document": round(add_seconds / size, 3),
                    "built": built,  # read and embedded; the others copied from the index cache
                    "disk_mib": round(disk / 2**20, 1),
                    "server_peak_mib": peak,
                    "one_document_ms": one,
                    "across_all_ms": across,
                }
    return results


def format_library(results: dict[str, Any]) -> str:
    lines = [
        "| backend | N | add s (per doc; built) | disk MiB | server peak MiB | one doc p50 / p95 ms "
        "| across all p50 / p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for backend, sizes in results.items():
        for size, row in sizes.items():
            one, across = row["one_document_ms"], row["across_all_ms"]
            lines.append(
                f"| {backend} | {size} | {row['add_seconds']} ({row['add_seconds_per_document']}; {row['built']}) "
                f"| {row['disk_mib']} "
                f"| {row['server_peak_mib']} | {one['p50']} / {one['p95']} | {across['p50']} / {across['p95']} |"
            )
    return "\n".join(lines)


def _was_cached(settings: Any, pdf: Path) -> bool:
    from ingest.index_store import cache_folder

    return cache_folder(settings.index.cache_dir, pdf).exists()


def _latencies(base_url: str, scope: dict[str, Any]) -> dict[str, float | None]:
    seconds = []
    with httpx.Client(base_url=base_url, timeout=600) as client:
        client.post("/v1/ask", json={"question": QUESTIONS[0], **scope})  # opens the documents
        for _ in range(ROUNDS):
            for question in QUESTIONS:
                started = time.perf_counter()
                response = client.post("/v1/ask", json={"question": question, **scope})
                response.raise_for_status()
                seconds.append(time.perf_counter() - started)
    return {
        "p50": round(percentile(seconds, 50) * 1000, 1),
        "p95": round(percentile(seconds, 95) * 1000, 1),
    }


@contextmanager
def _server(root: Path, url: str | None) -> Iterator[tuple[str, int]]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DECKQA_LIBRARY_DIR": str(root), "DECKQA_RATE_LIMIT_PER_MINUTE": "0"}
    if url:
        env["DECKQA_DATABASE_URL"] = url
    command = [sys.executable, "-m", "qa", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with code {process.returncode}")
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.5)
        yield base_url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _peak_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


@contextmanager
def _postgres(temp: Path) -> Iterator[str]:
    import pgserver

    server = pgserver.get_server(temp / "postgres", cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(temp / "postgres", ignore_errors=True)


def _fresh_database(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return url.replace("/postgres?", f"/{name}?")


def _database_bytes(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        return int(connection.execute("SELECT pg_database_size(current_database())").fetchone()[0])
