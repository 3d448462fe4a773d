"""`python -m eval run|bench|tables|fit-ranker|loo|rules|fuzz|ocr`: evaluate on a gold file, benchmark
speed, check tables, fit the figure ranker, measure it leave-one-document-out, count rules,
ingest damaged PDFs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the subcommand; returns the exit code."""
    from eval.runner import add_run_arguments

    parser = argparse.ArgumentParser(prog="python -m eval", description="Evaluate and benchmark the deck Q&A.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="answer a gold file, score it, write a report")
    add_run_arguments(run)
    bench = commands.add_parser("bench", help="measure ingest time, cold start, latency, throughput, memory")
    bench.add_argument("--out", type=Path, required=True, help="folder for bench.json")
    bench.add_argument("--gold", type=Path, default=Path("eval/gold.jsonl"), help="questions to time")
    bench.add_argument("--limit", type=int, help="only the first N gold questions")
    bench.add_argument("--long-pdf", type=Path, help="also measure ingest at 1x/2x/4x pages and answers on this PDF")
    bench.add_argument(
        "--library",
        metavar="N[,N...]",
        help="instead: libraries of N documents on both backends (add time, disk, server memory, latency)",
    )
    tables = commands.add_parser("tables", help="the table-reading check against hand-checked cells")
    tables.add_argument("--cells", type=Path, default=Path("eval/cells"), help="folder of <PDF stem>.jsonl cell files")
    tables.add_argument("-v", "--verbose", action="store_true", help="list the cells read wrong")
    from eval.ranker_fit import add_fit_arguments

    add_fit_arguments(commands.add_parser("fit-ranker", help="fit the figure ranker on every gold file's dev items"))
    add_fit_arguments(commands.add_parser("loo", help="leave-one-document-out: fit on the others, test on each"))
    commands.add_parser("rules", help="count the regular expressions and word-table entries of the answering")
    from eval.fuzz import add_fuzz_arguments

    add_fuzz_arguments(commands.add_parser("fuzz", help="ingest seeded mutations of real PDFs: an index or one error"))
    from eval.ocr_compare import add_ocr_arguments

    add_ocr_arguments(commands.add_parser("ocr", help="Tesseract against PP-OCR on the gold's evidence pages"))
    args = parser.parse_args(argv)
    try:
        if args.command == "tables":
            from eval.table_check import tables_command

            return tables_command(args.cells, args.verbose)
        if args.command == "rules":
            from eval.rules import rules_command

            return rules_command(Path(__file__).resolve().parent.parent)
        if args.command in ("fit-ranker", "loo"):
            from eval.ranker_fit import fit_command, loo_command

            return (fit_command if args.command == "fit-ranker" else loo_command)(args)
        if args.command == "ocr":
            from eval.ocr_compare import ocr_command

            return ocr_command(args)
        if args.command == "fuzz":
            from eval.fuzz import fuzz_command

            return fuzz_command(args)
        if args.command == "run":
            from eval.runner import run_command

            return run_command(args)
        from eval.bench import bench_command

        return bench_command(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
