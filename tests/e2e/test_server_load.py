"""A bounded load test against a real `python -m qa serve` on loopback: 16 clients, 400
mixed gold questions, no errors, and every answer identical to the single-threaded one.
Latency and throughput are printed (and saved under test-artifacts/), never asserted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.load import gold_questions, mixed_questions, reference_answers, run_load, served

CLIENTS = 16
REQUESTS = 400
KEY = "load-test-key-0123456789"


@pytest.mark.slow
def test_concurrent_answers_match_single_threaded(artifacts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = mixed_questions(gold_questions(), REQUESTS, seed=0)
    assert len(questions) == REQUESTS and len(set(questions)) > 250
    headers = {"Authorization": f"Bearer {KEY}"}
    # Auth on, to load the key check too; one client sends everything, so the limit is lifted.
    env = {"DECKQA_API_KEYS": KEY, "DECKQA_RATE_LIMIT_PER_MINUTE": "1000000", "DECKQA_CORS_ORIGINS": ""}
    log_path = artifacts / "load-server.log"
    with served(env, log_path) as base_url:
        expected = reference_answers(base_url, questions, headers)
        report = run_load(base_url, questions, expected, clients=CLIENTS, headers=headers)

    (artifacts / "load.txt").write_text(report.summary() + "\n")
    with capsys.disabled():
        print(f"\nload: {report.summary()}")
    assert report.errors == []
    assert report.mismatches == []
    assert report.requests == REQUESTS
    server_log = log_path.read_text(errors="replace")
    assert 'POST /v1/ask HTTP/1.1" 200' in server_log
    assert KEY not in server_log
