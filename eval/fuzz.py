"""`python -m eval fuzz`: ingest hundreds of damaged PDFs; each must end in an index or in
one error line, in bounded time and memory, leaving the previous index as it was.

Each case (`eval.pdf_mutations`) is ingested by the CLI in its own process,
`python -m qa ingest CASE.pdf --index-dir DIR --force`, into a folder holding a copy of a
good index built once at the start. A case passes when the process

- exits 0 and the folder holds a valid manifest of the case's file (`warning:` and
  `note:` lines on stderr are fine), or exits 2 with stderr ending in its one line
  starting `error: `, the folder's files byte-identical to before;
- prints no traceback, finishes within the timeout, stays under the memory bound, and
  leaves no temporary build folder beside the index.

Failing cases' PDFs and stderr go to `--out/failures/`; `--case ID` runs them again.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from eval.pdf_mutations import (
    DEFAULT_SEED,
    DOCUMENTS,
    MUTATIONS,
    REPO_ROOT,
    FuzzCase,
    fuzz_cases,
    mutated_bytes,
    parse_case_id,
)

DEFAULT_CASES = 240
# Wall-clock seconds an ingest may take. The undamaged documents take 3-30 s on 2 busy
# cores; the slowest case of the full run took 114 s (a font's character map lost: its
# page read as "(cid:3)" codes, hundreds of "facts" to embed). Past this a case is stuck.
INGEST_TIMEOUT = 300.0
# Peak memory a case may reach: about three times the most any case took in the full run
# (715 MiB; the deck's ingest with its forked page readers about 600 MiB).
MEMORY_BOUND_MIB = 2048
# Address space each ingest process may map (RLIMIT_AS), so a file that makes a reader
# allocate without end stops with a MemoryError instead of taking the machine: twice the
# bound (ONNX Runtime and the forked readers reserve more than they touch).
ADDRESS_SPACE_BYTES = 2 * MEMORY_BOUND_MIB * 2**20
# Two cases at a time: the machines this runs on have two cores.
WORKERS = 2
# How often a running case's memory is read.
SAMPLE_SECONDS = 0.2
STDERR_TAIL = 6
PROGRESS_EVERY = 10
FAILURE_COLUMNS = ("traceback", "hang", "exit code", "memory over", "index changed")


@dataclass(frozen=True)
class CaseResult:
    """How one case's ingest ended; `failures` says what broke the contract (empty: passed)."""

    case_id: str
    kind: str
    outcome: str  # "indexed", "refused" or "failed"
    failures: tuple[str, ...]
    exit_code: int | None  # None: killed at the timeout
    seconds: float
    peak_mib: float
    stderr_tail: tuple[str, ...]


@dataclass(frozen=True)
class FuzzReport:
    """Every case's result, in case order; the run's wall-clock seconds."""

    results: tuple[CaseResult, ...]
    seconds: float
    seed: int  # -1 when the cases came from several seeds (`--case` ids)

    @property
    def failures(self) -> list[CaseResult]:
        return [result for result in self.results if result.failures]


@dataclass(frozen=True)
class _Ingest:
    """One ingest process: its exit code (None: killed), seconds, peak memory, stderr."""

    exit_code: int | None
    seconds: float
    peak_mib: float
    stderr: str


def sample_cases(seed: int = DEFAULT_SEED) -> list[FuzzCase]:
    """A dozen of the full run's cases, for `make test`: the first of every kind on the
    smallest document, and two kinds on the others (object streams, deep nesting)."""
    first: dict[tuple[Path, str], FuzzCase] = {}
    for case in fuzz_cases(DEFAULT_CASES, seed):
        first.setdefault((case.document, case.kind), case)
    chosen = [first[DOCUMENTS[0], kind] for kind in MUTATIONS]
    return [*chosen, first[DOCUMENTS[1], "broken_object_stream"], first[DOCUMENTS[2], "deep_nesting"]]


def run_fuzz(
    cases: Sequence[FuzzCase],
    work: Path,
    *,
    timeout: float = INGEST_TIMEOUT,
    workers: int = WORKERS,
    out: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> FuzzReport:
    """Ingest every case (see the module's docstring) with `workers` at a time, in folders
    under `work`; failing cases' PDFs and stderr are written to `out/failures/`."""
    started = time.perf_counter()
    baseline = work / "baseline" / "index"
    built = _ingest(DOCUMENTS[0], baseline, timeout)
    if built.exit_code != 0:
        raise RuntimeError(f"the baseline index of {DOCUMENTS[0].name} did not build: {_tail(built.stderr)}")
    snapshot = _snapshot(baseline)
    results: list[CaseResult] = []
    stop = threading.Event()  # set on Ctrl-C: the running ingests are killed, the rest cancelled
    with ThreadPoolExecutor(max(1, min(workers, os.cpu_count() or 1))) as pool:
        tasks = [pool.submit(_run_case, case, baseline, snapshot, work, timeout, stop) for case in cases]
        try:
            for task in as_completed(tasks):
                result = task.result()
                results.append(result)
                if progress is not None and result.failures:
                    progress(f"FAILED {result.case_id}: {'; '.join(result.failures)}")
                if progress is not None and (len(results) % PROGRESS_EVERY == 0 or len(results) == len(cases)):
                    failed = sum(bool(result.failures) for result in results)
                    progress(
                        f"[{len(results):>4}/{len(cases)}] {time.perf_counter() - started:6.0f} s, {failed} failed"
                    )
        except BaseException:
            stop.set()
            for task in tasks:
                task.cancel()
            raise
    by_number = {case.case_id: case.number for case in cases}
    results.sort(key=lambda result: by_number[result.case_id])
    seeds = {case.seed for case in cases}
    report = FuzzReport(tuple(results), time.perf_counter() - started, seeds.pop() if len(seeds) == 1 else -1)
    if out is not None:
        _write(report, {case.case_id: case for case in cases}, out)
    return report


def _run_case(
    case: FuzzCase, baseline: Path, snapshot: dict[str, str], work: Path, timeout: float, stop: threading.Event
) -> CaseResult:
    folder = Path(tempfile.mkdtemp(prefix=f"case-{case.number}-", dir=work))
    data = mutated_bytes(case)
    pdf = folder / f"{case.document.stem}-{case.kind}-{case.number}.pdf"
    pdf.write_bytes(data)
    index = folder / "index"
    shutil.copytree(baseline, index)
    run = _ingest(pdf, index, timeout, stop)
    failures = _failures(run, index, snapshot, hashlib.sha256(data).hexdigest(), timeout)
    outcome = "failed" if failures else "indexed" if run.exit_code == 0 else "refused"
    shutil.rmtree(folder, ignore_errors=True)
    tail = tuple(line for line in run.stderr.splitlines() if line.strip())[-STDERR_TAIL:]
    return CaseResult(case.case_id, case.kind, outcome, tuple(failures), run.exit_code, run.seconds, run.peak_mib, tail)


def _failures(run: _Ingest, index: Path, snapshot: dict[str, str], sha256: str, timeout: float) -> list[str]:
    """What broke the contract (the module's docstring), in words."""
    from ingest.index_store import Manifest

    failures = []
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    if run.exit_code is None:
        failures.append(f"hang: killed after {timeout:.0f} s")
    elif run.exit_code not in (0, 2):
        failures.append(f"exit code {run.exit_code}")
    if any("Traceback" in line for line in lines):
        failures.append("traceback")
    if run.peak_mib > MEMORY_BOUND_MIB:
        failures.append(f"memory over: {run.peak_mib:.0f} MiB > {MEMORY_BOUND_MIB} MiB")
    left = sorted(path.name for path in index.parent.iterdir() if path.name.startswith(f".{index.name}."))
    if left:
        failures.append(f"temporary folder left: {', '.join(left)}")
    if run.exit_code == 0:
        manifest = Manifest.read(index)
        if manifest is None or manifest.deck_sha256 != sha256:
            failures.append("exit 0 without a valid manifest of the file")
        return failures
    if _snapshot(index) != snapshot:
        failures.append("index changed")
    errors = [line for line in lines if line.startswith("error: ")]
    if run.exit_code == 2 and (len(errors) != 1 or not lines[-1].startswith("error: ")):
        failures.append(f"exit 2 without one last `error:` line ({len(errors)} error lines)")
    return failures


def _ingest(pdf: Path, index: Path, timeout: float, stop: threading.Event | None = None) -> _Ingest:
    """Run the CLI's ingest of `pdf` into `index` in a process of its own (a new session,
    so a timeout kills its page readers too), reading its memory while it runs. Killed
    at `timeout` seconds, or when `stop` is set."""
    index.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "qa", "ingest", str(pdf), "--index-dir", str(index), "--force"]
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
        # Set from here rather than in a preexec_fn, which is unsafe with this module's threads;
        # the child has mapped little more than the interpreter by now.
        with contextlib.suppress(ProcessLookupError, PermissionError):  # it has exited already
            resource.prlimit(process.pid, resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
        peak_kib, killed = 0, False
        while True:
            # wait4, not the Popen's wait: its rusage is not read (ru_maxrss would carry the
            # parent's peak through exec), but polling lets the memory be read meanwhile.
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak_kib = max(peak_kib, _tree_kib(process.pid))
            if not killed and (time.perf_counter() - started > timeout or (stop is not None and stop.is_set())):
                _kill_group(process.pid)
                killed = True
            time.sleep(SAMPLE_SECONDS)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        _kill_group(process.pid)  # a page reader it left behind
        stderr.seek(0)
        text = stderr.read().decode("utf-8", "replace")
    return _Ingest(None if killed else process.returncode, seconds, peak_kib / 1024, text)


def _tree_kib(pid: int) -> int:
    """The memory of a process and its children now, in KiB: its own high-water mark
    (`VmHWM`, counted from its exec) plus its children's resident sets (forked page
    readers; their pages shared with it are counted twice, erring high)."""
    total = _status_kib(pid, "VmHWM")
    pending = _children(pid)
    while pending:
        child = pending.pop()
        total += _status_kib(child, "VmRSS")
        pending.extend(_children(child))
    return total


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass  # it has exited
    return 0


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # nothing left of it
        os.killpg(pid, signal.SIGKILL)


def _snapshot(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under `folder`."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _tail(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return " | ".join(lines[-STDERR_TAIL:]) or "(no output)"


def _write(report: FuzzReport, cases: dict[str, FuzzCase], out: Path) -> None:
    """fuzz.json (every case), and each failing case's PDF and stderr under failures/."""
    out.mkdir(parents=True, exist_ok=True)
    summary = {"seed": report.seed, "seconds": round(report.seconds, 1), "results": [asdict(r) for r in report.results]}
    (out / "fuzz.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    for result in report.failures:
        folder = out / "failures"
        folder.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.=-]", "_", result.case_id)
        (folder / f"{name}.pdf").write_bytes(mutated_bytes(cases[result.case_id]))
        (folder / f"{name}.stderr.txt").write_text("\n".join(result.stderr_tail) + "\n", encoding="utf-8")


def format_report(report: FuzzReport) -> str:
    """A table per mutation kind: cases, indexed, refused, failures by kind, slowest, peak."""
    header = ["kind", "cases", "indexed", "refused", "failed", *FAILURE_COLUMNS, "other", "slowest s", "peak MiB"]
    rows = []
    kinds = [kind for kind in MUTATIONS if any(result.kind == kind for result in report.results)]
    for kind in [*kinds, "all"]:
        results = [result for result in report.results if kind in ("all", result.kind)]
        reasons = [reason for result in results for reason in result.failures]
        counts = [sum(reason.startswith(column) for reason in reasons) for column in FAILURE_COLUMNS]
        other = sum(not reason.startswith(FAILURE_COLUMNS) for reason in reasons)
        outcomes = [result.outcome for result in results]
        slowest = max((result.seconds for result in results), default=0.0)
        peak = max((result.peak_mib for result in results), default=0.0)
        tally = [outcomes.count(outcome) for outcome in ("indexed", "refused", "failed")]
        rows.append([kind, len(results), *tally, *counts, other, f"{slowest:.1f}", f"{peak:.0f}"])
    widths = [max(len(str(row[column])) for row in [header, *rows]) for column in range(len(header))]
    lines = [
        " | ".join(str(cell).rjust(width) for cell, width in zip(row, widths, strict=True)) for row in [header, *rows]
    ]
    lines.insert(1, "-|-".join("-" * width for width in widths))
    lines.append(f"{len(report.results)} cases (seed {report.seed}) in {report.seconds:.0f} s")
    return "\n".join(lines)


def add_fuzz_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES, help="how many mutated PDFs (default: 240)")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"the generator's seed (default: {DEFAULT_SEED})"
    )
    parser.add_argument("--out", type=Path, default=Path("fuzz-report"), help="folder for fuzz.json and failing PDFs")
    parser.add_argument(
        "--timeout", type=float, default=INGEST_TIMEOUT, help="seconds one ingest may take (default: 300)"
    )
    parser.add_argument("--case", action="append", default=[], help="run only this case id (repeatable)")


def fuzz_command(args: argparse.Namespace) -> int:
    """`python -m eval fuzz`: exit 0 when every case passes, 1 when any fails, 2 for bad arguments."""
    if args.cases < 1 or args.timeout <= 0:
        print("error: --cases and --timeout must be positive", file=sys.stderr)
        return 2
    try:
        cases = [parse_case_id(case_id) for case_id in args.case] or fuzz_cases(args.cases, args.seed)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="deckqa-fuzz-") as work:
        try:
            report = run_fuzz(
                cases,
                Path(work),
                timeout=args.timeout,
                out=args.out,
                progress=lambda message: print(message, file=sys.stderr, flush=True),
            )
        except RuntimeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    print(format_report(report))
    print(f"written: {args.out / 'fuzz.json'}")
    for result in report.failures:
        print(f"\nFAILED {result.case_id}: {'; '.join(result.failures)}")
        print("\n".join(f"    {line}" for line in result.stderr_tail))
    if report.failures:
        print(f"\nfailing PDFs in {args.out / 'failures'}; rerun one with: python -m eval fuzz --case ID")
    return 1 if report.failures else 0
