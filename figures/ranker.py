"""The figure ranker's weights: a linear score over features that mean the same in any
document (how well the question's words and meaning match a fact's description, whether
its period, unit and kind are the ones asked), and a calibrated confidence for the best
fact. The weights are data, fitted by `python -m eval fit-ranker` on the `dev` items of
every gold file (see eval/README.md), and read from `ranker.json` beside this module.

`FactLookup` computes the features (`figures.lookup`); this module only holds the names,
the weights and the arithmetic on them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_PATH = Path(__file__).with_name("ranker.json")

# Per fact and question. Word coverages are shares of the question's key words (weighted
# by rarity) found in: the fact's own description (narrow), that plus its page title
# (metric), anything on its page (wide); `row_asked` is the share of the fact's row words
# the question uses. Period features say how the fact's period meets the one asked; the
# kind features pair what the question asks (a target, a change, a percentage, a year,
# a count, points, money) with what the fact is.
FEATURES = (
    "dense",
    "narrow",
    "wide",
    "metric",
    "row_asked",
    "period_exact",
    "period_part_of_year",
    "period_context",
    "period_page",
    "period_other",
    "target_asked_is",
    "target_asked_not",
    "target_unasked_is",
    "change_asked_is",
    "change_unasked_is",
    "percent_asked_is",
    "percent_asked_not",
    "percent_unasked_is",
    "year_mismatch",
    "count_asked_amount",
    "points_asked_is",
    "points_asked_money",
    "money_asked_not",
    "part_unasked",
    "negated_asked",
    "names_missing",
    "prose",
    "statement",
)
# Of the best fact, for the confidence that it is the one asked for (when its period fits
# and its description names the metric asked: without either it is not answered at all).
CONFIDENCE_FEATURES = (
    "probability",
    "margin",
    "wide",
    "narrow",
    "names_missing",
)


@dataclass(frozen=True)
class Ranker:
    weights: np.ndarray
    confidence_weights: np.ndarray
    confidence_bias: float
    # The best fact is answered when its confidence reaches this.
    threshold: float
    fitted: dict[str, Any] = field(default_factory=dict)

    def score(self, features: np.ndarray) -> np.ndarray:
        """Per fact (rows of `features`, columns in FEATURES order), its score."""
        return features @ self.weights

    def confidence(self, features: dict[str, float]) -> float:
        """The probability that the best fact is right, from its CONFIDENCE_FEATURES."""
        z = self.confidence_bias + sum(
            weight * features[name] for name, weight in zip(CONFIDENCE_FEATURES, self.confidence_weights, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-z))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Ranker:
        weights = data["weights"]
        confidence = data["confidence"]["weights"]
        missing = [name for name in FEATURES if name not in weights] + [
            name for name in CONFIDENCE_FEATURES if name not in confidence
        ]
        if missing:
            raise ValueError(f"ranker weights lack {', '.join(missing)}")
        return cls(
            weights=np.array([float(weights[name]) for name in FEATURES]),
            confidence_weights=np.array([float(confidence[name]) for name in CONFIDENCE_FEATURES]),
            confidence_bias=float(data["confidence"]["bias"]),
            threshold=float(data["confidence"]["threshold"]),
            fitted=dict(data.get("fitted", {})),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "weights": {name: round(float(w), 6) for name, w in zip(FEATURES, self.weights, strict=True)},
            "confidence": {
                "weights": {
                    name: round(float(w), 6)
                    for name, w in zip(CONFIDENCE_FEATURES, self.confidence_weights, strict=True)
                },
                "bias": round(self.confidence_bias, 6),
                "threshold": round(self.threshold, 6),
            },
            "fitted": self.fitted,
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)


def load_ranker(path: Path | None = None) -> Ranker:
    """The ranker at `path`, else the bundled one."""
    chosen = path or DEFAULT_PATH
    try:
        return Ranker.from_json(json.loads(chosen.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"cannot read the figure ranker {chosen}: {error}") from error
