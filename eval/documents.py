"""One table and one chart across documents, for `python -m eval run --gold FOLDER`:
each gold file's document as a row (numeric and derived exact, key-point coverage,
refusals, false refusals, citation hit), read back from the report.json each run wrote.
Written as `documents.md`, `documents.json` and `documents.png` in the run's folder."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CHART = "documents.png"
# A filing's file name: the company, then the year ("3M_2018_10K", "JPMORGAN_2021Q1_10Q").
COMPANY_RE = re.compile(r"^(.+?)_(?:19|20)\d\d")


@dataclass(frozen=True)
class DocumentRow:
    document: str
    items: int
    numeric: tuple[int, int]  # (right, asked)
    derived: tuple[int, int]
    keypoint_recall: float | None
    out_of_scope_refused: tuple[int, int]
    answerable_refused: tuple[int, int]
    citation_hit3: float | None
    evidence_hit1: float | None = None  # a gold page first among the pages cited, then retrieved
    evidence_hit5: float | None = None
    naive_hit5: float | None = None  # the naive pipeline's, when it was run (--baseline)

    @property
    def shares(self) -> dict[str, float | None]:
        def share(pair: tuple[int, int]) -> float | None:
            return pair[0] / pair[1] if pair[1] else None

        return {
            "numeric exact": share(self.numeric),
            "derived exact": share(self.derived),
            "key points": self.keypoint_recall,
            "out of scope refused": share(self.out_of_scope_refused),
            "answerable refused": share(self.answerable_refused),
            "cited in top 3": self.citation_hit3,
            "evidence hit@1": self.evidence_hit1,
            "evidence hit@5": self.evidence_hit5,
            "naive pipeline hit@5": self.naive_hit5,
        }


def document_row(name: str, report: dict[str, Any]) -> DocumentRow:
    summary = report["ours"]
    per_kind = summary["per_kind"]
    counts = summary["counts"]
    metrics = summary["metrics"]

    def kind(name: str) -> tuple[int, int]:
        entry = per_kind.get(name, {"correct": 0, "items": 0})
        return entry["correct"], entry["items"]

    answerable = counts["items"] - counts["refusal_items"]
    return DocumentRow(
        document=name,
        items=counts["items"],
        numeric=kind("numeric"),
        derived=kind("derived"),
        keypoint_recall=metrics["keypoint_recall"],
        out_of_scope_refused=(counts["refusal_true_positives"], counts["refusal_items"]),
        answerable_refused=(counts["refusal_false_positives"], answerable),
        citation_hit3=metrics["hit3"],
        evidence_hit1=metrics.get("hit1"),
        evidence_hit5=metrics.get("hit5"),
        naive_hit5=(report.get("baseline") or {}).get("metrics", {}).get("hit5"),
    )


def company_of(document: str) -> str:
    """The company a gold file's document belongs to, from its name ("JOHNSON_JOHNSON_2022_10K"
    -> "JOHNSON_JOHNSON"); a name without a year (a deck) is its own unit."""
    match = COMPANY_RE.match(document)
    return match.group(1).upper() if match else document


def write_documents(rows: list[DocumentRow], out: Path) -> list[Path]:
    """The table (Markdown and JSON) and the chart, with an "all" row summed over documents;
    and, when a company has several documents, the same table per company."""
    out.mkdir(parents=True, exist_ok=True)
    table = [*rows, _total(rows)] if len(rows) > 1 else rows
    markdown = out / "documents.md"
    markdown.write_text(_markdown(table), encoding="utf-8")
    data = out / "documents.json"
    data.write_text(
        json.dumps([{**asdict(row), "shares": row.shares} for row in table], indent=2) + "\n", encoding="utf-8"
    )
    written = [markdown, data, _chart(rows, out / CHART)]
    companies: dict[str, list[DocumentRow]] = {}
    for row in rows:
        companies.setdefault(company_of(row.document), []).append(row)
    if len(companies) < len(rows):
        grouped = [_total(group, name) for name, group in companies.items()]
        company_table = out / "companies.md"
        text = _markdown([*grouped, _total(rows)]).replace("# Results per document", "# Results per company")
        company_table.write_text(text.replace("| document |", "| company |", 1), encoding="utf-8")
        written.append(company_table)
    return written


def _total(rows: list[DocumentRow], name: str = "all") -> DocumentRow:
    def summed(field: str) -> tuple[int, int]:
        return (
            sum(getattr(row, field)[0] for row in rows),
            sum(getattr(row, field)[1] for row in rows),
        )

    def mean(field: str) -> float | None:
        values = [getattr(row, field) for row in rows if getattr(row, field) is not None]
        return sum(values) / len(values) if values else None

    return DocumentRow(
        document=name,
        items=sum(row.items for row in rows),
        numeric=summed("numeric"),
        derived=summed("derived"),
        keypoint_recall=mean("keypoint_recall"),
        out_of_scope_refused=summed("out_of_scope_refused"),
        answerable_refused=summed("answerable_refused"),
        citation_hit3=mean("citation_hit3"),
        evidence_hit1=mean("evidence_hit1"),
        evidence_hit5=mean("evidence_hit5"),
        naive_hit5=mean("naive_hit5"),
    )


def _markdown(rows: list[DocumentRow]) -> str:
    header = (
        "| document | items | numeric exact | derived exact | key points | out of scope refused "
        "| answerable refused | cited in top 3 | evidence hit@1 | evidence hit@5 | naive pipeline hit@5 |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )

    def pair(value: tuple[int, int]) -> str:
        return f"{value[0]}/{value[1]}" if value[1] else "–"

    def share(value: float | None) -> str:
        return "–" if value is None else f"{value:.0%}"

    lines = [
        f"| {row.document} | {row.items} | {pair(row.numeric)} | {pair(row.derived)} | {share(row.keypoint_recall)} "
        f"| {pair(row.out_of_scope_refused)} | {pair(row.answerable_refused)} | {share(row.citation_hit3)} "
        f"| {share(row.evidence_hit1)} | {share(row.evidence_hit5)} | {share(row.naive_hit5)} |"
        for row in rows
    ]
    note = '\n(The "all" row sums counts over documents; its key points and citations are means of the documents\'.)\n'
    return "# Results per document\n\n" + header + "\n".join(lines) + "\n" + (note if len(rows) > 1 else "")


def _chart(rows: list[DocumentRow], path: Path) -> Path:
    """Grouped bars: each document's shares, one group per measure."""
    from eval.report import DPI, FIGURE_INCHES, _pyplot, _save

    pyplot = _pyplot()
    measures = list(rows[0].shares) if rows else []
    figure, axes = pyplot.subplots(figsize=(FIGURE_INCHES[0] * 1.4, FIGURE_INCHES[1]), dpi=DPI)
    width = 0.8 / max(1, len(rows))
    for number, row in enumerate(rows):
        values = [row.shares[measure] or 0.0 for measure in measures]
        positions = [index + (number - (len(rows) - 1) / 2) * width for index in range(len(measures))]
        axes.bar(positions, values, width, label=row.document)
    axes.set_xticks(range(len(measures)), [measure.replace(" ", "\n", 1) for measure in measures], fontsize=8)
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("share of items")
    axes.set_title("Results per document (lower is better for 'answerable refused')")
    axes.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=min(4, max(1, len(rows))))
    axes.grid(axis="y", alpha=0.3)
    return _save(pyplot, figure, path)
