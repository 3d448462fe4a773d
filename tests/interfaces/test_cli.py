"""`python -m qa ask` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qa.settings import REPO_ROOT

pytestmark = pytest.mark.slow


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qa", *args], cwd=REPO_ROOT, input=stdin, capture_output=True, text=True, timeout=600
    )


def test_ask_prints_answer_and_citations(deck) -> None:
    completed = run("ask", "What was operating income in 1Q-3Q16?")
    assert completed.returncode == 0, completed.stderr
    assert "3.16" in completed.stdout and "[Slide" in completed.stdout


def test_ask_json_is_the_answer_contract(deck) -> None:
    completed = run("ask", "Explain the ATM business model", "--json")
    assert completed.returncode == 0, completed.stderr
    answer = json.loads(completed.stdout)
    assert set(answer) >= {"question", "answer", "route", "refused", "citations", "value"}
    assert answer["route"] == "text" and answer["citations"][0]["slide"] == 26


def test_batch_from_file_keeps_order(deck, tmp_path) -> None:
    questions = [
        "What was operating income in 1Q-3Q16?",
        "What were revenues in FY2019?",
        "Explain the ATM business model",
    ]
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join(questions) + "\n")
    completed = run("ask", "--batch", str(batch))
    assert completed.returncode == 0, completed.stderr
    answers = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [a["question"] for a in answers] == questions
    assert answers[1]["refused"] is True


def test_batch_from_stdin(deck) -> None:
    completed = run("ask", "-", stdin="How many ATMs has IIJ placed?\n")
    assert completed.returncode == 0, completed.stderr
    (answer,) = [json.loads(line) for line in completed.stdout.splitlines()]
    assert answer["value"]["number"] == 1066


@pytest.mark.parametrize("question", ["", "   ", "x" * 1001])
def test_bad_question_exit_2(question: str) -> None:
    completed = run("ask", question)
    assert completed.returncode == 2
    assert completed.stderr.startswith("error: ") and len(completed.stderr.strip().splitlines()) == 1
