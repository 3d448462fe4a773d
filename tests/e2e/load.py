"""Load generator for the HTTP API, shared by `test_server_load.py` and manual runs.

    python -m tests.e2e.load                       # starts `python -m qa serve` on a free port
    python -m tests.e2e.load --url http://127.0.0.1:8000 --key KEY --clients 16 --requests 400

Asks the gold questions (numeric, descriptive, out-of-scope; no history) from many threads at
once and checks each answer against the one the same server gives when asked alone. Prints
p50/p95 latency and requests per second; exit code 1 when any request failed or differed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLD_PATH = REPO_ROOT / "eval" / "gold.jsonl"
LOAD_KINDS = frozenset({"numeric", "descriptive", "out_of_scope"})
# The fields a user sees; `debug` (timings, scores) and the echoed question are left out.
COMPARED_FIELDS = ("answer", "citations", "value", "refused")
DEFAULT_CLIENTS = 16
DEFAULT_REQUESTS = 400
# Loading the model and the index takes ~20-60 s on 2 busy cores.
STARTUP_TIMEOUT_SECONDS = 240.0
REQUEST_TIMEOUT_SECONDS = 60.0


def gold_questions(path: Path = GOLD_PATH) -> list[str]:
    """Gold questions that stand alone (no history) of the kinds the load mixes."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["question"] for row in rows if row["kind"] in LOAD_KINDS and not row.get("history")]


def comparable(answer: dict[str, Any]) -> dict[str, Any]:
    return {name: answer.get(name) for name in COMPARED_FIELDS}


@dataclass
class LoadReport:
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.errors)

    def summary(self) -> str:
        if not self.latencies:
            return f"{self.requests} requests, all failed"
        cut_points = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return (
            f"{self.requests} requests from {self.clients} clients in {self.seconds:.1f} s: "
            f"{self.requests / self.seconds:.1f} requests/s, latency p50 {cut_points[49] * 1000:.0f} ms, "
            f"p95 {cut_points[94] * 1000:.0f} ms, max {max(self.latencies) * 1000:.0f} ms; "
            f"{len(self.errors)} errors, {len(self.mismatches)} answers differing from single-threaded"
        )


def ask(client: httpx.Client, question: str) -> dict[str, Any]:
    response = client.post("/v1/ask", json={"question": question})
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def reference_answers(base_url: str, questions: Sequence[str], headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Each distinct question asked once, one at a time: what concurrency must reproduce."""
    with httpx.Client(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS) as client:
        return {question: comparable(ask(client, question)) for question in dict.fromkeys(questions)}


def run_load(
    base_url: str,
    questions: Sequence[str],
    expected: dict[str, dict[str, Any]],
    clients: int = DEFAULT_CLIENTS,
    headers: dict[str, str] | None = None,
) -> LoadReport:
    """Ask `questions` (in order, each once) from `clients` threads, each with its own
    keep-alive connection; compare every answer with `expected[question]`."""
    local = threading.local()
    report = LoadReport(clients=clients, seconds=0.0)
    lock = threading.Lock()

    def one(question: str) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base_url, headers=headers or {}, timeout=REQUEST_TIMEOUT_SECONDS)
        started = time.perf_counter()
        try:
            answer = ask(local.client, question)
        except httpx.HTTPError as error:
            with lock:
                report.errors.append(f"{question!r}: {type(error).__name__}: {error}")
            return
        latency = time.perf_counter() - started
        with lock:
            report.latencies.append(latency)
            if comparable(answer) != expected[question]:
                report.mismatches.append(question)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="load-client") as pool:
        list(pool.map(one, questions))
    report.seconds = time.perf_counter() - started
    return report


def mixed_questions(pool: Sequence[str], count: int, seed: int = 0) -> list[str]:
    """`count` questions drawn from `pool`: every question at least once when count allows,
    the rest repeated, in a seeded random order."""
    generator = random.Random(seed)
    chosen = list(pool)[:count] + [generator.choice(pool) for _ in range(max(0, count - len(pool)))]
    generator.shuffle(chosen)
    return chosen


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """`python -m qa serve` on a free loopback port, with `env` added to this process's
    environment; yields its base URL once /healthz answers. Output goes to `log_path`."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "qa", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until_healthy(base_url, process)
            yield base_url
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server process; kill it if it has not exited within 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before answering /healthz")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer /healthz within {STARTUP_TIMEOUT_SECONDS:.0f} s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (default: start one on a free port)")
    parser.add_argument("--key", help="bearer key for a server with DECKQA_API_KEYS set")
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS)
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    headers = {"Authorization": f"Bearer {args.key}"} if args.key else {}
    questions = mixed_questions(gold_questions(), args.requests, args.seed)

    def measure(base_url: str) -> LoadReport:
        expected = reference_answers(base_url, questions, headers)
        return run_load(base_url, questions, expected, args.clients, headers)

    if args.url:
        report = measure(args.url.rstrip("/"))
    else:
        # A server of our own: no keys, and no rate limit, so one address can send it all.
        env = {"DECKQA_API_KEYS": "", "DECKQA_RATE_LIMIT_PER_MINUTE": "0"}
        with served(env, REPO_ROOT / "test-artifacts" / "load-server.log") as base_url:
            report = measure(base_url)
    print(report.summary())
    for problem in report.errors[:10] + report.mismatches[:10]:
        print(f"  {problem}", file=sys.stderr)
    return 1 if report.errors or report.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
