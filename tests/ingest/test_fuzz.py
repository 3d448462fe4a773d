"""Damaged PDFs end in an index or in one `error:` line, in bounded time and memory, and a
refused one leaves the previous index byte-identical (`eval.fuzz`). `make test` runs a
dozen cases; the full 240 run with `pytest -m fuzz` or `python -m eval fuzz`."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from eval.fuzz import DEFAULT_CASES, FuzzReport, run_fuzz, sample_cases
from eval.pdf_mutations import DEFAULT_SEED, DOCUMENTS, MUTATIONS, fuzz_cases, mutated_bytes, parse_case_id


def _failed(report: FuzzReport) -> str:
    return "\n".join(
        f"{result.case_id}: {'; '.join(result.failures)} | {' | '.join(result.stderr_tail[-3:])}"
        for result in report.failures
    )


def test_a_case_id_gives_back_the_same_bytes() -> None:
    for case in fuzz_cases(60):
        assert parse_case_id(case.case_id) == case
        assert mutated_bytes(parse_case_id(case.case_id)) == mutated_bytes(case), case.case_id
        assert mutated_bytes(case) != case.document.read_bytes(), case.case_id


def test_every_mutation_is_a_pure_function_of_its_input_and_generator() -> None:
    data = DOCUMENTS[0].read_bytes()
    for kind, mutation in MUTATIONS.items():
        assert mutation(data, random.Random(7)) == mutation(data, random.Random(7)), kind


def test_the_sample_covers_every_kind() -> None:
    assert {case.kind for case in sample_cases()} == set(MUTATIONS)
    full = {case.case_id for case in fuzz_cases(DEFAULT_CASES)}
    assert {case.case_id for case in sample_cases()} <= full


@pytest.mark.slow
def test_a_sample_of_damaged_pdfs_ends_in_an_index_or_one_error(tmp_path: Path) -> None:
    report = run_fuzz(sample_cases(DEFAULT_SEED), tmp_path, out=tmp_path / "report")
    assert not report.failures, f"failing cases (rerun: python -m eval fuzz --case ID):\n{_failed(report)}"


@pytest.mark.fuzz
def test_all_damaged_pdfs_end_in_an_index_or_one_error(tmp_path: Path) -> None:
    report = run_fuzz(fuzz_cases(DEFAULT_CASES, DEFAULT_SEED), tmp_path, out=tmp_path / "report")
    assert len(report.results) == DEFAULT_CASES
    assert not report.failures, f"failing cases (rerun: python -m eval fuzz --case ID):\n{_failed(report)}"
