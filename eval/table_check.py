"""The table-reading check: for table cells verified by hand (`eval/cells/<PDF stem>.jsonl`),
is the figure read with the right value, period and row label?

`python -m eval tables [--cells DIR]` prints, per document, cells right / cells checked.
A cell is right when some figure read from an unruled table on its page has its value,
its row label (footnote marks and punctuation aside) and its period: kind (duration or
instant), months and end date.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT / "data" / "corpus"


@dataclass(frozen=True)
class CellCheck:
    document: str
    right: int
    checked: int
    misses: tuple[str, ...]

    @property
    def share(self) -> float:
        return self.right / self.checked if self.checked else 0.0


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9%()]+", " ", text.lower()).split())


def _label(text: str) -> str:
    from ingest.statements import clean_label

    return clean_label(text)


def check_document(pdf: Path, cells: list[dict]) -> CellCheck:
    from ingest.facts import all_facts
    from ingest.pdf_reader import read_deck
    from ingest.statements import Period, fiscal_year_end_month, period_name

    parsed = read_deck(pdf)
    by_page: dict[int, list] = {}
    for _table_id, statement in parsed.statements:
        by_page.setdefault(statement.page, []).append(statement)
    # Figures of ruled tables carry their period by name ("FY22"): compare names there.
    facts_by_page: dict[int, list] = {}
    for fact in all_facts(parsed.tables, parsed.chunks, parsed.statements):
        facts_by_page.setdefault(fact.slide, []).append(fact)
    fiscal_end = fiscal_year_end_month([statement for _, statement in parsed.statements])
    right, misses = 0, []
    for cell in cells:
        expected = cell["period"]
        found = False
        for statement in by_page.get(cell["page"], []):
            for row in statement.rows:
                if _norm(row.label) != _norm(cell["row"]):
                    continue
                for figure in row.cells:
                    period = statement.periods[figure.column] if figure.column < len(statement.periods) else None
                    found = found or (
                        abs(figure.value - cell["value"]) < 1e-9
                        and period is not None
                        and (period.kind, period.months, period.end)
                        == (expected["kind"], expected["months"], expected["end"])
                    )
        name = period_name(Period(expected["kind"], expected["end"], expected["months"]), fiscal_end)
        found = found or any(
            abs(fact.value - cell["value"]) < 1e-9
            and fact.period == name
            and _norm(_label(fact.row or fact.label)) == _norm(cell["row"])
            for fact in facts_by_page.get(cell["page"], [])
        )
        right += found
        if not found:
            misses.append(f"page {cell['page']}: {cell['row']} | {cell['column']} = {cell['value']}")
    return CellCheck(pdf.stem, right, len(cells), tuple(misses))


def check_all(cells_dir: Path) -> list[CellCheck]:
    results = []
    for path in sorted(cells_dir.glob("*.jsonl")):
        cells = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        results.append(check_document(CORPUS / f"{path.stem}.pdf", cells))
    return results


def tables_command(cells_dir: Path, verbose: bool = False) -> int:
    if not cells_dir.is_dir():
        print(f"error: no such folder: {cells_dir}", file=sys.stderr)
        return 2
    results = check_all(cells_dir)
    for result in results:
        print(f"{result.document:<40} {result.right:>3}/{result.checked:<3} {result.share:.3f}")
        if verbose:
            for miss in result.misses:
                print(f"    miss: {miss}")
    right, checked = sum(r.right for r in results), sum(r.checked for r in results)
    print(f"{'all':<40} {right:>3}/{checked:<3} {right / checked if checked else 0:.3f}")
    return 0
