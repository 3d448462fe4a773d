"""Read and validate a gold file (eval/README.md, "Validation rules"). Every problem is
a `GoldError` whose message names the file and line, so a bad file fails in one line
before any model loads."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.figures import GOLD_UNITS
from eval.scoring import SHAPES
from figures.arithmetic import FormulaError, evaluate
from understand.question import MAX_QUESTION_CHARS

KIND_PREFIXES = {
    "numeric": "num-",
    "derived": "der-",
    "descriptive": "desc-",
    "paraphrase": "para-",
    "out_of_scope": "oos-",
    "followup": "fu-",
}
REQUIRED_FIELDS = ("id", "kind", "question", "history", "expected", "gold_slides", "evidence")
ROLES = ("user", "assistant")
MAX_KEY_POINTS = 5


class GoldError(ValueError):
    """The gold file is missing or breaks the documented schema."""


@dataclass(frozen=True)
class GoldItem:
    """One gold line: `data` is the JSON object as written, `line` its 1-based line."""

    line: int
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])


def load_gold(path: Path) -> list[GoldItem]:
    """All items of the gold file at `path`, validated. Raises `GoldError`."""
    if not path.is_file():
        raise GoldError(f"{path}: gold file not found")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise GoldError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    items: list[GoldItem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise GoldError(f"{path} line {number}: blank line (the format has one JSON object per line)")
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise GoldError(f"{path} line {number}: not valid JSON ({error.msg} at column {error.colno})") from error
        problem = item_problem(data)
        if problem:
            raise GoldError(f"{path} line {number}: {problem}")
        if data["id"] in seen:
            raise GoldError(f"{path} line {number}: duplicate id {data['id']!r} (first on line {seen[data['id']]})")
        seen[data["id"]] = number
        items.append(GoldItem(number, data))
    if not items:
        raise GoldError(f"{path}: no items")
    _check_paraphrases(path, items)
    return items


def check_slide_range(path: Path, items: Sequence[GoldItem], slide_count: int) -> None:
    """Raise `GoldError` when an item names a slide the deck does not have."""
    for item in items:
        beyond = [slide for slide in item.data["gold_slides"] if slide > slide_count]
        if beyond:
            raise GoldError(f"{path} line {item.line}: gold slide {beyond[0]} is not in the {slide_count}-slide deck")


def item_problem(data: Any) -> str:
    """What is wrong with one parsed line, or "" when it is valid on its own."""
    if not isinstance(data, dict):
        return "not a JSON object"
    missing = [field for field in REQUIRED_FIELDS if field not in data]
    if missing:
        return f"missing field(s): {', '.join(missing)}"
    if not isinstance(data["id"], str) or not data["id"]:
        return "id must be a non-empty string"
    kind = data["kind"]
    if kind not in KIND_PREFIXES:
        return f"unknown kind {kind!r} (expected one of: {', '.join(KIND_PREFIXES)})"
    if not data["id"].startswith(KIND_PREFIXES[kind]):
        return f"id {data['id']!r} does not start with {KIND_PREFIXES[kind]!r}, the prefix for kind {kind!r}"
    if not isinstance(data["question"], str) or not data["question"].strip():
        return "question must be a non-empty string"
    if len(data["question"]) > MAX_QUESTION_CHARS:
        return f"question is {len(data['question'])} characters; the limit is {MAX_QUESTION_CHARS}"
    if not isinstance(data["evidence"], str):
        return "evidence must be a string"
    return _history_problem(data) or _slides_problem(data) or _expected_problem(data)


def _history_problem(data: dict[str, Any]) -> str:
    history = data["history"]
    if not isinstance(history, list):
        return "history must be a list"
    for turn in history:
        if not isinstance(turn, dict) or turn.get("role") not in ROLES or not isinstance(turn.get("content"), str):
            return 'each history turn must be {"role": "user" | "assistant", "content": str}'
    if data["kind"] == "followup" and not history:
        return "a followup item needs a non-empty history"
    if data["kind"] != "followup" and history:
        return f"history must be [] for kind {data['kind']!r} (only followup items have one)"
    return ""


def _slides_problem(data: dict[str, Any]) -> str:
    slides = data["gold_slides"]
    if not isinstance(slides, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in slides):
        return "gold_slides must be a list of slide numbers"
    if any(slide < 1 for slide in slides):
        return "gold slide numbers start at 1"
    return ""


def _expected_problem(data: dict[str, Any]) -> str:
    expected = data["expected"]
    if not isinstance(expected, dict):
        return "expected must be an object"
    shapes = [shape for shape in SHAPES if shape in expected]
    if len(shapes) != 1:
        return "expected must have exactly one of 'value', 'key_points', 'refused'"
    shape = shapes[0]
    if shape == "refused":
        if expected["refused"] is not True:
            return "expected.refused must be true"
        if data["gold_slides"] or data["evidence"]:
            return 'a refused item has gold_slides [] and evidence ""'
        return ""
    if not data["gold_slides"]:
        return "an answerable item needs at least one gold slide"
    if shape == "key_points":
        return _key_points_problem(data["kind"], expected["key_points"])
    return _value_problem(data["kind"], expected)


def _key_points_problem(kind: str, points: Any) -> str:
    if not isinstance(points, list) or not all(isinstance(p, str) and p.strip() for p in points):
        return "expected.key_points must be a list of non-empty strings"
    least = 2 if kind == "descriptive" else 1
    if not least <= len(points) <= MAX_KEY_POINTS:
        return f"expected.key_points must list {least}-{MAX_KEY_POINTS} phrases for kind {kind!r}, not {len(points)}"
    return ""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _value_problem(kind: str, expected: dict[str, Any]) -> str:
    if not _is_number(expected["value"]):
        return "expected.value must be a number"
    if expected.get("unit") not in GOLD_UNITS:
        return f"unknown unit {expected.get('unit')!r} (expected one of: {', '.join(GOLD_UNITS)})"
    tolerance = expected.get("tolerance")
    if not _is_number(tolerance) or tolerance < 0:
        return "expected.tolerance must be a number >= 0"
    if not isinstance(expected.get("sign_insensitive", False), bool):
        return "expected.sign_insensitive must be true or false"
    formula = expected.get("formula")
    if kind == "derived" and formula is None:
        return "a derived item needs expected.formula"
    if formula is not None:
        if not isinstance(formula, str):
            return "expected.formula must be a string"
        try:
            result = evaluate(formula)
        except FormulaError as error:
            return f"expected.formula: {error}"
        if abs(result - expected["value"]) > tolerance + 1e-9:
            return f"expected.formula {formula!r} gives {result:g}, not {expected['value']:g} within {tolerance:g}"
    return ""


def _check_paraphrases(path: Path, items: Sequence[GoldItem]) -> None:
    by_id = {item.id: item.data for item in items}
    for item in items:
        if item.data["kind"] != "paraphrase":
            continue
        original = by_id.get(item.data.get("of", ""))
        if original is None:
            raise GoldError(f"{path} line {item.line}: paraphrase 'of' {item.data.get('of')!r} names no item")
        if original["expected"] != item.data["expected"] or original["gold_slides"] != item.data["gold_slides"]:
            raise GoldError(
                f"{path} line {item.line}: paraphrase differs from {original['id']!r} in expected or gold_slides"
            )
