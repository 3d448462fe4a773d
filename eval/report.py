"""Write an evaluation to a folder: report.md (opening with the ours-vs-baseline summary
table), report.json, failures.jsonl and three PNG charts (matplotlib, Agg backend)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.scoring import METRIC_BY_KEY, METRICS, ItemResult, Metric

if TYPE_CHECKING:
    from eval.runner import Evaluation

ACCURACY_CHART = "accuracy_by_kind.png"
LATENCY_CHART = "latency_histogram.png"
COMPARISON_CHART = "baseline_comparison.png"
# Figure size and resolution: 1000x500 px, readable in a browser and in a PR comment.
FIGURE_INCHES = (10.0, 5.0)
DPI = 100
LATENCY_BINS = 30
# Longest answer text quoted in the failures table; failures.jsonl keeps it whole.
EXCERPT_CHARS = 160
KIND_ORDER = ("numeric", "derived", "descriptive", "paraphrase", "followup", "out_of_scope")
OURS_COLOR = "#1f6feb"
BASELINE_COLOR = "#9a9a9a"


def format_metric(metric: Metric, value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value * 100:.1f}%" if metric.is_rate else f"{value:.{metric.decimals}f}"


def result_record(result: ItemResult) -> dict[str, Any]:
    return {**asdict(result), "failed_checks": result.failed_checks}


def write_report(
    evaluation: Evaluation,
    out: Path,
    thresholds: Mapping[str, float] | None = None,
    threshold_failures: Sequence[str] = (),
) -> list[Path]:
    """Write every report file into `out` (created if needed); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    thresholds = dict(thresholds or {})
    charts = [
        accuracy_chart(evaluation, out / ACCURACY_CHART),
        latency_chart(evaluation, out / LATENCY_CHART),
        comparison_chart(evaluation, out / COMPARISON_CHART),
    ]
    failures = [result for result in evaluation.ours.results if result.failed_checks]
    failures_path = out / "failures.jsonl"
    failures_path.write_text(
        "".join(json.dumps(result_record(result), ensure_ascii=False) + "\n" for result in failures), encoding="utf-8"
    )
    json_path = out / "report.json"
    json_path.write_text(
        json.dumps(report_data(evaluation, thresholds, threshold_failures), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    markdown_path = out / "report.md"
    markdown_path.write_text(report_markdown(evaluation, thresholds, threshold_failures, failures), encoding="utf-8")
    return [markdown_path, json_path, failures_path, *charts]


def report_data(
    evaluation: Evaluation, thresholds: Mapping[str, float], threshold_failures: Sequence[str]
) -> dict[str, Any]:
    baseline = evaluation.baseline
    return {
        "gold_file": evaluation.gold_path,
        "deck_title": evaluation.deck_title,
        "deck_path": evaluation.deck_path,
        "deck_name": evaluation.deck_name,
        "started_at": evaluation.started_at,
        "items": len(evaluation.ours.results),
        "ours": evaluation.ours.summary,
        "baseline": baseline.summary if baseline else None,
        "thresholds": {"minimums": thresholds, "failures": list(threshold_failures), "passed": not threshold_failures},
        "judge": evaluation.judge,
        "results": {
            "ours": [result_record(result) for result in evaluation.ours.results],
            "baseline": [result_record(result) for result in baseline.results] if baseline else None,
        },
    }


def summary_rows(evaluation: Evaluation) -> list[tuple[str, str, str]]:
    """(metric, ours, baseline) for every metric, formatted."""
    ours = evaluation.ours.summary["metrics"]
    base = evaluation.baseline.summary["metrics"] if evaluation.baseline else {}
    rows = []
    for metric in METRICS:
        baseline_cell = format_metric(metric, base.get(metric.key)) if evaluation.baseline else "not run"
        rows.append((metric.label, format_metric(metric, ours[metric.key]), baseline_cell))
    judge = evaluation.judge
    if "faithfulness" in judge:
        for key, label in (("faithfulness", "LLM-judged faithfulness"), ("relevance", "LLM-judged relevance")):
            value = judge[key]
            rows.append((label, "n/a" if value is None else f"{value:.2f}", "not judged"))
    return rows


def format_summary(evaluation: Evaluation) -> str:
    """The summary table as plain text, for the terminal."""
    rows = [("Metric", "Ours", "Baseline"), *summary_rows(evaluation)]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = [f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"


def report_markdown(
    evaluation: Evaluation,
    thresholds: Mapping[str, float],
    threshold_failures: Sequence[str],
    failures: Sequence[ItemResult],
) -> str:
    ours = evaluation.ours.summary
    base = evaluation.baseline.summary if evaluation.baseline else None
    lines = ["# Evaluation report", "", "| Metric | Ours | Baseline |", "|---|---:|---:|"]
    lines += [f"| {metric} | {mine} | {theirs} |" for metric, mine, theirs in summary_rows(evaluation)]
    counts = ours["counts"]
    lines += [
        "",
        f"Gold file `{evaluation.gold_path}`: {counts['items']} items ({counts['value_items']} scored by value, "
        f"{counts['key_point_items']} by key points, {counts['refusal_items']} should be refused). "
        f"Deck: {evaluation.deck_title} (`{evaluation.deck_name}`, indexed in `{evaluation.deck_path}`). Run started {evaluation.started_at}.",
        "",
        f"Refusals: {counts['refused']} answers refused; {counts['refusal_true_positives']} correctly, "
        f"{counts['refusal_false_positives']} wrongly; {counts['refusal_false_negatives']} out-of-scope "
        f"items answered. Errors while answering: {counts['errors']}.",
        "",
        _threshold_line(thresholds, threshold_failures),
        "",
        f"LLM-judged metrics: {evaluation.judge['status']}.",
        "",
        "## Accuracy by kind",
        "",
        "| Kind | Items | Ours | Baseline |",
        "|---|---:|---:|---:|",
    ]
    for kind in _kinds(ours["per_kind"]):
        entry = ours["per_kind"][kind]
        theirs = base["per_kind"].get(kind) if base else None
        baseline_cell = f"{theirs['accuracy'] * 100:.1f}%" if theirs else "not run"
        lines.append(f"| {kind} | {entry['items']} | {entry['accuracy'] * 100:.1f}% | {baseline_cell} |")
    lines += ["", f"![Accuracy by kind]({ACCURACY_CHART})", "", "## Latency", ""]
    lines += [
        f"Ours: {_latencies(ours)} per question (wall clock around `DeckQA.ask`, one question at a time)."
        + (f" Baseline: {_latencies(base)}." if base else ""),
        "",
        f"![Latency distribution]({LATENCY_CHART})",
        "",
        "## Ours vs baseline",
        "",
        f"![Ours vs baseline]({COMPARISON_CHART})",
        "",
        f"## Failures ({len(failures)})",
        "",
        "Items whose answer was scored wrong (`answer`) or whose top 3 ranked slides hold no gold slide "
        "(`hit@3`). All of them, with the whole answer, are in `failures.jsonl`.",
        "",
        "| Id | Kind | Failed | Why | Question | Answer | Gold slides | Ranked slides | Route |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for result in failures:
        lines.append(
            "| "
            + " | ".join(
                _cell(part)
                for part in (
                    result.id,
                    result.kind,
                    ", ".join(result.failed_checks),
                    result.reason or "(answer right; retrieval missed)",
                    result.question,
                    _excerpt(result.answer),
                    ", ".join(map(str, result.gold_slides)) or "-",
                    ", ".join(map(str, result.ranked_slides[:5])) or "-",
                    result.route,
                )
            )
            + " |"
        )
    lines += ["", *SCORING_NOTES]
    return "\n".join(lines) + "\n"


def _latencies(summary: Mapping[str, Any]) -> str:
    p50, p95 = (METRIC_BY_KEY[key] for key in ("latency_p50", "latency_p95"))
    metrics = summary["metrics"]
    return f"p50 {format_metric(p50, metrics[p50.key])} s, p95 {format_metric(p95, metrics[p95.key])} s"


def _threshold_line(thresholds: Mapping[str, float], failures: Sequence[str]) -> str:
    if not thresholds:
        return "Thresholds: none set."
    wanted = ", ".join(f"{key} ≥ {value:.3f}" for key, value in thresholds.items())
    if failures:
        return f"Thresholds ({wanted}): **FAILED** — {'; '.join(failures)}."
    return f"Thresholds ({wanted}): passed."


SCORING_NOTES = (
    "## How this was scored",
    "",
    "- Rules: `eval/README.md` (schema and scoring) and its *Runner* section (choices made here).",
    "- Figures: the answer's structured `value` when it has one, else the first figure in the answer "
    "text whose unit converts to the gold unit; JPY trillion/billion/million and thousand/million "
    "are converted; parentheses read as negative; tolerance and `sign_insensitive` from the item.",
    "- Key points: case-folded, whitespace-collapsed substring of the answer (slide markers and "
    "bold marks removed); an item is correct when at least half are found.",
    "- Refusals: the answer's `refused` flag; positive class = refused.",
    "- Retrieval: ranked slides = cited slides in citation order, then `debug.retrieved_slides`; "
    "items that should be refused are left out of retrieval and citation metrics.",
    "- Baseline: the top chunk's text is its answer; a figure counts when the expected value "
    "occurs in that text (any sign), a generous rule; it never refuses.",
)


def _kinds(per_kind: Mapping[str, Any]) -> list[str]:
    return [kind for kind in KIND_ORDER if kind in per_kind] + sorted(set(per_kind) - set(KIND_ORDER))


# --- charts ---------------------------------------------------------------------------


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    return pyplot


def accuracy_chart(evaluation: Evaluation, path: Path) -> Path:
    """Grouped bars: accuracy per kind, ours vs baseline."""
    pyplot = _pyplot()
    ours = evaluation.ours.summary["per_kind"]
    base = evaluation.baseline.summary["per_kind"] if evaluation.baseline else None
    kinds = _kinds(ours)
    positions = list(range(len(kinds)))
    width = 0.4 if base else 0.6
    figure, axes = pyplot.subplots(figsize=FIGURE_INCHES, dpi=DPI)
    offset = -width / 2 if base else 0.0
    bars = axes.bar([p + offset for p in positions], [ours[k]["accuracy"] for k in kinds], width, label="ours")
    axes.bar_label(bars, labels=[f"{ours[k]['accuracy']:.0%}" for k in kinds], fontsize=8)
    for bar in bars:
        bar.set_color(OURS_COLOR)
    if base:
        values = [base.get(k, {}).get("accuracy", 0.0) for k in kinds]
        other = axes.bar([p + width / 2 for p in positions], values, width, label="baseline", color=BASELINE_COLOR)
        axes.bar_label(other, labels=[f"{v:.0%}" for v in values], fontsize=8)
    axes.set_xticks(positions, [f"{k}\n(n={ours[k]['items']})" for k in kinds])
    axes.set_ylim(0, 1.1)
    axes.set_ylabel("accuracy")
    axes.set_title("Accuracy by kind")
    axes.legend(loc="upper right")
    axes.grid(axis="y", alpha=0.3)
    return _save(pyplot, figure, path)


def latency_chart(evaluation: Evaluation, path: Path) -> Path:
    """Histogram of per-question latency (ms), ours and baseline, with p50/p95 lines."""
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=FIGURE_INCHES, dpi=DPI)
    systems = [(evaluation.ours, OURS_COLOR)]
    if evaluation.baseline:
        systems.append((evaluation.baseline, BASELINE_COLOR))
    slowest = max((result.seconds * 1000 for run, _ in systems for result in run.results), default=1.0)
    # One set of bins for both systems, so their bars compare like for like.
    edges = [slowest * step / LATENCY_BINS for step in range(LATENCY_BINS + 1)]
    for run, color in systems:
        milliseconds = [result.seconds * 1000 for result in run.results]
        axes.hist(milliseconds, bins=edges, alpha=0.6, color=color, label=run.name)
        for key, style in (("latency_p50", "--"), ("latency_p95", ":")):
            value = run.summary["metrics"][key]
            if value is not None:
                axes.axvline(value * 1000, color=color, linestyle=style, label=f"{run.name} {key[-3:]}")
    axes.set_xlabel("latency per question (ms)")
    axes.set_ylabel("questions")
    axes.set_title("Latency distribution")
    axes.legend(loc="upper right")
    axes.grid(axis="y", alpha=0.3)
    return _save(pyplot, figure, path)


def comparison_chart(evaluation: Evaluation, path: Path) -> Path:
    """Horizontal bars: every 0-1 metric, ours vs baseline (n/a drawn as empty)."""
    pyplot = _pyplot()
    rates = [metric for metric in METRICS if metric.is_rate]
    ours = evaluation.ours.summary["metrics"]
    base = evaluation.baseline.summary["metrics"] if evaluation.baseline else None
    positions = list(range(len(rates)))
    height = 0.4
    figure, axes = pyplot.subplots(figsize=(FIGURE_INCHES[0], FIGURE_INCHES[1] * 1.3), dpi=DPI)
    systems = [("ours", ours, OURS_COLOR, -height / 2 if base else 0.0)]
    if base:
        systems.append(("baseline", base, BASELINE_COLOR, height / 2))
    for name, metrics, color, offset in systems:
        values = [metrics[m.key] for m in rates]
        bars = axes.barh([p + offset for p in positions], [v or 0.0 for v in values], height, label=name, color=color)
        labels = ["n/a" if v is None else f"{v:.0%}" for v in values]
        axes.bar_label(bars, labels=labels, fontsize=8, padding=2)
    axes.set_yticks(positions, [m.label for m in rates])
    axes.invert_yaxis()
    axes.set_xlim(0, 1.1)
    axes.set_xlabel("share (higher is better)")
    axes.set_title("Ours vs LangChain baseline" if base else "Ours (baseline not run)")
    axes.legend(loc="lower right")
    axes.grid(axis="x", alpha=0.3)
    return _save(pyplot, figure, path)


def _save(pyplot: Any, figure: Any, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
    return path
