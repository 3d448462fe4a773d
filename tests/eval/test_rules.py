"""`python -m eval rules` counts what it says it counts, on a file written for it."""

from __future__ import annotations

from pathlib import Path

from eval.rules import count_rules

SOURCE = """
import re

WORDS = frozenset(["alpha", "beta", "gamma"])
FEATURES = ("dense", "narrow")
PATTERN = re.compile(r"\\\\b(up|down)\\\\b")
PAIRS = ((r"\\\\bratio of (?P<a>.+)", "/"),)


def f(text):
    return re.sub(r"\\\\s+", " ", text) + str(re.search(r"\\\\s+", text))
"""


def test_regexes_and_word_entries_are_counted_once_each(tmp_path: Path) -> None:
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "rules.py").write_text(SOURCE, encoding="utf-8")
    counts = count_rules(tmp_path, ("figures",))
    # three distinct patterns (r"\\s+" twice is one); four word entries: the three of
    # WORDS and the pair's operation "/", not the feature names or the compiled pattern
    assert counts == {"figures/rules.py": {"regexes": 3, "word_entries": 4}}
