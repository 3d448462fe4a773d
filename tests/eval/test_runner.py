"""The eval runner end to end: bad input fails in one line with exit 2, a gold file it has
never seen gets a full report with charts, thresholds gate the exit code, and the CI gate
on eval/gold.jsonl (real deck, real model, real index)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from PIL import Image

from eval.__main__ import main
from eval.gold import GoldError, load_gold
from eval.report import ACCURACY_CHART, COMPARISON_CHART, LATENCY_CHART, write_report
from eval.runner import run_evaluation, threshold_failures
from qa.deckqa import DeckQA

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLD_PATH = REPO_ROOT / "eval" / "gold.jsonl"
CHARTS = (ACCURACY_CHART, LATENCY_CHART, COMPARISON_CHART)
# A chart with bars, axes and labels is tens of KB; an empty or broken one is far smaller.
MIN_CHART_BYTES = 5_000
MIN_CHART_WIDTH = 300
# The CI gate (issue: "Evaluation"): the quality the deck Q&A must keep.
# The quality gate `make test` enforces: the level measured on eval/gold.jsonl on
# 2026-11-25 (numeric exact 0.762, hit@3 0.912, refusal precision 0.316, recall 0.818)
# less a small margin, so a regression fails the build. The targets of the evaluation
# issue (0.95 / 0.95 / 0.9 / 0.9) are not met yet; see the closing note.
GATE = {"numeric_exact": 0.95, "hit3": 0.95, "refusal_precision": 0.9, "refusal_recall": 0.9}

CLOUD_POINTS = ["Combination with network, security services and SI", "face-to-face consultation"]
# One item of every kind, written for this test (not taken from eval/gold.jsonl).
# num-002 is wrong on purpose (the deck says 3,108), so an accuracy threshold of 1.0 fails.
SMALL_GOLD = [
    {"id": "num-001", "kind": "numeric", "question": "In which year was IIJ founded?", "history": [],
     "expected": {"value": 1992.0, "unit": "year", "tolerance": 0.0}, "gold_slides": [3],
     "evidence": "Established December 1992"},
    {"id": "num-002", "kind": "numeric", "question": "How many people does IIJ employ on a consolidated basis?",
     "history": [], "expected": {"value": 3109.0, "unit": "count", "tolerance": 0.0}, "gold_slides": [3],
     "evidence": "deliberately wrong"},
    {"id": "der-001", "kind": "derived", "question": "How far were 1Q-3Q16 revenues below the FY16 revenue target?",
     "history": [], "expected": {"value": 44.4, "unit": "JPY billion", "tolerance": 0.005,
                                 "formula": "158.0 - 113.60"},
     "gold_slides": [22, 23], "evidence": "JPY158.0 billion | JPY113.60 billion"},
    {"id": "desc-001", "kind": "descriptive", "question": "Why do customers pick IIJ's cloud?", "history": [],
     "expected": {"key_points": CLOUD_POINTS}, "gold_slides": [11], "evidence": CLOUD_POINTS[0]},
    {"id": "para-001", "kind": "paraphrase", "of": "desc-001", "question": "why pick iij cloud", "history": [],
     "expected": {"key_points": CLOUD_POINTS}, "gold_slides": [11], "evidence": CLOUD_POINTS[0]},
    {"id": "oos-001", "kind": "out_of_scope", "question": "What is the capital of France?", "history": [],
     "expected": {"refused": True}, "gold_slides": [], "evidence": ""},
    {"id": "fu-001", "kind": "followup", "question": "and at Mar. 31, 2016?",
     "history": [{"role": "user", "content": "What were cash and cash equivalents at Dec. 31, 2016?"},
                 {"role": "assistant", "content": "JPY21,266 million."}],
     "standalone": "What were cash and cash equivalents at Mar. 31, 2016?",
     "expected": {"value": 19569.0, "unit": "JPY million", "tolerance": 0.0}, "gold_slides": [37],
     "evidence": "Cash and Cash Equivalents 19,569 21,266"},
]  # fmt: skip


def write_gold(path: Path, items: list[dict]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eval", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=120
    )


def assert_chart(path: Path) -> None:
    assert path.stat().st_size > MIN_CHART_BYTES, f"{path.name} is only {path.stat().st_size} bytes"
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.width > MIN_CHART_WIDTH, f"{path.name} is {image.width} px wide"


# --- bad input: one line, exit 2, before any model loads ---------------------------------


def test_missing_gold_file_exits_2_in_one_line(tmp_path: Path) -> None:
    finished = run_cli("run", "--gold", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out"))
    assert finished.returncode == 2
    assert finished.stderr.strip().count("\n") == 0
    assert "gold file not found" in finished.stderr


@pytest.mark.parametrize(
    ("line", "broken", "message"),
    [
        (2, "{not json", "line 2: not valid JSON"),
        (1, {**SMALL_GOLD[0], "kind": "trivia"}, "line 1: unknown kind 'trivia'"),
        (
            3,
            {**SMALL_GOLD[0], "expected": {"value": 1.0, "unit": "yen", "tolerance": 0.0}},
            "line 3: unknown unit 'yen'",
        ),
    ],
)
def test_a_bad_line_exits_2_naming_the_line(tmp_path: Path, line: int, broken: object, message: str) -> None:
    lines = [json.dumps(item) for item in SMALL_GOLD[1:4]]
    lines.insert(line - 1, broken if isinstance(broken, str) else json.dumps(broken))
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    finished = run_cli("run", "--gold", str(gold), "--out", str(tmp_path / "out"))
    assert finished.returncode == 2, finished.stderr
    assert finished.stderr.strip().count("\n") == 0, finished.stderr
    assert message in finished.stderr


def test_a_threshold_outside_0_to_1_is_a_usage_error(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.jsonl", SMALL_GOLD)
    finished = run_cli("run", "--gold", str(gold), "--out", str(tmp_path / "out"), "--min-hit3", "95")
    assert finished.returncode == 2
    assert "not between 0 and 1" in finished.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "der-009"}, "does not start with 'num-'"),
        ({"kind": "followup", "id": "fu-009"}, "needs a non-empty history"),
        ({"history": [{"role": "user", "content": "hi"}]}, "history must be []"),
        ({"expected": {"value": 1992.0, "tolerance": 0.0}}, "unknown unit None"),
        ({"expected": {"value": "1992", "unit": "year", "tolerance": 0.0}}, "expected.value must be a number"),
        ({"expected": {"value": 1992.0, "unit": "year", "tolerance": -1}}, "tolerance must be a number >= 0"),
        ({"expected": {"value": 1.0, "unit": "year", "tolerance": 0.0, "refused": True}}, "exactly one of"),
        ({"expected": {"refused": True}}, 'a refused item has gold_slides [] and evidence ""'),
        ({"gold_slides": []}, "needs at least one gold slide"),
        ({"gold_slides": [0]}, "start at 1"),
        ({"question": "x" * 1001}, "the limit is 1000"),
        ({"kind": "derived", "id": "der-009"}, "needs expected.formula"),
    ],
)
def test_schema_rules(tmp_path: Path, change: dict, message: str) -> None:
    gold = write_gold(tmp_path / "gold.jsonl", [SMALL_GOLD[1], {**SMALL_GOLD[0], **change}])
    with pytest.raises(GoldError, match="line 2") as raised:
        load_gold(gold)
    assert message in str(raised.value)


def test_file_level_rules(tmp_path: Path) -> None:
    duplicate = write_gold(tmp_path / "duplicate.jsonl", [SMALL_GOLD[0], SMALL_GOLD[0]])
    with pytest.raises(GoldError, match=re.escape("line 2: duplicate id 'num-001' (first on line 1)")):
        load_gold(duplicate)
    wrong_formula = {**SMALL_GOLD[2], "expected": {**SMALL_GOLD[2]["expected"], "formula": "158.0 - 113.0"}}
    with pytest.raises(GoldError, match=re.escape("line 1: expected.formula '158.0 - 113.0' gives 45")):
        load_gold(write_gold(tmp_path / "formula.jsonl", [wrong_formula]))
    drifted = {**SMALL_GOLD[4], "gold_slides": [10]}
    with pytest.raises(GoldError, match="line 2: paraphrase differs from 'desc-001'"):
        load_gold(write_gold(tmp_path / "paraphrase.jsonl", [SMALL_GOLD[3], drifted]))
    blank = tmp_path / "blank.jsonl"
    blank.write_text(json.dumps(SMALL_GOLD[0]) + "\n\n", encoding="utf-8")
    with pytest.raises(GoldError, match="line 2: blank line"):
        load_gold(blank)


def test_the_shipped_gold_file_is_valid() -> None:
    items = load_gold(GOLD_PATH)
    assert len(items) == len(GOLD_PATH.read_text(encoding="utf-8").splitlines())


# --- a gold file the runner has never seen --------------------------------------------


@pytest.mark.slow
def test_cli_reports_an_unseen_gold_file_and_gates_on_thresholds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = write_gold(tmp_path / "my-gold.jsonl", SMALL_GOLD)
    out = tmp_path / "report"
    code = main(["run", "--gold", str(gold), "--out", str(out), "--baseline", "--min-accuracy", "1.0",
                 "--min-hit1", "0.0"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1, captured.err
    [failed_line] = [line for line in captured.err.splitlines() if line.startswith("FAILED thresholds:")]
    assert "accuracy" in failed_line and "hit1" not in failed_line

    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Evaluation report\n\n| Metric | Ours | Baseline |\n")
    assert "| Numeric exact match |" in markdown.split("\n\n")[1]
    assert "num-002" in markdown  # in the failures table
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["items"] == len(SMALL_GOLD)
    assert set(report["ours"]["per_kind"]) == {item["kind"] for item in SMALL_GOLD}
    assert report["baseline"]["counts"]["items"] == len(SMALL_GOLD)
    assert report["thresholds"]["passed"] is False
    failures = [json.loads(line) for line in (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()]
    assert "num-002" in {failure["id"] for failure in failures}
    for chart in CHARTS:
        assert_chart(out / chart)


@pytest.mark.slow
def test_python_api_without_baseline_with_a_judge(tmp_path: Path, deck: DeckQA) -> None:
    items = load_gold(write_gold(tmp_path / "gold.jsonl", SMALL_GOLD))
    # A fake chat model stands in for the hosted judge LLM; it answers 0.9 then 0.5, in turn.
    judge = FakeListChatModel(responses=["0.9", "0.5"])
    evaluation = run_evaluation(items, deck, judge_model=judge, judge_status="judged by a fake", progress=False)
    assert [result.id for result in evaluation.ours.results] == [item["id"] for item in SMALL_GOLD]
    assert not evaluation.ours.results[1].correct  # the deliberately wrong item
    judged = [item for item in evaluation.judge["items"] if item["faithfulness"] is not None]
    assert judged and all(item["faithfulness"] == 0.9 and item["relevance"] == 0.5 for item in judged)
    write_report(evaluation, tmp_path / "out")
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| Retrieval hit@3 |" in markdown and "| Latency p95 (s) |" in markdown
    assert "| LLM-judged faithfulness | 0.90 | not judged |" in markdown
    assert "not run" in markdown  # the baseline column
    for chart in CHARTS:
        assert_chart(tmp_path / "out" / chart)


# --- the CI gate --------------------------------------------------------------------------


@pytest.mark.slow
def test_gold_set_meets_the_quality_gate(deck: DeckQA, artifacts: Path) -> None:
    evaluation = run_evaluation(load_gold(GOLD_PATH), deck, gold_path=GOLD_PATH, progress=False)
    metrics = evaluation.ours.summary["metrics"]
    failed, _notes = threshold_failures(metrics, GATE)
    write_report(evaluation, artifacts / "eval-report", thresholds=GATE, threshold_failures=failed)
    if failed:
        wrong = [result for result in evaluation.ours.results if result.failed_checks]
        print(f"{len(wrong)} failing items (full report: {artifacts / 'eval-report' / 'report.md'}):")
        for result in wrong:
            print(f"  {result.id} [{', '.join(result.failed_checks)}] {result.reason or 'retrieval missed'}")
        pytest.fail(f"below the quality gate: {'; '.join(failed)}")


# The held-out half of the bundled deck's gold file, gated at its measured level
# (numeric exact 0.975, hit@3 0.988, refusal precision 1.0, refusal recall 0.909 = 10/11,
# key-point recall 0.874 over its 41 descriptive, paraphrased and follow-up items; the
# target is 0.85).
TEST_SPLIT_GATE = {
    "numeric_exact": 0.95,
    "hit3": 0.95,
    "refusal_precision": 0.9,
    "refusal_recall": 0.9,
    "keypoint_recall": 0.85,
}


@pytest.mark.slow
def test_test_split_meets_its_gate(deck: DeckQA) -> None:
    items = [item for item in load_gold(GOLD_PATH) if item.data["split"] == "test"]
    assert len(items) > 150
    evaluation = run_evaluation(items, deck, gold_path=GOLD_PATH, progress=False)
    failed, _notes = threshold_failures(evaluation.ours.summary["metrics"], TEST_SPLIT_GATE)
    assert not failed, failed


# The corpus documents' held-out items, gated at their measured level (python -m eval
# run --gold eval/gold --split test, 2026-12-01, 30 test items per document): numeric
# exact 51/60, derived 19/24, out of scope refused 12/12, answerable refused 4/108; per
# document, at least its numeric count.
CORPUS_TEST_FLOOR = {"numeric": 51, "derived": 19, "out_of_scope_refused": 12}
CORPUS_TEST_MAX_FALSE_REFUSALS = 4
# Descriptive test items (6 per document): key-point recall, the mean of the documents'
# (0.944, 0.833, 0.667, 0.819 measured: 0.816).
CORPUS_TEST_MIN_KEYPOINT_RECALL = 0.8
CORPUS_NUMERIC_FLOOR = {"BESTBUY_2023Q4_EARNINGS": 13, "COSTCO_2023Q1_EARNINGS": 14,
                        "INTEL_2022Q4_EARNINGS": 13, "JOHNSON_JOHNSON_2022Q4_EARNINGS": 11}  # fmt: skip


@pytest.mark.slow
def test_corpus_test_split_holds_its_measured_level(settings) -> None:
    from eval.documents import document_row

    rows, recalls = [], []
    for path in sorted((GOLD_PATH.parent / "gold").glob("*.jsonl")):
        items = [item for item in load_gold(path) if item.data["split"] == "test"]
        pdf = REPO_ROOT / items[0].data["document"]
        release = DeckQA.load(settings.for_document(pdf))
        evaluation = run_evaluation(items, release, gold_path=path, progress=False)
        rows.append(document_row(path.stem, {"ours": evaluation.ours.summary}))
        recalls.append(evaluation.ours.summary["metrics"]["keypoint_recall"])
    assert [row.document for row in rows] == sorted(CORPUS_NUMERIC_FLOOR)
    assert all(row.numeric[0] >= CORPUS_NUMERIC_FLOOR[row.document] for row in rows), [
        (row.document, row.numeric) for row in rows
    ]
    totals = {
        "numeric": sum(row.numeric[0] for row in rows),
        "derived": sum(row.derived[0] for row in rows),
        "out_of_scope_refused": sum(row.out_of_scope_refused[0] for row in rows),
    }
    assert all(totals[key] >= floor for key, floor in CORPUS_TEST_FLOOR.items()), totals
    assert sum(row.answerable_refused[0] for row in rows) <= CORPUS_TEST_MAX_FALSE_REFUSALS
    assert sum(recalls) / len(recalls) >= CORPUS_TEST_MIN_KEYPOINT_RECALL, recalls


def test_every_gold_file_is_valid_and_split_half_and_half() -> None:
    files = [GOLD_PATH, *sorted((GOLD_PATH.parent / "gold").glob("*.jsonl"))]
    assert len(files) == 5
    for path in files:
        items = load_gold(path)
        by_kind: dict[str, list[str]] = {}
        for item in items:
            by_kind.setdefault(item.data["kind"], []).append(item.data["split"])
        for kind, splits in by_kind.items():
            assert abs(splits.count("dev") - splits.count("test")) <= 1, (path.name, kind)
        documents = {item.data.get("document") for item in items}
        assert len(documents) == 1 and (documents == {None} or (REPO_ROOT / documents.pop()).is_file()), path.name


@pytest.mark.slow
def test_a_folder_of_gold_files_runs_each_on_its_own_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "gold"
    folder.mkdir()
    source = GOLD_PATH.parent / "gold" / "COSTCO_2023Q1_EARNINGS.jsonl"
    (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    deck_items = [json.loads(line) for line in GOLD_PATH.read_text(encoding="utf-8").splitlines()]
    write_gold(folder / "deck.jsonl", [item for item in deck_items if item["split"] == "test"][:5])
    out = tmp_path / "report"
    code = main(["run", "--gold", str(folder), "--split", "test", "--limit", "4", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads((out / source.stem / "report.json").read_text(encoding="utf-8"))
    assert report["items"] == 4
    assert report["deck_name"] == f"{source.stem}.pdf", "answered from the gold file's own document (its own index)"
    assert all(slide <= 4 for result in report["results"]["ours"] for slide in result["ranked_slides"])
    # One row per document and a total, in a table, a JSON file and a chart.
    rows = json.loads((out / "documents.json").read_text(encoding="utf-8"))
    assert [row["document"] for row in rows] == [source.stem, "deck", "all"]
    assert [row["items"] for row in rows] == [4, 4, 8]
    deck_report = json.loads((out / "deck" / "report.json").read_text(encoding="utf-8"))
    numeric = deck_report["ours"]["per_kind"].get("numeric", {"correct": 0, "items": 0})
    assert rows[1]["numeric"] == [numeric["correct"], numeric["items"]]
    assert rows[2]["numeric"][1] == rows[0]["numeric"][1] + rows[1]["numeric"][1]
    table = (out / "documents.md").read_text(encoding="utf-8")
    assert "| deck | 4 |" in table and "| all | 8 |" in table
    assert_chart(out / "documents.png")


# Leave-one-document-out (python -m eval loo, 2026-12-01): each document's test items
# answered with weights fitted on the other documents' dev items, gated at that level.
LOO_FLOOR = {
    "deck": {"numeric": 97, "derived": 12, "out_of_scope_refused": 10, "answerable_refused_at_most": 0},
    "BESTBUY_2023Q4_EARNINGS": {"numeric": 13, "derived": 5, "out_of_scope_refused": 3, "answerable_refused_at_most": 1},
    "COSTCO_2023Q1_EARNINGS": {"numeric": 14, "derived": 6, "out_of_scope_refused": 3, "answerable_refused_at_most": 1},
    "INTEL_2022Q4_EARNINGS": {"numeric": 13, "derived": 3, "out_of_scope_refused": 3, "answerable_refused_at_most": 1},
    "JOHNSON_JOHNSON_2022Q4_EARNINGS": {
        "numeric": 11, "derived": 5, "out_of_scope_refused": 3, "answerable_refused_at_most": 1,
    },
}  # fmt: skip


@pytest.mark.slow
def test_leave_one_document_out_holds_its_measured_level(tmp_path) -> None:
    import argparse

    from eval.ranker_fit import loo_command

    out = tmp_path / "loo"
    assert loo_command(argparse.Namespace(gold=[GOLD_PATH, GOLD_PATH.parent / "gold"], out=out)) == 0
    rows = {row["document"]: row for row in json.loads((out / "documents.json").read_text(encoding="utf-8"))}
    for document, floor in LOO_FLOOR.items():
        row = rows[document]
        assert row["numeric"][0] >= floor["numeric"], (document, row["numeric"])
        assert row["derived"][0] >= floor["derived"], (document, row["derived"])
        assert row["out_of_scope_refused"][0] >= floor["out_of_scope_refused"], (document, row)
        assert row["answerable_refused"][0] <= floor["answerable_refused_at_most"], (document, row)
    # each document's weights were fitted without it
    for document in LOO_FLOOR:
        fitted = json.loads((out / f"ranker-without-{document}.json").read_text(encoding="utf-8"))["fitted"]["on"]
        assert document not in fitted and len(fitted) == len(LOO_FLOOR) - 1
